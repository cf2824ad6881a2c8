"""A bounded read of the raw topic: from given offsets up to the ends seen at the start.

A backfill (`stream backfill`) reads a range of the raw topic once and stops, instead of
following it: the worker takes a `ReadPlan`, assigns its partitions itself (no group
rebalancing: one process owns the whole range), skips records past the ends, and leaves
the loop when every partition has been read to its end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from confluent_kafka import Consumer, TopicPartition

from stream.processing import InRecord


@dataclass(frozen=True)
class ReadPlan:
    """`start`: the first offset per partition; `end`: one past the last offset to read."""

    start: list[TopicPartition]
    end: dict[tuple[str, int], int]
    # Called after each committed batch with the records it held (progress display).
    on_batch: Callable[[int], None] = field(default=lambda count: None)

    @property
    def total(self) -> int:
        """Messages in the range (offsets, so compacted-away or aborted ones count too)."""
        return sum(max(0, self.end[(tp.topic, tp.partition)] - tp.offset) for tp in self.start)

    def within(self, record: InRecord) -> bool:
        return record.offset < self.end.get((record.topic, record.partition), 0)

    def done(self, consumer: Consumer) -> bool:
        """Every partition read to its end (a partition with nothing to read is done)."""
        todo = [tp for tp in self.start if tp.offset < self.end[(tp.topic, tp.partition)]]
        if not todo:
            return True
        positions = consumer.position([TopicPartition(tp.topic, tp.partition) for tp in todo])
        return all(
            tp.offset >= 0 and tp.offset >= self.end[(tp.topic, tp.partition)] for tp in positions
        )
