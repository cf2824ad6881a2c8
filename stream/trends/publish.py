"""Closing and publishing days, with one instance or several.

Each instance owns some source partitions (Faust's assignment) and writes only their
records. After each batch, and every second (`tick`), it:
- closes days on its own partitions: the day every partition is done with
  (`cells.closes`, the same rule as with one instance), read from its own progress records
  and the others' as far as its changelog view holds them; each owner records it in its
  own partitions' progress records, and lateness reads only those;
- deletes its own partitions' records past the retention;
- if it owns source partition 0, publishes: every day that every partition has closed
  (`cells.ready_to_publish`, from the changelog view), the SkillTrend, OccupationTrend and
  SkillRising messages of each, in order, delivered before the `"0|published"` record
  says so. A crash, or partition 0 moving to another instance, re-publishes the same
  messages under the same keys: a closed day's cells never change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import replace
from typing import Any

from faust.types import TP, TopicT

from stream.ops.metrics import PAY_QUANTILES, TOP_COUNTRIES, TOP_N, TrendsMetrics
from stream.trends import report
from stream.trends.cells import (
    Progress,
    cells_of,
    closes,
    expired,
    parse_record_key,
    progress_key,
    progress_of,
    published_key,
    published_of,
    ready_to_publish,
)
from stream.trends.facts import ALL_POSTINGS, is_group
from stream.trends.models import SkillRising
from stream.trends.settings import TrendsSettings
from stream.trends.view import ChangelogView
from stream.trends.windows import day_date, day_start, last_closed_day

log = logging.getLogger(__name__)

EndOffsets = Callable[[Sequence[TP]], Awaitable[Mapping[TP, int]]]
_NO_LOCK = contextlib.nullcontext()
PUBLISHER_PARTITION = 0


class Publisher:
    def __init__(
        self,
        cells: MutableMapping[str, Any],
        view: ChangelogView,
        settings: TrendsSettings,
        source: str,
        partitions: int,
        outputs: tuple[TopicT, TopicT, TopicT],
        end_offsets: EndOffsets,
        metrics: TrendsMetrics,
        owned: Callable[[], set[int]],
        empty_through: Callable[[int, int], int] = lambda partition, offset: offset,
    ) -> None:
        self.cells = cells  # the Faust table: this instance's own partitions
        self.view = view  # every partition, read back from the changelog
        self.t = settings
        self.source = source
        self.partitions = partitions
        self.trends_topic, self.rising_topic, self.occupations_topic = outputs
        self.end_offsets = end_offsets
        self.metrics = metrics
        # The source partitions this instance owns *now*: asked again right before every
        # write, after any await, so that nothing is written for a partition lost meanwhile.
        self.owned = owned
        # (partition, applied offset) -> the offset up to which the source is applied or
        # holds no record (`holes.EmptyOffsets.empty_through`): past a trailing marker.
        self.empty_through = empty_through
        self._ends: dict[int, int | None] = {}
        self._ends_at = -1e9
        self._published: int | None = None  # the newest day this instance published
        self._expired_for: int | None = None

    def progress(self) -> dict[int, Any]:
        """Every partition's progress: the own ones from the table, the rest from the view."""
        own = self.owned()
        view = progress_of(self.view.records, range(self.partitions))
        table = progress_of(self.cells, own)
        return {p: table[p] if p in own else view[p] for p in range(self.partitions)}

    def newest_published(self) -> int | None:
        days = [d for d in (published_of(self.view.records), self._published) if d is not None]
        return max(days, default=None)

    async def tick(self, lock: asyncio.Lock | None = None) -> None:
        """Close, expire and publish. `lock` keeps batches out while this writes; the
        end offsets are asked for outside it (the consumer's thread may be busy with a
        rebalance that waits for the batch in hand)."""
        ends = await self._maybe_ends()
        async with lock or _NO_LOCK:
            self._close_own(ends)
            self._expire_own()
            if PUBLISHER_PARTITION in self.owned():
                await self._publish_ready()
            elif self._published is not None:
                # Partition 0 moved away: its new owner exports the ranked gauges now; two
                # instances exporting different days would both be summed by the dashboard.
                self._published = None
                clear_gauges(self.metrics)

    async def _maybe_ends(self) -> dict[int, int | None] | None:
        """The source partitions' end offsets when a new day could close here (None when
        not: spare the broker the query), at most one query a second."""
        progress = self.progress()
        own = self.owned()
        newest = max(
            (r.watermark for r in progress.values() if r is not None and r.watermark is not None),
            default=None,
        )
        candidate = last_closed_day(newest, self.t.grace_s)
        if candidate is None:
            return None
        closed = [progress[p].closed_day if progress[p] is not None else None for p in own]
        if all(day is not None and day >= candidate for day in closed):
            return None
        if time.monotonic() - self._ends_at > 1.0:
            tps = [TP(self.source, p) for p in range(self.partitions)]
            try:
                ends = await asyncio.wait_for(self.end_offsets(tps), 5.0)
            except TimeoutError:
                return None  # the consumer is busy (a rebalance): next tick
            self._ends = {tp.partition: end for tp, end in ends.items()}
            self._ends_at = time.monotonic()
        return self._ends

    def _close_own(self, ends: dict[int, int | None] | None) -> None:
        if ends is None:
            return
        progress = self.progress()  # under the lock: no batch between this and the write
        own = self.owned()
        for partition in own:
            # A partition whose last records are followed by offsets without a record (the
            # marker of the worker's last transaction) is caught up, not pending: its
            # progress moves over them, or an idle partition would hold every day open.
            record = progress[partition] or Progress()
            through = self.empty_through(partition, record.offset)
            if through > record.offset:
                record = progress[partition] = replace(record, offset=through)
                self.cells[progress_key(partition)] = record.to_data()
        for partition, record in closes(progress, own, ends, self.t.grace_s).items():
            self.cells[progress_key(partition)] = record.to_data()

    def _expire_own(self) -> None:
        """Delete own records older than the retention (a tombstone in the changelog each)."""
        published = self.newest_published()
        if published is None or published == self._expired_for:
            return
        own = self.owned()
        for key in expired(list(self.cells.keys()), own, published, self.t.retention_days):
            del self.cells[key]
        self._expired_for = published

    async def _publish_ready(self) -> None:
        items = self.view.snapshot()
        ready = ready_to_publish(progress_of(items, range(self.partitions)))
        done = published_of(self.cells)  # this instance owns partition 0: its own record
        if ready is None or (done is not None and done >= ready):
            return
        days_with_data = sorted(
            {parsed[1] for key in items if (parsed := parse_record_key(key)) is not None}
        )
        if not days_with_data:
            return
        listed = list(items.items())
        first = days_with_data[0]
        start = first if done is None else done + 1
        names = {cell.skill: cell.name for cell in cells_of(listed, range(start, ready + 1))}
        for day in range(start, ready + 1):
            await self._publish_day(listed, day, first, names)
            if PUBLISHER_PARTITION not in self.owned():
                return  # partition 0 moved: its new owner publishes (again) from here
            self.cells[published_key()] = {"day": day}
            self._published = day
            self.metrics.closed_day.set(day_start(day))

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
        # Delivered before the published record says so: a crash re-publishes, never skips.
        await asyncio.gather(*sent)
        self.metrics.windows.inc()
        export_gauges(self.metrics, merged, groups, rises)
        log.info("published %s: %d trend messages", day_date(day), len(sent))


def clear_gauges(metrics: TrendsMetrics) -> None:
    for gauge in (
        metrics.country_postings,
        metrics.top_skills,
        metrics.top_skill_pay,
        metrics.top_occupations,
        metrics.rising_skills,
        metrics.rising_factor,
    ):
        gauge.clear()


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
