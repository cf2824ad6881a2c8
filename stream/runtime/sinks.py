"""Kafka output sinks: how a batch's records and its offsets become durable together.

`TransactionalSink` (exactly_once, default): each batch is one Kafka transaction holding
its enriched records, change events, dead letters and the consumer offsets
(send_offsets_to_transaction). All of it becomes visible to read_committed readers or none
of it does, so a crash at any point replays the batch without duplicates.

`AtLeastOnceSink`: idempotent produce, wait for delivery, then commit the offsets. A crash
between delivery and commit repeats the batch's output (compaction and event_id make that
harmless downstream). For clusters that disallow transactions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition

from stream.errors import FatalError
from stream.ops.metrics import Metrics
from stream.outputs import OutRecord
from stream.processing import InRecord
from stream.runtime.calls import KafkaCalls

log = logging.getLogger(__name__)

DeliveryCallback = Callable[[KafkaError | None, Message], None]


class KafkaSink(Protocol):
    """An OutputSink that also needs setting up before the first batch.

    The worker calls `prepare()` in its consuming thread and may then run `write()` in its
    committer thread while it consumes the next batch (`overlaps`). Such a write must not
    call the consumer: against the broker, `consumer_group_metadata()` from the committer
    thread blocked while a revoke callback (which waits for the write) ran: a deadlock."""

    @property
    def overlaps(self) -> bool:
        """True when `write()` uses no consumer call and can overlap the next consume."""
        ...

    def start(self) -> None: ...

    def prepare(self) -> None:
        """In the consuming thread, before the write of the next batch is handed over."""
        ...

    def write(self, records: Sequence[InRecord], outputs: Sequence[OutRecord]) -> bool: ...

    def close(self, timeout_s: float) -> None: ...


def produce(
    producer: Producer, out: OutRecord, on_delivery: DeliveryCallback | None = None
) -> None:
    """Produce one record; a full local queue means wait for deliveries, never drop."""
    while True:
        try:
            producer.produce(
                out.topic, out.value, out.key, headers=out.headers, on_delivery=on_delivery
            )
            return
        except BufferError:
            producer.poll(0.1)


class TransactionalSink:
    def __init__(
        self, producer: Producer, consumer: Consumer, calls: KafkaCalls, metrics: Metrics
    ) -> None:
        self._producer = producer
        self._consumer = consumer
        self._calls = calls
        self._metrics = metrics
        self._group_metadata: object | None = None

    @property
    def overlaps(self) -> bool:
        return True  # the producer alone; the group metadata is read in prepare()

    def start(self) -> None:
        """Registers the transactional id: fences (aborts) a predecessor's open transaction."""
        self._calls.retrying("init_transactions", lambda: self._producer.init_transactions(30))

    def prepare(self) -> None:
        # The group generation the offsets are committed under. If a rebalance moves the
        # group on before the commit, the broker refuses the offsets and the transaction
        # aborts: the batch is consumed again, never committed twice.
        self._group_metadata = self._consumer.consumer_group_metadata()

    def write(self, records: Sequence[InRecord], outputs: Sequence[OutRecord]) -> bool:
        producer = self._producer
        try:
            producer.begin_transaction()
            for out in outputs:
                produce(producer, out)
            offsets = next_offsets(records)
            metadata, self._group_metadata = self._group_metadata, None  # one batch's
            if metadata is None:  # a caller that did not prepare (one thread: no harm)
                metadata = self._consumer.consumer_group_metadata()
            self._calls.retrying(
                "send_offsets",
                lambda: producer.send_offsets_to_transaction(offsets, metadata, 30),
            )
            commit_started = time.perf_counter()
            self._calls.retrying("commit_transaction", lambda: producer.commit_transaction(30))
            self._metrics.transaction_seconds.observe(time.perf_counter() - commit_started)
        except KafkaException as exc:
            self._abort(exc)
            return False
        return True

    def _abort(self, exc: KafkaException) -> None:
        error: KafkaError = exc.args[0]
        if error.fatal() or not error.txn_requires_abort():
            # Fenced by a newer instance, or the producer is unusable: crash, get restarted;
            # the open transaction is aborted by the broker and the batch replays.
            raise FatalError(f"transaction failed: {error}") from exc
        log.warning("transaction aborted, batch will be re-consumed", extra={"error": str(error)})
        self._calls.retrying("abort_transaction", lambda: self._producer.abort_transaction(30))
        self._metrics.transaction_aborts.inc()

    def close(self, timeout_s: float) -> None:
        self._producer.flush(timeout_s)


class AtLeastOnceSink:
    def __init__(self, producer: Producer, consumer: Consumer, calls: KafkaCalls) -> None:
        self._producer = producer
        self._consumer = consumer
        self._calls = calls

    @property
    def overlaps(self) -> bool:
        return False  # commits the offsets with the consumer: the worker waits for it

    def start(self) -> None:
        return None

    def prepare(self) -> None:
        return None

    def write(self, records: Sequence[InRecord], outputs: Sequence[OutRecord]) -> bool:
        failures: list[KafkaError] = []

        def on_delivery(error: KafkaError | None, _message: Message) -> None:
            if error is not None:
                failures.append(error)

        for out in outputs:
            produce(self._producer, out, on_delivery)
        self._producer.flush()
        if failures:
            log.warning(
                "delivery failed, batch will be re-consumed", extra={"error": str(failures[0])}
            )
            return False
        offsets = next_offsets(records)
        self._calls.retrying(
            "commit_offsets", lambda: self._consumer.commit(offsets=offsets, asynchronous=False)
        )
        return True

    def close(self, timeout_s: float) -> None:
        self._producer.flush(timeout_s)


def next_offsets(records: Sequence[InRecord]) -> list[TopicPartition]:
    """The offsets to commit: one past the last record of each partition in the batch."""
    last: dict[tuple[str, int], int] = {}
    for record in records:
        key = (record.topic, record.partition)
        last[key] = max(last.get(key, -1), record.offset)
    return [TopicPartition(t, p, offset + 1) for (t, p), offset in last.items()]


def first_offsets(records: Sequence[InRecord]) -> list[TopicPartition]:
    """Where to seek to re-consume a batch: its first offset per partition."""
    first: dict[tuple[str, int], int] = {}
    for record in records:
        key = (record.topic, record.partition)
        first[key] = min(first.get(key, record.offset), record.offset)
    return [TopicPartition(t, p, offset) for (t, p), offset in first.items()]
