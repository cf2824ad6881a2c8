"""Every partition's records, read back from the cell table's changelog: what publication
and the queries read, on every instance.

The Faust table holds only the partitions this instance owns. Each instance also follows
the changelog of *all* partitions, from its start, in offset order, into this view (a
global table of our own: faust's GlobalTable has open recovery issues upstream, and this
needs no second topic). In changelog order a partition's progress record is the last write
of each batch, so whatever prefix of a partition the view holds is consistent: when it
holds a progress record closing day d, it holds all of that partition's cells of day d
(`cells.ready_to_publish`). The view may lag the owners by the changelog's flush and
fetch; that only delays publication, never changes what is published.

`ChangelogView.apply` is pure (bytes in, the dict updated); `follow` is the Kafka edge.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import orjson

log = logging.getLogger(__name__)


class ChangelogView:
    def __init__(self, partitions: int) -> None:
        self.partitions = partitions
        self.records: dict[str, Any] = {}
        self.read: dict[int, int] = {}  # partition -> next offset to read
        self.start_ends: dict[int, int] | None = None  # the changelog's ends when we began

    def apply(self, partition: int, offset: int, key: bytes, value: bytes | None) -> None:
        name = orjson.loads(key)
        if value is None:  # a tombstone: the owner deleted the record (retention)
            self.records.pop(name, None)
        else:
            self.records[name] = orjson.loads(value)
        self.read[partition] = offset + 1

    @property
    def caught_up(self) -> bool:
        """Read at least as far as the changelog reached when the view started: until
        then a query would answer from part of the history."""
        if self.start_ends is None:
            return False
        return all(self.read.get(p, 0) >= end for p, end in self.start_ends.items())

    def snapshot(self) -> Mapping[str, Any]:
        # Records are replaced whole, never mutated: a shallow copy is a consistent view
        # across the awaits of a publication.
        return dict(self.records)


async def follow(view: ChangelogView, bootstrap: str, topic: str) -> None:
    """Read every partition of `topic` from its start into `view`, for ever."""
    from aiokafka import AIOKafkaConsumer, TopicPartition  # type: ignore[import-untyped]

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,  # no group: this instance reads all partitions, commits nothing
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(view.partitions)]
        # Faust creates the changelog topic as the app starts: wait for it to exist.
        while topic not in await consumer.topics():  # asks the broker each time
            await asyncio.sleep(0.5)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        view.start_ends = {tp.partition: end for tp, end in ends.items()}
        log.info("following %s from its start (%s)", topic, view.start_ends)
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            for tp, messages in batches.items():
                for message in messages:
                    assert message.key is not None
                    view.apply(tp.partition, message.offset, message.key, message.value)
    finally:
        await consumer.stop()
