"""Requirement sections: the heading lines the skills scan reports give the same index as
RequirementIndex's own regex search, on hand-written layouts and on real postings."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from stream.enrich.skills.match import FormMatcher, SectionMarks
from stream.enrich.skills.sections import RequirementIndex
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.text import normalize_text

LAYOUTS = [
    "Requirements\n- Python\n- SQL\nNice to have\n- Docker",
    "## Requirements\n* Kafka\n\n### Nice-to-have\n* Rust",
    "• Basic Qualifications: Java\n• Preferred Qualifications: Scala\n• Benefits: dental",
    "About us\nWe build things.\nWhat you'll bring\nGo, Terraform\nBonus points\nHaskell",
    "Key skills & experience:\nExcel\n> Must have: CDL Class A\nDay-to-day\nDriving",
    "No headings at all, just Python and SQL in one long line. Docker is a plus.",
    "Requirements: Python\nrequirements are listed below\n   - Desirable: Airflow",
    "Job description\tSummary\nYour role\nTech stack: React\nEqual opportunity employer",
    "ÜBER UNS\nRequirements – Python\n• Nice to have – Go",
    "#Requirements\n- Python\n##Nice to have\n- Go\nC#requirements are odd",
    "**Requirements**\n- Python\n1. Requirements\n(Required) SQL",
]


@pytest.fixture(scope="module")
def matcher() -> FormMatcher:
    return FormMatcher(Taxonomy.bundled().entries)


def _both(matcher: FormMatcher, text: str) -> tuple[RequirementIndex, RequirementIndex]:
    marks = SectionMarks()
    encoded = text.encode("ascii", "replace")
    matcher.spans(text, encoded, marks)
    cues = marks.cue_words()
    from_scan = RequirementIndex(text, cues, None, encoded, marks.heading_lines())
    from_regex = RequirementIndex(text, cues, None, encoded)
    return from_scan, from_regex


def _assert_same(matcher: FormMatcher, text: str) -> None:
    from_scan, from_regex = _both(matcher, text)
    assert from_scan._heading_starts == from_regex._heading_starts
    assert from_scan._heading_states == from_regex._heading_states
    offsets = range(len(text))
    assert [from_scan.state_at(i, i + 1) for i in offsets] == [
        from_regex.state_at(i, i + 1) for i in offsets
    ]


@pytest.mark.parametrize("text", LAYOUTS)
def test_scan_headings_match_the_regex_search(matcher: FormMatcher, text: str) -> None:
    _assert_same(matcher, text)


def test_headings_are_found_and_used(matcher: FormMatcher) -> None:
    text = LAYOUTS[0]
    from_scan, _ = _both(matcher, text)
    assert from_scan.state_at(text.index("Python")) is True
    assert from_scan.state_at(text.index("Docker")) is False


@pytest.mark.shared_data
def test_scan_headings_match_on_real_postings(matcher: FormMatcher, shared_data: Path) -> None:
    lines = (shared_data / "skills" / "skillspan_dev_postings.jsonl").read_text().splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    csv.field_size_limit(sys.maxsize)
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(newline="") as f:
        texts += [normalize_text(row.get("description") or "") for row in csv.DictReader(f)]
    for text in texts:
        from_scan, from_regex = _both(matcher, text)
        assert from_scan._heading_starts == from_regex._heading_starts, text[:200]
        assert from_scan._heading_states == from_regex._heading_states, text[:200]
