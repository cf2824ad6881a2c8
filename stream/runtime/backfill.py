"""`stream backfill`: replay the raw topic (or a time range of it) into a given output.

For rebuilding a downstream index (a new search cluster, a re-index after a contract
change) without disturbing the live worker: the backfill is a separate consumer group
(`{group}.backfill.{topic}`) with transactional ids of its own, writing to another
enriched topic. Posting state is namespaced by group and enriched topic, so the backfill
finds nothing "unchanged" and publishes every posting once, while the live worker's state is
untouched. Change events and dead letters are off by default (a re-index must not alert,
and the live worker already dead-lettered the bad messages). The range is
fixed at the start (`--since`/`--until`, else everything up to the current end), so the
backfill terminates; a rerun into the same topic resumes from what it committed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from confluent_kafka import Consumer, TopicPartition

from stream.config import Settings
from stream.runtime.kafka import client_config
from stream.runtime.plan import ReadPlan

_TIMEOUT_S = 30.0


def backfill_settings(
    settings: Settings, into: str, changes: str | None, dlq: str | None, metrics_port: int
) -> Settings:
    """The settings of a backfill into `into`: its own group, transactional ids, instance id
    and outputs. `changes` None writes no change events; `dlq` None writes no dead letters
    (the live worker wrote them when it first met those messages)."""
    group = f"{settings.kafka.group_id}.backfill.{into}"
    kafka = settings.kafka.model_copy(
        update={"group_id": group, "transactional_id_prefix": group, "static_membership": False}
    )
    topics = settings.topics.model_copy(
        update={"enriched": into, "changes": changes or "", "dlq": dlq or ""}
    )
    worker = settings.worker.model_copy(
        update={"instance_id": "backfill", "metrics_port": metrics_port}
    )
    return settings.model_copy(update={"kafka": kafka, "topics": topics, "worker": worker})


@dataclass(frozen=True)
class PartitionRange:
    partition: int
    start: int
    end: int
    resumed: bool


def plan_backfill(
    settings: Settings, since: dt.datetime | None, until: dt.datetime | None
) -> tuple[ReadPlan, list[PartitionRange]]:
    """The range to read, per partition of the raw topic: from `since` (or the start) to
    `until` (or the end now), resumed after what this backfill's group already committed."""
    raw = settings.topics.raw
    consumer = Consumer(client_config(settings, "consumer", "backfill-plan"))
    try:
        metadata = consumer.list_topics(raw, timeout=_TIMEOUT_S)
        if metadata.topics[raw].error is not None:
            raise SystemExit(f"raw topic {raw!r}: {metadata.topics[raw].error}")
        partitions = sorted(metadata.topics[raw].partitions)
        watermarks = {
            p: consumer.get_watermark_offsets(TopicPartition(raw, p), _TIMEOUT_S)
            for p in partitions
        }
        starts = _offsets_at(
            consumer, raw, partitions, since, {p: w[0] for p, w in watermarks.items()}
        )
        ends = _offsets_at(
            consumer, raw, partitions, until, {p: w[1] for p, w in watermarks.items()}
        )
        committed = {
            tp.partition: tp.offset
            for tp in consumer.committed([TopicPartition(raw, p) for p in partitions], _TIMEOUT_S)
        }
    finally:
        consumer.close()
    ranges = []
    for p in partitions:
        start = max(starts[p], committed.get(p, -1))
        ranges.append(
            PartitionRange(p, start, max(start, ends[p]), committed.get(p, -1) > starts[p])
        )
    plan = ReadPlan(
        start=[TopicPartition(raw, r.partition, r.start) for r in ranges],
        end={(raw, r.partition): r.end for r in ranges},
    )
    return plan, ranges


def _offsets_at(
    consumer: Consumer,
    topic: str,
    partitions: list[int],
    moment: dt.datetime | None,
    default: dict[int, int],
) -> dict[int, int]:
    """The first offset at or after `moment` per partition (the default without one, and
    the partition's end when nothing is that recent)."""
    if moment is None:
        return dict(default)
    stamp = int(moment.timestamp() * 1000)
    found = consumer.offsets_for_times(
        [TopicPartition(topic, p, stamp) for p in partitions], _TIMEOUT_S
    )
    ends = {
        p: consumer.get_watermark_offsets(TopicPartition(topic, p), _TIMEOUT_S)[1]
        for p in partitions
    }
    return {tp.partition: tp.offset if tp.offset >= 0 else ends[tp.partition] for tp in found}
