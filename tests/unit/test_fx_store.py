"""fx_store with an in-memory hash store, FxRates.pin and source, and the `fx` CLI app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from typer.testing import CliRunner

from stream.cli.fx import app
from stream.enrich.fx import FxRates
from stream.stores.fx import Rate, decode, encode, fetch, publish, rates_on


class FakeStore:
    def __init__(self) -> None:
        self.hashes: dict[str, dict[str, str]] = {}
        self.ttls: dict[str, int] = {}

    def hset(self, name: str, *, mapping: Mapping[Any, Any]) -> int:
        self.hashes.setdefault(name, {}).update(mapping)
        return len(mapping)

    def hgetall(self, name: str) -> dict[str, str]:
        return dict(self.hashes.get(name, {}))

    def expire(self, name: str, time: int) -> bool:
        self.ttls[name] = time
        return True


@pytest.fixture(scope="module")
def fx() -> FxRates:
    return FxRates.bundled()


def test_round_trip_and_latest(fx: FxRates) -> None:
    store = FakeStore()
    day = dt.date(2023, 1, 6)
    rates = rates_on(fx, day)
    assert publish(store, "t", day, rates, dt.date(2025, 6, 30), ttl_s=60) == len(rates)
    assert fetch(store, "t", day) == rates
    assert fetch(store, "t") == rates
    assert fetch(store, "other") is None
    assert store.ttls == {"t:fx:2023-01-06": 60}


def test_malformed_entries_are_skipped(fx: FxRates) -> None:
    store = FakeStore()
    day = dt.date(2023, 1, 6)
    store.hset("t:fx:2023-01-06", mapping={"EUR": "1.07|2023-01-06|ecb", "XXX": "garbage"})
    assert fetch(store, "t", day) == {"EUR": Rate(1.07, day, "ecb")}


def test_encode_decode() -> None:
    rate = Rate(0.272294, dt.date(2025, 6, 30), "supplement")
    assert decode(encode(rate)) == rate
    with pytest.raises(ValueError, match="source"):
        decode("1.0|2025-06-30|guess")


def test_rates_on_a_weekend_use_the_previous_fixing(fx: FxRates) -> None:
    saturday = dt.date(2024, 3, 16)
    rates = rates_on(fx, saturday)
    assert rates["EUR"].rate_date == dt.date(2024, 3, 15)
    assert rates["AED"].source == "supplement"
    assert "XXX" not in rates


def test_pin_wins_over_bundled_rates() -> None:
    local = FxRates.bundled()
    day = dt.date(2024, 3, 15)
    local.pin(day, {"GBP": (2.0, day)})
    assert local.to_usd(10, "GBP", day) == (20.0, day)
    other = local.to_usd(10, "GBP", dt.date(2024, 3, 14))
    assert other is not None
    assert other[0] != 20.0


def test_source(fx: FxRates) -> None:
    assert fx.source("USD") == fx.source("EUR") == "ecb"
    assert fx.source("SAR") == "supplement"
    assert fx.source("RUB") == "supplement"  # ECB stopped RUB in 2022
    assert fx.source("XXX") is None


def test_cli_show_and_convert() -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["show", "--day", "2024-03-15", "EUR", "AED", "XXX"])
    assert shown.exit_code == 0, shown.output
    assert "2024-03-15\tecb" in shown.output
    assert "supplement" in shown.output
    assert "XXX\tunknown" in shown.output
    converted = runner.invoke(app, ["convert", "100", "eur", "--day", "2024-03-15"])
    assert converted.exit_code == 0
    assert "USD (rate of 2024-03-15)" in converted.output
    assert runner.invoke(app, ["convert", "1", "XXX"]).exit_code == 1
    assert runner.invoke(app, ["show", "--day", "someday"]).exit_code != 0
