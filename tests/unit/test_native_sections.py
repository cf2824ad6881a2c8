"""Differential tests: the Rust section rules in `stream_native` (heading_state,
inline_state, language_context, RequirementIndex.state_at) give exactly what the Python
reference gives (sections.py, cues.py, text.py): on hand-picked lines that
reach every branch, on generated lines, and on every line, cue clause and matched span of
the real postings in ../shared/data."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import stream_native
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.enrich.skills.cues import NICE_WORDS, REQUIRED_WORDS, inline_state
from stream.enrich.skills.match import FormMatcher, SectionMarks
from stream.enrich.skills.sections import (
    _CLAUSE_END,
    _CLAUSE_LOOKAROUND,
    RequirementIndex,
    heading_state,
)
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.skills.text import language_context
from stream.enrich.text import normalize_text
from tests.unit.test_sections import LAYOUTS as SECTION_LAYOUTS

HEADINGS = [
    # required, with qualifiers, colons, bullets and markdown
    "Requirements",
    "Requirements:",
    "requirement",
    "Requirements: Python, SQL",
    "• Basic Qualifications: Java",
    "## Minimum qualifications",
    "**Requirements**",
    "> Must have: CDL Class A",
    "Must-haves",
    "must have",
    "Key skills & experience:",
    "Skills and experience",
    "What we're looking for",
    "What we’re looking for:",
    "What we look for",
    "What you'll bring",
    "What you will need",
    "What you have",
    "You have",
    "Who you are",
    "Essentials",
    "Essential",
    "Technical requirements",
    "Your qualifications",
    "Required",
    "Required skills",
    "Required:",
    "Requirements – Python",
    "\t - Requirements -",
    "  *  Requirements  *  ",
    "Requirements.",
    "Requirements!",
    "Requirements?",
    "Requirementsx",
    "Requirements_",
    "Requirements2",
    "Requirements are listed below",
    "requirements are listed below, as ever, and here is a much longer line that goes on",
    # nice to have, and "Preferred qualifications" over the requirement words in it
    "Nice to have",
    "Nice-to-haves:",
    "nice to haves",
    "Preferred",
    "Preferred qualifications",
    "Preferred Qualifications: Scala",
    "Desired requirements",
    "Bonus requirements",
    "Additional qualifications",
    "Additional requirements:",
    "Additional benefits",
    "Preferred skills",
    "Bonus points",
    "Bonus",
    "Desirable",
    "Desired",
    "Good to have",
    "good-to-have:",
    "A plus",
    "Is a big plus",
    "would be an advantage",
    "An advantage",
    "Pluses",
    "Extra credit",
    "Not required",
    # neutral, with "& benefits" tails and the $ before a final newline
    "Benefits",
    "Compensation & benefits",
    "Compensation and benefits",
    "Salary / benefits",
    "Salary, perks",
    "Perks &",
    "Benefits & a very long tail that runs well past thirty characters",
    "Responsibilities",
    "Key responsibilities:",
    "What you'll do",
    "What you will do",
    "The role",
    "About the company",
    "About this role",
    "About our team",
    "About Us",
    "About",
    "Who we are",
    "What we offer",
    "Why join us?",
    "Our culture",
    "Our benefits",
    "The team",
    "Location",
    "How to apply",
    "Equal opportunity employer",
    "Equal employment",
    "EEO statement",
    "Job description",
    "Overview",
    "Summary",
    "Day-to-day",
    "Day to day",
    "Duties",
    "Your role",
    "Tech stack: React",
    "The opportunity",
    "Benefits\n",
    "Benefits\n\n",
    "Benefits\r",
    "Benefits\n: dental",
    "Benefits\r: dental",
    # not headings
    "Apply SQL daily",
    "Python",
    "",
    "   ",
    ":",
    "- : -",
    "Requirements and many more words in this line here",
    "x" * 61,
    "Requirements " + "x" * 60,
    "Requirements: " + "x" * 70,
    # non-ASCII text, and the IGNORECASE cases Python pairs with ASCII letters
    "ÜBER UNS",
    "Anforderungen",
    "Requırements",
    "REQUİREMENTS",
    "Bonuſ points",
    "Nıce to have",
    "Key ſkills",
    "KEY SKILLS",
    "Requirementsé",
    "Requirements\u0301",
    "Requirements①",
    "Requirements²",
    "about the ü",
    "about the \u0345",
    "about the ①",
    "Benefits & ßervice",
    "Benefits & \u0345",
    "\u00a0Requirements\u2003",
    "\x1cRequirements\x1f",
    "\x85Requirements",
    "··· Requirements",
    "—Requirements—",
    "Requirements日本",
    "日本 Requirements",
]

CLAUSES = [
    "Kafka is a plus",
    "Kafka is a big plus",
    "Kafka would be an advantage",
    "Kafka will be a strong bonus",
    "Kafka are a huge plus",
    "Kafka is an plus",
    "a plus",
    "A PLUS",
    "Kafka is a pluses",
    "Nice-to-have: Rust",
    "nice to have",
    "Preferred",
    "Bachelor's degree preferred",
    "desirable",
    "bonus point",
    "bonus points",
    "bonus pointsx",
    "advantageous",
    "not required",
    "Rust not required",
    "Python required",
    "Python is required",
    "Python is mandatory",
    "Python is essential",
    "Python is essential and required",
    "Python are a must",
    "must-have: Go",
    "must have Go",
    "must-haves",
    "mustard",
    "requirements",
    "required2",
    "_required",
    "required_",
    "mandatory",
    "Mandatory",
    "",
    "no cue here",
    # non-ASCII text and IGNORECASE pairs
    "Kafka ıs a plus",
    "Kafka İs a plus",
    "Kafka is a bonuſ",
    "Kafka is a pluſ",
    "Kafka is essentıal, requıred",
    "requİred",
    "muſt have",
    "preferred\u0301",
    "preferredé",
    "éa plus",
    "\u0301a plus",
    "①a plus",
    "a plus①",
    "a plus²",
    "日本語 is a plus",
    "Python\u00a0required",
    "Python required\u2003",
    "Σ is a plus ΣΣ",
]

LANGUAGE_TEXTS = [
    ("Fluent Spanish", 7, 14),
    ("Spanish fluency", 0, 7),
    ("xfluent Spanish", 8, 15),
    ("German company", 0, 6),
    ("Must speak German and French", 11, 17),
    ("A " + "y" * 40 + " fluent German", 50, 56),
    ("A " + "y" * 30 + " fluent German", 40, 46),
    ("Knowledge of Korean", 13, 19),
    ("ſpeak Korean", 6, 12),
    ("ſign", 5, 5),
    ("sign\u0301 Korean", 6, 12),
    ("readé Korean", 6, 12),
    ("Korean written", 0, 6),
    ("Korean writtenx", 0, 6),
    ("Korean", 10, 12),
    ("", 0, 0),
]

# Generated lines are built from these: heading and cue words, separators, and characters
# where Python's and the regex crate's notions of words, spaces or case differ.
WORDS = (  # noqa: SIM905 - one string reads better than 72 items
    "Requirements|requirement|required|Qualifications|Basic|Preferred|preferred|Desired"
    "|Additional|bonus|points|Nice|nice|to|have|haves|good|Must|must|mandatory|essential"
    "|is|are|would|will|be|a|an|big|huge|strong|plus|advantage|advantageous|desirable"
    "|not|Key|skills|and|experience|What|we|we're|you|you’ll|looking|look|for|bring|need"
    "|Who|Benefits|benefits|Compensation|about|About|the|our|us|team|equal|opportunity"
    "|employment|EEO|statement|role|Responsibilities|day|Python|SQL|Kafka|Go"
).split("|")
TOKENS = [
    *WORDS,
    *" " * 8,
    *"-–—*#>•·:;.,!?/&'’_\n\r\t",
    "\x1c",
    "\x85",
    "\u00a0",
    "\u2003",
    *"éüßΣıİſKÅ日①²0",
    "\u0301",
    "\u0345",
    "bonuſ",
    "muſt",
    "requıred",
    "KEY",
]


# Any character Python's Unicode 14.0 assigns. The unassigned ones are not compared: the
# Rust tables (Unicode 16.0) make 9,392 of them letters or digits, so word boundaries
# there differ (a documented limit of the port; see native/src/cues.rs).
ASSIGNED = st.characters(exclude_categories=("Cn", "Cs"))


def lines() -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.sampled_from(TOKENS), max_size=14).map("".join),
        st.lists(st.sampled_from(TOKENS), max_size=10).map(" ".join),
        st.text(ASSIGNED, max_size=30),
    )


def _python_states(
    text: str, cue_words: list[int], last: int, heading_lines: list[int], spans: list[Any]
) -> list[bool | None]:
    index = RequirementIndex(text, cue_words, last, None, heading_lines)
    return [index.state_at(s, e) for s, e in spans]


def _native_states(
    text: str, cue_words: list[int], last: int, heading_lines: list[int], spans: list[Any]
) -> list[bool | None]:
    return stream_native.requirement_states(
        text, cue_words, last, heading_lines, spans, NICE_WORDS, REQUIRED_WORDS
    )


def _native_inline_state(clause: str) -> bool | None:
    """The Rust inline cues on the cue words the service hands the scanner."""
    return stream_native.inline_state(clause, NICE_WORDS, REQUIRED_WORDS)


@pytest.fixture(scope="module")
def matcher() -> FormMatcher:
    return FormMatcher(Taxonomy.bundled().entries)


def _scan(matcher: FormMatcher, text: str) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """The cue words, heading lines and spans of the real matcher scan."""
    marks = SectionMarks()
    spans = matcher.spans(text, text.encode("ascii", "replace"), marks)
    return marks.cue_words(), marks.heading_lines(), [(s[0], s[1]) for s in spans]


# --- hand-picked ---------------------------------------------------------------------


@pytest.mark.parametrize("line", HEADINGS)
def test_heading_state(line: str) -> None:
    assert stream_native.heading_state(line) == heading_state(line)


@pytest.mark.parametrize("clause", CLAUSES + HEADINGS)
def test_inline_state(clause: str) -> None:
    assert _native_inline_state(clause) == inline_state(clause)


@pytest.mark.parametrize(("text", "start", "end"), LANGUAGE_TEXTS)
def test_language_context(text: str, start: int, end: int) -> None:
    assert stream_native.language_context(text, start, end) == language_context(text, start, end)


def test_the_cases_reach_every_outcome() -> None:
    assert {heading_state(line) for line in HEADINGS} == {
        (True, True),
        (True, False),
        (True, None),
        (False, None),
    }
    assert {inline_state(clause) for clause in CLAUSES} == {True, False, None}
    assert {language_context(*case) for case in LANGUAGE_TEXTS} == {True, False}


# The section layouts of test_sections.py, plus a few that stress the port: a long line of
# items, a combining accent after a form, a dotless "ı" in a cue word.
LAYOUTS = [
    *SECTION_LAYOUTS,
    "Python is required; Docker is a plus; Node.js preferred. Kafka • Rust is a must",
    "Responsibilities\nPython and SQL daily; Kubernetes would be an advantage!\nBenefits",
    "Requirements\n" + "Python, " * 60 + "Docker is a plus, " + "SQL, " * 80 + "Go",
    "Requirements\nPython. Java. Rust\u0301. Go is a plus\u2022 SQL\nNice to have\nC++",
    "ÜBER UNS\nRequirements – Python\n• Nice to have – Go\nKafka ıs a plus",
]


@pytest.mark.parametrize("text", LAYOUTS)
def test_requirement_states_at_every_offset(matcher: FormMatcher, text: str) -> None:
    cue_words, heading_lines, spans = _scan(matcher, text)
    offsets = [(i, i + 1) for i in range(len(text))] + spans
    for last in (len(text), spans[-1][0] if spans else 0):
        assert _native_states(text, cue_words, last, heading_lines, offsets) == (
            _python_states(text, cue_words, last, heading_lines, offsets)
        )


def test_empty_index_answers_none() -> None:
    assert _native_states("Python, SQL", [], 0, [], [(0, 6)]) == [None]


# --- generated -----------------------------------------------------------------------

GENERATED = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@GENERATED
@given(line=lines())
def test_generated_lines(line: str) -> None:
    assert stream_native.heading_state(line) == heading_state(line)
    assert _native_inline_state(line) == inline_state(line)


@GENERATED
@given(data=st.data(), text=st.lists(lines(), max_size=8).map("\n".join))
def test_generated_language_context(data: st.DataObject, text: str) -> None:
    offsets = st.integers(0, len(text) + 3)
    start, end = data.draw(offsets), data.draw(offsets)
    assert stream_native.language_context(text, start, end) == language_context(text, start, end)


@GENERATED
@given(data=st.data(), text=st.lists(lines(), max_size=8).map("\n".join))
def test_generated_requirement_states(data: st.DataObject, text: str) -> None:
    """Arbitrary marks, spans in any order: the memo and cache must answer the same."""
    offsets = st.integers(0, len(text) + 3)
    cue_words = sorted(data.draw(st.lists(offsets, max_size=10)))
    heading_lines = sorted(set(data.draw(st.lists(offsets, max_size=10))))
    last = data.draw(offsets)
    spans = data.draw(st.lists(st.tuples(offsets, offsets), max_size=20))
    assert _native_states(text, cue_words, last, heading_lines, spans) == (
        _python_states(text, cue_words, last, heading_lines, spans)
    )


@GENERATED
@given(text=st.lists(lines(), max_size=10).map("\n".join))
def test_generated_requirement_states_from_the_scan(matcher: FormMatcher, text: str) -> None:
    cue_words, heading_lines, spans = _scan(matcher, text)
    offsets = [(i, i + 1) for i in range(len(text))] + spans
    last = spans[-1][0] if spans else len(text)
    assert _native_states(text, cue_words, last, heading_lines, offsets) == (
        _python_states(text, cue_words, last, heading_lines, offsets)
    )


# --- real postings -------------------------------------------------------------------


def real_texts(shared_data: Path) -> list[str]:
    """Every description of the skills dev postings (as stored and normalized) and of the
    LinkedIn sample (normalized), as tests/unit/test_sections.py loads them."""
    lines = (shared_data / "skills" / "skillspan_dev_postings.jsonl").read_text().splitlines()
    raw = [json.loads(line)["text"] for line in lines]
    texts = raw + [normalize_text(t) for t in raw]
    csv.field_size_limit(sys.maxsize)
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(newline="") as f:
        texts += [normalize_text(row.get("description") or "") for row in csv.DictReader(f)]
    return list(dict.fromkeys(texts))


def cue_clauses(text: str, cue_words: list[int]) -> Iterable[str]:
    """The clause around each cue word, bounded as RequirementIndex bounds it."""
    for offset in cue_words:
        line_start = text.rfind("\n", 0, offset) + 1
        clause_start = max(line_start, offset - _CLAUSE_LOOKAROUND)
        for match in _CLAUSE_END.finditer(text, clause_start, offset):
            clause_start = match.end()
        limit = min(len(text), offset + _CLAUSE_LOOKAROUND)
        after = _CLAUSE_END.search(text, offset, limit)
        yield text[clause_start : after.start() if after else limit]


def _differ(
    items: Iterable[Any], native: Callable[..., Any], python: Callable[..., Any]
) -> tuple[int, list[Any]]:
    count, mismatches = 0, []
    for item in items:
        count += 1
        if native(*item) != python(*item):
            mismatches.append(item)
    return count, mismatches


@pytest.mark.shared_data
def test_real_postings(matcher: FormMatcher, shared_data: Path) -> None:
    counts: dict[str, int] = {}
    mismatches: dict[str, list[Any]] = {}

    def compare(name: str, items: Iterable[Any], native: Callable[..., Any], python: Any) -> None:
        count, bad = _differ(items, native, python)
        counts[name] = counts.get(name, 0) + count
        mismatches.setdefault(name, []).extend(bad)

    for text in real_texts(shared_data):
        lines = [(line,) for line in text.split("\n")]
        compare("heading lines", lines, stream_native.heading_state, heading_state)
        compare("inline lines", lines, _native_inline_state, inline_state)
        cue_words, heading_lines, spans = _scan(matcher, text)
        clauses = [(clause,) for clause in cue_clauses(text, cue_words)]
        compare("cue clauses", clauses, _native_inline_state, inline_state)
        compare(
            "language spans",
            [(text, s, e) for s, e in spans],
            stream_native.language_context,
            language_context,
        )
        if spans:
            last = spans[-1][0]
            native = _native_states(text, cue_words, last, heading_lines, spans)
            python = _python_states(text, cue_words, last, heading_lines, spans)
            counts["requirement spans"] = counts.get("requirement spans", 0) + len(spans)
            pairs = zip(spans, native, python, strict=True)
            mismatches.setdefault("requirement spans", []).extend(
                (text[:80], span, n, p) for span, n, p in pairs if n != p
            )
    assert all(counts.values()), counts
    assert not any(mismatches.values()), (counts, {k: v[:5] for k, v in mismatches.items()})
