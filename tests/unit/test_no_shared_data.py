"""Nothing from ../shared/data's evaluation texts is in the repository.

The rule (../shared/data/README.md): the evaluation and annotation files are never copied
into the project; tests and benchmarks read them in place and skip without them. A copied
snippet is easy to miss in review (a case file, a docstring, a doc quoting a posting), so
this looks for them: every 50-character window of an evaluation text that starts at a word,
compared with every such window of every tracked text file. Both sides are casefolded and
have their whitespace runs collapsed to one space, so a snippet re-wrapped or re-cased is
still found. Fifty characters is a sentence fragment: longer than the stock phrases postings
share with hand-written examples ("years of experience in ..."), short enough that a copied
sentence has several windows.
"""

from __future__ import annotations

import bisect
import csv
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WIDTH = 50
WORD_START = re.compile(r"\b\w")
TOKEN = re.compile(r"\S+")


def _flat(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _windows(flat: str) -> Iterator[tuple[int, str]]:
    for match in WORD_START.finditer(flat):
        start = match.start()
        if start + WIDTH > len(flat):
            return
        yield start, flat[start : start + WIDTH]


def _evaluation_texts(data: Path) -> Iterator[str | None]:
    linkedin = data / "salary" / "linkedin_postings_sample500.csv"
    with linkedin.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield row["description"]
            yield row["skills_desc"]
    with (data / "skills" / "skillspan_dev_postings.jsonl").open(encoding="utf-8") as f:
        for line in f:
            post = json.loads(line)
            yield post["text"]
            yield from post["skill_spans"]
            yield from post["knowledge_spans"]
    with (data / "skills" / "skillspan_dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            yield " ".join(json.loads(line)["tokens"])
    for name in ("tech_validation_annotations.csv", "house_validation_annotations.csv"):
        with (data / "skills" / name).open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                yield row["sentence"]
    for name in ("au_salary_strings.json", "price_parser_cases.json"):
        for case in json.loads((data / "salary" / name).read_text(encoding="utf-8")):
            yield case["raw"]  # most are shorter than a window; the long ones count
    yield (data / "seed" / "posting-poshmark-senior-ml-engineer.txt").read_text(encoding="utf-8")


def _tracked_texts() -> Iterator[tuple[str, str]]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout
    for name in listed.decode().split("\0"):
        path = REPO / name
        if not name or not path.is_file():
            continue  # deleted in the work tree, not yet committed
        raw = path.read_bytes()
        if b"\0" in raw[:8192]:
            continue  # binary: the shipped .gz tables, derived vocabulary (their own tests)
        try:
            yield name, raw.decode("utf-8")
        except UnicodeDecodeError:
            continue


def _hits(text: str, shingles: frozenset[str]) -> Iterator[tuple[int, str]]:
    """(line, window) of each window of `text` found in `shingles`, one per line."""
    tokens = list(TOKEN.finditer(text.casefold()))
    flat = " ".join(token.group() for token in tokens)
    starts: list[int] = []  # where each token starts in `flat`
    at = 0
    for token in tokens:
        starts.append(at)
        at += len(token.group()) + 1
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    seen: set[int] = set()
    for start, window in _windows(flat):
        if window in shingles:
            index = bisect.bisect_right(starts, start) - 1
            offset = tokens[index].start() + start - starts[index]
            line = bisect.bisect_right(newlines, offset) + 1
            if line not in seen:
                seen.add(line)
                yield line, window


@pytest.mark.shared_data
def test_no_tracked_file_holds_text_of_the_evaluation_sets(shared_data: Path) -> None:
    shingles = frozenset(
        window for text in _evaluation_texts(shared_data) for _, window in _windows(_flat(text))
    )
    assert len(shingles) > 100_000  # the data was read (a wrong path would make this vacuous)
    found = [
        f"{name}:{line}: {window!r}"
        for name, text in _tracked_texts()
        for line, window in _hits(text, shingles)
    ]
    assert found == [], f"{len(found)} lines quote ../shared/data:\n" + "\n".join(found[:200])


def test_the_scan_finds_a_window_across_lines_and_case() -> None:
    source = "We are hiring a Senior Data Engineer to build the pipelines of our analytics team."
    shingles = frozenset(window for _, window in _windows(_flat(source)))
    quoted = 'x = 1\nexample = """hiring a senior data engineer\n  to build the PIPELINES of our"""'
    assert [line for line, _ in _hits(quoted, shingles)] == [2]
    assert list(_hits("hiring a data engineer to build pipelines for a team", shingles)) == []
