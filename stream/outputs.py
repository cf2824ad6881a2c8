"""Topic routing, in one table: every topic the service uses, its message model, its key,
and its configuration. `to_out_records` routes a batch's outcomes by it and
`stream topics create` creates topics from it, so a new output topic is one row here, one
message model, and its name in `TopicSettings` (docs/architecture.md, "Add an output topic").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel

from stream import codecs
from stream.config import Settings
from stream.errors import InvalidMessage
from stream.models import ChangeEvent, DeadLetter, EnrichedPosting, RawPosting
from stream.processing import InRecord, Outcome, Published
from stream.trends.models import OccupationTrend, SkillRising, SkillTrend

Headers = list[tuple[str, str | bytes | None]]

_DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True, slots=True)
class OutRecord:
    """A message to produce."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers = field(default_factory=list)


def _posting_key(message: BaseModel) -> bytes:
    posting_id: str = getattr(message, "posting_id")  # noqa: B009  # every keyed model has one
    return posting_id.encode("utf-8")


def _raw_key(message: BaseModel) -> bytes:
    assert isinstance(message, RawPosting)
    return f"{message.source}:{message.source_id}".encode()


def _dead_letter_key(message: BaseModel) -> bytes | None:
    assert isinstance(message, DeadLetter)
    return codecs.original_key(message)


def _dead_letter_headers(message: BaseModel) -> Headers:
    """The same facts as headers, so operators can filter without decoding the value."""
    assert isinstance(message, DeadLetter)
    return [
        ("error_kind", message.error_kind.encode()),
        ("error", message.error.encode("utf-8", "replace")[:1000]),
        ("source_topic", message.topic.encode()),
        ("source_partition", str(message.partition).encode()),
        ("source_offset", str(message.offset).encode()),
    ]


def _skill_trend_key(message: BaseModel) -> bytes:
    assert isinstance(message, SkillTrend)
    return f"{message.date.isoformat()}|{message.country}|{message.skill_id}".encode()


def _occupation_trend_key(message: BaseModel) -> bytes:
    assert isinstance(message, OccupationTrend)
    return f"{message.date.isoformat()}|{message.country}|{message.isco_code}".encode()


def _rising_key(message: BaseModel) -> bytes:
    assert isinstance(message, SkillRising)
    return f"{message.date.isoformat()}|{message.skill_id}".encode()


def _no_headers(message: BaseModel) -> Headers:
    return []


@dataclass(frozen=True, slots=True)
class Topic:
    """One row: `setting` names the field of the settings `section` (`TopicSettings`
    unless said) that holds the topic's name."""

    setting: str
    model: type[BaseModel]
    key: Callable[[BaseModel], bytes | None]
    compacted: bool = False
    retention_days: int | None = 7
    # Raw and DLQ accept big messages so that an oversized posting reaches the worker and
    # is dead-lettered with its bytes instead of being refused at the producer.
    big_messages: bool = False
    headers: Callable[[BaseModel], Headers] = _no_headers
    output: bool = True  # routed by the worker (`route`); the trends app writes its own
    section: str = "topics"

    def name(self, settings: Settings) -> str:
        """The topic's name; empty when the setting switches this output off."""
        topic: str = getattr(getattr(settings, self.section), self.setting)
        return topic

    def config(self, settings: Settings) -> dict[str, str]:
        config: dict[str, str] = {}
        if self.compacted:
            # The latest version of each key, forever (search rebuilds from it).
            config.update({"cleanup.policy": "compact", "min.compaction.lag.ms": "3600000"})
        elif self.retention_days is not None:
            config["retention.ms"] = str(self.retention_days * _DAY_MS)
        if self.big_messages:
            config["max.message.bytes"] = str(settings.kafka.message_max_bytes)
        return config


