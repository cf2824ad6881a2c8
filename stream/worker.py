"""`stream run`: the consume -> enrich -> produce loop, exactly-once to the output topics.

Each consumed batch becomes one Kafka transaction holding its enriched records, its dead
letters and the consumer offsets (send_offsets_to_transaction). Either all of it becomes
visible to read_committed readers or none of it does, so a crash at any point replays the
batch without duplicates. Processing is synchronous within `consume()` calls, so when a
rebalance callback runs there is no in-flight work: nothing uncommitted can leak to the
next owner of a partition.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Sequence
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition

from stream.config import Settings
from stream.errors import FatalError
from stream.kafka import client_config
from stream.metrics import Metrics
from stream.processing import BatchProcessor, BatchResult, InRecord, OutRecord, to_out_records

log = logging.getLogger(__name__)


def default_instance_id() -> str:
    """Unique per running process: the transactional.id suffix and client.id."""
    return f"{socket.gethostname()}-{os.getpid()}"


class Worker:
    """Owns one consumer and one transactional producer; call `run(stop)` from one thread."""

    def __init__(
        self,
        settings: Settings,
        processor: BatchProcessor,
        metrics: Metrics,
        instance_id: str | None = None,
    ) -> None:
        self._settings = settings
        self._processor = processor
        self._metrics = metrics
        instance = instance_id or default_instance_id()
        self._consumer = Consumer(client_config(settings, "consumer", instance))
        self._producer = Producer(client_config(settings, "transactional_producer", instance))
        self.batches_committed = 0

    # -- lifecycle -------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Process until `stop` is set; the batch in hand is committed or aborted first."""
        self._producer.init_transactions(30)
        self._consumer.subscribe(
            [self._settings.topics.raw],
            on_assign=self._on_assign,
            on_revoke=self._on_revoke,
            on_lost=self._on_lost,
        )
        worker = self._settings.worker
        log.info("worker started", extra={"topic": self._settings.topics.raw})
        try:
            while not stop.is_set():
                messages = self._consumer.consume(worker.batch_size, worker.batch_timeout_s)
                records = self._records(messages)
                if records:
                    self._process_in_transaction(records)
        finally:
            self._close()

    def _close(self) -> None:
        try:
            self._consumer.close()  # leaves the group now: partitions move without a timeout
        finally:
            self._producer.flush(self._settings.worker.shutdown_timeout_s)
        log.info("worker stopped", extra={"batches": self.batches_committed})

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

    def _process_in_transaction(self, records: list[InRecord]) -> None:
        started = time.perf_counter()
        result = self._processor.process(records)
        outputs = to_out_records(self._settings, records, result.outcomes, _utcnow())
        try:
            self._producer.begin_transaction()
            for out in outputs:
                self._produce(out)
            self._producer.send_offsets_to_transaction(
                _next_offsets(records), self._consumer.consumer_group_metadata(), 30
            )
            commit_started = time.perf_counter()
            self._commit_with_retry()
            self._metrics.transaction_seconds.observe(time.perf_counter() - commit_started)
        except KafkaException as exc:
            self._abort_and_rewind(exc, records)
            return
        self.batches_committed += 1
        self._after_commit(records, result, outputs, time.perf_counter() - started)

    def _produce(self, out: OutRecord) -> None:
        """Produce one record; a full local queue means wait for deliveries, never drop."""
        while True:
            try:
                self._producer.produce(out.topic, out.value, out.key, headers=out.headers)
                return
            except BufferError:
                self._producer.poll(0.1)

    def _commit_with_retry(self) -> None:
        while True:
            try:
                self._producer.commit_transaction(30)
                return
            except KafkaException as exc:
                if exc.args[0].retriable():
                    log.warning("transaction commit retry", extra={"error": str(exc)})
                    continue
                raise

    def _abort_and_rewind(self, exc: KafkaException, records: list[InRecord]) -> None:
        error: KafkaError = exc.args[0]
        if error.fatal() or not error.txn_requires_abort():
            # Fenced by a newer instance, or the producer is unusable: crash, get restarted.
            raise FatalError(f"transaction failed: {error}") from exc
        log.warning("transaction aborted, batch will be re-consumed", extra={"error": str(error)})
        self._producer.abort_transaction(30)
        self._metrics.transaction_aborts.inc()
        for partition in _first_offsets(records):
            self._consumer.seek(partition)

    def _after_commit(
        self,
        records: list[InRecord],
        result: BatchResult,
        outputs: list[OutRecord],
        seconds: float,
    ) -> None:
        # Cache only what was committed: an aborted batch is recomputed anyway.
        self._processor.cache.put_many(result.new_cache_entries)
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
        self._update_assigned(consumer, partitions, sign=1)

    def _on_revoke(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self._metrics.rebalances.labels("revoke").inc()
        self._update_assigned(consumer, partitions, sign=-1)

    def _on_lost(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        self._metrics.rebalances.labels("lost").inc()
        self._update_assigned(consumer, partitions, sign=-1)

    def _update_assigned(self, consumer: Any, partitions: list[TopicPartition], sign: int) -> None:
        # With cooperative-sticky the callbacks carry only the increment.
        self._metrics.assigned_partitions.inc(sign * len(partitions))
        log.info(
            "rebalance",
            extra={
                "change": sign * len(partitions),
                "partitions": [p.partition for p in partitions],
            },
        )


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
    """Where to seek to re-consume an aborted batch: its first offset per partition."""
    first: dict[tuple[str, int], int] = {}
    for record in records:
        key = (record.topic, record.partition)
        first[key] = min(first.get(key, record.offset), record.offset)
    return [TopicPartition(t, p, offset) for (t, p), offset in first.items()]
