"""In-memory stand-ins for confluent-kafka's Consumer and transactional Producer, for the
worker's unit tests only. They model what the worker relies on: partitions with offsets,
a consumer position that `seek` moves, rebalance callbacks fired inside `consume`, and
transactions whose records and offsets become visible together at commit or never.
The real clients are exercised against the real broker in tests/integration."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaError, KafkaException, TopicPartition

Callback = Callable[[Any, list[TopicPartition]], None]


@dataclass
class FakeMessage:
    _topic: str
    _partition: int
    _offset: int
    _key: bytes | None
    _value: bytes | None
    _error: KafkaError | None = None

    def error(self) -> KafkaError | None:
        return self._error

    def topic(self) -> str:
        return self._topic

    def partition(self) -> int:
        return self._partition

    def offset(self) -> int:
        return self._offset

    def key(self) -> bytes | None:
        return self._key

    def value(self) -> bytes | None:
        return self._value

    def timestamp(self) -> tuple[int, int]:
        return (1, 1_700_000_000_000)


@dataclass
class FakeConsumer:
    """One topic's partitions as lists of (key, value); committed offsets per partition."""

    topic: str
    logs: dict[int, list[tuple[bytes | None, bytes]]]
    committed: dict[int, int] = field(default_factory=dict)
    positions: dict[int, int] = field(default_factory=dict)
    owned: set[int] = field(default_factory=set)
    # Called inside consume() before it reads: rebalances and stop requests happen here.
    before_consume: list[Callable[[FakeConsumer], None]] = field(default_factory=list)
    on_idle: Callable[[], None] = lambda: None
    consume_calls: int = 0
    seeks: list[tuple[int, int]] = field(default_factory=list)
    closed: bool = False
    callbacks: dict[str, Callback] = field(default_factory=dict)

    def subscribe(self, topics: list[str], **callbacks: Callback) -> None:
        assert topics == [self.topic]
        self.callbacks = callbacks

    def _in_consuming_thread(self) -> None:
        # Against the broker, a consumer call from the worker's committer thread blocked
        # while a revoke callback (which waits for that thread) ran: a deadlock.
        assert threading.current_thread() is threading.main_thread(), "consumer call off-thread"

    def _assign_all_once(self) -> None:
        if not self.owned and not self.positions:
            partitions = [TopicPartition(self.topic, p) for p in self.logs]
            self.callbacks["on_assign"](self, partitions)
            self.owned = set(self.logs)
            self.positions = {p: self.committed.get(p, 0) for p in self.logs}

    def revoke(self, partition: int) -> None:
        self.callbacks["on_revoke"](self, [TopicPartition(self.topic, partition)])
        self.owned.discard(partition)

    def consume(self, num_messages: int, timeout: float) -> list[FakeMessage]:
        self._in_consuming_thread()
        self.consume_calls += 1
        self._assign_all_once()
        while self.before_consume:
            self.before_consume.pop(0)(self)
        batch: list[FakeMessage] = []
        for partition in sorted(self.owned):
            log = self.logs[partition]
            while self.positions[partition] < len(log) and len(batch) < num_messages:
                offset = self.positions[partition]
                key, value = log[offset]
                batch.append(FakeMessage(self.topic, partition, offset, key, value))
                self.positions[partition] = offset + 1
        if not batch:
            self.on_idle()
        return batch

    def assignment(self) -> list[TopicPartition]:
        self._in_consuming_thread()
        return [TopicPartition(self.topic, p) for p in sorted(self.owned)]

    def seek(self, partition: TopicPartition) -> None:
        self._in_consuming_thread()
        assert partition.partition in self.owned, "seek on a partition we do not own"
        self.seeks.append((partition.partition, partition.offset))
        self.positions[partition.partition] = partition.offset

    def consumer_group_metadata(self) -> str:
        self._in_consuming_thread()
        return "group-metadata"

    def commit(self, offsets: list[TopicPartition], asynchronous: bool = True) -> None:
        self._in_consuming_thread()
        self.store_offsets(offsets)

    def store_offsets(self, offsets: list[TopicPartition]) -> None:
        """The group's committed offsets (a transaction's commit writes them broker-side)."""
        for tp in offsets:
            self.committed[tp.partition] = tp.offset

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeProducer:
    """A transactional producer: records and offsets are visible after commit, or never.
    `fail` maps a call name to the errors its next calls raise, in order."""

    consumer: FakeConsumer
    fail: dict[str, list[KafkaError]] = field(default_factory=dict)
    visible: list[tuple[str, bytes | None, bytes]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    _pending: list[tuple[str, bytes | None, bytes]] = field(default_factory=list)
    _pending_offsets: list[TopicPartition] = field(default_factory=list)
    in_transaction: bool = False
    flushed: bool = False

    def _call(self, name: str) -> None:
        self.calls.append(name)
        errors = self.fail.get(name)
        if errors:
            raise KafkaException(errors.pop(0))

    def init_transactions(self, timeout: float) -> None:
        self._call("init_transactions")

    def begin_transaction(self) -> None:
        self._call("begin_transaction")
        assert not self.in_transaction
        self.in_transaction = True

    def produce(self, topic: str, value: bytes, key: bytes | None, **kwargs: Any) -> None:
        assert self.in_transaction
        self._pending.append((topic, key, value))

    def send_offsets_to_transaction(
        self, offsets: list[TopicPartition], metadata: object, timeout: float
    ) -> None:
        self._call("send_offsets_to_transaction")
        self._pending_offsets = list(offsets)

    def commit_transaction(self, timeout: float) -> None:
        self._call("commit_transaction")
        self.visible.extend(self._pending)
        self.consumer.store_offsets(self._pending_offsets)
        self._end()

    def abort_transaction(self, timeout: float) -> None:
        self._call("abort_transaction")
        self._end()

    def _end(self) -> None:
        self._pending, self._pending_offsets = [], []
        self.in_transaction = False

    def poll(self, timeout: float) -> int:
        return 0

    def flush(self, timeout: float | None = None) -> int:
        self.flushed = True
        return 0
