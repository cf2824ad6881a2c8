"""FX rate encoding, FxRates.pin and source, and the `fx` CLI app; the store's own cases run on
both backends in tests/integration/test_store_contracts.py."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from stream.cli.fx import app
from stream.enrich.fx import FxRates
from stream.stores.fx import Rate, decode, encode, rates_on


@pytest.fixture(scope="module")
def fx() -> FxRates:
    return FxRates.bundled()


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
