"""Differential tests: the compiled searches of the employment statements' `$`-anchored
patterns (`stream_native.AsciiSearch`, behind `employment._found`) answer exactly as
Python's `re` does (`pattern.search(text) is not None`): on hand-picked text, on generated
text built from the patterns' words and the characters the two engines read differently,
and on the words before every employment keyword of the real postings in ../shared/data."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.enrich.terms.employment import _COMPILED, _found
from stream.enrich.terms.scan import scan
from stream.enrich.text import normalize_text

PATTERNS = list(_COMPILED)

TEXTS = [
    "",
    " ",
    "This position is ",
    "this position is \n",
    "this position is \n\n",
    "THE ROLE WILL BE A ",
    "we are looking for a dedicated, ",
    "hiring 12 motivated ",
    "Status: ",
    "Status :\n",
    "Status\x1c:\x1c",
    "Status:\u00a0",
    "The employment as a postdoc is ",
    "appointment will be an ",
    "this ",
    "Our ",
    "a 6-month ",
    "a 3-month remote ",
    "a 12 weeks. w2 ",
    "6 mo on-site ",
    "This position is\u212a ",
    "This posıtion is ",
    "working ſeeking a ",
]

# The patterns' words, digits, and characters whose class or case differs between the
# engines (Kelvin sign, dotless and dotted i, long s, the 0x1C-0x1F separators).
TOKENS = [
    "position", "role", "job", "this", "it", "is", "will be", "a", "an", "working", "work",
    "on", "for", "hiring", "seeking", "hire", "recruiting", "two", "several", "looking for",
    "classification", "status", "schedule", "employment", "hours", "type", "duration",
    "appointment", "post", "contract", "as", "our", "the", "paid", "summer", "6", "12",
    "month", "months", "weeks", "mo", "six", "w2", "w-2", "1099", "remote", "on-site",
    "full-time", "THIS", "Position", "IS", "dedicated,", "-", ".", ":", " ", "  ", "\n",
    "\t", "\x1c", "\x1f", "\u00a0", "\u212a", "\u0131", "\u0130", "\u017f", "é", "_",
]  # fmt: skip

GENERATED = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _same(text: str) -> None:
    for pattern in PATTERNS:
        assert _found(pattern, text) == (pattern.search(text) is not None), (pattern, text)
        answer = _COMPILED[pattern].search(text)
        if text.isascii() and not re.search("[\x1c-\x1f]", text):
            assert answer is not None  # the compiled search answers for plain ASCII
        else:
            assert answer is None


@pytest.mark.parametrize("text", TEXTS)
def test_hand_picked(text: str) -> None:
    _same(text)


def test_hand_picked_reach_each_pattern() -> None:
    # A check on the test: every pattern is found in some case and missed in another.
    for pattern in PATTERNS:
        answers = {pattern.search(text) is not None for text in TEXTS}
        assert answers == {True, False}, pattern.pattern


@GENERATED
@given(
    text=st.one_of(
        st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join).map(lambda t: t + " "),
        st.lists(st.sampled_from(TOKENS), max_size=16).map("".join),
        st.text(max_size=40),
    )
)
def test_generated(text: str) -> None:
    _same(text)


@pytest.mark.shared_data
def test_real_postings(shared_data: Path) -> None:
    texts: list[str] = []
    lines = (shared_data / "skills" / "skillspan_dev_postings.jsonl").read_text().splitlines()
    texts += [normalize_text(json.loads(line)["text"]) for line in lines]
    csv.field_size_limit(sys.maxsize)
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(newline="") as f:
        texts += [normalize_text(row["description"] or "") for row in csv.DictReader(f)]
    windows: list[str] = []
    for text in texts:
        for start, _, _ in scan(text).get("employment", ()):
            wide = text[max(0, start - 40) : start]
            windows += [wide, wide[-24:]]
    mismatches = [
        (p.pattern[:30], w)
        for w in dict.fromkeys(windows)
        for p in PATTERNS
        if _found(p, w) != (p.search(w) is not None)
    ]
    assert len(windows) > 1000
    assert mismatches == []
    assert sum(_found(PATTERNS[0], w) for w in windows) > 20  # statements were found
