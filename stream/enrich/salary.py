"""Salary: pick the pay stated in a posting, then resolve currency, period and USD.

`extract_salary` is a pure function. It reads the board's pay line (`salary_text`) first and
the description only when the pay line states no pay. Text parsing lives in salary_parse.py;
this module holds the policy:

- What counts as pay. In the pay line almost any amount does (it is the board's salary
  field), except bare ungrouped numbers with no currency, period or "k" (ids, years). In the
  description an amount needs a currency marker AND a period word or a pay cue (salary,
  compensation, rate...): inventing a salary is worse than missing one. Amounts attached to
  bonus / commission / OTE / equity / funding never count.
- Currency. Markers give ISO codes. Ambiguous markers ($, ¥, kr, Rs) are resolved from the
  location (Toronto -> CAD, Sydney -> AUD, Austin, TX -> USD). Policy for a `$` the location
  cannot resolve (none given, "Remote", or a non-dollar country such as India): USD, with
  confidence lowered by 0.2. A `$` posting in a non-dollar country is almost always quoting
  USD, and dollar countries other than the US are caught by the location; the lowered
  confidence lets consumers filter. `¥` and `kr` stay null when the location does not decide.
  Amounts with no marker at all keep currency null (we do not guess from the location: a
  Chennai posting paying USD 160,000 shows why).
- Period. From words; else from magnitude where that is safe (>= 15k USD-equivalent: a year;
  lakh / crore: a year, the Indian CTC convention; 8-120 USD-equivalent with a known currency:
  an hour), with lower confidence. Anything else has no knowable period and is dropped,
  because `Salary.period` is required.
- Sanity bounds per period in USD-equivalent: an hourly 160000 is a parse error, not pay.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Final, Literal

from stream.enrich.fx import FxRates
from stream.enrich.salary_parse import AMBIGUOUS, PayCandidate, find_pay
from stream.enrich.salary_vocab import (
    AU_STATES,
    CA_PROVINCES,
    COUNTRY_NAMES,
    FAMILY_BY_COUNTRY,
    FAMILY_DEFAULT,
    PLACES,
    US_STATES,
)
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

UNKNOWN_CURRENCY_SLACK: Final = 200.0
"""Upper sanity bounds stretch by this much when the currency is unknown (¥ without a place:
8,000,000 a year is plausible pay in yen)."""

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
_COMMISSION_ONLY: Final = re.compile(r"commission[- ]only|only commission", re.IGNORECASE)
_PLACE_TOKEN: Final = re.compile(r"[^\W\d_]{1,40}(?:\.[^\W\d_]{1,3}\.?)?", re.UNICODE)
_CODE_AFTER_COMMA: Final = re.compile(r",[ \t]?([A-Z]{2,3})\b")
_COUNTRY_TOKENS: Final = {"US": "US", "USA": "US", "UK": "GB", "UAE": "AE", "NZ": "NZ"}


def country_of(location: str | None) -> str | None:
    """ISO 3166 country of a free-text location, or None; only as precise as currency needs.

    A country name wins (the last one: "Toronto, Ontario, Canada"), then a state or province
    code after a comma ("Vancouver, WA", "London, ON"), then a city or region name, then a
    code without a comma ("Sydney NSW").
    """
    if not location:
        return None
    words = _PLACE_TOKEN.findall(location[:300])
    lower = [w.lower() for w in words]
    grams = [" ".join(lower[i : i + n]) for n in (1, 2, 3) for i in range(len(lower) - n + 1)]
    countries = [COUNTRY_NAMES[g] for g in grams if g in COUNTRY_NAMES]
    if countries:
        return countries[-1]
    after_comma = {m.group(1) for m in _CODE_AFTER_COMMA.finditer(location[:300])}
    coded = [_code_country(w) for w in reversed(words) if w in after_comma]
    places = [PLACES[g] for g in grams if g in PLACES]
    bare = [_code_country(w) for w in reversed(words)] if len(words) > 1 else []
    for country in (*coded, *reversed(places), *bare):
        if country:
            return country
    return None


def _code_country(word: str) -> str | None:
    if word in _COUNTRY_TOKENS:
        return _COUNTRY_TOKENS[word]
    if word in AU_STATES:
        return "AU"
    if word in CA_PROVINCES:
        return "CA"
    return "US" if word in US_STATES else None


def _currency(cand: PayCandidate, country: str | None) -> tuple[str | None, float]:
    """ISO code and the confidence it costs (see the module docstring for the policy)."""
    code = cand.currency
    if code is None:
        return None, 0.3
    if code not in AMBIGUOUS:
        return code, 0.0
    implied = 0.1 if cand.marker is None else 0.0  # lakh with no marker: rupee assumed
    resolved = FAMILY_BY_COUNTRY[code].get(country or "")
    if resolved:
        return resolved, 0.05 + implied
    default = FAMILY_DEFAULT.get(code)
    return default, (0.2 if default else 0.3) + implied


def _usd_equivalent(value: float, currency: str | None, fx: FxRates) -> float:
    if currency is None:
        return value
    converted = fx.to_usd(value, currency)
    return converted[0] if converted else value


def _period(
    cand: PayCandidate, currency: str | None, fx: FxRates, strict: bool
) -> tuple[Period | None, float]:
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
    usd = _usd_equivalent(reference, currency, fx)
    if usd >= 15_000:
        return "year", 0.1
    if currency is not None and 8 <= usd <= 120 and (not strict or cand.bound == "range"):
        return "hour", 0.3
    return None, 0.0


def _is_pay(cand: PayCandidate, strict: bool) -> bool:
    if cand.excluded:
        return False
    money = cand.marker is not None or cand.lakh_or_crore
    if strict:
        return money and (cand.period is not None or cand.cue)
    shaped = cand.grouped or cand.multiplier or cand.bound == "range"
    return money or cand.period is not None or shaped


def _build(
    cand: PayCandidate, text: str, source: Source, country: str | None, fx: FxRates
) -> tuple[Salary, int] | None:
    """A Salary and its selection score, or None when the candidate is not plausible pay."""
    currency, currency_cost = _currency(cand, country)
    period, period_cost = _period(cand, currency, fx, source == "description")
    if period is None:
        return None
    lo_bound, hi_bound = SANITY_USD[period]
    if currency is None:  # raw figures of an unknown currency may be yen or rupees
        hi_bound *= UNKNOWN_CURRENCY_SLACK
    for value in (cand.low, cand.high):
        if value is not None and not lo_bound <= _usd_equivalent(value, currency, fx) < hi_bound:
            return None
    factor = ANNUAL_FACTOR[period]
    annual_min = cand.low * factor if cand.low is not None else None
    annual_max = cand.high * factor if cand.high is not None else None
    usd_min = fx.to_usd(annual_min, currency) if currency and annual_min is not None else None
    usd_max = fx.to_usd(annual_max, currency) if currency and annual_max is not None else None
    dated = usd_min or usd_max
    base = 1.0 if source == "salary_text" else 0.85
    cost = currency_cost + period_cost + (0.1 if cand.shorthand_low else 0.0)
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
        source=source,
        text=text[cand.start : cand.end],
        confidence=round(max(0.05, min(1.0, base - cost)), 2),
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


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _best(
    text: str, source: Source, country: str | None, fx: FxRates, strict: bool
) -> tuple[Salary, PayCandidate] | None:
    best: tuple[Salary, PayCandidate] | None = None
    best_score = -1
    for cand in find_pay(text, money_only=strict):
        if not _is_pay(cand, strict):
            continue
        built = _build(cand, text, source, country, fx)
        if built is not None and built[1] > best_score:  # ties: the earliest wins
            best, best_score = (built[0], cand), built[1]
    return best


def extract_salary(
    salary_text: str | None, description: str, location: str | None, fx: FxRates
) -> Salary | None:
    """Pure function. Parse salary_text first; if it has no pay, search the description.
    None when no pay is stated."""
    country = country_of(location)
    description = description[:MAX_DESCRIPTION_CHARS]
    if salary_text and not _COMMISSION_ONLY.search(salary_text):
        folded = salary_text.translate(_FOLD)
        found = _best(folded, "salary_text", country, fx, strict=False)
        if found is not None:
            salary, cand = found
            if cand.period is None and description:
                stated = _period_stated_for(cand, description)
                if stated is not None:
                    rebuilt = _build(
                        replace(cand, period=stated), folded, "salary_text", country, fx
                    )
                    salary = rebuilt[0] if rebuilt is not None else salary
            # Folding is one-for-one, so the span of the folded line is the raw line's span.
            return salary.model_copy(update={"text": salary_text[cand.start : cand.end]})
    found = _best(description, "description", country, fx, strict=True)
    return found[0] if found is not None else None


def _period_stated_for(cand: PayCandidate, description: str) -> Period | None:
    """The pay line often omits the period that the description states for the same figures
    ("USD 160,000 – 220,000" vs "USD 160,000 – 220,000 (annual)"): then it is known."""
    for other in find_pay(description, money_only=True):
        if other.period is not None and (other.low, other.high) == (cand.low, cand.high):
            return other.period
    return None
