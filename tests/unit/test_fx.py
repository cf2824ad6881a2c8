"""FxRates: dated USD conversion from bundled ECB rates plus the supplement, offline."""

from __future__ import annotations

import datetime as dt

import pytest
from currency_converter import currency_converter as cc_module

from stream.enrich.fx import SUPPLEMENT_DATE, SUPPLEMENT_PER_USD, FxRates


@pytest.fixture(scope="module")
def fx() -> FxRates:
    return FxRates.bundled()


def test_bundled_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("FxRates.bundled() tried to download rates")

    monkeypatch.setattr(cc_module, "urlopen", no_network)
    rates = FxRates.bundled()
    assert rates.to_usd(1.0, "EUR") is not None


def test_usd_is_identity_dated_latest(fx: FxRates) -> None:
    amount, date = fx.to_usd(123.0, "USD") or (None, None)
    assert amount == 123.0
    eur = fx.to_usd(1.0, "EUR")
    assert eur is not None
    assert date == eur[1]  # the latest ECB fixing date


def test_known_ecb_fixing(fx: FxRates) -> None:
    # ECB reference rate on 2014-03-28: 1 EUR = 1.3759 USD.
    got = fx.to_usd(100.0, "EUR", dt.date(2014, 3, 28))
    assert got is not None
    assert got[0] == pytest.approx(137.59, abs=0.01)
    assert got[1] == dt.date(2014, 3, 28)


def test_cross_rate_through_eur(fx: FxRates) -> None:
    gbp = fx.to_usd(1.0, "GBP", dt.date(2014, 3, 28))
    assert gbp is not None
    assert 1.5 < gbp[0] < 1.8  # GBP/USD was about 1.66 then


def test_weekend_uses_previous_fixing(fx: FxRates) -> None:
    saturday = dt.date(2014, 3, 29)
    got = fx.to_usd(100.0, "EUR", saturday)
    assert got is not None
    assert got[1] == dt.date(2014, 3, 28)


def test_date_after_the_file_uses_the_last_fixing(fx: FxRates) -> None:
    latest = fx.to_usd(1.0, "EUR")
    future = fx.to_usd(1.0, "EUR", dt.date(2100, 1, 1))
    assert latest is not None
    assert future == latest


def test_datetime_is_accepted(fx: FxRates) -> None:
    by_date = fx.to_usd(1.0, "EUR", dt.date(2014, 3, 28))
    by_datetime = fx.to_usd(1.0, "EUR", dt.datetime(2014, 3, 28, 15, 30, tzinfo=dt.UTC))
    assert by_date == by_datetime


@pytest.mark.parametrize("currency", ["XYZ", "", "usd", "BTC"])
def test_unknown_currency_is_none_never_one_to_one(fx: FxRates, currency: str) -> None:
    assert fx.to_usd(100.0, currency) is None


@pytest.mark.parametrize("currency", sorted(SUPPLEMENT_PER_USD))
def test_supplement_currencies_are_dated_with_the_table_date(fx: FxRates, currency: str) -> None:
    got = fx.to_usd(SUPPLEMENT_PER_USD[currency], currency)
    assert got is not None
    assert got[0] == pytest.approx(1.0)
    assert got[1] == SUPPLEMENT_DATE


def test_pegged_gulf_currencies(fx: FxRates) -> None:
    aed = fx.to_usd(3672.5, "AED")
    sar = fx.to_usd(375.0, "SAR")
    assert aed is not None
    assert sar is not None
    assert aed[0] == pytest.approx(1000.0)
    assert sar[0] == pytest.approx(100.0)


def test_stale_ecb_currency_prefers_newer_supplement(fx: FxRates) -> None:
    # ECB stopped publishing RUB on 2022-03-01; the supplement is newer.
    rub = fx.to_usd(1.0, "RUB")
    assert rub is not None
    assert rub[1] == SUPPLEMENT_DATE


def test_ecb_currency_not_in_supplement_still_converts(fx: FxRates) -> None:
    for code in ("INR", "JPY", "CHF", "SGD", "BRL", "CAD", "AUD"):
        got = fx.to_usd(1000.0, code)
        assert got is not None, code
        assert got[0] > 0


def test_currencies_lists_both_sources(fx: FxRates) -> None:
    codes = fx.currencies()
    assert {"USD", "EUR", "GBP", "INR", "AED", "PKR", "NGN", "EGP", "VND"} <= codes
