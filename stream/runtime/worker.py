"""`stream run`: the loop that knows only Kafka.

It is handed its consumer and its sink (the producer, wrapped: `runtime.sinks`), consumes a
batch, passes the records to the processor (`stream.processing`, no Kafka), checks the
DLQ-rate guard, and passes the result to the committer (`stream.committer`), which writes
outputs and offsets together, then Redis, then metrics. When the sink could not commit,
the loop seeks back and the batch is consumed again.

One batch's commit overlaps the next batch's processing: the committer runs in a thread of
its own (its work is mostly waiting on the broker and Redis, and the skill scan releases
the GIL), while the loop consumes and processes the next batch. The rules that keep
exactly-once:
- at most one batch is in flight, and a batch is handed to the committer only after the
  one before it has committed (and saved to Redis): commits stay in consumption order;
- the next batch reads the in-flight batch's posting states and cache entries from its
  result, as Redis does not have them yet (`BatchProcessor.process(in_flight=...)`);
- when the in-flight commit fails, the batch processed meanwhile is thrown away and both
  are re-consumed from the first's offsets;
- a rebalance callback (inside `consume()`) waits for the in-flight commit before a
  partition is given up, so nothing uncommitted can leak to its next owner; a stop
  waits for it too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaError, Message, TopicPartition

from stream.committer import Committer
from stream.config import Settings
from stream.errors import FatalError, InvalidMessage
from stream.ops.health import Health
from stream.ops.metrics import Metrics, Tally
from stream.processing import BatchProcessor, BatchResult, InRecord
from stream.runtime.guard import DlqGuard
from stream.runtime.plan import ReadPlan
from stream.runtime.sinks import KafkaSink, first_offsets
from stream.runtime.watchdog import Watchdog

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _InFlight:
    """A batch handed to the committer thread; `commit` says whether it became durable."""

    records: list[InRecord]
    result: BatchResult
    commit: Future[bool]


class Worker:
    """Call `run(stop)` from the main thread; it owns the consumer and the sink from then."""

    def __init__(
        self,
        settings: Settings,
        consumer: Consumer,
        sink: KafkaSink,
        processor: BatchProcessor,
        committer: Committer,
        metrics: Metrics,
        health: Health,
        watchdog: Watchdog,
        plan: ReadPlan | None = None,
    ) -> None:
        """`plan`: read that range once and return (a backfill) instead of following the
        topic as a member of the consumer group."""
        self._settings = settings
        self._plan = plan
        self._consumer = consumer
        self._sink = sink
        self._processor = processor
        self._committer = committer
        self._metrics = metrics
        self._health = health
        self._watchdog = watchdog
        worker = settings.worker
        self._guard = DlqGuard(
            worker.dlq_guard_window, worker.dlq_guard_min_messages, worker.dlq_guard_max_ratio
        )
        self._in_flight: _InFlight | None = None
        self._committing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="committer")

    @property
    def in_flight(self) -> bool:
        """A batch is committing in the committer thread (its outcome not yet taken)."""
        return self._in_flight is not None

    def run(self, stop: threading.Event) -> None:
        """Process until `stop` is set; the batch in hand is committed or aborted first."""
        self._watchdog.start()
        try:
            self._sink.start()
            if self._plan is None:
                self._consumer.subscribe(
                    [self._settings.topics.raw],
                    on_assign=self._on_assign,
                    on_revoke=self._on_revoke,
                    on_lost=self._on_lost,
                )
            else:
                self._consumer.assign(self._plan.start)
                self._health.assigned(len(self._plan.start))
            self._health.subscribed()
            worker = self._settings.worker
            log.info(
                "worker started",
                extra={"topic": self._settings.topics.raw, "delivery": worker.delivery},
            )
            while not stop.is_set():
                messages = self._consumer.consume(worker.batch_size, worker.batch_timeout_s)
                self._health.polled()
                self._processor.refresh()  # e.g. a newly pushed taxonomy, also when idle
                records = self._records(messages)
                if self._plan is not None:
                    records = [record for record in records if self._plan.within(record)]
                if records:
                    self._process(records)
                else:
                    self._settle([])  # nothing to overlap with: take the commit's outcome now
                # A failed last commit rewinds (settle is False): then the plan is not done.
                if self._plan is not None and self._plan.done(self._consumer) and self._settle([]):
                    break
            self._settle([])
        finally:
            self._health.stopping()
            # On an error, still wait for the in-flight commit (it ends one way or the other
            # within the client timeouts) before the clients are closed under it.
            if self._in_flight is not None:
                wait([self._in_flight.commit])
            self._committing.shutdown(wait=True)
            self._close()
            self._watchdog.stop()

    def _close(self) -> None:
        try:
            self._consumer.close()  # leaves the group now: partitions move without a timeout
        finally:
            self._sink.close(self._settings.worker.shutdown_timeout_s)
        log.info("worker stopped", extra={"batches": self._committer.batches_committed})

    def _records(self, messages: Sequence[Message]) -> list[InRecord]:
        records: list[InRecord] = []
        consumed = Tally()
        for message in messages:
            error = message.error()
            if error is not None:
                # A consumer in a fatal state reports it as an event of code _FATAL whose
                # own fatal() is False (seen: KIP-848's "instance id still used by another
                # member"); it never consumes again, so stop for the orchestrator to restart.
                if error.fatal() or error.code() == KafkaError._FATAL:
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
            consumed.add(self._metrics.consumed, message.topic() or "")
        consumed.flush()
        return records

    def _process(self, records: list[InRecord]) -> None:
        started = time.perf_counter()
        previous = self._in_flight
        result = self._processor.process(records, previous.result if previous else None)
        # This batch was processed against the in-flight one: if that did not commit, this
        # result is void too, and both are consumed again.
        if not self._settle(records):
            return
        # Before anything is written: a batch that trips the guard is never committed.
        self._guard.check(isinstance(o, InvalidMessage) for o in result.outcomes)
        self._sink.prepare()
        commit = self._committing.submit(self._committer.commit, records, result, started)
        self._in_flight = _InFlight(records, result, commit)
        if not (self._sink.overlaps and self._settings.worker.overlap_commit):
            self._settle([])  # e.g. this sink's write calls the consumer: no consume meanwhile

    def _settle(self, processed_since: list[InRecord]) -> bool:
        """Wait for the in-flight commit. True when it committed (or nothing was in flight);
        False when it did not, after seeking back to its first offsets and those of
        `processed_since` (records consumed after it, whose processing is void). Raises
        what the commit raised (FatalError: stop, the broker aborts the transaction)."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is None:
            return True
        if not in_flight.commit.result():
            self._rewind(in_flight.records + processed_since)
            return False
        if self._plan is not None:
            self._plan.on_batch(len(in_flight.records))
        return True

    def _wait_for_commit(self) -> None:
        """In a rebalance callback: let the in-flight commit end before partitions move.
        Its outcome is taken by the loop after `consume()` returns."""
        if self._in_flight is not None:
            wait([self._in_flight.commit])

    def _rewind(self, records: list[InRecord]) -> None:
        """Seek back to the batch's first offsets; partitions no longer ours are skipped
        (their new owner starts from the committed offset anyway)."""
        assigned = {(tp.topic, tp.partition) for tp in self._consumer.assignment()}
        for partition in first_offsets(records):
            if (partition.topic, partition.partition) in assigned:
                self._consumer.seek(partition)

    # -- rebalance callbacks (run inside consume(), while a batch may be committing) -------

    def _on_assign(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self._metrics.rebalances.labels("assign").inc()
        self._log_assignment(consumer, partitions, "assigned")

    def _on_revoke(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self._wait_for_commit()
        self._metrics.rebalances.labels("revoke").inc()
        self._log_assignment(consumer, partitions, "revoked")

    def _on_lost(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self._wait_for_commit()
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
