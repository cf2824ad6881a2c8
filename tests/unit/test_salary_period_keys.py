"""PERIOD_KEYS is a sound gate for PERIOD_RE: ASCII text with no key has no pay period;
and CUE_KEYS, EXCLUDE_KEYS, COMMISSION_ONLY_KEYS for the context patterns likewise.

The keys are derived here from the pattern's parse tree (Python's own regex parser): for
every alternative, a finite set of literal strings one of which any match must contain.
The derivation is the proof; the example and generated texts check the gate end to end.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stream.enrich.salary import extract, parse
from stream.enrich.salary.amounts import (
    PERIOD_MAX_CHARS,
    PERIOD_RE,
    may_have_period,
    may_match,
    search_period,
)
from stream.enrich.salary.parse import _period_before
from stream.enrich.salary.vocab import (
    COMMISSION_ONLY_KEYS,
    CUE_KEYS,
    EXCLUDE_KEYS,
    PERIOD_KEYS,
)

ASCII = [chr(i) for i in range(128)]
CAP = 64  # largest finite language kept per element: past it, the element is "unknown"
Lang = set[str] | None  # None: not a small finite set of strings


def _ascii_matches(pattern: str) -> set[str]:
    """The ASCII characters a one-character pattern matches case-insensitively, lowercased
    ('ı' in "yıllık" matches 'i': Python's re folds it so)."""
    return {x.lower() for x in ASCII if re.fullmatch(pattern, x, re.IGNORECASE)}


def _class_pattern(items: list[tuple[Any, Any]]) -> str:
    parts = []
    for op, av in items:
        if op is sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is sre.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is sre.NEGATE:
            parts.append("^")
        elif op is sre.CATEGORY:
            parts.append(
                {
                    sre.CATEGORY_DIGIT: r"\d",
                    sre.CATEGORY_NOT_DIGIT: r"\D",
                    sre.CATEGORY_WORD: r"\w",
                    sre.CATEGORY_NOT_WORD: r"\W",
                    sre.CATEGORY_SPACE: r"\s",
                    sre.CATEGORY_NOT_SPACE: r"\S",
                }[av]
            )
        else:
            raise AssertionError(f"unexpected class item {op}")
    return "[" + "".join(parts) + "]"


def _lang(op: Any, av: Any) -> Lang:
    """The ASCII strings (lowercased) one element matches, if few; {""} for zero-width."""
    if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        return {""}
    if op is sre.LITERAL:
        return _ascii_matches(re.escape(chr(av)))
    if op is sre.IN:
        return _ascii_matches(_class_pattern(av))
    if op is sre.SUBPATTERN:
        return _seq_lang(av[3].data)
    if op is sre.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            sub = _seq_lang(alt.data)
            if sub is None:
                return None
            out |= sub
        return out if len(out) <= CAP else None
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, body = av
        one = _seq_lang(body.data)
        if one is None or high > 4:
            return None
        out = set()
        for n in range(low, high + 1):
            cur = {""}
            for _ in range(n):
                cur = {a + b for a in cur for b in one}
                if len(cur) > CAP:
                    return None
            out |= cur
        return out if len(out) <= CAP else None
    return None


def _seq_lang(items: list[tuple[Any, Any]]) -> Lang:
    cur = {""}
    for op, av in items:
        sub = _lang(op, av)
        if sub is None:
            return None
        cur = {a + b for a in cur for b in sub}
        if len(cur) > CAP:
            return None
    return cur


def _score(keys: Lang) -> int:
    if keys is None or "" in keys:
        return -1  # no guarantee
    if not keys:
        return 10**6  # cannot match ASCII text at all
    return min(len(k) for k in keys) * 1000 - len(keys)


def _seq_keys(items: list[tuple[Any, Any]]) -> Lang:
    """Strings one of which every match of the sequence contains (None: no guarantee):
    the best of its runs of small finite elements and of its nested groups' own keys."""
    best: Lang = None
    run = {""}
    for op, av in items:
        sub = _lang(op, av)
        if sub is not None and not sub:
            return set()
        if sub is not None:
            grown = {a + b for a in run for b in sub}
            if len(grown) <= CAP:
                run = grown
                continue
        if _score(run) > _score(best):
            best = run
        run = sub if sub is not None else {""}
        if sub is None:
            nested = _elem_keys(op, av)
            if nested is not None and not nested:
                return set()
            if _score(nested) > _score(best):
                best = nested
    return run if _score(run) > _score(best) else best


def _elem_keys(op: Any, av: Any) -> Lang:
    if op is sre.SUBPATTERN:
        return _seq_keys(av[3].data)
    if op is sre.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            sub = _seq_keys(alt.data)
            if sub is None or "" in sub:
                return None
            out |= sub
        return out
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
        return _seq_keys(av[2].data)
    return None


def derived_keys(pattern: re.Pattern[str] = PERIOD_RE) -> set[str]:
    keys = _seq_keys(sre_parse.parse(pattern.pattern, pattern.flags).data)
    assert keys is not None, "some form has no literal to gate on"
    assert "" not in keys, "some form has no literal to gate on"
    return {k.replace("\t", " ") for k in keys}


# The context patterns gated the same way (salary/parse.py, salary/extract.py).
GATED = [
    (parse._CUE, CUE_KEYS, parse._CUE_GATE),
    (parse._EXCLUDE, EXCLUDE_KEYS, parse._EXCLUDE_GATE),
    (extract._COMMISSION_ONLY, COMMISSION_ONLY_KEYS, extract._COMMISSION_GATE),
]


@pytest.mark.parametrize(("pattern", "keys", "gate"), GATED)
def test_every_context_form_contains_a_listed_key(
    pattern: re.Pattern[str], keys: tuple[str, ...], gate: re.Pattern[str]
) -> None:
    derived = derived_keys(pattern)
    missing = sorted(k for k in derived if not any(key in k for key in keys))
    assert not missing, f"add to the keys of {pattern.pattern[:40]}: {missing}"
    assert all(any(key in k for k in derived) for key in keys)  # none looser than needed


_CONTEXT_TEXT = st.lists(
    st.sampled_from(
        [
            *(*CUE_KEYS, *EXCLUDE_KEYS, *COMMISSION_ONLY_KEYS, "Salary", "BONUS", "only", "-"),
            *(" ", "\t", "s", "es", "ing", "x", "$5", "1099 ", "Comp", "myPay", "sign-on", "é"),
        ]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_CONTEXT_TEXT, st.integers(0, 10))
def test_the_context_gates_never_hide_a_match(text: str, pos: int) -> None:
    for pattern, _, gate in GATED:
        if pattern.search(text, pos) is not None:
            assert may_match(gate, text, pos), (pattern.pattern[:30], text)


def test_every_period_form_contains_a_listed_key() -> None:
    missing = sorted(k for k in derived_keys() if not any(key in k for key in PERIOD_KEYS))
    assert not missing, f"add to vocab.PERIOD_KEYS: {missing}"


def test_the_listed_keys_are_not_looser_than_needed() -> None:
    # A key shorter than the derivation asks for would only let more clauses through; this
    # keeps the list in step with the pattern when a word is removed.
    derived = derived_keys()
    assert all(any(key in k for k in derived) for key in PERIOD_KEYS)


MATCHING = [
    "Hourly rate of",
    "Annual salary:",
    "per hourBenefits",
    "a\tyear",
    "$20/HR",
    "45.000 EUR p.a.",
    "PA ",
    "120k per annum",
    "monthly",
    "weekHourly",
    "YILLIK",  # 'I' folds to 'ı' in the pattern
    "Pay rate (per calendar month)",
    "Gehalt pro Stunde",
    "jahresgehalt",
    "年収",
    "в месяц",
]


def test_the_gate_passes_every_text_the_pattern_matches() -> None:
    for text in MATCHING:
        assert PERIOD_RE.search(text) is not None, text
        assert may_have_period(text), text


def test_the_gate_stops_prose_without_a_period() -> None:
    clause = "The base compensation for this role, depending on experience, is "
    assert PERIOD_RE.search(clause) is None
    assert not may_have_period(clause)
    assert _period_before(clause) is None


def test_the_gate_reads_only_the_given_window() -> None:
    text = "Salary per year: 50k and a bonus of "
    assert may_have_period(text)
    assert not may_have_period(text, 18)
    assert not may_have_period(text, 0, 7)


def test_non_ascii_text_always_goes_to_the_pattern() -> None:
    assert may_have_period("Gehalt für Mitarbeiter")  # no key, but not ASCII


_PIECES = st.sampled_from(
    [*PERIOD_KEYS, "/", ".", " ", "\t", "p", "a", "h", "r", "Hour", "YEAR", "Per ", "ly", "$5"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES | st.text(alphabet="aehlmnoprstuwy/. \tAHPY", max_size=6), max_size=8))
def test_the_gate_never_hides_a_match(pieces: list[str]) -> None:
    text = "".join(pieces)
    if PERIOD_RE.search(text) is not None:
        assert may_have_period(text), text


def test_period_max_chars_is_the_longest_match() -> None:
    # search_period skips positions further than this before a key: too small loses matches.
    width = sre_parse.parse(PERIOD_RE.pattern, PERIOD_RE.flags).getwidth()
    assert width[1] == PERIOD_MAX_CHARS


def _same(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.span(), a.lastgroup) == (b.span(), b.lastgroup)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(_PIECES | st.text(alphabet="aehlmnoprstuwy/. \tAHPYé", max_size=6), max_size=12),
    st.integers(0, 30),
    st.integers(0, 80),
)
def test_search_period_finds_what_search_finds(pieces: list[str], pos: int, size: int) -> None:
    text = "".join(pieces)
    endpos = pos + size
    assert _same(search_period(text, pos, endpos), PERIOD_RE.search(text, pos, endpos)), text
    names = [m.lastgroup for m in PERIOD_RE.finditer(text)]
    assert _period_before(text) == (names[-1] if names else None), text


def test_search_period_finds_the_leftmost_of_overlapping_forms() -> None:
    # Keys that start well inside their form ("brutto" before "stundenlohn"), and forms
    # overlapping others: the leftmost start wins, as in `search`.
    examples = ("Bruttostundenlohn", "das Bruttojahresgehalt: 65.000", "pay per calendar month")
    for text in (*examples, "p.a. per annum", "x/h per hour", "weekHourly"):
        assert _same(search_period(text), PERIOD_RE.search(text)), text


def test_qualifier_max_chars_is_the_longest_match() -> None:
    # find_pay searches "up to" / "from" in the last QUALIFIER_MAX_CHARS of the clause only.
    for pattern in (parse._UP_TO, parse._FROM):
        width = sre_parse.parse(pattern.pattern, pattern.flags).getwidth()
        assert width[1] == parse.QUALIFIER_MAX_CHARS, pattern.pattern[:40]


def test_every_cue_match_starts_with_a_key() -> None:
    # parse._has_cue tries the pattern only where a key starts: sound while the pattern's
    # whole ASCII language is known and each of its strings starts with a key.
    language = _seq_lang(sre_parse.parse(parse._CUE.pattern, parse._CUE.flags).data)
    assert language is not None
    assert all(any(word.startswith(key) for key in CUE_KEYS) for word in language)


@settings(max_examples=500, deadline=None)
@given(_CONTEXT_TEXT, st.integers(0, 10), st.integers(0, 60))
def test_has_cue_finds_what_search_finds(text: str, pos: int, size: int) -> None:
    found = parse._CUE.search(text, pos, pos + size) is not None
    assert parse._has_cue(text, pos, pos + size) is found, text
