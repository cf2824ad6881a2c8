"""`stream fx`: inspect, convert and publish the FX rates salary normalization uses.

- `show [CURRENCY...] [--day D] [--from-redis]`: rates (USD per unit), their date and table.
- `convert AMOUNT CURRENCY [--day D]`: one conversion, with the rate date used.
- `push [--day D] [--ttl-s N]`: publish a day's rates to Redis (fx_store.py) so workers
  can pin them; the rates come from the bundled ECB file and the dated supplement table.

Mount it in stream/cli/main.py with `app.add_typer(fx.app, name="fx")`; it also runs alone as
`python -m stream.cli.fx`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

# Commands import what they use when they run: `stream --help` must not load the FX
# tables, pydantic or redis (stream/cli/__init__.py).
if TYPE_CHECKING:
    import redis

    from stream.stores.fx import Rate

app = typer.Typer(
    rich_markup_mode=None, help="FX rates for salary normalization (ECB + dated supplement)."
)

Day = Annotated[
    str | None, typer.Option("--day", help="YYYY-MM-DD; default: the latest rates available.")
]


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise typer.BadParameter(f"not a date: {value!r}") from exc


def _redis() -> tuple[redis.Redis, str]:
    from stream.config import load_settings
    from stream.stores.client import redis_client

    settings = load_settings()
    client = redis_client(settings.redis, timeout_s=5.0, decode_responses=True)
    return client, settings.redis.key_prefix


def _print(rates: dict[str, Rate], currencies: list[str]) -> None:
    wanted = [c.upper() for c in currencies] or sorted(rates)
    for code in wanted:
        rate = rates.get(code)
        if rate is None:
            typer.echo(f"{code}\tunknown (no rate: never converted 1:1)")
            continue
        typer.echo(f"{code}\t{rate.usd_per_unit:.6g} USD\t{rate.rate_date}\t{rate.source}")


@app.command()
def show(
    currencies: Annotated[list[str] | None, typer.Argument(help="ISO codes; default all.")] = None,
    day: Day = None,
    from_redis: Annotated[bool, typer.Option(help="Read what was published to Redis.")] = False,
) -> None:
    """Print USD per unit, the rate date and its table (ecb or supplement)."""
    from stream.enrich.fx import FxRates
    from stream.stores.fx import fetch, rates_on

    when = _day(day)
    if from_redis:
        client, prefix = _redis()
        found = fetch(client, prefix, when)
        if found is None:
            typer.echo("no rates published for that day", err=True)
            raise typer.Exit(1)
        rates = found
    else:
        rates = rates_on(FxRates.bundled(), when)
    _print(rates, currencies or [])


@app.command()
def convert(
    amount: Annotated[float, typer.Argument()],
    currency: Annotated[str, typer.Argument(help="ISO 4217 code.")],
    day: Day = None,
) -> None:
    """Convert AMOUNT of CURRENCY to USD with the rate of --day."""
    from stream.enrich.fx import FxRates

    found = FxRates.bundled().to_usd(amount, currency.upper(), _day(day))
    if found is None:
        typer.echo(f"no rate for {currency.upper()}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{found[0]:.2f} USD (rate of {found[1]})")


@app.command()
def push(
    day: Day = None,
    ttl_s: Annotated[int | None, typer.Option(min=1, help="Expire the day's key.")] = None,
) -> None:
    """Publish one day's rates (default: the latest) to Redis for the workers."""
    from stream.enrich.fx import SUPPLEMENT_DATE, FxRates
    from stream.stores.fx import publish, rates_on

    fx = FxRates.bundled()
    when = _day(day)
    rates = rates_on(fx, when)
    stamp = when or max(r.rate_date for r in rates.values() if r.source == "ecb")
    client, prefix = _redis()
    count = publish(client, prefix, stamp, rates, SUPPLEMENT_DATE, ttl_s)
    typer.echo(f"published {count} rates for {stamp} under {prefix}:fx:")


if __name__ == "__main__":
    app()
