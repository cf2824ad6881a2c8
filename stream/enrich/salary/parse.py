"""Pure text -> money facts: amounts, currency markers, ranges, pay periods, cues.

This module only reads text; it does not decide what counts as a salary (salary.py does,
with the location and FX rates at hand). It reports, for every money-like span:
the amounts (separators and k / M / lakh / crore resolved), the currency marker as written
and what it means (an ISO code, or an ambiguous family such as "$" that needs a location),
a stated pay period, whether it is "up to" / "from", and the words around it that are
evidence of pay (salary, compensation) or of something else (bonus, equity, funding).

Every pattern is linear-time on hostile input: no nested unbounded quantifiers, bounded
repetitions, and the context windows are fixed-size slices, so each amount costs O(1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from stream.enrich.salary.amounts import (
    AMOUNT_HEAD,
    AMOUNT_TAIL,
    PERIOD_RE,
    Amount,
    currency_marker,
    find_amounts,
    key_gate,
    may_match,
    parse_amount,
    search_period,
)
from stream.enrich.salary.currency import AMBIGUOUS
from stream.enrich.salary.vocab import (
    CUE,
    CUE_KEYS,
    EXCLUDE,
    EXCLUDE_KEYS,
    FROM_BEFORE,
    HYPOTHETICAL,
    UP_TO_BEFORE,
)
from stream.models import Period

Bound = Literal["exact", "range", "up_to", "from"]

# "High $70,000s to Mid $80,000s": a low / mid / high qualifier may precede the upper figure.
_CONNECTOR = re.compile(
    r"[ \t]{0,3}(?:[-–—−~_]{1,2}|to|and|till|through|thru|bis|à|a|до|tot|til|do)[ \t]{0,3}"
    r"(?:(?:low|mid|high|upper)[- \t]{1,2})?",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(HYPOTHETICAL, re.IGNORECASE)
_AND_UP = re.compile(
    r"[ \t]{0,2}(?:and[ \t]up|and[ \t]above|or[ \t]more|or[ \t]higher|und[ \t]mehr"
    r"|et[ \t]plus|o[ \t]más|ou[ \t]mais)(?![a-z])",
    re.IGNORECASE,
)
_LAKH_CRORE: Final = (1e5, 1e7)  # multipliers of South Asian numbering only

MAX_RANGE_GAP: Final = 24
"""At most this many characters between the two ends of a range ("$25/hr - $30/hr")."""
MONEY_WINDOW_GAP: Final = AMOUNT_HEAD + MAX_RANGE_GAP + AMOUNT_TAIL + 1
"""Digit-free characters around each of `find_pay`'s windows: amounts on either side of
that many are more than MAX_RANGE_GAP apart (an amount's span reaches AMOUNT_HEAD before
its number and AMOUNT_TAIL after it), so no range joins them."""
MONEY_WINDOW_REACH: Final = AMOUNT_HEAD + AMOUNT_TAIL
"""A number with a marker attached starts within this many characters of the marker (after
it, at most AMOUNT_HEAD; before it, its last digit at most AMOUNT_TAIL)."""

MAX_CANDIDATES: Final = 256
"""Context work per candidate costs tens of microseconds (the period patterns are large):
a text with more money figures than this is a price list or hostile, and pay is stated
near the top, so the rest is not read."""
# "$100,000+" and "$150k+ DOE" mean "from"; "$110k + bonus" and "$35/h +Super" add to pay.
_PLUS_AFTER = re.compile(
    rf"\+(?![ \t]{{0,3}}(?:{EXCLUDE}|(?i:super|benefits|package|car|allowances?)))"
    r"|[ \t]\+(?![ \t]{0,3}[A-Za-z])",
    re.IGNORECASE,
)
_UP_TO = re.compile(rf"(?:{UP_TO_BEFORE})[ \t:]{{0,3}}\Z", re.IGNORECASE)
_FROM = re.compile(rf"(?:{FROM_BEFORE})[ \t:]{{0,3}}\Z", re.IGNORECASE)
QUALIFIER_MAX_CHARS: Final = 16
"""The longest match of _UP_TO and _FROM (a test keeps it in step): both end at the clause's
end, so a search need not try the positions before its last 16 characters."""
_SPAN_GAP = re.compile(
    r"[ \t/(]{0,4}"
    r"(?:(?i:brutto|gross|netto|net|base|brut[oa]?s?|net[oa]s?|l[ií]quid[oa]s?)[ \t/]{0,3})?"
)
_BETWEEN = re.compile(r"between[ \t]{1,3}\Z", re.IGNORECASE)
_CUE = re.compile(CUE, re.IGNORECASE)
_EXCLUDE = re.compile(EXCLUDE, re.IGNORECASE)
# Both cost ~10 µs over a clause in Python's re (dozens of branches tried at every
# position); their literal gates ~1 µs, and most clauses have no key.
_CUE_GATE: Final = key_gate(CUE_KEYS)
_CUE_KEY_AT: Final = re.compile(f"(?={_CUE_GATE.pattern})")
_EXCLUDE_GATE: Final = key_gate(EXCLUDE_KEYS)
# Context windows stop at these, so words from a neighbouring clause do not leak in.
_BEFORE_STOP = re.compile(r"[\d\n]|[.;!?](?=\s|\Z)")
_AFTER_STOP = re.compile(r"\d|\n|(?<![Pp]r)[.;!?](?:\s|\Z)")  # "pr. måned" goes on
_EXCLUDE_AFTER_STOP = re.compile(
    r"\d|\n|[+,;(]|(?i:\b(?:plus|with|and|incl\w{0,7}|excl\w{0,7}|not|without|zzgl|zuzüglich"
    r"|und|sowie|inkl\w{0,6}|et|avec|y|más|mais|com|e|con|oraz|i|и|та)\b)"
)


@dataclass(frozen=True, slots=True)
class PayCandidate:
    """An amount or a range with its context; salary.py decides whether it is pay."""

    low: float | None
    high: float | None
    bound: Bound
    currency: str | None
    marker: str | None
    period: Period | None
    start: int
    end: int
    cue: bool  # salary / pay / compensation / rate ... nearby
    excluded: bool  # bonus / commission / equity / funding ... attached to it
    lakh_or_crore: bool
    shorthand_low: bool  # "$140 - $160000": the low end was read as 140k
    grouped: bool
    multiplier: bool


def _period_after(text: str, pos: int) -> tuple[Period | None, int]:
    stop = _AFTER_STOP.search(text, pos, pos + 40)
    endpos = stop.start() if stop else min(len(text), pos + 40)
    # `search_period` tries only the positions near a period key: ~1 µs each.
    m = search_period(text, pos, endpos)
    if m is None or m.lastgroup is None:
        return None, pos
    period = _as_period(m.lastgroup)
    # The span grows to include the period word when only spacing, a slash, an opening
    # bracket or a gross/net word separates them ("€60.000 brutto/Jahr", "220,000 (annual)").
    gap = _SPAN_GAP.fullmatch(text, pos, m.start())
    if gap is None:
        return period, pos
    end = m.end()
    if "(" in gap.group() and text[end : end + 1] == ")":
        end += 1
    return period, end


def _window_before(text: str, pos: int, size: int = 80) -> str:
    """The clause just before `pos`: at most `size` characters, cut after the last digit,
    newline or sentence end, so "4 days per week. Pay $20" does not read as weekly pay."""
    window = text[max(0, pos - size) : pos]
    cut = 0
    for m in _BEFORE_STOP.finditer(window):
        cut = m.end()
    return window[cut:]


def _range_gap(text: str, low: Amount, high: Amount) -> tuple[bool, Period | None]:
    """Does the gap join two amounts into a range ("-", "to", "$25/hr - $30/hr")? Also
    returns the period stated inside the gap."""
    if high.start - low.end > MAX_RANGE_GAP:
        return False, None
    pos, period = low.end, None
    m = PERIOD_RE.match(text, pos + (text[pos : pos + 1] == " "), high.start)
    if m is not None and m.lastgroup is not None:
        period, pos = _as_period(m.lastgroup), m.end()
    conn = _CONNECTOR.match(text, pos, high.start)
    if conn is None or conn.end() != high.start:
        return False, None
    if conn.group().strip().lower() == "and" and not _BETWEEN.search(text, 0, low.start):
        return False, None  # "$50k and $20k bonus" is two amounts, "between X and Y" a range
    return True, period


def _as_period(name: str) -> Period:
    # The named groups of _PERIOD are exactly the Period literals.
    return name  # type: ignore[return-value]


def _pair(low: Amount, high: Amount) -> tuple[float, float, bool] | None:
    """Resolve shorthand ("$70-80k", "$140 - $160000") and check the pair is a range."""
    lo, shorthand = low.value, False
    if low.multiplier is None and high.multiplier is not None and low.raw <= high.raw:
        lo = low.raw * high.multiplier
    elif high.value / 10 <= lo * 1000 <= high.value and lo < high.value / 100:
        lo, shorthand = lo * 1000, True
    if _clash(low.currency, high.currency) or lo > high.value:
        return None
    if lo and high.value > 20 * lo:
        return None
    return lo, high.value, shorthand


def _clash(a: str | None, b: str | None) -> bool:
    """Two different currencies: "MXN $25,000 - $30,000" is one (the sign is the family)."""
    return bool(a and b and a != b and a not in AMBIGUOUS and b not in AMBIGUOUS)


def _pick(a: str | None, b: str | None) -> str | None:
    """The more specific currency of a range's two ends ("$25,000 - 30,000 MXN" is MXN)."""
    return b if b is not None and (a is None or (a in AMBIGUOUS and b not in AMBIGUOUS)) else a


