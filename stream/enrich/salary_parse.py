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
from dataclasses import dataclass
from typing import Final, Literal

from stream.enrich.salary_vocab import (
    AMBIGUOUS,
    CUE,
    EXCLUDE,
    FROM_BEFORE,
    MARKERS,
    MULTIPLIERS,
    NON_PAY_UNIT,
    PERIOD_WORDS,
    UP_TO_BEFORE,
)
from stream.models import Period

Bound = Literal["exact", "range", "up_to", "from"]

# A number as written: grouped ("1,266.18", "18,00,000", "120'000", "60 000", "50.000") or
# plain ("46.75", "160000"). Groups are 2-3 digits so Indian lakh grouping parses too; a space
# only groups when exactly three digits follow, so "18 25" stays two numbers.
_NUMBER = re.compile(
    r"\d(?:\d{0,2}(?:(?:[,.'’]|[ \u00a0\u202f](?=\d{3}(?!\d)))\d{2,3}(?!\d)){1,6}"
    r"(?:[.,]\d{1,2}(?!\d))?|\d{0,11}(?:[.,]\d{1,4}(?!\d))?)"
)


def _alternation(words: list[str]) -> str:
    # Longest first so "AU$" wins over "$"; alphabetic markers must not touch other letters.
    parts = []
    for word in sorted(words, key=len, reverse=True):
        esc = re.escape(word)
        if word[0].isalpha():
            esc = r"(?<![A-Za-z])" + esc
        if word[-1].isalpha():
            esc += r"(?![A-Za-z])"
        parts.append(esc)
    return "|".join(parts)


_MARKER_ANYWHERE = re.compile(_alternation(list(MARKERS)))
_MARKER_MAX_LEN: Final = max(len(m) for m in MARKERS)
# Cheap gates: most numbers in a description have no marker, and a set lookup says so.
_MARKER_LAST_CHARS: Final = frozenset(m[-1] for m in MARKERS)
_MARKER_FIRST_CHARS: Final = frozenset(m[0] for m in MARKERS)
_MULTIPLIER_WORDS: Final = [w for w in MULTIPLIERS if w != "M"] + ["lakhs", "lacs", "crores"]
_MULTIPLIER = re.compile(rf"[ \t]?(?:(?i:{_alternation(_MULTIPLIER_WORDS)})|M(?![A-Za-z]))")
_NON_PAY_UNIT = re.compile(NON_PAY_UNIT, re.IGNORECASE)
_AM_PM = re.compile(r"[ \t]?(?i:a\.?m\.?|p\.?m\.?)(?![A-Za-z])")
_PERIOD = re.compile("|".join(f"(?P<{p}>{w})" for p, w in PERIOD_WORDS.items()), re.IGNORECASE)
_CONNECTOR = re.compile(
    r"[ \t]{0,3}(?:[-–—−~_]{1,2}|to|and|till|through|thru|bis|à)[ \t]{0,3}", re.IGNORECASE
)
# "$100,000+" and "$150k+ DOE" mean "from"; "$110k + bonus" and "$35/h +Super" add to pay.
_PLUS_AFTER = re.compile(
    rf"\+(?![ \t]{{0,3}}(?:{EXCLUDE}|(?i:super|benefits|package|car|allowances?)))"
    r"|[ \t]\+(?![ \t]{0,3}[A-Za-z])",
    re.IGNORECASE,
)
_UP_TO = re.compile(rf"(?:{UP_TO_BEFORE})[ \t:]{{0,3}}\Z", re.IGNORECASE)
_FROM = re.compile(rf"(?:{FROM_BEFORE})[ \t:]{{0,3}}\Z", re.IGNORECASE)
_SPAN_GAP = re.compile(r"[ \t/(]{0,4}(?:(?i:brutto|gross|netto|net|base|bruto|brut)[ \t/]{0,3})?")
_RETIREMENT_PLAN = re.compile(r"(?:401|403|457)[ \t]?\(?[kKbB]\b")
_BETWEEN = re.compile(r"between[ \t]{1,3}\Z", re.IGNORECASE)
_CUE = re.compile(CUE, re.IGNORECASE)
_EXCLUDE = re.compile(EXCLUDE, re.IGNORECASE)
# Context windows stop at these, so words from a neighbouring clause do not leak in.
_BEFORE_STOP = re.compile(r"[\d\n]|[.;!?](?=\s|\Z)")
_AFTER_STOP = re.compile(r"\d|\n|[.;!?](?:\s|\Z)")
_EXCLUDE_AFTER_STOP = re.compile(
    r"\d|\n|[+,;(]|(?i:\b(?:plus|with|and|incl\w{0,7}|excl\w{0,7}|not|without)\b)"
)

MAX_AMOUNTS: Final = 4096
"""Hostile text with thousands of numbers: stop scanning after this many amounts."""


