"""Salary policy per candidate: currency, period, sanity bounds, score; then the Salary.

salary.py finds the candidates and picks the winner; this module says whether one is
plausible pay (`is_pay`, `judge`) and builds the record (`build`): annualization with its
basis, dated USD conversion, flags, gross/net and what else is offered. The policy itself
is described in salary.py's docstring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

from stream.enrich.fx import FxRates
from stream.enrich.places import LOCAL_CURRENCY
from stream.enrich.salary.currency import AMBIGUOUS, FAMILY_BY_COUNTRY, FAMILY_DEFAULT
from stream.enrich.salary.extras import WINDOW_AFTER, extras, gross_or_net
from stream.enrich.salary.parse import PayCandidate
from stream.models import Period, Salary

Source = Literal["salary_text", "description"]

ANNUAL_FACTOR: Final[dict[str, int]] = {
    "hour": 2080,
    "day": 260,
    "week": 52,
    "month": 12,
    "year": 1,
}

# Plausible pay per period, in USD-equivalent (raw amount when the currency is unknown).
SANITY_USD: Final[dict[str, tuple[float, float]]] = {
    "hour": (1.0, 500.0),
    "day": (10.0, 5_000.0),
    "week": (40.0, 25_000.0),
    "month": (100.0, 150_000.0),
    "year": (1_000.0, 1_000_000.0),
}

DEFAULT_COST: Final[dict[str, float]] = {"$": 0.2, "Rs": 0.2, "£": 0.05}
"""Confidence cost of a family default: "$" and "Rs" are shared by many countries, while a
"£" outside Britain's neighbours (Egypt, Lebanon...) is rare and their pay lines say so."""

DEFAULT_NEEDS_COUNTRY: Final = frozenset(("$", "Rs"))

UNKNOWN_CURRENCY_SLACK: Final = 200.0
"""Upper sanity bounds stretch by this much when the currency is unknown (¥ without a place:
8,000,000 a year is plausible pay in yen)."""

SIMILAR_MAGNITUDE: Final = frozenset(("$", "kr", "£", "pound", "franc"))


@dataclass(frozen=True, slots=True)
class DroppedPay:
    """A figure that looked like pay but failed the sanity bounds (an hourly 160000)."""

    source: Source
    currency: str | None
    period: Period
    text: str


@dataclass(frozen=True, slots=True)
class Context:
    """What every candidate of one posting is judged with; `dropped` collects drops."""

    country: str | None
    fx: FxRates
    on: dt.date | None
    source: Source
    dropped: list[DroppedPay]

    @property
    def strict(self) -> bool:
        return self.source == "description"


def _currency(cand: PayCandidate, country: str | None) -> tuple[str | None, float, bool]:
    """ISO code, the confidence it costs, and whether a family default was assumed (see the
    module docstring for the policy)."""
    code = cand.currency
    if code is None:
        return None, 0.3, False
    if code not in AMBIGUOUS:
        return code, 0.0, False
    implied = 0.1 if cand.marker is None else 0.0  # lakh with no marker: rupee assumed
    resolved = FAMILY_BY_COUNTRY[code].get(country or "")
    if resolved:
        return resolved, 0.05 + implied, False
    default = FAMILY_DEFAULT.get(code)
    if default is None or (country is None and code in DEFAULT_NEEDS_COUNTRY):
        return None, 0.3 + implied, False
    return default, DEFAULT_COST[code] + implied, True


def _usd_equivalent(value: float, currency: str | None, ctx: Context) -> float:
    if currency is None:
        return value
    converted = ctx.fx.to_usd(value, currency, ctx.on)
    return converted[0] if converted else value


def _period(cand: PayCandidate, currency: str | None, ctx: Context) -> tuple[Period | None, float]:
    """Stated period, or one inferred from magnitude where safe, and its confidence cost.

    In a description a lone small figure is too often something else ("$35 per session",
    "40 USD per recording"); only a range ("Pay rate: $25 - $27") is read as hourly there.
    """
    if cand.period is not None:
        return cand.period, 0.0
    if cand.lakh_or_crore:
        return "year", 0.1
    reference = cand.high if cand.high is not None else cand.low
    if reference is None:
        return None, 0.0
    usd = _usd_equivalent(reference, currency, ctx)
    if usd >= 15_000:
        return "year", 0.1
    if currency is not None and 8 <= usd <= 120 and (not ctx.strict or cand.bound == "range"):
        return "hour", 0.3
    return None, 0.0


