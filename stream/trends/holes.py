"""Messages Faust did not deliver, read from the broker instead (issue #16, docs/trends.md
"Recovery").

The app's progress record says exactly which source offset each partition is applied
through, so every batch can be checked against it: a partition's messages must continue
from there without a hole. faust-streaming 0.15.3 does not guarantee that. Seen on
2026-12-06: a batch went from offset 55 to 57 (one message never handed to the agent),
about one start in ten; the batches after it moved the progress record past the missing
message, so after a kill -9 its replay was skipped as applied and one posting was
missing. With two instances a new owner was handed a partition thousands of offsets past
the last one applied. A message skipped that way is never counted, and nothing else
notices.

So the app does not take Faust's word for it: `holes` finds the offsets missing from a
batch, and `HoleReader` reads exactly those from the broker with a consumer of its own
(no group, no commits) before the batch is applied. Offsets that hold no message (the
transaction markers of the worker's transactional producer, one per transaction and
partition; records removed by retention) come back empty, so the check needs no rule
about which gaps are normal. A batch without a hole costs nothing.

Markers would cost one broker read each (a batch of the worker's transactional output
holds one every few dozen offsets), so the consumers' own fetches say which offsets hold
no record (`EmptyOffsets`, fed by `watch_fetches`): inside one fetch response, the offsets
between two records the broker returned, or before the position the fetch moved to, are
markers (or aborted records, under read_committed); Faust's fetch of the very batch has
seen them. Only what is left of a hole after those is read. A message Faust fetched and
then lost is a record, never noted as empty, so it is still read.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition  # type: ignore[import-untyped]

log = logging.getLogger(__name__)


def holes(applied_through: int, offsets: Iterable[int]) -> list[tuple[int, int]]:
    """The ranges [start, end) of offsets after `applied_through` (the progress record's
    offset, -1 for none) up to the batch's last offset that the batch does not hold.
    Offsets at or below `applied_through` are replays and leave no hole."""
    found: list[tuple[int, int]] = []
    expected = applied_through + 1
    for offset in sorted(offsets):
        if offset > expected:
            found.append((expected, offset))
        expected = max(expected, offset + 1)
    return found


class HoleReader:
    """Reads given offset ranges of the source topic straight from the broker."""

    def __init__(self, bootstrap_servers: str, topic: str, timeout_s: float = 60.0) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.timeout_s = timeout_s
        self._consumer: AIOKafkaConsumer | None = None

    async def _started(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers,
                group_id=None,
                enable_auto_commit=False,
                # Where retention removed a hole's start, read from what is left.
                auto_offset_reset="earliest",
                # What the app's Faust consumer reads (`app.ReadCommittedConsumer`).
                isolation_level="read_committed",
            )
            await consumer.start()
            self._consumer = consumer
        return self._consumer

    async def read(self, partition: int, start: int, end: int) -> list[tuple[int, bytes | None]]:
        """(offset, value) of every message in [start, end) of `partition`, in order."""
        consumer = await self._started()
        tp = TopicPartition(self.topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, start)
        found: list[tuple[int, bytes | None]] = []
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.timeout_s
        # `end` is an offset the batch holds, so a message at or past end - 1 exists and
        # is reached: markers inside the range are stepped over by the fetch position.
        while await consumer.position(tp) < end:
            if loop.time() > give_up:
                raise TimeoutError(f"reading {self.topic}/{partition} [{start}, {end})")
            fetched = await consumer.getmany(tp, timeout_ms=1000)
            for record in fetched.get(tp, []):
                if record.offset >= end:
                    return found
                if record.offset >= start:
                    found.append((record.offset, record.value))
        return found

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None


def without(missing: list[tuple[int, int]], empty: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of the ranges `missing` not covered by the sorted, disjoint ranges
    `empty` (all [start, end))."""
    out: list[tuple[int, int]] = []
    for start, end in missing:
        for e_start, e_end in empty:
            if e_end <= start or e_start >= end:
                continue
            if e_start > start:
                out.append((start, e_start))
            start = max(start, e_end)
            if start >= end:
                break
        if start < end:
            out.append((start, end))
    return out


def noting(
    records: Iterable[Any],
    fetch_offset: int,
    next_offset: Callable[[], int],
    note: Callable[[int, int], None],
) -> Iterator[Any]:
    """Yield the records of one fetch response, first noting the offset ranges it shows to
    hold no record: before its first record, between two records, and after the last one
    up to the position the fetch moved to (`next_offset()` once the records are done: past
    a trailing marker). Each gap is noted before the record that ends it is yielded, so a
    reader never sees a record before the gap in front of it is known."""
    expected = fetch_offset
    for record in records:
        if record.offset > expected:
            note(expected, record.offset)
        expected = record.offset + 1
        yield record
    end = next_offset()
    if end > expected:
        note(expected, end)


class EmptyOffsets:
    """Per partition of one topic, offset ranges known to hold no record (sorted, merged).
    Written by the consumer's thread (`watch_fetches`), read by the app's: a lock."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self._lock = threading.Lock()
        self._ranges: dict[int, list[tuple[int, int]]] = {}

    def note(self, partition: int, start: int, end: int) -> None:
        with self._lock:
            merged: list[tuple[int, int]] = []
            for r_start, r_end in sorted([*self._ranges.get(partition, []), (start, end)]):
                if merged and r_start <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], r_end))
                else:
                    merged.append((r_start, r_end))
            self._ranges[partition] = merged

    def unknown(self, partition: int, missing: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The parts of `missing` not known to be empty: what must be read."""
        with self._lock:
            return without(missing, list(self._ranges.get(partition, [])))

    def empty_through(self, partition: int, offset: int) -> int:
        """`offset` (applied through), or the last offset of a known-empty range right
        after it: a partition applied up to a trailing marker is caught up."""
        with self._lock:
            for start, end in self._ranges.get(partition, []):
                if start <= offset + 1 < end:
                    return end - 1
        return offset

    def forget_below(self, partition: int, offset: int) -> None:
        """Drop what lies at or below `offset` (applied through): bounded memory."""
        with self._lock:
            kept = [(s, e) for s, e in self._ranges.get(partition, []) if e > offset + 1]
            self._ranges[partition] = kept

    def ranges(self, partition: int) -> list[tuple[int, int]]:
        with self._lock:
            return list(self._ranges.get(partition, []))


_WATCHED: dict[str, EmptyOffsets] = {}


def watch_fetches(empty: EmptyOffsets) -> None:
    """Note in `empty` what every aiokafka fetch of its topic in this process shows to be
    empty. aiokafka skips control batches (and aborted ones under read_committed) inside
    `PartitionRecords._unpack_records` without telling its caller; this wraps that
    generator once per process (aiokafka is pinned in uv.lock; the integration test
    `test_transaction_markers_cost_no_broker_read` fails if a new version moves it)."""
    from aiokafka.consumer import fetcher  # type: ignore[import-untyped]

    _WATCHED[empty.topic] = empty
    records_class: Any = fetcher.PartitionRecords
    if getattr(records_class, "_trends_watched", False):
        return
    unpack = records_class._unpack_records

    def unpack_and_note(self: Any) -> Iterator[Any]:
        tp = self._tp
        sink = _WATCHED.get(tp.topic)
        if sink is None:
            records: Iterator[Any] = unpack(self)
            return records

        def note(start: int, end: int) -> None:
            sink.note(tp.partition, start, end)

        return noting(unpack(self), self.next_fetch_offset, lambda: self.next_fetch_offset, note)

    records_class._unpack_records = unpack_and_note
    records_class._trends_watched = True
