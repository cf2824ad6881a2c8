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
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

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
                # What Faust's at-least-once consumer reads (faust/transport/drivers/aiokafka.py).
                isolation_level="read_uncommitted",
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
