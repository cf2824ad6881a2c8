"""The team rule's word lists are written twice, in `stream/enrich/skills/context.py` and in
`native/src/context.rs` (the compiled scan cannot import Python data at build time). Read the
Rust constants from the source and hold them equal to the Python ones, so an edit to one
side fails here by name instead of only through the differential tests' drawn texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stream.enrich.skills import context, cues

RUST = Path(__file__).resolve().parents[2] / "native" / "src" / "context.rs"


def rust_const(name: str) -> str:
    found = re.search(rf"const {name}: [^=]+= \[(.*?)\];", RUST.read_text(), re.DOTALL)
    assert found, f"const {name} not found in {RUST}"
    return found.group(1)


@pytest.mark.parametrize(
    ("rust", "python"),
    [
        ("TEAM_BREAK", context.TEAM_BREAK),
        ("TEAM_DETERMINERS", context.TEAM_DETERMINERS),
        ("TEAM_COORDINATORS", context.TEAM_COORDINATORS),
        ("TEAM_MODIFIES", context.TEAM_MODIFIES),
        ("TEAM_TITLES", context.TEAM_TITLES),
        ("TEAM_REPORTS", context.TEAM_REPORTS),
        ("NEGATION_EXCEPT", context.NEGATION_EXCEPT),
        ("ORGANIZATION_JOINS", context.ORGANIZATION_JOINS),
    ],
)
def test_rust_word_set_equals_python(rust: str, python: frozenset[str]) -> None:
    words = re.findall(r'"([^"]*)"', rust_const(rust))
    assert len(words) == len(set(words)), f"{rust} repeats a word"
    assert set(words) == set(python)


def test_rust_team_reaches_equal_python() -> None:
    pairs = re.findall(r'\("([^"]+)",\s*(\d+)\)', rust_const("TEAM_WORKS_WITH"))
    assert {word: int(reach) for word, reach in pairs} == context.TEAM_WORKS_WITH
    reach = re.search(r"const TEAM_REACH: usize = (\d+);", RUST.read_text())
    assert reach
    assert int(reach.group(1)) == max(context.TEAM_WORKS_WITH.values())


def test_rust_negations_equal_python() -> None:
    pairs = re.findall(r'\("([^"]+)",\s*(\d+)\)', rust_const("NEGATION_REACH"))
    assert {word: int(reach) for word, reach in pairs} == context.NEGATION_REACH
    patterns = re.findall(r'b"([^"]+)"', rust_const("NEGATIONS"))
    assert patterns == [w[1:] for w in context.NEGATION_WORDS]
    assert {w.strip() for w in context.NEGATION_WORDS} == set(context.NEGATION_REACH)


def test_rust_organization_words_equal_python() -> None:
    patterns = re.findall(r'b"([^"]+)"', rust_const("ORGANIZATIONS"))
    assert patterns == [w[1:] for w in context.ORGANIZATION_WORDS]
    reach = re.search(r"const ORGANIZATION_REACH: usize = (\d+);", RUST.read_text())
    assert reach
    assert int(reach.group(1)) == context.ORGANIZATION_REACH


CUES_RS = RUST.with_name("cues.rs")


@pytest.mark.parametrize(
    ("rust", "python"),
    [
        ("SKILL_CUE_NOUNS", cues.SKILL_CUE_NOUNS),
        ("SKILL_CUE_PREPOSITIONS", cues.SKILL_CUE_PREPOSITIONS),
        ("SKILL_CUE_AFTER", cues.SKILL_CUE_AFTER),
        ("SKILL_CUE_AND", cues.SKILL_CUE_AND),
        ("SKILL_CUE_ADJECTIVES", cues.SKILL_CUE_ADJECTIVES),
        ("SKILL_CUE_VETO", cues.SKILL_CUE_VETO),
        ("SKILL_CUE_LABELS", cues.SKILL_CUE_LABELS),
    ],
)
def test_rust_skill_cue_words_equal_python(rust: str, python: frozenset[str]) -> None:
    found = re.search(rf"const {rust}: [^=]+= \[(.*?)\];", CUES_RS.read_text(), re.DOTALL)
    assert found, f"const {rust} not found in {CUES_RS}"
    words = re.findall(r'"([^"]*)"', found.group(1))
    assert len(words) == len(set(words)), f"{rust} repeats a word"
    assert set(words) == set(python)


def test_rust_skill_cue_reach_equals_python() -> None:
    reach = re.search(r"const CUE_BEFORE_WORDS: usize = (\d+);", CUES_RS.read_text())
    assert reach
    assert int(reach.group(1)) == cues._CUE_BEFORE_WORDS
