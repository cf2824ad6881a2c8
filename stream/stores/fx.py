"""FX rates in Redis: publish a day's USD rates once, fetch them from every worker.

Keys (all under the caller's prefix, so tests and deployments never collide):
- `{prefix}:fx:{YYYY-MM-DD}` -> hash `currency -> "usd_per_unit|rate_date|source"`: the rate
  each currency had on that day (rate_date is the ECB fixing or supplement date actually
  used, which may be earlier than the day: weekends, holidays, the supplement's own date).
- `{prefix}:fx:meta` -> hash: `latest` (the newest day published), `supplement_date`,
  `published_at`.

Publishing is an operator action (`stream fx push`) or a start-up step; fetching is one
HGETALL per day. Pure data in, pure data out: the functions take a client and never decide
policy. Redis errors propagate (`redis.RedisError`): callers that must survive a dead Redis
(the worker) fall back to the bundled rates, which is always possible because the bundled
`FxRates` is the source of what is published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

from stream.enrich.fx import FxRates

Source = Literal["ecb", "supplement"]


class HashStore(Protocol):
    """The three Redis calls used here (redis.Redis satisfies it; tests may fake it)."""

    def hset(self, name: str, *, mapping: Mapping[Any, Any]) -> object: ...

    def hgetall(self, name: str) -> object: ...

    def expire(self, name: str, time: int) -> object: ...


@dataclass(frozen=True, slots=True)
class Rate:
    """USD per one unit of a currency, and the date and table it comes from."""

    usd_per_unit: float
    rate_date: dt.date
    source: Source


def day_key(prefix: str, day: dt.date) -> str:
    return f"{prefix}:fx:{day.isoformat()}"


def meta_key(prefix: str) -> str:
    return f"{prefix}:fx:meta"


def rates_on(fx: FxRates, day: dt.date | None) -> dict[str, Rate]:
    """Every currency `fx` can convert, with its rate on `day` (None: the latest)."""
    table: dict[str, Rate] = {}
    for currency in sorted(fx.currencies()):
        found = fx.to_usd(1.0, currency, day)
        source = fx.source(currency)
        if found is not None and source is not None:
            table[currency] = Rate(found[0], found[1], source)
    return table


def encode(rate: Rate) -> str:
    return f"{rate.usd_per_unit!r}|{rate.rate_date.isoformat()}|{rate.source}"


def decode(value: str) -> Rate:
    """Inverse of `encode`; ValueError on a malformed value."""
    usd, date, source = value.split("|")
    if source not in ("ecb", "supplement"):
        raise ValueError(f"unknown rate source {source!r}")
    return Rate(float(usd), dt.date.fromisoformat(date), cast(Source, source))


def publish(
    store: HashStore,
    prefix: str,
    day: dt.date,
    rates: Mapping[str, Rate],
    supplement_date: dt.date,
    ttl_s: int | None = None,
) -> int:
    """Write one day's rates and update the meta hash; returns how many currencies."""
    store.hset(day_key(prefix, day), mapping={c: encode(r) for c, r in rates.items()})
    if ttl_s is not None:
        store.expire(day_key(prefix, day), ttl_s)
    store.hset(
        meta_key(prefix),
        mapping={
            "latest": day.isoformat(),
            "supplement_date": supplement_date.isoformat(),
            "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    )
    return len(rates)


def fetch(store: HashStore, prefix: str, day: dt.date | None = None) -> dict[str, Rate] | None:
    """The rates published for `day` (None: the latest day published), or None when that
    day was never published. Malformed entries are skipped, not guessed."""
    if day is None:
        meta = _strings(store.hgetall(meta_key(prefix)))
        if "latest" not in meta:
            return None
        day = dt.date.fromisoformat(meta["latest"])
    raw = _strings(store.hgetall(day_key(prefix, day)))
    if not raw:
        return None
    table: dict[str, Rate] = {}
    for currency, value in raw.items():
        try:
            table[currency] = decode(value)
        except ValueError:
            continue
    return table


def _strings(reply: object) -> dict[str, str]:
    """HGETALL reply as str -> str, whether the client decodes responses or not."""
    if not isinstance(reply, dict):
        return {}
    return {_text(k): _text(v) for k, v in reply.items()}


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
