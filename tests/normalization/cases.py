"""The labelled case files of tests/normalization/, with their texts looked up in ../shared/data.

The reference data may not be copied into the repository (../shared/data/README.md), so a
case judged on a real posting stores where its text is, not the text:

    {"source": "linkedin", "row": 3788295344, "field": "description", "start": 107, "end": 215}

- `source`: "linkedin" (salary/linkedin_postings_sample500.csv, `row` is the `job_id`) or
  "skillspan" (skills/skillspan_dev_postings.jsonl, `row` is the `idx`, `field` is "text");
- `start`/`end` index the field with every run of whitespace (line breaks too) turned into one
  space and the ends trimmed, `" ".join(text.split())`: the snippets were cut from that form.
  Without them the locator is the whole field, in the same form.

A text value of a case is a plain string (written by hand, or a placeholder such as the empty
title), one locator, or a list of strings and locators joined in order: an excerpt whose
words were changed by hand (a number, a word cut off) keeps the change as a literal between
two locators. Only the `title`, `location` and `description` values are resolved; the labels
(`expected`, `place`, `isco`, ...) are the hand-made part and stay in the files.

Used by the tests (through the `shared_data` fixture, so they skip without the data) and by
benchmarks/normalization_*.py (which print that they skip).
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED_DATA = HERE.parents[2] / "shared" / "data"
TEXT_KEYS = ("title", "location", "description")
FILES = {
    "linkedin": Path("salary") / "linkedin_postings_sample500.csv",
    "skillspan": Path("skills") / "skillspan_dev_postings.jsonl",
}


class SharedDataAbsentError(LookupError):
    """A case file points into ../shared/data and the data is not there."""


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


@cache
def _rows(data: Path, source: str) -> dict[str, dict[str, str]]:
    path = data / FILES[source]
    if not path.is_file():
        raise SharedDataAbsentError(f"{path} not present (../shared/data lives beside the repo)")
    if source == "linkedin":
        with path.open(newline="", encoding="utf-8") as f:
            return {row["job_id"]: row for row in csv.DictReader(f)}
    with path.open(encoding="utf-8") as f:
        posts = [json.loads(line) for line in f if line.strip()]
    return {str(post["idx"]): {"text": post["text"]} for post in posts}


def resolve(value: Any, data: Path = SHARED_DATA) -> Any:
    """The text a case value stands for: literals as they are, locators looked up."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(resolve(part, data) for part in value)
    text = _flat(_rows(data, value["source"])[str(value["row"])][value["field"]])
    if "start" not in value:
        return text
    return text[value["start"] : value["end"]]


def needs_shared_data(case: dict[str, Any]) -> bool:
    return any(not isinstance(case.get(key), str | None) for key in TEXT_KEYS)


def load(name: str, data: Path = SHARED_DATA) -> list[dict[str, Any]]:
    """The cases of tests/normalization/`name`, texts resolved (SharedDataAbsentError without)."""
    with (HERE / name).open(encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    return [
        {key: resolve(value, data) if key in TEXT_KEYS else value for key, value in case.items()}
        for case in cases
    ]
