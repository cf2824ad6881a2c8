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
from typing import Final

from stream_native import MoneyGate

from stream.enrich.fx import FxRates
from stream.enrich.places import country_of
from stream.enrich.salary.amounts import MAX_AMOUNTS, MULTIPLIER_WORDS, key_gate, may_match
from stream.enrich.salary.currency import MARKERS, MARKERS_BEFORE
from stream.enrich.salary.judge import (
    ANNUAL_FACTOR,
    SANITY_USD,
    Context,
    DroppedPay,
    Judged,
    build,
    is_pay,
    judge,
)
from stream.enrich.salary.parse import (
    MONEY_WINDOW_GAP,
    MONEY_WINDOW_REACH,
    PayCandidate,
    find_pay,
)
from stream.enrich.salary.vocab import COMMISSION_ONLY, COMMISSION_ONLY_KEYS
from stream.models import Period, Salary

MAX_PAY_LINE_CHARS: Final = 1_000
"""A board's pay line is a few dozen characters; past this it is a blurb or hostile text."""

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
_COMMISSION_GATE: Final = key_gate(COMMISSION_ONLY_KEYS)
_COMMISSION_WINDOW: Final = 300
"""A description saying the pay is commission-based this close before a figure: no salary."""
_MONEY_GATE: Final = MoneyGate(list(MARKERS), list(MARKERS_BEFORE), list(MULTIPLIER_WORDS))
"""Most descriptions state no pay (80% of the LinkedIn sample). A description's candidates
need a currency marker or a lakh / crore attached to a number, and this compiled test
(native/src/money.rs, reading the str's own storage: no UTF-8 copy of the description) says
in a few µs (~4 median on the LinkedIn sample) when no number has one, before ~60 µs of
parsing; when some have one, it says where, so that only the text around them is parsed."""

Windows = list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class SalaryResult:
    """What `extract_salary_result` found: the salary (or None) and what it dropped, so the
    caller can count drops in a metric without this module touching metrics."""

    salary: Salary | None
    dropped: tuple[DroppedPay, ...]


# Most descriptions state no pay: one shared (frozen) result for them, not one each.
_NOTHING: Final = SalaryResult(None, ())


def _best(
    text: str, ctx: Context, windows: Windows | None = None
) -> tuple[Salary, PayCandidate] | None:
    best: tuple[PayCandidate, Judged] | None = None
    for cand in find_pay(text, money_only=ctx.strict, windows=windows):
        if not is_pay(cand, ctx.strict):
            continue
        if ctx.strict and _commission_only(
            text, max(0, cand.start - _COMMISSION_WINDOW), cand.start
        ):
            continue
        judged = judge(cand, text, ctx)
        if judged is not None and (best is None or judged.score > best[1].score):
            best = (cand, judged)  # ties: the earliest wins
    return (build(best[0], best[1], text, ctx), best[0]) if best is not None else None


def _commission_only(text: str, pos: int, endpos: int) -> bool:
    # The 300 characters before each figure: the literal gate first.
    return may_match(_COMMISSION_GATE, text, pos, endpos) and bool(
        _COMMISSION_ONLY.search(text, pos, endpos)
    )


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
    description = description[:MAX_DESCRIPTION_CHARS]
    windows = _MONEY_GATE.money_windows(
        description, MONEY_WINDOW_REACH, MONEY_WINDOW_GAP, MAX_AMOUNTS
    )
    money_in_description = bool(windows)
    if not money_in_description and not salary_text:
        return _NOTHING
    country = country_of(location)
    dropped: list[DroppedPay] = []
    if salary_text and not _COMMISSION_ONLY.search(salary_text):
        folded = salary_text[:MAX_PAY_LINE_CHARS].translate(_FOLD)
        ctx = Context(country, fx, on, "salary_text", dropped)
        found = _best(folded, ctx)
        if found is not None:
            salary, cand = found
            if cand.period is None and money_in_description:
                stated = _period_stated_for(cand, description, windows)
                if stated is not None:
                    restated = replace(cand, period=stated)
                    judged = judge(restated, folded, ctx)
                    if judged is not None:
                        salary = build(restated, judged, folded, ctx)
            # Folding is one-for-one, so the span of the folded line is the raw line's span.
            salary = salary.model_copy(update={"text": salary_text[cand.start : cand.end]})
            return SalaryResult(salary, tuple(dropped))
    if not money_in_description:
        return SalaryResult(None, tuple(dropped))
    found = _best(description, Context(country, fx, on, "description", dropped), windows)
    return SalaryResult(found[0] if found is not None else None, tuple(dropped))


def _period_stated_for(cand: PayCandidate, description: str, windows: Windows) -> Period | None:
    """The pay line often omits the period that the description states for the same figures
    ("USD 160,000 – 220,000" vs "USD 160,000 – 220,000 (annual)"): then it is known."""
    for other in find_pay(description, money_only=True, windows=windows):
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