@dataclass(frozen=True, slots=True)
class Amount:
    """One number as written, with what is attached to it."""

    value: float  # after the multiplier
    raw: float  # before the multiplier
    start: int  # span including a currency marker and multiplier
    end: int
    currency: str | None  # ISO code, an AMBIGUOUS family ("$", "¥", "kr", "Rs"), or None
    marker: str | None  # the currency marker as written
    multiplier: float | None
    grouped: bool  # had thousands separators: "45,000" looks more like money than "45000"
    period: Period | None = None  # only from "LPA", the lakh-per-annum suffix


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


def _to_float(text: str) -> tuple[float, bool]:
    """ "1.266,18" / "1,266.18" / "18,00,000" / "120'000" / "46.75" -> (value, grouped)."""
    seps = [(i, c) for i, c in enumerate(text) if not c.isdigit()]
    if not seps:
        return float(text), False
    last_i, last_c = seps[-1]
    tail = len(text) - last_i - 1
    same = sum(1 for _, c in seps if c == last_c)
    # A '.' or ',' is decimal when it is the last separator and not followed by a
    # three-digit group, or when it differs from the earlier (grouping) separators.
    decimal = last_c in ".," and (tail != 3 or (len(seps) > 1 and same == 1))
    if decimal and tail == 3 and len(seps) > 1:
        decimal = seps[-2][1] != last_c
    digits = "".join(c for c in text[:last_i] if c.isdigit()) if decimal else ""
    if decimal:
        return float(f"{digits}.{text[last_i + 1 :]}"), len(seps) > 1
    return float("".join(c for c in text if c.isdigit())), True


def _marker_before(text: str, pos: int) -> tuple[str, int] | None:
    """The currency marker just before a number ("US$ 5", "Rs. 5", "USD5"): (marker, start).

    Dict lookups of the few possible suffixes: the marker list is long, and a regex
    alternation over it costs microseconds per number.
    """
    j = pos
    while j > 0 and pos - j < 2 and text[j - 1] in " \t:":
        j -= 1
    if j == 0 or text[j - 1] not in _MARKER_LAST_CHARS:
        return None
    for k in range(min(_MARKER_MAX_LEN, j), 0, -1):
        word = text[j - k : j]
        if word in MARKERS and not (word[0].isalpha() and j > k and text[j - k - 1].isalpha()):
            return word, j - k
    return None


def _marker_after(text: str, pos: int) -> tuple[str, int] | None:
    """The currency marker just after a number ("60 000 €", "160,000 USD"): (marker, end)."""
    j = pos
    while j < len(text) and j - pos < 2 and text[j] in " \t":
        j += 1
    if j == len(text) or text[j] not in _MARKER_FIRST_CHARS:
        return None
    for k in range(min(_MARKER_MAX_LEN, len(text) - j), 0, -1):
        word = text[j : j + k]
        end = j + k
        if word in MARKERS and not (word[-1].isalpha() and end < len(text) and text[end].isalpha()):
            return word, end
    return None


def _next_char(text: str, pos: int) -> str:
    stripped = text[pos : pos + 3].lstrip(" \t")
    return stripped[:1]


def _amount_at(text: str, m: re.Match[str]) -> Amount | None:
    start, end = m.span()
    raw, grouped = _to_float(m.group())
    marker: str | None = None
    before = _marker_before(text, start)
    if before is not None:
        marker, start = before
    elif start > 0 and text[start - 1].isalpha():
        return None  # "A04", "H1B", "Q3": part of a word, not an amount
    if marker is None and _RETIREMENT_PLAN.match(text, start):
        return None  # "401k", "403(b)": US retirement plans, not $401,000
    mult_value: float | None = None
    period: Period | None = None
    nxt = _next_char(text, end)
    mult = _MULTIPLIER.match(text, end) if nxt and nxt in "kKtTmMlLcC" else None
    if mult is not None:
        word = mult.group().strip()
        if word != "M":
            word = word.lower()
        mult_value = MULTIPLIERS.get(word) or MULTIPLIERS[word.removesuffix("s")]
        period = "year" if word == "lpa" else None
        end = mult.end()
    if marker is None:
        after = _marker_after(text, end)
        if after is not None:
            marker, end = after
    nxt = _next_char(text, end)
    unit = nxt.isalpha() or nxt in "%+("
    if unit and (_NON_PAY_UNIT.match(text, end) or (marker is None and _AM_PM.match(text, end))):
        return None  # "4+ years", "15%", "401(k)", "10pm", "165 million members"
    if end < len(text) and text[end].isalpha() and not _glued_ok(text, end):
        return None  # "3D", "5G": a number glued to a word that is not a pay period
    value = raw * mult_value if mult_value else raw
    currency = MARKERS.get(marker) if marker is not None else None
    return Amount(value, raw, start, end, currency, marker, mult_value, grouped, period)


