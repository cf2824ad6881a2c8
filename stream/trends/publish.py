"""Publishing closed days: which day every partition is done with, the SkillTrend,
OccupationTrend and SkillRising messages of each, in order, then the progress records that
say so; and the expiry of records past the retention.

Publication reads every partition's records from the local table: it is right while one
instance owns all partitions (docs/trends.md, limits).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any

from faust.types import TP, TopicT

from stream.ops.metrics import PAY_QUANTILES, TOP_COUNTRIES, TOP_N, TrendsMetrics
from stream.trends import report
from stream.trends.cells import (
    Progress,
    cells_of,
    closing_watermark,
    parse_record_key,
    progress_key,
)
from stream.trends.facts import ALL_POSTINGS, is_group
from stream.trends.models import SkillRising
from stream.trends.settings import TrendsSettings
from stream.trends.windows import day_date, day_start, last_closed_day

log = logging.getLogger(__name__)

EndOffsets = Callable[[Sequence[TP]], Awaitable[Mapping[TP, int]]]


class Publisher:
    def __init__(
        self,
        cells: MutableMapping[str, Any],
        settings: TrendsSettings,
        source: str,
        partitions: int,
        outputs: tuple[TopicT, TopicT, TopicT],
        end_offsets: EndOffsets,
        metrics: TrendsMetrics,
    ) -> None:
        self.cells = cells
        self.t = settings
        self.source = source
        self.partitions = partitions
        self.trends_topic, self.rising_topic, self.occupations_topic = outputs
        self.end_offsets = end_offsets
        self.metrics = metrics
        self._ends: dict[int, int | None] = {}
        self._ends_at = -1e9

    def progress(self) -> dict[int, Progress | None]:
        return {
            p: Progress.of(self.cells, p) if progress_key(p) in self.cells else None
            for p in range(self.partitions)
        }

    def newest_published(self) -> int | None:
        days = [r.published_day for r in self.progress().values() if r is not None]
        return max((d for d in days if d is not None), default=None)

    async def closed_through(self) -> int | None:
        """The newest day every source partition is done with (see closing_watermark)."""
        progress = self.progress()
        records = [r for r in progress.values() if r is not None]
        newest = max((r.watermark for r in records if r.watermark is not None), default=None)
        candidate = last_closed_day(newest, self.t.grace_s)
        published = max(
            (r.published_day for r in records if r.published_day is not None), default=None
        )
        if candidate is None or (published is not None and candidate <= published):
            return None  # nothing new could close: spare the broker the end-offset query
        now = time.monotonic()
        if now - self._ends_at > 1.0:  # at most one end-offset query a second
            tps = [TP(self.source, p) for p in range(self.partitions)]
            ends = await self.end_offsets(tps)
            self._ends = {tp.partition: end for tp, end in ends.items()}
            self._ends_at = time.monotonic()
        return last_closed_day(closing_watermark(progress, self._ends), self.t.grace_s)

    async def publish_closed(self) -> None:
        closed = await self.closed_through()
        if closed is None:
            return
        # Every partition's record gets the day when it is published, one that had no
        # record yet too, so that its events of a published day are late when they come.
        progress = {p: r or Progress() for p, r in self.progress().items()}
        published = [p.published_day for p in progress.values() if p.published_day is not None]
        done = max(published) if published else None
        if done is not None and done >= closed:
            return
        items = list(self.cells.items())
        days_with_data = sorted(
            {parsed[1] for key, _ in items if (parsed := parse_record_key(key)) is not None}
        )
        if not days_with_data:
            return
        first = days_with_data[0]
        start = first if done is None else done + 1
        names = {cell.skill: cell.name for cell in cells_of(items, range(start, closed + 1))}
        for day in range(start, closed + 1):
            await self._publish_day(items, day, first, names)
            for p, record in progress.items():
                record.published_day = day
                self.cells[progress_key(p)] = record.to_data()
            self.metrics.closed_day.set(day_start(day))
        self._expire(items, closed)

    async def _publish_day(
        self, items: list[tuple[str, Any]], day: int, first: int, names: dict[str, str]
    ) -> None:
        t = self.t
        merged = report.merge_cells(items, range(day, day + 1))
        sent = []
        for message in report.trend_messages(merged, day):
            sent.append(
                await self.trends_topic.send(
                    key=report.trend_key(message).encode(),
                    value=message.model_dump_json().encode(),
                )
            )
        groups = report.merge_cells(items, range(day, day + 1), subjects=is_group)
        for group in report.occupation_messages(groups, day):
            sent.append(
                await self.occupations_topic.send(
                    key=report.occupation_key(group).encode(),
                    value=group.model_dump_json().encode(),
                )
            )
        rises = report.rising_messages(
            items,
            day,
            first,
            names,
            t.rising_factor,
            t.rising_min_postings,
            t.rising_trailing_days,
        )
        for rise in rises:
            sent.append(
                await self.rising_topic.send(
                    key=report.rising_key(rise).encode(),
                    value=rise.model_dump_json().encode(),
                )
            )
            self.metrics.rising.inc()
        # Delivered before the progress records say so: a crash re-publishes, never skips.
        await asyncio.gather(*sent)
        self.metrics.windows.inc()
        export_gauges(self.metrics, merged, groups, rises)
        log.info("published %s: %d trend messages", day_date(day), len(sent))

    def _expire(self, items: list[tuple[str, Any]], closed: int) -> None:
        """Delete cells older than the retention (a tombstone in the changelog each)."""
        oldest = closed - self.t.retention_days + 1
        for key, _ in items:
            parsed = parse_record_key(key)
            if parsed is not None and parsed[1] < oldest:
                del self.cells[key]


def export_gauges(
    metrics: TrendsMetrics,
    skills: Mapping[tuple[str, str], report.Figures],
    groups: Mapping[tuple[str, str], report.Figures],
    rises: Sequence[SkillRising],
) -> None:
    """Replace the ranked gauges with a newly published day's figures (`skills` and `groups`
    are that day's merged cells). Cleared first, so a skill that left the top leaves no
    series behind: the series stay bounded by TOP_N, TOP_COUNTRIES and PAY_QUANTILES."""
    countries = sorted(
        ((c, f.postings) for (s, c), f in groups.items() if s == ALL_POSTINGS and c != "*"),
        key=lambda cp: (-cp[1], cp[0]),
    )[:TOP_COUNTRIES]
    metrics.country_postings.clear()
    total = groups.get((ALL_POSTINGS, "*"))
    metrics.country_postings.labels("*").set(total.postings if total else 0)
    for country, postings in countries:
        metrics.country_postings.labels(country).set(postings)

    metrics.top_skills.clear()
    metrics.top_skill_pay.clear()
    top = report.top_skills({k: f for k, f in skills.items() if k[1] == "*"}, TOP_N)
    for rank, row in enumerate(top, start=1):
        skill = row["skill_id"]
        metrics.top_skills.labels(str(rank), skill).set(row["postings"])
        for country in ("*", *(c for c, _ in countries)):
            figures = skills.get((skill, country))
            pay = figures.pay_stats() if figures is not None else None
            if pay is None:
                continue
            for quantile in PAY_QUANTILES:
                value = getattr(pay, quantile)
                metrics.top_skill_pay.labels(str(rank), skill, country, quantile).set(value)

    metrics.top_occupations.clear()
    named = {k: f for k, f in groups.items() if k[1] == "*" and k[0] != ALL_POSTINGS}
    for rank, row in enumerate(report.top_groups(named, TOP_N), start=1):
        labels = (str(rank), row["isco_code"], row["isco_label"] or "")
        metrics.top_occupations.labels(*labels).set(row["postings"])

    metrics.rising_skills.clear()
    metrics.rising_factor.clear()
    for rise in sorted(rises, key=lambda r: (-r.postings, r.skill_id))[:TOP_N]:
        metrics.rising_skills.labels(rise.skill_id).set(rise.postings)
        metrics.rising_factor.labels(rise.skill_id).set(rise.factor or 0.0)
