"""Reading the cells: a closed day's SkillTrend messages, rising skills, and query answers.

Message keys are the topic table's (`stream.outputs`). Cells of several partitions (and
several days) merge here, at read time: counts add and
pay sketches merge exactly (`sketch`), so the figures do not depend on how postings were
spread over partitions, and 7-day figures are sums of daily cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stream.outputs import row
from stream.trends.cells import ALL, cells_of
from stream.trends.facts import ALL_POSTINGS, GROUP_PREFIX, is_skill
from stream.trends.models import OccupationTrend, PayStats, SkillRising, SkillTrend
from stream.trends.rising import rising
from stream.trends.sketch import PaySketch
from stream.trends.windows import day_date, day_end, day_start


@dataclass
class Figures:
    """Merged figures of one (skill, country) over some days and partitions."""

    name: str
    postings: int = 0
    pay: PaySketch = field(default_factory=PaySketch)

    def pay_stats(self) -> PayStats | None:
        mean = self.pay.mean
        if mean is None:
            return None
        q = [self.pay.quantile(x) or 0.0 for x in (0.25, 0.5, 0.75, 0.9)]
        return PayStats(
            count=self.pay.count,
            mean=round(mean, 2),
            p25=round(q[0], 2),
            p50=round(q[1], 2),
            p75=round(q[2], 2),
            p90=round(q[3], 2),
            buckets={str(i): n for i, n in sorted(self.pay.buckets.items())},
        )


def merge_cells(
    items: Iterable[tuple[str, Any]],
    days: range,
    country: str | None = None,
    subjects: Callable[[str], bool] = is_skill,
) -> dict[tuple[str, str], Figures]:
    """(subject, country) -> figures over the given days, every partition merged; skills
    only unless `subjects` picks others (`facts.is_group`: occupation groups and all)."""
    out: dict[tuple[str, str], Figures] = {}
    for cell in cells_of(items, days):
        if (country is not None and cell.country != country) or not subjects(cell.skill):
            continue
        figures = out.get((cell.skill, cell.country))
        if figures is None:
            figures = out[(cell.skill, cell.country)] = Figures(cell.name)
        figures.postings += cell.postings
        figures.pay.merge(PaySketch.from_data(cell.pay))
    return out


def trend_messages(merged: Mapping[tuple[str, str], Figures], day: int) -> list[SkillTrend]:
    """One SkillTrend per (skill, country) with postings on a closed day, in key order."""
    start = dt.datetime.fromtimestamp(day_start(day), dt.UTC)
    end = dt.datetime.fromtimestamp(day_end(day), dt.UTC)
    return [
        SkillTrend(
            date=day_date(day),
            window_start=start,
            window_end=end,
            skill_id=skill,
            skill_name=figures.name,
            country=country,
            postings=figures.postings,
            pay=figures.pay_stats(),
        )
        for (skill, country), figures in sorted(merged.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if figures.postings > 0
    ]


def trend_key(message: SkillTrend) -> str:
    key = row("trends_topic").key(message)
    assert key is not None
    return key.decode()


def occupation_messages(
    merged: Mapping[tuple[str, str], Figures], day: int
) -> list[OccupationTrend]:
    """One OccupationTrend per (group, country) with postings on a closed day, in key order;
    `merged` holds group subjects ("isco:2512", and "isco:*" for all postings)."""
    start = dt.datetime.fromtimestamp(day_start(day), dt.UTC)
    end = dt.datetime.fromtimestamp(day_end(day), dt.UTC)
    return [
        OccupationTrend(
            date=day_date(day),
            window_start=start,
            window_end=end,
            isco_code=subject.removeprefix(GROUP_PREFIX),
            isco_label=None if subject == ALL_POSTINGS else figures.name,
            country=country,
            postings=figures.postings,
            pay=figures.pay_stats(),
        )
        for (subject, country), figures in sorted(
            merged.items(), key=lambda kv: (kv[0][1], kv[0][0])
        )
        if figures.postings > 0
    ]


def occupation_key(message: OccupationTrend) -> str:
    key = row("occupations_topic").key(message)
    assert key is not None
    return key.decode()


def rising_key(message: SkillRising) -> str:
    key = row("rising_topic").key(message)
    assert key is not None
    return key.decode()


def daily_totals(items: Iterable[tuple[str, Any]], days: range) -> dict[int, dict[str, int]]:
    """day -> skill -> postings in all countries, for the rising rule."""
    totals: dict[int, dict[str, int]] = {d: {} for d in days}
    for cell in cells_of(items, days):
        if cell.country == ALL and is_skill(cell.skill):
            per_skill = totals[cell.day]
            per_skill[cell.skill] = per_skill.get(cell.skill, 0) + cell.postings
    return totals


def rising_messages(
    items: Iterable[tuple[str, Any]],
    day: int,
    first_day: int,
    names: Mapping[str, str],
    factor: float,
    min_postings: int,
    trailing_days: int,
) -> list[SkillRising]:
    """The SkillRising events of a closed day; `first_day` is the oldest day with data."""
    days = range(max(first_day, day - trailing_days), day + 1)
    totals = daily_totals(items, days)
    trailing = [totals[d] for d in days if d < day]
    return [
        SkillRising(
            date=day_date(day),
            skill_id=rise.skill,
            skill_name=names.get(rise.skill, rise.skill),
            postings=rise.postings,
            trailing_mean=round(rise.trailing_mean, 4),
            trailing_days=trailing_days,
            factor=None if rise.factor is None else round(rise.factor, 4),
            threshold_factor=factor,
            min_postings=min_postings,
        )
        for rise in rising(totals[day], trailing, factor, min_postings, trailing_days)
    ]


def top_skills(merged: Mapping[tuple[str, str], Figures], n: int) -> list[dict[str, Any]]:
    """The n skills with most postings (ties by id), as JSON-ready rows."""
    rows = sorted(merged.items(), key=lambda kv: (-kv[1].postings, kv[0][0]))[:n]
    return [figures_row(skill, country, f) for (skill, country), f in rows]


def top_groups(merged: Mapping[tuple[str, str], Figures], n: int) -> list[dict[str, Any]]:
    """The n occupation groups with most postings ("*": every posting), JSON-ready."""
    rows = sorted(merged.items(), key=lambda kv: (-kv[1].postings, kv[0][0]))[:n]
    out = []
    for (subject, country), figures in rows:
        pay = figures.pay_stats()
        out.append(
            {
                "isco_code": subject.removeprefix(GROUP_PREFIX),
                "isco_label": None if subject == ALL_POSTINGS else figures.name,
                "country": country,
                "postings": figures.postings,
                "pay": None if pay is None else pay.model_dump(mode="json", exclude={"buckets"}),
            }
        )
    return out


def figures_row(skill: str, country: str, figures: Figures) -> dict[str, Any]:
    pay = figures.pay_stats()
    return {
        "skill_id": skill,
        "skill_name": figures.name,
        "country": country,
        "postings": figures.postings,
        "pay": None if pay is None else pay.model_dump(mode="json", exclude={"buckets"}),
    }
