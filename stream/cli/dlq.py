"""`stream dlq replay`: send dead letters back to postings.raw once their cause is fixed.

Reads the DLQ from the beginning up to the end offsets seen at start (so it terminates even
while the worker keeps writing), keeps the letters that match the filters, and re-publishes
each original key and value byte for byte, with a `replayed_from` header. Messages that
fail again simply land in the DLQ again, with their new reason.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from pydantic import ValidationError

from stream.codecs import original_key
from stream.config import Settings
from stream.models import DeadLetter
from stream.runtime.kafka import client_config


@dataclass(frozen=True)
class ReplayFilter:
    error_kinds: frozenset[str] = frozenset()
    key_prefix: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def matches(self, letter: DeadLetter) -> bool:
        if self.error_kinds and letter.error_kind not in self.error_kinds:
            return False
        if self.key_prefix is not None and not (letter.key or "").startswith(self.key_prefix):
            return False
        if self.since is not None and letter.failed_at < self.since:
            return False
        return self.until is None or letter.failed_at < self.until


@dataclass
class ReplayReport:
    scanned: int = 0
    replayed: int = 0
    undecodable: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)


def replay(
    settings: Settings,
    selection: ReplayFilter,
    *,
    limit: int | None = None,
    dry_run: bool = False,
) -> ReplayReport:
    topics = settings.topics
    conf = client_config(settings, "consumer")
    conf.update({"group.id": "stream-dlq-replay", "enable.partition.eof": False})
    consumer = Consumer(conf)
    producer = Producer(client_config(settings, "producer"))
    report = ReplayReport()
    try:
        metadata = consumer.list_topics(topics.dlq, timeout=15)
        partitions = sorted(metadata.topics[topics.dlq].partitions)
        ends = {
            p: consumer.get_watermark_offsets(TopicPartition(topics.dlq, p), 15)[1]
            for p in partitions
        }
        todo = {p for p, end in ends.items() if end > 0}
        consumer.assign([TopicPartition(topics.dlq, p, OFFSET_BEGINNING) for p in todo])
        while todo and (limit is None or report.replayed < limit):
            message = consumer.poll(1.0)
            # Positions, not message offsets, tell when a partition is done: with
            # transactions the last offsets are commit markers that are never delivered.
            positions = consumer.position([TopicPartition(topics.dlq, p) for p in todo])
            todo -= {tp.partition for tp in positions if tp.offset >= ends[tp.partition]}
            if message is None or message.error() is not None:
                continue
            partition, offset = message.partition() or 0, message.offset() or 0
            if offset >= ends[partition]:
                continue  # written after we started: not part of this replay
            report.scanned += 1
            try:
                letter = DeadLetter.model_validate_json(message.value() or b"")
            except ValidationError:
                report.undecodable += 1
                continue
            if not selection.matches(letter):
                continue
            report.replayed += 1
            report.by_kind[letter.error_kind] += 1
            if not dry_run:
                producer.produce(
                    topics.raw,
                    base64.b64decode(letter.value_b64),
                    original_key(letter),
                    headers=[("replayed_from", f"{topics.dlq}/{partition}/{offset}".encode())],
                )
                producer.poll(0)
    finally:
        consumer.close()
        producer.flush(30)
    return report
