"""Rising detection, and reading cells: partitions and days merge, messages per window."""

from __future__ import annotations

import math
from typing import Any

from stream.models import ChangeEvent
from stream.trends.facts import is_group
from stream.trends.report import (
    daily_totals,
    merge_cells,
    occupation_key,
    occupation_messages,
    rising_messages,
    top_groups,
    top_skills,
    trend_messages,
)
from stream.trends.rising import rising
from stream.trends.synthetic import change_event
from tests.unit.trends_fakes import D0, DAY, FakeClaims, step

H = 3600.0


def test_rising_needs_factor_minimum_and_history() -> None:
    week = [{"python": 10, "rust": 1}] * 7
    today = {"python": 25, "rust": 6, "go": 5, "sql": 4}
    got = {r.skill: r for r in rising(today, week, factor=2.0, min_postings=5, trailing_days=7)}
    assert set(got) == {"python", "rust", "go"}
    assert got["python"].trailing_mean == 10
    assert got["python"].factor == 2.5
    assert got["go"].factor is None  # never seen before: mean 0
    # 20 is not above 2 x 10.
    assert not rising({"python": 20}, week, 2.0, 5, 7)
    # Not enough history: nothing rises.
    assert not rising(today, week[:6], 2.0, 5, 7)
    # Days without the skill count as 0 in the mean.
    sparse = [{"rust": 7}] + [{}] * 6
    assert math.isclose(rising({"rust": 5}, sparse, 2.0, 5, 7)[0].trailing_mean, 1.0)


def test_partitions_merge_into_one_message_per_key() -> None:
    table: dict[str, Any] = {}
    claims = FakeClaims()
    for partition in (0, 1, 2):
        items = [
            (
                o,
                change_event(
                    f"b:{partition}-{o}",
                    f"h{partition}-{o}",
                    D0 + H,
                    ["python"],
                    pay_usd=(1000.0 * (100 + 10 * partition + o),) * 2,
                ),
            )
            for o in range(4)
        ]
        step(table, claims, partition, items)
    merged = merge_cells(table.items(), range(20_000, 20_001))
    messages = trend_messages(merged, 20_000)
    assert [(m.country, m.skill_id, m.postings) for m in messages] == [
        ("*", "python", 12),
        ("US", "python", 12),
    ]
    pay = messages[0].pay
    assert pay is not None
    assert pay.count == 12
    assert math.isclose(pay.mean, 1000 * (100 + 10 + 1.5))
    assert abs(pay.p50 / 111_000 - 1) < 0.01  # 6th of 12: 100+10*1+1 -> 111k
    assert top_skills(merged, 1)[0]["postings"] == 12
    # The JSON a consumer gets parses back (schemas/ is generated from this model).
    assert type(messages[0]).model_validate_json(messages[0].model_dump_json()) == messages[0]


def test_rising_messages_from_cells() -> None:
    table: dict[str, Any] = {}
    claims = FakeClaims()
    offset = 0
    for day in range(8):
        n = 2 if day < 7 else 9
        items = []
        for i in range(n):
            pid = f"b:{day}-{i}"
            items.append((offset, change_event(pid, pid, D0 + day * DAY + H, ["python"])))
            offset += 1
        step(table, claims, 0, items)
    rises = rising_messages(table.items(), 20_007, 20_000, {"python": "Python"}, 2.0, 5, 7)
    assert [(r.skill_id, r.postings, r.trailing_mean) for r in rises] == [("python", 9, 2.0)]
    assert rises[0].factor == 4.5


def test_synthetic_events_are_valid_change_events() -> None:
    ChangeEvent.model_validate(change_event("b:1", "h", D0, ["python"], pay_usd=(1.0, None)))


def test_occupation_groups_are_read_apart_from_skills() -> None:
    dev, nurse = ("2512", "Software developers"), ("2221", "Nursing professionals")
    table: dict[str, Any] = {}
    claims = FakeClaims()
    items = [
        (0, change_event("b:1", "h1", D0 + H, ["python"], occupation=dev, pay_usd=(1e5, 1e5))),
        (1, change_event("b:2", "h2", D0 + H, ["python"], occupation=dev)),
        (2, change_event("b:3", "h3", D0 + H, [], occupation=nurse, location="London, UK")),
    ]
    step(table, claims, 0, items)
    day = range(20_000, 20_001)
    # Skills only: no group subject becomes a SkillTrend, a top skill or a rising skill.
    skills = merge_cells(table.items(), day)
    assert {m.skill_id for m in trend_messages(skills, 20_000)} == {"python"}
    groups = merge_cells(table.items(), day, "*", subjects=is_group)
    assert [(r["isco_code"], r["isco_label"], r["postings"]) for r in top_groups(groups, 3)] == [
        ("*", None, 3),
        ("2512", "Software developers", 2),
        ("2221", "Nursing professionals", 1),
    ]
    messages = occupation_messages(merge_cells(table.items(), day, subjects=is_group), 20_000)
    assert [(m.country, m.isco_code, m.postings) for m in messages] == [
        ("*", "*", 3),
        ("*", "2221", 1),
        ("*", "2512", 2),
        ("GB", "*", 1),
        ("GB", "2221", 1),
        ("US", "*", 2),
        ("US", "2512", 2),
    ]
    assert messages[2].pay is not None
    assert messages[2].pay.mean == 1e5
    assert [occupation_key(m) for m in messages[:2]] == ["2024-10-04|*|*", "2024-10-04|*|2221"]
    assert type(messages[0]).model_validate_json(messages[0].model_dump_json()) == messages[0]
    # The rising rule reads skills only.
    assert daily_totals(table.items(), day) == {20_000: {"python": 2}}
