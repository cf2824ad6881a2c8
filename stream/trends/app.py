"""The Faust wiring of `stream trends`: the source topic, the cell table and the agent.
The logic lives in the pure modules; publication in `publish`, queries in `web`.

One agent reads postings.changes in batches (`take_events`). Per source partition, a batch
is planned (replayed / late / fresh, `cells.plan_batch`); the fresh facts of the whole
batch claim their dedup keys in Redis in one round trip (`claims`), and the winners are
pre-aggregated into one write per touched record (`cells.commit_batch`). After each batch
and every second, days are closed on the own partitions and published by the owner of
partition 0 (`publish`), reading every partition from the changelog view (`view`).

Several instances (`--processes`, replicas) share the source partitions through Faust's
consumer group; each writes only its own partitions' records, and every instance reads
all of them back from the changelog, so any instance answers any query.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

import faust
import redis.asyncio as aioredis
from faust.exceptions import NotReady
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP
from prometheus_client import CollectorRegistry

from stream.config import Settings
from stream.ops.metrics import TrendsMetrics
from stream.trends import web
from stream.trends.cells import (
    Progress,
    commit_batch,
    count_cells,
    pending,
    plan_batch,
    progress_of,
)
from stream.trends.claims import Claims
from stream.trends.facts import Fact, UnreadableError, read_fact
from stream.trends.holes import EmptyOffsets, HoleReader, holes, watch_fetches
from stream.trends.publish import Publisher
from stream.trends.topics import ensure_output_topics, source_partitions
from stream.trends.view import ChangelogView, follow
from stream.trends.windows import day_start

log = logging.getLogger(__name__)


class CellTable(faust.Table[str, Any]):
    """A table whose changelog partition is named by the key ("{partition}|..."), not by the
    event being processed: a batch mixes partitions, and each record must go to its own."""

    def partition_for_key(self, key: Any) -> int:
        return int(str(key).split("|", 1)[0])

    def _new_store_by_url(self, url: Any) -> Any:
        # RocksDB: Faust's store would write to the current event's partition (see `store`).
        if str(url).startswith("rocksdb:"):
            from stream.trends.store import KeyedRocksStore

            return KeyedRocksStore(
                url,
                self.app,
                self,
                table_name=self.name,
                key_type=self.key_type,
                key_serializer=self.key_serializer,
                value_serializer=self.value_serializer,
                value_type=self.value_type,
                loop=self.loop,
                options=self.options,
            )
        return super()._new_store_by_url(url)


class ReadCommittedConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """Faust's consumer, reading read_committed. Faust reads read_committed only in its
    exactly_once mode (its transactions), which the app does not use (its own
    idempotence is exact, see cells). read_uncommitted would count the postings of the
    enrichment worker's aborted transactions: a retried transaction then re-produces them
    at new offsets, which lose their claims to the aborted copies (a count that differs
    from a run without the abort whenever the retry's event differs, e.g. its day), and
    a change that is never retried would count although it never happened."""

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka reads the level when the consumer starts (it builds its Fetcher then);
        # Faust creates it just before. Checked, so an upgrade that moves it fails loudly.
        assert consumer._isolation_level == "read_uncommitted", consumer._isolation_level
        consumer._isolation_level = "read_committed"
        return consumer


class ReadCommittedConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return ReadCommittedConsumerThread(self, loop=self.loop, beacon=self.beacon)


class ReadCommittedTransport(faust_aiokafka.Transport):
    Consumer = ReadCommittedConsumer


class TrendsApp(faust.App):
    """faust.App with the read_committed consumer (`ReadCommittedConsumerThread`)."""

    def _new_transport(self) -> Any:
        return ReadCommittedTransport(self.conf.broker_consumer, self)


class Trends:
    """The app and its state; `run()` starts a Faust worker that serves it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        t = self.t = settings.trends
        self.source_name = t.source_topic or settings.topics.changes
        self.partitions = source_partitions(settings, self.source_name)
        ensure_output_topics(settings, self.partitions)
        # Offsets the consumers' own fetches show to hold no record (transaction markers):
        # noted before any consumer starts, so no hole read is spent on them (`holes`).
        self.empty = EmptyOffsets(self.source_name)
        watch_fetches(self.empty)
        self.app = TrendsApp(
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
            # No standby copies: every instance already follows the whole changelog
            # (`view`), and Faust's memory store would mix standby records into the
            # table, which must hold only the partitions this instance writes.
            table_standby_replicas=0,
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
        self.registry = CollectorRegistry()
        self.metrics = TrendsMetrics(self.registry)
        self.redis = aioredis.Redis.from_url(
            settings.redis.url.get_secret_value(), socket_timeout=5.0
        )
        self.claims = Claims(
            self.redis, f"{settings.redis.key_prefix}:trends:{t.app_id}", t.claim_ttl_s
        )
        self.view = ChangelogView(self.partitions)
        self._ready = False  # the table is recovered and no rebalance is under way
        self._owned_logged: set[int] = set()
        self._lock = asyncio.Lock()  # one batch or one tick at a time
        self.publisher = Publisher(
            self.cells,
            self.view,
            t,
            self.source_name,
            self.partitions,
            (
                self.app.topic(t.trends_topic),
                self.app.topic(t.rising_topic),
                self.app.topic(t.occupations_topic),
            ),
            self._end_offsets,
            self.metrics,
            self.owned,
            self.empty.empty_through,
        )
        self.holes = HoleReader(settings.kafka.bootstrap_servers, self.source_name)
        self._counted_at = -1e9
        self._started_at = time.monotonic()

        @self.app.on_before_shutdown.connect
        async def close_hole_reader(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
            await self.holes.stop()

        @self.table.on_recover
        async def recovered() -> None:
            # Faust keeps when the recovery began (after the rebalance) only privately; the
            # process start stands in where it has none.
            recovery = getattr(self.app.tables, "recovery", None)
            began = getattr(recovery, "_recovery_started_at", None)
            took = time.monotonic() - (began if began is not None else self._started_at)
            self.metrics.recovery_seconds.set(took)
            self._counted_at = -1e9  # count the restored cells at the next scrape
            self._ready = True
            log.info("trend table recovered in %.1f s", took)

        @self.app.on_partitions_revoked.connect
        def revoked(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
            # Nothing may write for a partition from here until the next recovery.
            self._ready = False

        @self.app.task  # type: ignore[untyped-decorator]  # faust's decorator is untyped
        async def follow_changelog() -> None:
            topic = f"{t.app_id}-cells-changelog"
            await follow(self.view, settings.kafka.bootstrap_servers, topic)

        @self.app.timer(1.0)  # type: ignore[untyped-decorator]  # faust's decorator is untyped
        async def tick() -> None:
            # Closes days on idle partitions and publishes when no batch comes to do it
            # (an instance whose partitions are all idle, or the publisher).
            own = self.owned()
            if own and own != self._owned_logged:
                # Which instance owns what (partition 0: the publisher), for operators and
                # for the multi-instance tests.
                log.info("owning source partitions %s", sorted(own))
                self._owned_logged = own
            if own:
                try:
                    await self.publisher.tick(self._lock)
                except NotReady:
                    # The producer stops before the timers when the worker shuts down;
                    # nothing was recorded as published, so the next tick or start
                    # publishes the same messages again.
                    log.info("producer not running: publication left to the next tick")

        @self.app.agent(self.source)
        async def apply(stream: Any) -> None:
            async for events in stream.take_events(t.batch_size, within=t.batch_within_s):
                await self.process(events)

        web.register(
            self.app,
            self.view,
            self.publisher.newest_published,
            self.registry,
            self._before_scrape,
        )

    async def _end_offsets(self, tps: Sequence[TP]) -> Mapping[TP, int]:
        ends: Mapping[TP, int] = await self.app.consumer.highwaters(*tps)
        return ends

    def owned(self) -> set[int]:
        """The source partitions this instance owns and may write, now."""
        if not self._ready or self.app.rebalancing:
            return set()
        actives = self.app.assignor.assigned_actives()
        return {tp.partition for tp in actives if tp.topic == self.source_name}

    def _before_scrape(self) -> None:
        own = self.owned()
        self.metrics.partitions.set(len(own))
        newest = self.publisher.newest_published()
        if newest is not None:  # every instance: the alert reads any of them
            self.metrics.closed_day.set(day_start(newest))
        self._update_lag(own)
        self._count_cells()

    def _update_lag(self, own: set[int]) -> None:
        # The consumer's cached end offsets (no broker round trip), against the own
        # partitions' progress records: what is left to apply here.
        ends: dict[int, int | None] = {}
        for partition in own:
            try:
                ends[partition] = self.app.consumer.highwater(TP(self.source_name, partition))
            except Exception:  # not fetched yet
                ends[partition] = None
        self.metrics.lag.set(pending(progress_of(self.cells, own), ends))

    def _count_cells(self) -> None:
        # Counting cells walks every record: at most once every 10 s, whatever the scrapes.
        now = time.monotonic()
        if now - self._counted_at < 10:
            return
        records = list(self.cells.items())
        self.metrics.records.set(len(records))
        self.metrics.cells.set(count_cells(records))
        self._counted_at = time.monotonic()

    # --- processing -------------------------------------------------------------------

    async def process(self, events: Sequence[Any]) -> None:
        # Closing and publishing run on the timer (every second), not here: they ask the
        # consumer for end offsets, and an agent waiting on the consumer's thread while
        # a rebalance waits for the agent to finish its batch would never finish.
        async with self._lock:
            await self._apply(events)

    async def _apply(self, events: Sequence[Any]) -> None:
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
            applied = Progress.of(self.cells, partition).offset
            self.empty.forget_below(partition, applied)
            missing = self.empty.unknown(partition, holes(applied, [o for o, _ in items]))
            if missing:
                items.extend(await self._read_holes(partition, missing))
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
            if plan.twice:
                # Rare and worth seeing: where Faust's delivery is not what it promises.
                log.info(
                    "partition %d: %d offset(s) delivered twice in one batch, applied once",
                    plan.partition,
                    plan.twice,
                )

    # --- messages Faust did not deliver -------------------------------------------------

    async def _read_holes(
        self, partition: int, missing: list[tuple[int, int]]
    ) -> list[tuple[int, Fact | None]]:
        """The messages of the offsets a batch lacks, read from the broker (`holes`)."""
        found: list[tuple[int, Fact | None]] = []
        for start, end in missing:
            read = await self.holes.read(partition, start, end)
            self.metrics.hole_reads.labels("messages" if read else "empty").inc()
            # Offsets that hold no message (transaction markers) are normal; a message
            # read here is one Faust did not deliver: say so, it is rare and worth seeing.
            level = logging.WARNING if read else logging.DEBUG
            log.log(
                level,
                "partition %d: offsets %d..%d not delivered: %d message(s) read from the broker",
                partition,
                start,
                end - 1,
                len(read),
            )
            for offset, value in read:
                try:
                    found.append((offset, read_fact(value, self.t.backdate_s)))
                except UnreadableError:
                    found.append((offset, None))
        return found

    def run(self) -> None:
        # Each event allocates many small objects that form no cycles worth hunting often:
        # back-to-back benchmark runs gave 2,845 postings/s without this, 3,531 with it.
        gc.set_threshold(50_000, 20, 20)
        worker = faust.Worker(self.app, loglevel=self.settings.log_level.lower())
        worker.execute_from_commandline()
