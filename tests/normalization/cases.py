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
benchmarks/normalization_*.py (which print that they skip). To add cases, write them with
their texts as copied and a `source`/`src` of "linkedin" or "skillspan", then run
`.venv/bin/python -m tests.normalization.cases FILE`: it replaces every text it finds
verbatim by its locator and names the ones it left (an edited excerpt is split by hand).
"""

from __future__ import annotations

import csv
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED_DATA = HERE.parents[2] / "shared" / "data"
TEXT_KEYS = ("title", "location", "description")
SHORT = 30
"""Texts shorter than this are located only as a whole field: a few words ("Assistant", a
placeholder title) occur in many postings without being copied from any of them."""
FIELDS = {"linkedin": ("title", "location", "description"), "skillspan": ("text",)}
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


def locate(text: str, source: str, data: Path = SHARED_DATA) -> dict[str, Any] | None:
    """A locator of `text` in `source`: a whole field if one equals it, else (for a text of
    SHORT characters or more) the first place a field holds it; None otherwise."""
    rows = _rows(data, source)
    for row, record in rows.items():
        for field in FIELDS[source]:
            if _flat(record[field]) == text:
                return {"source": source, "row": int(row), "field": field}
    for row, record in rows.items() if len(text) >= SHORT else ():
        for field in FIELDS[source]:
            start = _flat(record[field]).find(text)
            if start >= 0:
                return {"source": source, "row": int(row), "field": field, "start": start,
                        "end": start + len(text)}  # fmt: skip
    return None


def load(name: str, data: Path = SHARED_DATA) -> list[dict[str, Any]]:
    """The cases of tests/normalization/`name`, texts resolved (SharedDataAbsentError without)."""
    with (HERE / name).open(encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    return [
        {key: resolve(value, data) if key in TEXT_KEYS else value for key, value in case.items()}
        for case in cases
    ]


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        case = json.loads(line)
        source = str(case.get("src", case.get("source", "")))
        for key in TEXT_KEYS:
            text = case.get(key)
            if source in FILES and isinstance(text, str) and text:
                locator = locate(text, source)
                if locator is not None and resolve(locator) == text:
                    case[key] = locator
                else:
                    print(f"{path}:{number}: {key} not located in {source}, kept as written")
        lines.append(json.dumps(case, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