def _period_before(clause: str) -> Period | None:
    """ "Hourly rate of $46.75", "Annual salary: $90k": the last period word of the clause."""
    # As `PERIOD_RE.finditer(clause)`'s last match (matches are never empty), without the
    # ~80 µs the pattern takes to try every position of the clause.
    last, m = None, search_period(clause)
    while m is not None:
        last, m = m, search_period(clause, m.end())
    return _as_period(last.lastgroup) if last is not None and last.lastgroup else None


def _is_money(amount: Amount | None) -> bool:
    return amount is not None and (amount.marker is not None or amount.multiplier in _LAKH_CRORE)


def _has_cue(text: str, pos: int, endpos: int) -> bool:
    """`_CUE.search(text, pos, endpos) is not None`. In ASCII text every match starts with
    one of CUE_KEYS (a test reads the pattern's whole language), so the pattern is tried
    only where a key starts, not at each of the ~80 positions (~10 µs)."""
    window = text[pos:endpos]
    if not window.isascii():
        return _CUE.search(text, pos, endpos) is not None
    return any(
        _CUE.match(text, pos + key.start(), endpos) is not None
        for key in _CUE_KEY_AT.finditer(window.lower())
    )


def _excluded_before(clause: str) -> bool:
    """ "Sign-on bonus: $5k" is not pay; "OTE $180k, Base: $90k" is: a pay cue after the
    exclusion word takes the amount back."""
    if not may_match(_EXCLUDE_GATE, clause):
        return False
    excluded = [m.end() for m in _EXCLUDE.finditer(clause)]
    if not excluded:
        return False
    cues = [m.end() for m in _CUE.finditer(clause)]
    return not cues or cues[-1] < excluded[-1]


