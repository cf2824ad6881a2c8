"""The hand judgement of SkillSpan spans (benchmarks/data/skillspan_concrete.jsonl) resolves.

The file holds locators only (posting, list, index) so that no evaluation text enters the
repository; benchmarks/skills_quality.py turns them back into spans. If the data under
../shared changes shape, the locators must fail loudly rather than count other spans.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.skills_quality import JUDGED, JudgementError, judged_concrete, short_spans


def _rows(data: Path) -> list[dict[str, Any]]:
    lines = (data / "skills" / "skillspan_dev_postings.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in lines.splitlines()]


@pytest.mark.shared_data
def test_every_locator_resolves_and_every_short_span_is_judged(shared_data: Path) -> None:
    rows = _rows(shared_data)
    judged = judged_concrete(rows)  # raises JudgementError on any mismatch
    assert sum(len(spans) for spans in judged.values()) == sum(len(short_spans(r)) for r in rows)
    labels = [concrete for spans in judged.values() for concrete in spans.values()]
    assert any(labels)
    assert not all(labels)  # both kinds were judged, not a file of defaults


# Made-up postings in the data's shape: the checks need no shared data.
ROWS = [
    {
        "source": "tech",
        "idx": 7,
        "knowledge_spans": ["kafka", "a span of more than four words"],
        "skill_spans": ["work closely"],
    }
]
GOOD = [
    {"posting": 0, "source": "tech", "idx": 7, "kind": "knowledge", "span": 0, "concrete": True},
    {"posting": 0, "source": "tech", "idx": 7, "kind": "skill", "span": 0, "concrete": False},
]


def _write(tmp_path: Path, locators: list[dict[str, Any]]) -> Path:
    path = tmp_path / "judged.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in locators), encoding="utf-8")
    return path


def test_a_complete_judgement_maps_span_texts_to_labels(tmp_path: Path) -> None:
    assert judged_concrete(ROWS, _write(tmp_path, GOOD)) == {
        0: {"kafka": True, "work closely": False}
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"posting": 1}, "no posting 1"),
        ({"idx": 8}, "is not tech"),
        ({"span": 5}, "no knowledge span 5"),
        ({"kind": "tool"}, "no tool span 0"),
        ({"span": 1}, "longer than 4 words"),
    ],
)
def test_a_locator_that_points_elsewhere_fails(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(JudgementError, match=message):
        judged_concrete(ROWS, _write(tmp_path, [{**GOOD[0], **change}, GOOD[1]]))


def test_a_span_judged_twice_or_not_at_all_fails(tmp_path: Path) -> None:
    with pytest.raises(JudgementError, match="judged twice"):
        judged_concrete(ROWS, _write(tmp_path, [*GOOD, GOOD[0]]))
    with pytest.raises(JudgementError, match="1 short spans of posting 0 unjudged"):
        judged_concrete(ROWS, _write(tmp_path, GOOD[:1]))


def test_the_judgement_file_holds_locators_only() -> None:
    for line in JUDGED.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == {"posting", "source", "idx", "kind", "span", "concrete"}