def _glued_ok(text: str, pos: int) -> bool:
    # Scrapers drop line breaks ("$25Schedule:", "$175,000Benefits"): a capitalised word
    # glued to a number is a new line, while "3D" or "5G" are not amounts.
    word = text[pos : pos + 2]
    return bool(_PERIOD.match(text, pos)) or (len(word) == 2 and word.istitle())


def find_amounts(text: str) -> list[Amount]:
    """Every money-like number in order, at most MAX_AMOUNTS."""
    found: list[Amount] = []
    for m in _NUMBER.finditer(text):
        # The digit test is here rather than a (?<!\d) in the pattern: a pattern that starts
        # with a bare \d lets the regex engine skip ahead to digits, five times faster.
        if m.start() > 0 and text[m.start() - 1].isdigit():
            continue
        amount = _amount_at(text, m)
        if amount is not None:
            found.append(amount)
            if len(found) >= MAX_AMOUNTS:
                break
    return found


def parse_amount(text: str) -> Amount | None:
    """The first amount in a short string such as a price ("CHF 1'049,95"); for evaluation."""
    amounts = find_amounts(text)
    with_marker = [a for a in amounts if a.marker is not None]
    chosen = with_marker or amounts
    return chosen[0] if chosen else None


def currency_marker(text: str) -> tuple[str, str] | None:
    """The first currency marker anywhere in `text`: (as written, ISO code or family)."""
    m = _MARKER_ANYWHERE.search(text)
    return (m.group(), MARKERS[m.group()]) if m is not None else None


def _period_after(text: str, pos: int) -> tuple[Period | None, int]:
    stop = _AFTER_STOP.search(text, pos, pos + 40)
    m = _PERIOD.search(text, pos, stop.start() if stop else min(len(text), pos + 40))
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
    if high.start - low.end > 24:
        return False, None
    pos, period = low.end, None
    m = _PERIOD.match(text, pos + (text[pos : pos + 1] == " "), high.start)
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
    if (low.currency and high.currency and low.currency != high.currency) or lo > high.value:
        return None
    if lo and high.value > 20 * lo:
        return None
    return lo, high.value, shorthand


def _period_before(clause: str) -> Period | None:
    """ "Hourly rate of $46.75", "Annual salary: $90k": the last period word of the clause."""
    names = [m.lastgroup for m in _PERIOD.finditer(clause)]
    return _as_period(names[-1]) if names and names[-1] else None


def _is_money(amount: Amount | None) -> bool:
    return amount is not None and (amount.marker is not None or (amount.multiplier or 0) >= 1e5)


def _excluded_before(clause: str) -> bool:
    """ "Sign-on bonus: $5k" is not pay; "OTE $180k, Base: $90k" is: a pay cue after the
    exclusion word takes the amount back."""
    excluded = [m.end() for m in _EXCLUDE.finditer(clause)]
    if not excluded:
        return False
    cues = [m.end() for m in _CUE.finditer(clause)]
    return not cues or cues[-1] < excluded[-1]


def _excluded_after(tail: str) -> bool:
    """ "$5,000 signing bonus", "$120k OTE"; but "... $115k Commission: $90k" labels the
    next figure, not this one."""
    return any(not tail[m.end() :].lstrip().startswith(":") for m in _EXCLUDE.finditer(tail))


def find_pay(text: str, money_only: bool = False) -> list[PayCandidate]:
    """Every amount or range in `text` with its context, in order of appearance.

    `money_only` skips candidates with no currency marker and no lakh / crore (they cannot
    be pay in a description), which saves the context work on most numbers.
    """
    amounts = find_amounts(text)
    out: list[PayCandidate] = []
    i = 0
    while i < len(amounts):
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
            qualifier = _UP_TO.search(clause)
            if qualifier is not None:
                lo, bound = None, "up_to"
            else:
                qualifier = _FROM.search(clause)
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
        stop = _EXCLUDE_AFTER_STOP.search(text, end, end + 30)
        tail = text[end : stop.start() if stop else end + 30]
        lakh = (last.multiplier or 0) >= 1e5
        out.append(
            PayCandidate(
                low=lo,
                high=hi,
                bound=bound,
                # Lakh and crore are South Asian: the rupee family, resolved by location later.
                currency=low.currency or last.currency or ("Rs" if lakh else None),
                marker=low.marker or last.marker,
                period=period,
                start=start,
                end=end,
                cue=bool(_CUE.search(text, max(0, low.start - 80), low.start))
                or bool(_CUE.search(text, end, end + 30)),
                excluded=_excluded_before(clause[-40:]) or _excluded_after(tail),
                lakh_or_crore=lakh,
                shorthand_low=shorthand,
                grouped=low.grouped or last.grouped,
                multiplier=last.multiplier is not None,
            )
        )
    return out


__all__ = [
    "AMBIGUOUS",
    "Amount",
    "PayCandidate",
    "currency_marker",
    "find_amounts",
    "find_pay",
    "parse_amount",
]
