"""Salary: pick the pay stated in a posting, then resolve currency, period and USD.

`extract_salary` is a pure function. It reads the board's pay line (`salary_text`) first and
the description only when the pay line states no pay. Text parsing lives in salary_parse.py;
this module holds the policy:

- What counts as pay. In the pay line almost any amount does (it is the board's salary
  field), except bare ungrouped numbers with no currency, period or "k" (ids, years). In the
  description an amount needs a currency marker AND a period word or a pay cue (salary,
  compensation, rate...): inventing a salary is worse than missing one. Amounts attached to
  bonus / commission / OTE / equity / funding never count.
- Currency. Markers give ISO codes (salary_currency.py). Ambiguous signs ($, ¥, kr, Rs, £,
  dinar, riyal...) are resolved from the location (Toronto -> CAD, Sydney -> AUD, Stockholm
  -> SEK). When nothing tells (no location, "Remote", an unknown place) the currency is
  null: the issue's rule, and the alerting service would rather have no currency than a
  wrong one. Two defaults, flagged `currency_default` and cheaper in confidence: a `$` or
  `Rs` in a known country outside the family means the international unit (a `$` in Chennai
  quotes USD), and `£` means GBP (the other pounds are written E£, LE, ج.م ...).
  Amounts with no marker at all keep currency null (we do not guess from the location: a
  Chennai posting paying USD 160,000 shows why).
- Period. From words; else from magnitude where that is safe (>= 15k USD-equivalent: a year;
  lakh / crore: a year, the Indian CTC convention; 8-120 USD-equivalent with a known currency:
  an hour), with lower confidence. Anything else has no knowable period and is dropped,
  because `Salary.period` is required.
- Sanity bounds per period in USD-equivalent: an hourly 160000 is a parse error, not pay.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Final, Literal

from stream.enrich.fx import FxRates
from stream.enrich.salary_currency import AMBIGUOUS, FAMILY_BY_COUNTRY, FAMILY_DEFAULT
from stream.enrich.salary_extras import WINDOW_AFTER, extras, gross_or_net
from stream.enrich.salary_parse import PayCandidate, find_pay
from stream.enrich.salary_places import LOCAL_CURRENCY, country_of
from stream.enrich.salary_vocab import COMMISSION_ONLY
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

MAX_DESCRIPTION_CHARS: Final = 200_000
"""Pay is stated near the top; past this, hostile or runaway text is not searched."""

# One-for-one replacements so spans found in the folded pay line are spans of the raw one.
_FOLD: Final = str.maketrans(
    {
        **dict.fromkeys("\u00a0\u2007\u2009\u202f\u2002\u2003\t", " "),
        **dict.fromkeys("\u2010\u2011\u2012\u2015", "-"),
        **{chr(0xFF10 + d): str(d) for d in range(10)},
        "\uff04": "$",
        "\uffe1": "£",
        "\uffe5": "¥",
    }
)
_COMMISSION_ONLY: Final = re.compile(COMMISSION_ONLY, re.IGNORECASE)
_COMMISSION_WINDOW: Final = 300
"""A description saying the pay is commission-based this close before a figure: no salary."""


@dataclass(frozen=True, slots=True)
class DroppedPay:
    """A figure that looked like pay but failed the sanity bounds (an hourly 160000)."""

    source: Source
    currency: str | None
    period: Period
    text: str


@dataclass(frozen=True, slots=True)
class SalaryResult:
    """What `extract_salary_result` found: the salary (or None) and what it dropped, so the
    caller can count drops in a metric without this module touching metrics."""

    salary: Salary | None
    dropped: tuple[DroppedPay, ...]


@dataclass(frozen=True, slots=True)
class _Context:
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


def _usd_equivalent(value: float, currency: str | None, ctx: _Context) -> float:
    if currency is None:
        return value
    converted = ctx.fx.to_usd(value, currency, ctx.on)
    return converted[0] if converted else value


def _period(cand: PayCandidate, currency: str | None, ctx: _Context) -> tuple[Period | None, float]:
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


def _is_pay(cand: PayCandidate, strict: bool) -> bool:
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


def _in_bounds(cand: PayCandidate, period: Period, currency: str | None, ctx: _Context) -> bool:
    lo_bound, hi_bound = SANITY_USD[period]
    # Raw figures of an unknown currency may be yen or rupees; a "$" or "kr" of unknown
    # country is one of a family of similar magnitude, so it gets no slack ("$1M" a year).
    if currency is None and cand.currency not in SIMILAR_MAGNITUDE:
        hi_bound *= UNKNOWN_CURRENCY_SLACK
    return all(
        lo_bound <= _usd_equivalent(value, currency, ctx) < hi_bound
        for value in (cand.low, cand.high)
        if value is not None
    )


def _build(cand: PayCandidate, text: str, ctx: _Context) -> tuple[Salary, int] | None:
    """A Salary and its selection score, or None when the candidate is not plausible pay.
    Figures out of the sanity bounds are dropped and recorded in `ctx.dropped`."""
    currency, currency_cost, defaulted = _currency(cand, ctx.country)
    period, period_cost = _period(cand, currency, ctx)
    if period is None:
        return None
    if not _in_bounds(cand, period, currency, ctx):
        ctx.dropped.append(DroppedPay(ctx.source, currency, period, text[cand.start : cand.end]))
        return None
    flags = ["period_inferred"] if cand.period is None else []
    flags += ["currency_default"] if defaulted else []
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
    cost = currency_cost + period_cost + (0.1 if cand.shorthand_low else 0.0)
    confidence = round(max(0.05, min(1.0, base - cost)), 2)
    window = text if ctx.source == "salary_text" else text[cand.start : cand.end + WINDOW_AFTER]
    salary = Salary(
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
        confidence=confidence,
        annualization_basis=f"{period}*{factor}",
        gross_or_net=gross_or_net(window),
        extras=extras(window),
        flags=flags,
    )
    # Prefer the most pay-like span: a range over a lone figure ("package valued to $72,969;
    # salary ($59,636 - $65,827)"), a stated currency and period over inferred ones.
    score = (
        2 * (cand.bound == "range")
        + 2 * (cand.marker is not None)
        + (cand.period is not None)
        + cand.cue
    )
    return salary, score


def _to_usd(
    value: float | None, currency: str | None, ctx: _Context
) -> tuple[float, dt.date] | None:
    if value is None or currency is None:
        return None
    return ctx.fx.to_usd(value, currency, ctx.on)


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _best(text: str, ctx: _Context) -> tuple[Salary, PayCandidate] | None:
    best: tuple[Salary, PayCandidate] | None = None
    best_score = -1
    for cand in find_pay(text, money_only=ctx.strict):
        if not _is_pay(cand, ctx.strict):
            continue
        if ctx.strict and _COMMISSION_ONLY.search(
            text, max(0, cand.start - _COMMISSION_WINDOW), cand.start
        ):
            continue
        built = _build(cand, text, ctx)
        if built is not None and built[1] > best_score:  # ties: the earliest wins
            best, best_score = (built[0], cand), built[1]
    return best


def extract_salary(
    salary_text: str | None,
    description: str,
    location: str | None,
    fx: FxRates,
    *,
    on: dt.date | None = None,
) -> Salary | None:
    """Pure function. Parse salary_text first; if it has no pay, search the description.
    None when no pay is stated. `on` (the posting date) picks the FX rate of that day;
    None uses the latest rate available."""
    return extract_salary_result(salary_text, description, location, fx, on=on).salary


def extract_salary_result(
    salary_text: str | None,
    description: str,
    location: str | None,
    fx: FxRates,
    *,
    on: dt.date | None = None,
) -> SalaryResult:
    """`extract_salary` plus the figures dropped by the sanity bounds, for a metric."""
    country = country_of(location)
    description = description[:MAX_DESCRIPTION_CHARS]
    dropped: list[DroppedPay] = []
    if salary_text and not _COMMISSION_ONLY.search(salary_text):
        folded = salary_text.translate(_FOLD)
        ctx = _Context(country, fx, on, "salary_text", dropped)
        found = _best(folded, ctx)
        if found is not None:
            salary, cand = found
            if cand.period is None and description:
                stated = _period_stated_for(cand, description)
                if stated is not None:
                    rebuilt = _build(replace(cand, period=stated), folded, ctx)
                    salary = rebuilt[0] if rebuilt is not None else salary
            # Folding is one-for-one, so the span of the folded line is the raw line's span.
            salary = salary.model_copy(update={"text": salary_text[cand.start : cand.end]})
            return SalaryResult(salary, tuple(dropped))
    found = _best(description, _Context(country, fx, on, "description", dropped))
    return SalaryResult(found[0] if found is not None else None, tuple(dropped))


def _period_stated_for(cand: PayCandidate, description: str) -> Period | None:
    """The pay line often omits the period that the description states for the same figures
    ("USD 160,000 – 220,000" vs "USD 160,000 – 220,000 (annual)"): then it is known."""
    for other in find_pay(description, money_only=True):
        if other.period is not None and (other.low, other.high) == (cand.low, cand.high):
            return other.period
    return None


__all__ = [
    "ANNUAL_FACTOR",
    "SANITY_USD",
    "DroppedPay",
    "SalaryResult",
    "country_of",
    "extract_salary",
    "extract_salary_result",
]
