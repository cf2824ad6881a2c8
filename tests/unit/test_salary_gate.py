"""The salary step's money gate (native/src/prep.rs): when it says a description has no
money, `find_pay(text, money_only=True)` must find nothing, or a salary would be lost.
Checked on generated text dense in digits and currency markers and on every real text in
../shared/data; and the gate must actually close on ordinary text, or it saves nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stream.enrich.salary.currency import MARKERS
from stream.enrich.salary.extract import _MONEY_GATE
from stream.enrich.salary.parse import find_pay
from stream.enrich.text import normalize_text

# Pieces that make the gate's decisions hard: every currency marker, multiplier words, the
# separators and spaces that attach a marker to a number, digits of two scripts, letters
# that glue onto markers, and period words.
_PIECES = st.sampled_from(
    [
        *sorted(MARKERS),
        *("0", "1", "5", "12", "160,000", "18.5", "٣", "१२", "k", "K", "L", "lakh", "Cr"),
        *("crore", "LPA", "M", " ", "  ", "\t", ":", ",-", "-", " - ", "/", "a", "Rooms"),
        *("per year", "\n", ".", "(", "+", "up to ", "salary ", "x", "ALLY"),
    ]
)
_TEXT = st.lists(_PIECES, max_size=14).map("".join)


def _finds_nothing(text: str) -> bool:
    return find_pay(text, money_only=True) == []


@given(_TEXT)
@settings(max_examples=3000)
def test_a_closed_gate_means_no_candidate_in_generated_text(text: str) -> None:
    if not _MONEY_GATE.may_have_money(text):
        assert _finds_nothing(text), text


@given(st.text(max_size=120))
def test_a_closed_gate_means_no_candidate_in_any_text(text: str) -> None:
    if not _MONEY_GATE.may_have_money(text):
        assert _finds_nothing(text), text


@pytest.mark.parametrize(
    ("text", "open_"),
    [
        ("Base salary: $120,000 - $150,000 per year", True),
        ("120.000 € brutto im Jahr", True),
        ("CTC 18 - 25 LPA", True),
        ("Pay: 25L to 30L", True),
        ("We are a team of 40 engineers in 3 offices, founded in 2009.", False),
        ("5+ years of Python; 401(k) matching and 20 days of leave", False),
        ("", False),
    ],
)
def test_the_gate_opens_on_money_and_closes_on_ordinary_text(text: str, open_: bool) -> None:
    assert _MONEY_GATE.may_have_money(text) is open_


def _linkedin_descriptions(shared_data: Path) -> list[str]:
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        return [normalize_text(row.get("description") or "") for row in csv.DictReader(handle)]


def _real_texts(shared_data: Path) -> list[str]:
    texts = _linkedin_descriptions(shared_data)
    for name in ("au_salary_strings.json", "price_parser_cases.json"):
        rows = json.loads((shared_data / "salary" / name).read_text(encoding="utf-8"))
        texts.extend(str(row["raw"]) for row in rows)
    with (shared_data / "skills" / "skillspan_dev_postings.jsonl").open(encoding="utf-8") as f:
        for line in f:
            texts.append(normalize_text(json.loads(line).get("description") or ""))
    return texts


def test_a_closed_gate_means_no_candidate_in_real_text(shared_data: Path) -> None:
    texts = _real_texts(shared_data)
    closed = [text for text in texts if not _MONEY_GATE.may_have_money(text)]
    wrongly_closed = [text[:80] for text in closed if not _finds_nothing(text)]
    assert wrongly_closed == []


def test_the_gate_closes_on_most_real_descriptions(shared_data: Path) -> None:
    # 80% of the LinkedIn sample states no pay: a gate open on most of them would save nothing.
    descriptions = _linkedin_descriptions(shared_data)
    closed = sum(1 for text in descriptions if not _MONEY_GATE.may_have_money(text))
    assert closed > len(descriptions) / 2, (closed, len(descriptions))
