"""The trends app's ranked gauges: the top skills (with their pay by country), occupation
groups, countries and rising skills of the newest published day, bounded and replaced."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest

from stream.ops.metrics import TOP_N, TrendsMetrics
from stream.trends.facts import is_group
from stream.trends.models import SkillRising
from stream.trends.publish import export_gauges
from stream.trends.report import merge_cells
from stream.trends.synthetic import change_event
from tests.unit.trends_fakes import D0, FakeClaims, step

H = 3600.0
DAY = range(20_000, 20_001)
DEV = ("2512", "Software developers")


def _day(events: list[dict[str, Any]]) -> tuple[Any, Any]:
    table: dict[str, Any] = {}
    step(table, FakeClaims(), 0, list(enumerate(events)))
    return merge_cells(table.items(), DAY), merge_cells(table.items(), DAY, subjects=is_group)


def _rise(skill: str, postings: int) -> SkillRising:
    return SkillRising(
        date=dt.date(2024, 10, 4),
        skill_id=skill,
        skill_name=skill,
        postings=postings,
        trailing_mean=1.0,
        trailing_days=7,
        factor=float(postings),
        threshold_factor=2.0,
        min_postings=5,
    )


def _series(registry: CollectorRegistry, name: str) -> int:
    return sum(1 for family in registry.collect() if family.name == name for _ in family.samples)


def test_gauges_hold_the_newest_day_bounded_and_replaced() -> None:
    registry = CollectorRegistry()
    metrics = TrendsMetrics(registry)
    value = registry.get_sample_value
    # 30 skills, skill k on k+1 postings: only the top TOP_N get a series.
    events = [
        change_event(f"b:{k}-{i}", f"h{k}-{i}", D0 + H, [f"s{k:02d}"], pay_usd=(1e5, 1e5),
                     location="London, UK" if i % 2 else "Austin, TX", occupation=DEV)
        for k in range(30)
        for i in range(k + 1)
    ]  # fmt: skip
    skills, groups = _day(events)
    export_gauges(metrics, skills, groups, [_rise("s29", 30), _rise("s03", 4)])
    top = "stream_trends_top_skill_postings"
    assert value(top, {"rank": "1", "skill": "s29"}) == 30
    assert value(top, {"rank": "10", "skill": "s20"}) == 21
    assert _series(registry, top) == TOP_N
    # Pay of a top skill everywhere and in each top country; p50 within the sketch's 1%.
    pay = "stream_trends_top_skill_pay_usd"
    p50 = value(pay, {"rank": "1", "skill": "s29", "country": "GB", "quantile": "p50"})
    assert p50 is not None
    assert abs(p50 / 1e5 - 1) < 0.01
    assert _series(registry, pay) == TOP_N * 3 * 4  # countries *, GB, US; 4 quantiles
    total = sum(k + 1 for k in range(30))
    assert value("stream_trends_country_postings", {"country": "*"}) == total
    occupation = {"rank": "1", "isco_code": "2512", "isco_label": "Software developers"}
    assert value("stream_trends_top_occupation_postings", occupation) == total
    assert value("stream_trends_rising_skill_factor", {"skill": "s29"}) == 30
    assert _series(registry, "stream_trends_rising_skill_postings") == 2

    # The next day: another skill, no pay, nothing rising. Nothing of the day before stays.
    skills, groups = _day([change_event("b:x", "hx", D0 + H, ["go"], location="Berlin, DE")])
    export_gauges(metrics, skills, groups, [])
    assert "s29" not in generate_latest(registry).decode()
    assert value(top, {"rank": "1", "skill": "go"}) == 1
    assert _series(registry, pay) == 0
    assert _series(registry, "stream_trends_rising_skill_postings") == 0