def _excluded_after(tail: str) -> bool:
    """ "$5,000 signing bonus", "$120k OTE"; but "... $115k Commission: $90k" labels the
    next figure, not this one."""
    if not may_match(_EXCLUDE_GATE, tail):
        return False
    return any(not tail[m.end() :].lstrip().startswith(":") for m in _EXCLUDE.finditer(tail))


def find_pay(
    text: str, money_only: bool = False, *, windows: Sequence[tuple[int, int]] | None = None
) -> list[PayCandidate]:
    """Every amount or range in `text` with its context, in order of appearance.

    `money_only` skips candidates with no currency marker and no lakh / crore (they cannot
    be pay in a description), which saves the context work on most numbers.

    `windows` (with `money_only` only) are the only stretches of the text to look for
    amounts in, as `MoneyGate.money_windows(text, MONEY_WINDOW_REACH, MONEY_WINDOW_GAP,
    MAX_AMOUNTS)` gives them: every amount with a marker or a lakh / crore starts inside
    one, and MONEY_WINDOW_GAP digit-free characters border each, so no range crosses an
    edge. The candidates are then exactly those of the whole text (the amounts outside are
    not money and join no range with money), for the cost of parsing the numbers near a
    marker only: most numbers in a description are years, counts and phone numbers.
    """
    if windows is not None and not money_only:
        raise ValueError("windows leave out amounts with no marker: money_only only")
    amounts = find_amounts(text, windows)
    out: list[PayCandidate] = []
    i = 0
    while i < len(amounts) and len(out) < MAX_CANDIDATES:
        low = amounts[i]
        high = amounts[i + 1] if i + 1 < len(amounts) else None
        joined, gap_period = _range_gap(text, low, high) if high is not None else (False, None)
        pair = _pair(low, high) if high is not None and joined else None
        if money_only and not _is_money(low) and (pair is None or not _is_money(high)):
            i += 1
            continue
        clause = _window_before(text, low.start)
        lo: float | None
        hi: float | None
        start = low.start
        if pair is not None and high is not None:
            lo, hi, shorthand = pair
            bound: Bound = "range" if lo else "up_to"
            lo = lo or None  # "$0 - $650": a zero floor is no floor
            last, i = high, i + 2
        else:
            lo, hi, bound, shorthand, last, i = low.value, low.value, "exact", False, low, i + 1
            qualifier_from = max(0, len(clause) - QUALIFIER_MAX_CHARS)
            qualifier = _UP_TO.search(clause, qualifier_from)
            if qualifier is not None:
                lo, bound = None, "up_to"
            else:
                qualifier = _FROM.search(clause, qualifier_from)
                if qualifier is not None or _PLUS_AFTER.match(text, low.end):
                    hi, bound = None, "from"
            if qualifier is not None:  # the span includes "up to" / "from"
                start = low.start - len(clause) + qualifier.start()
        plus = text[last.end : last.end + 1] == "+"
        end = last.end + (1 if plus and bound != "exact" else 0)  # "$100,000+" is in the span
        after_period, period_end = _period_after(text, last.end + plus)
        period = low.period or last.period or gap_period or after_period
        period = period or _period_before(clause)
        end = max(end, period_end) if after_period else end
        if bound == "exact" and _AND_UP.match(text, end):
            hi, bound = None, "from"  # "$160.00 per hour and up"
        stop = _EXCLUDE_AFTER_STOP.search(text, end, end + 30)
        tail = text[end : stop.start() if stop else end + 30]
        lakh = last.multiplier in _LAKH_CRORE
        out.append(
            PayCandidate(
                low=lo,
                high=hi,
                bound=bound,
                # Lakh and crore are South Asian: the rupee family, resolved by location later.
                currency=_pick(low.currency, last.currency) or ("Rs" if lakh else None),
                marker=low.marker or last.marker,
                period=period,
                start=start,
                end=end,
                cue=_has_cue(text, max(0, low.start - 80), low.start)
                or _has_cue(text, end, end + 30),
                excluded=_excluded_before(clause[-40:])
                or _excluded_after(tail)
                or bool(_HYPOTHETICAL.search(clause[-40:])),
                lakh_or_crore=lakh,
                shorthand_low=shorthand,
                grouped=low.grouped or last.grouped,
                multiplier=last.multiplier is not None,
            )
        )
    return out


# Re-exported: callers written before the split import these from here.
__all__ = [
    "AMBIGUOUS",
    "Amount",
    "PayCandidate",
    "currency_marker",
    "find_amounts",
    "find_pay",
    "parse_amount",
]
