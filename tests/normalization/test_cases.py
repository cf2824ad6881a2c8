"""The case files point into ../shared/data instead of holding its text (cases.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.normalization import cases

FILES = sorted(path.name for path in cases.HERE.glob("*.jsonl"))


def _raw(name: str) -> list[dict[str, Any]]:
    with (cases.HERE / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _parts(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_every_case_file_is_listed() -> None:
    assert len(FILES) == 7


@pytest.mark.shared_data
@pytest.mark.parametrize("name", FILES)
def test_locators_name_text_and_real_cases_carry_only_short_edits(
    name: str, shared_data: Path
) -> None:
    bad = []
    for number, case in enumerate(_raw(name), 1):
        real = case.get("src", case.get("source")) != "handwritten"
        for key in cases.TEXT_KEYS:
            for part in _parts(case.get(key)):
                if isinstance(part, dict):
                    text = cases.resolve(part, shared_data)
                    end = part.get("end", len(text))
                    if not text or ("start" in part and len(text) != end - part["start"]):
                        bad.append(f"{name}:{number} {key}: {part} is out of its field")
                elif real and isinstance(part, str) and len(part) >= cases.SHORT:
                    # a literal in a case from a real posting is a hand edit or a placeholder
                    bad.append(f"{name}:{number} {key}: a {len(part)}-character literal")
    assert bad == []


@pytest.mark.shared_data
def test_locate_finds_what_resolve_gives_back(shared_data: Path) -> None:
    located = 0
    for case in _raw("terms_holdout2.jsonl"):
        locator = case["description"]
        assert isinstance(locator, dict)
        text = cases.resolve(locator, shared_data)
        found = cases.locate(text, locator["source"], shared_data)
        assert found is not None
        assert cases.resolve(found, shared_data) == text
        located += 1
    assert located == 105
    assert cases.locate("no posting says this: zq7 xv9", "linkedin", shared_data) is None
