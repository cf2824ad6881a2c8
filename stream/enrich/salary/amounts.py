"""Numbers as written in pay lines: separators, k / M / lakh / crore, currency markers.

`find_amounts` reports every money-like number with the currency marker attached to it (an
ISO code, or a family such as "$" that needs a location: see salary_currency.py). It does
not decide what is pay; salary_parse.py adds the context and salary.py the policy.

Linear-time on hostile input: the number pattern has bounded repetitions only, marker
look-ups are dictionary probes of at most a dozen suffixes, and each number costs O(1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from stream.enrich.salary.currency import AMBIGUOUS, MARKERS, MARKERS_BEFORE
from stream.enrich.salary.vocab import MULTIPLIERS, NON_PAY_UNIT, PERIOD_KEYS, PERIOD_WORDS
from stream.models import Period

# A number as written: grouped ("1,266.18", "18,00,000", "120'000", "60 000", "50.000") or
# plain ("46.75", "160000"). Groups are 2-3 digits so Indian lakh grouping parses too; a space
# only groups when exactly three digits follow, so "18 25" stays two numbers.
_NUMBER = re.compile(
    r"\d(?:\d{0,2}(?:(?:[,.'’]|[ \u00a0\u202f](?=\d{3}(?!\d)))\d{2,3}(?!\d)){1,6}"
    r"(?:[.,]\d{1,2}(?!\d))?|\d{0,11}(?:[.,]\d{1,4}(?!\d))?)"
)


def _alternation(words: list[str]) -> str:
    # Longest first so "AU$" wins over "$"; alphabetic markers must not touch other letters
    # (any script: "líquido" is not "l" for lakh), except CJK, written without spaces.
    parts = []
    for word in sorted(words, key=len, reverse=True):
        esc = re.escape(word)
        if word[0] >= "\u3000":
            parts.append(esc)
            continue
        if word[0].isalpha():
            esc = r"(?<![^\W\d_])" + esc
        if word[-1].isalpha():
            esc += r"(?![^\W\d_])"
        parts.append(esc)
    return "|".join(parts)


_MARKER_ANYWHERE = re.compile(_alternation(list(MARKERS)))
_MARKER_MAX_LEN: Final = max(len(m) for m in MARKERS)
# Cheap gates: most numbers in a description have no marker, and a set lookup says so.
_MARKER_LAST_CHARS: Final = frozenset(m[-1] for m in MARKERS_BEFORE)
_NORDIC_DASH: Final = frozenset((",-", ".-", ",—", ",–"))
_MARKER_FIRST_CHARS: Final = frozenset(m[0] for m in MARKERS)


def _lengths_by(words: list[str], end: int) -> dict[str, tuple[int, ...]]:
    """For each first (end=0) or last (end=-1) character, the lengths of the markers with
    it, longest first: the only slices worth a dictionary probe."""
    table: dict[str, set[int]] = {}
    for word in words:
        table.setdefault(word[end], set()).add(len(word))
    return {char: tuple(sorted(lengths, reverse=True)) for char, lengths in table.items()}


_LENGTHS_AFTER: Final = _lengths_by(list(MARKERS), 0)
_LENGTHS_BEFORE: Final = _lengths_by(list(MARKERS_BEFORE), -1)
_MULTIPLIER_WORDS: Final = [w for w in MULTIPLIERS if w != "M"] + ["lakhs", "lacs", "crores"]
_MULTIPLIER = re.compile(rf"[ \t]?(?:(?i:{_alternation(_MULTIPLIER_WORDS)})|M(?![^\W\d_]))")
MULTIPLIER_WORDS: Final = (*_MULTIPLIER_WORDS, "M")
"""Every word `_MULTIPLIER` reads after a number (the money gate needs them: "50k€")."""
_MULTIPLIER_FIRST: Final = frozenset(w[0] for w in MULTIPLIERS) | frozenset("KLMCTJ")
_NON_PAY_UNIT = re.compile(NON_PAY_UNIT, re.IGNORECASE)
_AM_PM = re.compile(r"[ \t]?(?i:a\.?m\.?|p\.?m\.?)(?![A-Za-z])")
PERIOD_RE: Final = re.compile(
    "|".join(f"(?P<{p}>{w})" for p, w in PERIOD_WORDS.items()), re.IGNORECASE
)


_Trie = dict[str, "_Trie"]


def _literal_trie(words: tuple[str, ...]) -> str:
    """One pattern for "contains any of `words`", shaped as a trie: Python's re then tests one
    character per branch at each position, not every word (a plain alternation of ~150 words
    is no faster than the pattern it gates)."""
    tree: _Trie = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        if "" in node:
            return ""  # a shorter word ends here, and containing it is enough
        alts = [re.escape(char) + emit(sub) for char, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(tree)


def key_gate(keys: tuple[str, ...]) -> re.Pattern[str]:
    """The literal test of `may_match` for a pattern whose matches contain one of `keys`."""
    return re.compile(_literal_trie(keys))


def may_match(gate: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> bool:
    """False only when the pattern `gate` stands for has no match inside text[pos:endpos]:
    in ASCII text, lowercased with tabs as spaces, each of its matches contains one of the
    gate's keys (lookbehinds may read before `pos`, but every match's characters lie
    inside). Non-ASCII text always answers True: the keys cover ASCII text only, where case
    folding is plain lowercasing."""
    window = text[pos:endpos]
    if not window.isascii():
        return True
    return gate.search(window.lower().replace("\t", " ")) is not None


_PERIOD_GATE: Final = key_gate(PERIOD_KEYS)
_PERIOD_KEY_AT: Final = re.compile(f"(?={_literal_trie(PERIOD_KEYS)})")
PERIOD_MAX_CHARS: Final = 19
"""The longest text PERIOD_RE matches (its parse tree's width; a test keeps it in step)."""
_PERIOD_KEY_REACH: Final = PERIOD_MAX_CHARS - min(len(key) for key in PERIOD_KEYS)
"""A match contains a key, so it starts at most this many characters before the key."""


def may_have_period(text: str, pos: int = 0, endpos: int | None = None) -> bool:
    """False only when PERIOD_RE has no match inside text[pos:endpos] (see `may_match`)."""
    return may_match(_PERIOD_GATE, text, pos, endpos)


def search_period(text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
    """`PERIOD_RE.search(text, pos, endpos)`, trying only the positions a match can start at.

    The pattern costs ~1 µs per position tried. In ASCII text every match contains one of
    PERIOD_KEYS (see `may_have_period`) within PERIOD_MAX_CHARS of its start, so only the
    positions up to _PERIOD_KEY_REACH before a key's start can start one; they are tried
    in increasing order, so the first match found is the leftmost, as `search` finds it.
    Non-ASCII text goes to `search` itself."""
    end = len(text) if endpos is None else min(endpos, len(text))
    window = text[pos:end]
    if not window.isascii():
        return PERIOD_RE.search(text, pos, end)
    tried = pos  # every position before this one has been tried
    for key in _PERIOD_KEY_AT.finditer(window.lower().replace("\t", " ")):
        at = pos + key.start()
        for start in range(max(tried, at - _PERIOD_KEY_REACH), at + 1):
            m = PERIOD_RE.match(text, start, end)
            if m is not None:
                return m
        tried = at + 1
    return None


_RETIREMENT_PLAN = re.compile(r"(?:401|403|457)[ \t]?\(?[kKbB]\b")
_PLURAL_S = re.compile(r"s(?![A-Za-z])")

MAX_AMOUNTS: Final = 4096
"""Hostile text with thousands of numbers: stop scanning after this many amounts."""

AMOUNT_HEAD: Final = 2 + _MARKER_MAX_LEN
"""An `Amount` starts at most this many characters before its number: a marker, then up to
two of " \t:" (`_marker_before`)."""
AMOUNT_TAIL: Final = (1 + max(len(w) for w in MULTIPLIER_WORDS)) + (4 + _MARKER_MAX_LEN) + 1
"""It ends at most this many characters after its number: a multiplier (" thousand"), a
Nordic ",-" or spaces and a marker (`_marker_after`), a plural "s". None of them has a
digit, so an amount's span never reaches a digit outside its number."""


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


def _to_float(text: str) -> tuple[float, bool]:
    """ "1.266,18" / "1,266.18" / "18,00,000" / "120'000" / "46.75" -> (value, grouped)."""
    if text.isdigit():
        return float(text), False  # no separator: most numbers, without the walk below
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
    for k in _LENGTHS_BEFORE[text[j - 1]]:
        if k > j:
            continue
        word = text[j - k : j]
        if word in MARKERS_BEFORE and not (
            word[0].isalpha() and j > k and text[j - k - 1].isalpha()
        ):
            return word, j - k
    return None


def _marker_after(text: str, pos: int) -> tuple[str, int] | None:
    """The currency marker just after a number ("60 000 €", "160,000 USD"): (marker, end)."""
    j = pos + 2 if text[pos : pos + 2] in _NORDIC_DASH else pos  # "1.198,- kr"
    while j < len(text) and j - pos < 4 and text[j] in " \t":
        j += 1
    if j == len(text) or text[j] not in _MARKER_FIRST_CHARS:
        return None
    for k in _LENGTHS_AFTER[text[j]]:
        if k > len(text) - j:
            continue
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
    elif start > 0 and text[start - 1].isalpha() and text[start - 1] < "\u3000":
        # CJK and Hangul are exempt: "年収600万円" has no spaces to separate words.
        return None  # "A04", "H1B", "Q3": part of a word, not an amount
    if marker is None and _RETIREMENT_PLAN.match(text, start):
        return None  # "401k", "403(b)": US retirement plans, not $401,000
    mult_value: float | None = None
    period: Period | None = None
    nxt = _next_char(text, end)
    mult = _MULTIPLIER.match(text, end) if nxt and nxt in _MULTIPLIER_FIRST else None
    if mult is not None:
        word = mult.group().strip()
        if word != "M":
            word = word.lower()
        mult_value = MULTIPLIERS.get(word) or MULTIPLIERS[word.removesuffix("s")]
        period = "year" if word == "lpa" else None
        end = mult.end()
    after = _marker_after(text, end)
    # A code after the number beats a bare sign before it: "$1,190.00 AUD" is AUD.
    if after is not None and (marker is None or _decides(marker, after[0])):
        marker, end = after
    if marker is not None and _PLURAL_S.match(text, end) and raw >= 10:
        end += 1  # "High $70,000s", "the $80ks": a figure in the plural
    nxt = _next_char(text, end)
    # A capitalised word after a figure with a currency is a new field glued on by a scraper
    # ("$200,000 Shift: First"), not a unit ("40 shifts").
    unit = (nxt.isalpha() and not (marker is not None and nxt.isupper())) or nxt in "%+("
    if unit and (_NON_PAY_UNIT.match(text, end) or (marker is None and _AM_PM.match(text, end))):
        return None  # "4+ years", "15%", "401(k)", "10pm", "165 million members"
    if end < len(text) and text[end].isalpha() and not _glued_ok(text, end):
        return None  # "3D", "5G": a number glued to a word that is not a pay period
    value = raw * mult_value if mult_value else raw
    currency = MARKERS.get(marker) if marker is not None else None
    return Amount(value, raw, start, end, currency, marker, mult_value, grouped, period)


def _decides(before: str, after: str) -> bool:
    return MARKERS[before] in AMBIGUOUS and MARKERS[after] not in AMBIGUOUS


def _glued_ok(text: str, pos: int) -> bool:
    # Scrapers drop line breaks ("$25Schedule:", "$175,000Benefits"): a capitalised word
    # glued to a number is a new line, while "3D" or "5G" are not amounts.
    word = text[pos : pos + 2]
    return bool(PERIOD_RE.match(text, pos)) or (len(word) == 2 and word.istitle())


def find_amounts(text: str, windows: Sequence[tuple[int, int]] | None = None) -> list[Amount]:
    """Every money-like number in order, at most MAX_AMOUNTS.

    With `windows` (sorted, disjoint `(lo, hi)` offsets), only the numbers inside one. A
    window must not start inside a number (no digit in the two characters before
    `lo`); then its numbers are exactly those of a scan of the whole text: a number's
    characters are digits with single separators between them, so the whole-text scan has
    no match across `lo`, and the next match it finds from there is the one found from
    `lo`. Likewise no digit may follow `hi` directly: then the pattern's lookaheads, which
    only look for digits, read the end of the window as they read the text there."""
    found: list[Amount] = []
    for lo, hi in windows if windows is not None else ((0, len(text)),):
        for m in _NUMBER.finditer(text, lo, hi):
            # The digit test is here rather than a (?<!\d) in the pattern: a pattern that
            # starts with a bare \d lets the regex engine skip ahead to digits, 5x faster.
            if m.start() > 0 and text[m.start() - 1].isdigit():
                continue
            amount = _amount_at(text, m)
            if amount is not None:
                found.append(amount)
                if len(found) >= MAX_AMOUNTS:
                    return found
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


__all__ = [
    "AMOUNT_HEAD",
    "AMOUNT_TAIL",
    "MULTIPLIER_WORDS",
    "PERIOD_RE",
    "Amount",
    "currency_marker",
    "find_amounts",
    "key_gate",
    "may_have_period",
    "may_match",
    "parse_amount",
    "search_period",
]