def is_pay(cand: PayCandidate, strict: bool) -> bool:
    if cand.excluded:
        return False
    money = cand.marker is not None or cand.lakh_or_crore
    top = cand.high if cand.high is not None else cand.low
    if not money and top is not None and top >= 1e6:
        return False  # "165 million members": millions with no currency are not pay
    if strict:
        return money and (cand.period is not None or cand.cue)
    shaped = cand.grouped or cand.multiplier or cand.bound == "range"
    return money or cand.period is not None or shaped


def _in_bounds(cand: PayCandidate, period: Period, currency: str | None, ctx: Context) -> bool:
    lo_bound, hi_bound = SANITY_USD[period]
    # Raw figures of an unknown currency (or one without a rate: riel, kip) may be yen or
    # rupees; a "$" or "kr" of unknown country is one of a family of similar magnitude, so
    # it gets no slack ("$1M" a year is not pay).
    unknown = currency is None or ctx.fx.to_usd(1.0, currency, ctx.on) is None
    if unknown and cand.currency not in SIMILAR_MAGNITUDE:
        hi_bound *= UNKNOWN_CURRENCY_SLACK
    return all(
        lo_bound <= _usd_equivalent(value, currency, ctx) < hi_bound
        for value in (cand.low, cand.high)
        if value is not None
    )


@dataclass(frozen=True, slots=True)
class Judged:
    """A candidate that is plausible pay, with what the Salary will be built from."""

    currency: str | None
    period: Period
    cost: float
    defaulted: bool
    score: int


def judge(cand: PayCandidate, text: str, ctx: Context) -> Judged | None:
    """Currency, period and selection score of a candidate, or None when it is not
    plausible pay. Figures out of the sanity bounds are dropped and recorded in
    `ctx.dropped`. Cheap: the Salary itself is built only for the winner."""
    currency, currency_cost, defaulted = _currency(cand, ctx.country)
    period, period_cost = _period(cand, currency, ctx)
    if period is None:
        return None
    if not _in_bounds(cand, period, currency, ctx):
        ctx.dropped.append(DroppedPay(ctx.source, currency, period, text[cand.start : cand.end]))
        return None
    cost = currency_cost + period_cost + (0.1 if cand.shorthand_low else 0.0)
    # Prefer the most pay-like span: a range over a lone figure ("package valued to $72,969;
    # salary ($59,636 - $65,827)"), a stated currency and period over inferred ones.
    score = (
        2 * (cand.bound == "range")
        + 2 * (cand.marker is not None)
        + (cand.period is not None)
        + cand.cue
    )
    return Judged(currency, period, cost, defaulted, score)


def build(cand: PayCandidate, judged: Judged, text: str, ctx: Context) -> Salary:
    """The Salary of a judged candidate: annualized, converted with the dated rate, flagged."""
    currency, period = judged.currency, judged.period
    flags = ["period_inferred"] if cand.period is None else []
    flags += ["currency_default"] if judged.defaulted else []
    local = LOCAL_CURRENCY.get(ctx.country or "")
    if currency is not None and local is not None and currency != local:
        flags.append("currency_location_mismatch")
    factor = ANNUAL_FACTOR[period]
    annual_min = cand.low * factor if cand.low is not None else None
    annual_max = cand.high * factor if cand.high is not None else None
    usd_min = _to_usd(annual_min, currency, ctx)
    usd_max = _to_usd(annual_max, currency, ctx)
    dated = usd_min or usd_max
    if currency is not None and dated is None:
        flags.append("fx_unavailable")
    elif dated is not None and ctx.fx.source(currency or "") == "supplement":
        flags.append("fx_supplement")
    base = 1.0 if ctx.source == "salary_text" else 0.85
    window = text if ctx.source == "salary_text" else text[cand.start : cand.end + WINDOW_AFTER]
    return Salary(
        min=cand.low,
        max=cand.high,
        currency=currency,
        period=period,
        annual_min=_round(annual_min),
        annual_max=_round(annual_max),
        annual_min_usd=_round(usd_min[0]) if usd_min else None,
        annual_max_usd=_round(usd_max[0]) if usd_max else None,
        fx_rate_date=dated[1] if dated else None,
        source=ctx.source,
        text=text[cand.start : cand.end],
        confidence=round(max(0.05, min(1.0, base - judged.cost)), 2),
        annualization_basis=f"{period}*{factor}",
        gross_or_net=gross_or_net(window),
        extras=extras(window),
        flags=flags,
    )


def _to_usd(
    value: float | None, currency: str | None, ctx: Context
) -> tuple[float, dt.date] | None:
    if value is None or currency is None:
        return None
    return ctx.fx.to_usd(value, currency, ctx.on)


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None