TOPICS: tuple[Topic, ...] = (
    Topic("raw", RawPosting, _raw_key, big_messages=True, output=False),
    Topic("enriched", EnrichedPosting, _posting_key, compacted=True),
    Topic("changes", ChangeEvent, _posting_key),
    Topic("dlq", DeadLetter, _dead_letter_key, retention_days=30, big_messages=True,
          headers=_dead_letter_headers),
    # `stream trends` writes these (stream/trends/publish.py): compacted, as a window
    # re-published after a crash must replace itself.
    Topic("trends_topic", SkillTrend, _skill_trend_key, compacted=True, output=False,
          section="trends"),
    Topic("occupations_topic", OccupationTrend, _occupation_trend_key, compacted=True,
          output=False, section="trends"),
    Topic("rising_topic", SkillRising, _rising_key, compacted=True, output=False,
          section="trends"),
)  # fmt: skip


def row(setting: str) -> Topic:
    """The row whose name is in setting `setting`."""
    for topic in TOPICS:
        if topic.setting == setting:
            return topic
    raise LookupError(setting)


def route(message: BaseModel) -> Topic:
    """The output row of a message, by its model (or the nearest model it extends)."""
    for model in type(message).__mro__:
        for topic in TOPICS:
            if topic.output and topic.model is model:
                return topic
    raise LookupError(f"no output topic carries {type(message).__name__}")


def messages_of(record: InRecord, outcome: Outcome, failed_at: dt.datetime) -> list[BaseModel]:
    """What one outcome publishes: a posting and its change event, a dead letter, or
    nothing (an unchanged re-scrape)."""
    if isinstance(outcome, InvalidMessage):
        return [
            codecs.dead_letter(
                outcome,
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                value=record.value,
                failed_at=failed_at,
            )
        ]
    if isinstance(outcome, Published):
        event = [outcome.event] if outcome.event is not None else []
        return [outcome.posting, *event]
    return []


def to_out_records(
    settings: Settings,
    records: Sequence[InRecord],
    outcomes: Sequence[Outcome],
    failed_at: dt.datetime,
) -> list[OutRecord]:
    """The Kafka records for a batch's outcomes, in input order: what `messages_of` each
    outcome publishes, each on its route. A published posting takes a path of its own (no
    list of messages, its route looked up directly: most of a batch is these)."""
    out: list[OutRecord] = []
    routes: dict[type[BaseModel], tuple[Topic, str]] = {}  # by model, once per batch

    def routed(message: BaseModel) -> tuple[Topic, str]:
        found = routes.get(type(message))
        if found is None:
            topic = route(message)
            found = routes[type(message)] = (topic, topic.name(settings))
        return found

    for record, outcome in zip(records, outcomes, strict=True):
        if not isinstance(outcome, Published):
            for message in messages_of(record, outcome, failed_at):
                topic, name = routed(message)
                if name:  # else this output is switched off
                    encoded = codecs.encode(message)
                    out.append(OutRecord(name, topic.key(message), encoded, topic.headers(message)))
            continue
        posting, event = outcome.posting, outcome.event
        value: bytes | None = None
        topic, name = routed(posting)
        if name:
            # Its enrichment's bytes, when this process wrote them: spliced, not encoded again.
            tail = outcome.tail
            value = codecs.encode(posting) if tail is None else codecs.encode_posting(posting, tail)
            out.append(OutRecord(name, topic.key(posting), value, topic.headers(posting)))
        if event is None:
            continue
        topic, name = routed(event)
        if not name:
            continue  # e.g. no change events in a backfill
        if (
            value is not None
            and event.posting is posting
            # The event's field serializes as EnrichedPosting: a subclass's own fields
            # would not be in it, so only an exact EnrichedPosting's bytes fit.
            and type(posting) is EnrichedPosting
        ):
            # The posting's bytes reused inside its change event.
            event_value = codecs.encode_event(event, value)
        else:
            event_value = codecs.encode(event)
        out.append(OutRecord(name, topic.key(event), event_value, topic.headers(event)))
    return out
