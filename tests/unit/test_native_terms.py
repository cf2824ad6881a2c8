"""Differential tests: the compiled terms scan (`stream_native.TermsScanner`, behind
`terms.scan.scan`) gives exactly the hits of the Python reference (`scan_reference`): on
hand-picked texts, on generated text built from the keywords and the characters around
them, and on every title and description of the real postings in ../shared/data and every
labelled terms case."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.enrich.terms.scan import _WORD_STARTS, KEYWORDS, scan, scan_reference
from stream.enrich.text import normalize_text
from tests.normalization import cases as case_files

TEXTS = [
    "",
    "a",
    "year",
    "MS degree",
    "\nms degree",
    "Ms. Smith, 5 years",
    "teams need 5yrs; BS/BA or MSc; PhD, Ph.D, pharmd",
    "Full and Part-Time positions, full or part time, FULL-TIME",
    "•B.S. in Math – Degree ‘required’ — 3 Jahre Berufserfahrung",
    "a surrogate \ud800 before a degree",
    "no experience necessary: experience not required (nice to have)",
]

# Keyword spellings, the characters a word-start keyword may follow, and others.
_KEYWORD_TOKENS = sorted(
    {w.lstrip("^") for words in KEYWORDS.values() for w in words}
    | {w.lstrip("^").upper() for words in KEYWORDS.values() for w in words}
    | {w.lstrip("^").title() for words in KEYWORDS.values() for w in words}
)
TOKENS = [*_KEYWORD_TOKENS, *_WORD_STARTS, "x", "é", "–", "\u2022", "Y", "a", "s", ". "]


def _same(text: str) -> None:
    assert scan(text) == scan_reference(text)
    encoded = text.encode("ascii", "replace")
    assert scan(text, encoded) == scan_reference(text, encoded)


@pytest.mark.parametrize("text", TEXTS)
def test_hand_picked(text: str) -> None:
    _same(text)


def test_hits_are_what_the_reference_finds() -> None:
    # Not only equal: the cases above do find hits of several fields (a check on the test).
    hits = scan(TEXTS[6])
    assert set(hits) >= {"years", "education"}
    assert hits["years"][0] == (12, 14, "yr")


GENERATED = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@GENERATED
@given(
    text=st.one_of(
        st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
        st.lists(st.sampled_from(TOKENS), max_size=20).map(" ".join),
        st.text(max_size=60),
    )
)
def test_generated(text: str) -> None:
    _same(text)


def _real_texts(shared_data: Path) -> list[str]:
    texts: list[str] = []
    lines = (shared_data / "skills" / "skillspan_dev_postings.jsonl").read_text().splitlines()
    raw = [json.loads(line)["text"] for line in lines]
    texts += raw + [normalize_text(t) for t in raw]
    csv.field_size_limit(sys.maxsize)
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            for key in ("title", "description"):
                value = row.get(key) or ""
                texts += [value, normalize_text(value)]
    texts.append((shared_data / "seed" / "posting-poshmark-senior-ml-engineer.txt").read_text())
    for name in ("terms_cases", "terms_holdout", "terms_holdout2", "terms_holdout3",
                 "terms_holdout4"):  # fmt: skip
        for case in case_files.load(f"{name}.jsonl", shared_data):
            texts += [case["title"] or "", case["description"] or ""]
    return list(dict.fromkeys(texts))


@pytest.mark.shared_data
def test_real_postings(shared_data: Path) -> None:
    texts = _real_texts(shared_data)
    mismatches = [t[:80] for t in texts if scan(t) != scan_reference(t)]
    assert len(texts) > 2000
    assert mismatches == []
