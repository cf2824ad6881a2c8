"""`stream run`: the consume -> enrich -> produce loop.

exactly_once (default): each consumed batch becomes one Kafka transaction holding its
enriched records, change events, dead letters and the consumer offsets
(send_offsets_to_transaction). All of it becomes visible to read_committed readers or none
of it does, so a crash at any point replays the batch without duplicates.

at_least_once: idempotent produce, wait for delivery, then commit the offsets. A crash
between delivery and commit repeats the batch's output (compaction and event_id make that
harmless downstream). For clusters that disallow transactions.

Processing is synchronous between `consume()` calls, so a rebalance callback never runs
while a batch is in flight: nothing uncommitted can leak to the next owner of a partition,
and revocation waits at most for the batch in hand.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition

from stream.config import Settings
from stream.errors import FatalError, InvalidMessage
from stream.ops.health import Health
from stream.ops.metrics import Metrics
from stream.processing import BatchProcessor, BatchResult, InRecord, OutRecord, to_out_records
from stream.runtime.guard import DlqGuard
from stream.runtime.kafka import Role, client_config
from stream.runtime.kafka_stats import record_librdkafka_stats
from stream.runtime.watchdog import Watchdog
from stream.stores.taxonomy_reload import TaxonomyWatcher

log = logging.getLogger(__name__)

T = TypeVar("T")
# How long a transactional call may keep failing with retriable errors (broker away)
# before we give up and let the orchestrator restart us.
_RETRY_DEADLINE_S = 180.0


def default_instance_id(index: int = 0) -> str:
    """Stable across restarts on the same host and slot: fences a crashed predecessor."""
    return f"{socket.gethostname()}-{index}"


class Worker:
    """Owns one consumer and one producer; call `run(stop)` from the main thread."""

    def __init__(
        self,
        settings: Settings,
        processor: BatchProcessor,
        metrics: Metrics,
        instance_id: str | None = None,
        watcher: TaxonomyWatcher | None = None,
        health: Health | None = None,
    ) -> None:
        self._settings = settings
        self._processor = processor
        self._watcher = watcher
        self._metrics = metrics
        self._health = health or Health(metrics)
        self._exactly_once = settings.worker.delivery == "exactly_once"
        instance = instance_id or settings.worker.instance_id or default_instance_id()
        # librdkafka statistics (interval in the settings) feed lag and queue metrics.
        stats = {"stats_cb": lambda s: record_librdkafka_stats(metrics, s, self._health)}
        self._consumer = Consumer({**client_config(settings, "consumer", instance), **stats})
        role: Role = "transactional_producer" if self._exactly_once else "producer"
        self._producer = Producer({**client_config(settings, role, instance), **stats})
        worker = settings.worker
        self._watchdog = Watchdog(worker.stuck_call_s)
        self._guard = DlqGuard(
            worker.dlq_guard_window, worker.dlq_guard_min_messages, worker.dlq_guard_max_ratio
        )
        self.batches_committed = 0

    # -- lifecycle -------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Process until `stop` is set; the batch in hand is committed or aborted first."""
        self._watchdog.start()
        if self._exactly_once:
            self._retrying("init_transactions", lambda: self._producer.init_transactions(30))
        self._consumer.subscribe(
            [self._settings.topics.raw],
            on_assign=self._on_assign,
            on_revoke=self._on_revoke,
            on_lost=self._on_lost,
        )
        self._health.subscribed()
        worker = self._settings.worker
        log.info(
            "worker started",
            extra={"topic": self._settings.topics.raw, "delivery": worker.delivery},
        )
        try:
            while not stop.is_set():
                messages = self._consumer.consume(worker.batch_size, worker.batch_timeout_s)
                self._health.polled()
                self._follow_taxonomy()
                records = self._records(messages)
                if records:
                    self._process(records)
        finally:
            self._health.stopping()
            self._close()
            self._watchdog.stop()

    def _close(self) -> None:
        try:
            self._consumer.close()  # leaves the group now: partitions move without a timeout
        finally:
            self._producer.flush(self._settings.worker.shutdown_timeout_s)
        log.info("worker stopped", extra={"batches": self.batches_committed})

    def _follow_taxonomy(self) -> None:
        """Between batches: swap in a newly published taxonomy (stream.stores.taxonomy_reload)."""
        if self._watcher is None:
            return
        rebuilt = self._watcher.maybe_reload(self._processor.enricher)
        if rebuilt is not None:
            self._processor.enricher = rebuilt

    # -- one batch -------------------------------------------------------------------------

    def _records(self, messages: Sequence[Message]) -> list[InRecord]:
        records: list[InRecord] = []
        for message in messages:
            error = message.error()
            if error is not None:
                if error.fatal():
                    raise FatalError(f"consumer error: {error}")
                log.warning("consumer error", extra={"error": str(error)})
                continue
            _, timestamp = message.timestamp()
            records.append(
                InRecord(
                    topic=message.topic() or "",
                    partition=message.partition() or 0,
                    offset=message.offset() or 0,
                    key=message.key(),
                    value=message.value(),
                    timestamp_ms=timestamp if timestamp > 0 else None,
                )
            )
            self._metrics.consumed.labels(message.topic() or "").inc()
        return records

    def _process(self, records: list[InRecord]) -> None:
        started = time.perf_counter()
        result = self._processor.process(records)
        # Before anything is written: a batch that trips the guard is never committed.
        self._guard.check(isinstance(o, InvalidMessage) for o in result.outcomes)
        outputs = to_out_records(self._settings, records, result.outcomes, _utcnow())
        if self._exactly_once:
            committed = self._write_transaction(records, outputs)
        else:
            committed = self._write_then_commit(records, outputs)
        if not committed:
            return
        self._metrics.last_commit.set_to_current_time()
        self.batches_committed += 1
        self._after_commit(records, result, outputs, time.perf_counter() - started)

    def _write_transaction(self, records: list[InRecord], outputs: list[OutRecord]) -> bool:
        producer = self._producer
        try:
            producer.begin_transaction()
            for out in outputs:
                self._produce(out)
            offsets = _next_offsets(records)
            metadata = self._consumer.consumer_group_metadata()
            self._retrying(
                "send_offsets",
                lambda: producer.send_offsets_to_transaction(offsets, metadata, 30),
            )
            commit_started = time.perf_counter()
            self._retrying("commit_transaction", lambda: producer.commit_transaction(30))
            self._metrics.transaction_seconds.observe(time.perf_counter() - commit_started)
        except KafkaException as exc:
            self._abort_and_rewind(exc, records)
            return False
        return True

    def _write_then_commit(self, records: list[InRecord], outputs: list[OutRecord]) -> bool:
        failures: list[KafkaError] = []

        def on_delivery(error: KafkaError | None, _message: Message) -> None:
            if error is not None:
                failures.append(error)

        for out in outputs:
            self._produce(out, on_delivery)
        self._producer.flush()
        if failures:
            log.warning(
                "delivery failed, batch will be re-consumed", extra={"error": str(failures[0])}
            )
            self._rewind(records)
            return False
        self._retrying(
            "commit_offsets",
            lambda: self._consumer.commit(offsets=_next_offsets(records), asynchronous=False),
        )
        return True

    def _produce(
        self,
        out: OutRecord,
        on_delivery: Callable[[KafkaError | None, Message], None] | None = None,
    ) -> None:
        """Produce one record; a full local queue means wait for deliveries, never drop."""
        while True:
            try:
                self._producer.produce(
                    out.topic, out.value, out.key, headers=out.headers, on_delivery=on_delivery
                )
                return
            except BufferError:
                self._producer.poll(0.1)

    def _retrying(self, what: str, call: Callable[[], T]) -> T:
        """Call, retrying errors librdkafka marks retriable (broker away) up to a deadline.
        Each attempt is watched: one that never returns ends the process (runtime.watchdog)."""
        deadline = time.monotonic() + _RETRY_DEADLINE_S
        while True:
            try:
                with self._watchdog.watching(what):
                    return call()
            except KafkaException as exc:
                error: KafkaError = exc.args[0]
                if not error.retriable() or time.monotonic() > deadline:
                    raise
                log.warning("kafka call retry", extra={"call": what, "error": str(error)})
                time.sleep(0.5)

    def _abort_and_rewind(self, exc: KafkaException, records: list[InRecord]) -> None:
        error: KafkaError = exc.args[0]
        if error.fatal() or not error.txn_requires_abort():
            # Fenced by a newer instance, or the producer is unusable: crash, get restarted;
            # the open transaction is aborted by the broker and the batch replays.
            raise FatalError(f"transaction failed: {error}") from exc
        log.warning("transaction aborted, batch will be re-consumed", extra={"error": str(error)})
        self._retrying("abort_transaction", lambda: self._producer.abort_transaction(30))
        self._metrics.transaction_aborts.inc()
        self._rewind(records)

    def _rewind(self, records: list[InRecord]) -> None:
        """Seek back to the batch's first offsets; partitions no longer ours are skipped
        (their new owner starts from the committed offset anyway)."""
        assigned = {(tp.topic, tp.partition) for tp in self._consumer.assignment()}
        for partition in _first_offsets(records):
            if (partition.topic, partition.partition) in assigned:
                self._consumer.seek(partition)

    def _after_commit(
        self,
        records: list[InRecord],
        result: BatchResult,
        outputs: list[OutRecord],
        seconds: float,
    ) -> None:
        # Redis learns only what Kafka committed: an aborted batch must not look "seen".
        self._processor.store.save(result.new_cache_entries, result.states)
        self._processor.record_outcome(records, result, time.time())
        produced: dict[str, int] = {}
        for out in outputs:
            produced[out.topic] = produced.get(out.topic, 0) + 1
        for topic, count in produced.items():
            self._metrics.produced.labels(topic).inc(count)
        self._metrics.batch_seconds.observe(seconds)
        self._metrics.batch_size.observe(len(records))

    # -- rebalance callbacks (run inside consume(), between batches) -----------------------

    def _on_assign(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self._metrics.rebalances.labels("assign").inc()
        self._log_assignment(consumer, partitions, "assigned")

    def _on_revoke(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self._metrics.rebalances.labels("revoke").inc()
        self._log_assignment(consumer, partitions, "revoked")

    def _on_lost(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self._metrics.rebalances.labels("lost").inc()
        self._log_assignment(consumer, partitions, "lost")

    def _log_assignment(
        self, consumer: Consumer, partitions: list[TopicPartition], change: str
    ) -> None:
        # With cooperative-sticky the callbacks carry only the increment; during a revoke
        # the partitions are still in assignment().
        current = {(tp.topic, tp.partition) for tp in consumer.assignment()}
        changed = {(tp.topic, tp.partition) for tp in partitions}
        now_owned = current | changed if change == "assigned" else current - changed
        self._metrics.assigned_partitions.set(len(now_owned))
        self._health.assigned(len(now_owned))
        log.info("rebalance", extra={change: sorted(p for _, p in changed)})


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _next_offsets(records: Sequence[InRecord]) -> list[TopicPartition]:
    """The offsets to commit: one past the last record of each partition in the batch."""
    last: dict[tuple[str, int], int] = {}
    for record in records:
        key = (record.topic, record.partition)
        last[key] = max(last.get(key, -1), record.offset)
    return [TopicPartition(t, p, offset + 1) for (t, p), offset in last.items()]


def _first_offsets(records: Sequence[InRecord]) -> list[TopicPartition]:
    """Where to seek to re-consume a batch: its first offset per partition."""
    first: dict[tuple[str, int], int] = {}
    for record in records:
        key = (record.topic, record.partition)
        first[key] = min(first.get(key, record.offset), record.offset)
    return [TopicPartition(t, p, offset) for (t, p), offset in first.items()]
