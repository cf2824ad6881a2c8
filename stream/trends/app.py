"""The Faust wiring of `stream trends`: the source topic, the cell table, the agent, the
publication of closed windows and the web views. The logic lives in the pure modules.

One agent reads postings.changes in batches (`take_events`). Per source partition, a batch
is planned (replayed / late / fresh, `cells.plan_batch`), its fresh facts claim their dedup
keys in Redis (`claims`), and the winners are pre-aggregated into one write per touched cell
(`cells.commit_batch`). After each batch, days that every partition has closed are published
to skills.trends (and skills.rising), in order, each exactly once per restart-free run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import time
from collections.abc import MutableMapping, Sequence
from typing import Any

import faust
import redis.asyncio as aioredis
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic
from faust.types import TP
from prometheus_client import CollectorRegistry, generate_latest

from stream.config import Settings
from stream.kafka import client_config
from stream.trends import report
from stream.trends.cells import (
    Progress,
    cells_of,
    closing_watermark,
    commit_batch,
    parse_record_key,
    plan_batch,
    progress_key,
)
from stream.trends.claims import Claims
from stream.trends.facts import Fact, UnreadableError, read_fact
from stream.trends.metrics import TrendsMetrics
from stream.trends.windows import day_date, day_from_date, day_start, last_closed_day

log = logging.getLogger(__name__)
TOP_N = 10  # skills exported as gauges (bounded cardinality)


class CellTable(faust.Table[str, Any]):
    """A table whose changelog partition is named by the key ("{partition}|..."), not by the
    event being processed: a batch mixes partitions, and each cell must go to its own."""

    def partition_for_key(self, key: Any) -> int:
        return int(str(key).split("|", 1)[0])


def ensure_output_topics(settings: Settings, partitions: int) -> None:
    """Create skills.trends and skills.rising (compacted: a window re-published after a
    crash replaces itself) unless they exist; the broker does not auto-create."""
    admin = AdminClient(client_config(settings, "admin"))
    t = settings.trends
    compact = {"cleanup.policy": "compact"}
    specs = [
        NewTopic(name, partitions, settings.topics.replication_factor, config=compact)
        for name in (t.trends_topic, t.rising_topic)
    ]
    for name, future in admin.create_topics(specs, operation_timeout=30).items():
        try:
            future.result(timeout=30)
        except Exception as exc:  # KafkaException carrying a KafkaError
            error = exc.args[0] if exc.args else exc
            if getattr(error, "name", lambda: "")() != "TOPIC_ALREADY_EXISTS":
                raise
            log.debug("%s exists", name)


def source_partitions(settings: Settings, topic: str) -> int:
    admin = AdminClient(client_config(settings, "admin"))
    meta = admin.list_topics(topic, timeout=30)
    described = meta.topics.get(topic)
    if described is None or described.error is not None or not described.partitions:
        raise SystemExit(f"source topic {topic!r} does not exist: create it first")
    return len(described.partitions)


class Trends:
    """The app and its state; `run()` starts a Faust worker that serves it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        t = self.t = settings.trends
        self.source_name = t.source_topic or settings.topics.changes
        self.partitions = source_partitions(settings, self.source_name)
        ensure_output_topics(settings, self.partitions)
        self.app = faust.App(
            t.app_id,
            broker=f"kafka://{settings.kafka.bootstrap_servers}",
            store=t.store,
            datadir=t.data_dir,
            topic_partitions=self.partitions,
            topic_replication_factor=settings.topics.replication_factor,
            broker_session_timeout=t.session_timeout_s,
            processing_guarantee="at_least_once",
            consumer_auto_offset_reset="earliest",
            web_port=t.web_port,
            web_bind=t.web_host,
            web_host=t.web_host,
            key_serializer="raw",
            value_serializer="raw",
            # Change events carry whole postings (~7 kB): fetch more per partition and
            # buffer more per stream, or Faust hands the agent a trickle (measured: the
            # defaults read ~1,500 events/s with an empty agent, these ~2,700/s).
            consumer_max_fetch_size=8 * 1024 * 1024,
            broker_max_poll_records=5000,
            stream_buffer_maxsize=20_000,
        )
        self.source = self.app.topic(self.source_name, key_type=bytes, value_type=bytes)
        self.table = CellTable(
            self.app,
            name="cells",
            partitions=self.partitions,
            schema=faust.Schema(key_serializer="json", value_serializer="json"),
            help="Trend cells: partition x day x country x skill -> count + pay sketch.",
            # Records are rewritten at every batch: roll segments hourly so compaction keeps
            # the changelog (and so the recovery read) near one version per record.
            extra_topic_configs={"segment.ms": "3600000", "min.cleanable.dirty.ratio": "0.2"},
        )
        self.app.tables.add(self.table)
        self.cells: MutableMapping[str, Any] = self.table
        self.trends_topic = self.app.topic(t.trends_topic)
        self.rising_topic = self.app.topic(t.rising_topic)
        self.registry = CollectorRegistry()
        self.metrics = TrendsMetrics(self.registry)
        self.redis = aioredis.Redis.from_url(
            settings.redis.url.get_secret_value(), socket_timeout=5.0
        )
        self.claims = Claims(
            self.redis, f"{settings.redis.key_prefix}:trends:{t.app_id}", t.claim_ttl_s
        )
        self._counted_at = -1e9
        self._ends: dict[int, int | None] = {}
        self._ends_at = -1e9
        self._wire()

    def _wire(self) -> None:
        t = self.t

        @self.app.agent(self.source)
        async def apply(stream: Any) -> None:
            async for events in stream.take_events(t.batch_size, within=t.batch_within_s):
                await self.process(events)

        @self.app.page("/metrics")
        async def metrics(web: Any, request: Any) -> Any:
            self._count_cells()
            return web.bytes(generate_latest(self.registry), content_type="text/plain")

        @self.app.page("/trends/top")
        async def top(web: Any, request: Any) -> Any:
            q = request.query
            days = self._days(q.get("window", "day"))
            merged = report.merge_cells(self.cells.items(), days, q.get("country", "*"))
            n = max(1, min(int(q.get("n", "10")), 1000))
            return web.json(self._answer(days, report.top_skills(merged, n)))

        @self.app.page("/trends/skills/{skill}")
        async def skill(web: Any, request: Any, skill: str) -> Any:
            q = request.query
            days = self._days(q.get("window", "day"))
            merged = report.merge_cells(self.cells.items(), days, q.get("country", "*"))
            rows = [
                report.figures_row(s, c, f) for (s, c), f in sorted(merged.items()) if s == skill
            ]
            return web.json(self._answer(days, rows))

    def _count_cells(self) -> None:
        # Counting cells walks every record: at most once every 10 s, whatever the scrapes.
        now = time.monotonic()
        if now - self._counted_at < 10:
            return
        records = list(self.cells.items())
        self.metrics.records.set(len(records))
        self.metrics.cells.set(sum(1 for _ in cells_of(records)))
        self._counted_at = time.monotonic()

    # --- processing -------------------------------------------------------------------

    async def process(self, events: Sequence[Any]) -> None:
        by_partition: dict[int, list[tuple[int, Fact | None]]] = {}
        for event in events:
            message = event.message
            try:
                fact: Fact | None = read_fact(message.value, self.t.backdate_s)
            except UnreadableError as exc:
                log.warning(
                    "unreadable change event at %s/%s/%s: %s",
                    message.topic,
                    message.partition,
                    message.offset,
                    exc,
                )
                fact = None
            by_partition.setdefault(message.partition, []).append((message.offset, fact))
        plans = []
        for partition, items in sorted(by_partition.items()):
            items.sort(key=lambda item: item[0])
            plans.append(plan_batch(self.cells, partition, items, self.t.grace_s))
        errors = self.claims.errors
        decided = await self.claims.decide(
            self.source_name, [(p.partition, p.fresh) for p in plans]
        )
        self.metrics.redis_errors.inc(self.claims.errors - errors)
        for plan, counts in zip(plans, decided, strict=True):
            applied = commit_batch(self.cells, plan, counts)
            m = self.metrics.events
            m.labels("counted").inc(applied)
            m.labels("duplicate").inc(len(plan.fresh) - applied)
            m.labels("late").inc(plan.late)
            m.labels("unreadable").inc(plan.unreadable)
            m.labels("replayed").inc(plan.replayed)
        await self.publish_closed()

    # --- publication ------------------------------------------------------------------

    def _progress(self) -> dict[int, Progress | None]:
        return {
            p: Progress.of(self.cells, p) if progress_key(p) in self.cells else None
            for p in range(self.partitions)
        }

    async def _closed_through(self) -> int | None:
        """The newest day every source partition is done with (see closing_watermark)."""
        progress = self._progress()
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
            tps = [TP(self.source_name, p) for p in range(self.partitions)]
            ends = await self.app.consumer.highwaters(*tps)
            self._ends = {tp.partition: end for tp, end in ends.items()}
            self._ends_at = time.monotonic()
        return last_closed_day(closing_watermark(progress, self._ends), self.t.grace_s)

    async def publish_closed(self) -> None:
        closed = await self._closed_through()
        if closed is None:
            return
        progress = {p: r for p, r in self._progress().items() if r is not None}
        # Every local partition's record gets the day when it is published; a partition
        # that had no record yet then holds None, so the newest recorded day is the truth.
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
        for rise in report.rising_messages(
            items,
            day,
            first,
            names,
            t.rising_factor,
            t.rising_min_postings,
            t.rising_trailing_days,
        ):
            sent.append(
                await self.rising_topic.send(
                    key=f"{rise.date.isoformat()}|{rise.skill_id}".encode(),
                    value=rise.model_dump_json().encode(),
                )
            )
            self.metrics.rising.inc()
        # Delivered before the progress records say so: a crash re-publishes, never skips.
        await asyncio.gather(*sent)
        self.metrics.windows.inc()
        top = report.top_skills({k: f for k, f in merged.items() if k[1] == "*"}, TOP_N)
        self.metrics.top_skills.clear()
        for rank, row in enumerate(top, start=1):
            self.metrics.top_skills.labels(str(rank), row["skill_id"]).set(row["postings"])
        log.info("published %s: %d trend messages", day_date(day), len(sent))

    def _expire(self, items: list[tuple[str, Any]], closed: int) -> None:
        """Delete cells older than the retention (a tombstone in the changelog each)."""
        oldest = closed - self.t.retention_days + 1
        for key, _ in items:
            parsed = parse_record_key(key)
            if parsed is not None and parsed[1] < oldest:
                del self.cells[key]

    # --- queries ----------------------------------------------------------------------

    def _days(self, window: str) -> range:
        published = [r.published_day for r in self._progress().values() if r is not None]
        closed = max((d for d in published if d is not None), default=None)
        newest = closed if closed is not None else int(time.time() // 86_400)
        if window == "day":
            return range(newest, newest + 1)
        if window == "7d":
            return range(newest - 6, newest + 1)
        if window == "open":
            return range(newest + 1, newest + 1_000)

        day = day_from_date(dt.date.fromisoformat(window))
        return range(day, day + 1)

    def _answer(self, days: range, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "from": day_date(days.start).isoformat(),
            "to": day_date(days.stop - 1).isoformat(),
            "rows": rows,
        }

    def run(self) -> None:
        # Each event allocates many small objects that form no cycles worth hunting often:
        # back-to-back benchmark runs gave 2,845 postings/s without this, 3,531 with it.
        gc.set_threshold(50_000, 20, 20)
        worker = faust.Worker(self.app, loglevel=self.settings.log_level.lower())
        worker.execute_from_commandline()
