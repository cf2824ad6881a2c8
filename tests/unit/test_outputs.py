"""The topic table: every row has its name setting, `topics create` makes exactly the table's
topics with the table's configuration, and messages are routed by their model, so a new
output topic is one row (plus its model and its name setting)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel

from stream import outputs
from stream.config import TopicSettings, load_settings
from stream.errors import InvalidMessage
from stream.models import DeadLetter, EnrichedPosting, RawPosting
from stream.outputs import TOPICS, Topic, messages_of, route, to_out_records
from stream.processing import InRecord, Unchanged
from stream.runtime.kafka import topic_specs

NOW = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)


def test_every_row_names_a_topic_setting() -> None:
    settings = load_settings()
    for topic in TOPICS:
        section = type(getattr(settings, topic.section))
        assert topic.setting in section.model_fields, topic
    assert [topic.setting for topic in TOPICS] == [
        "raw",
        "enriched",
        "changes",
        "dlq",
        "trends_topic",
        "occupations_topic",
        "rising_topic",
    ]
    # The worker routes only its own outputs; the trends app writes the last three.
    assert [t.setting for t in TOPICS if t.output] == ["enriched", "changes", "dlq"]


def test_topics_create_makes_the_tables_topics_with_their_config() -> None:
    settings = load_settings(topics={"partitions": 3})
    specs = {spec.topic: spec for spec in topic_specs(settings)}
    assert set(specs) == {
        "postings.raw",
        "postings.enriched",
        "postings.changes",
        "postings.dlq",
        "skills.trends",
        "occupations.trends",
        "skills.rising",
    }
    assert all(spec.num_partitions == 3 for spec in specs.values())
    assert specs["postings.enriched"].config == {
        "cleanup.policy": "compact",
        "min.compaction.lag.ms": "3600000",
    }
    big = str(settings.kafka.message_max_bytes)
    assert specs["postings.dlq"].config == {
        "retention.ms": str(30 * 24 * 3600 * 1000),
        "max.message.bytes": big,
    }
    raw_config = specs["postings.raw"].config
    assert raw_config is not None
    assert raw_config["max.message.bytes"] == big
    assert specs["postings.changes"].config == {"retention.ms": str(7 * 24 * 3600 * 1000)}
    for trends in ("skills.trends", "occupations.trends", "skills.rising"):
        config = specs[trends].config
        assert config is not None
        assert config["cleanup.policy"] == "compact"


def test_messages_are_routed_by_model_and_the_input_topic_is_not_an_output() -> None:
    raw = RawPosting(source="t", source_id="1", title="T", description="D")
    with pytest.raises(LookupError, match="RawPosting"):
        route(raw)
    letter_error = InvalidMessage("invalid_json", "bad")
    record = InRecord("postings.raw", 2, 9, b"\xffkey", b"{")
    [letter] = messages_of(record, letter_error, NOW)
    assert isinstance(letter, DeadLetter)
    assert route(letter).setting == "dlq"
    assert messages_of(record, Unchanged("t:1"), NOW) == []
    [out] = to_out_records(load_settings(), [record], [letter_error], NOW)
    assert (out.topic, out.key) == ("postings.dlq", b"\xffkey")  # the original key bytes
    assert ("source_offset", b"9") in out.headers


class Summary(BaseModel):
    posting_id: str
    words: int


class _MoreTopics(TopicSettings):
    summaries: str = "postings.summaries"


def test_a_new_output_topic_is_one_row(monkeypatch: pytest.MonkeyPatch) -> None:
    row = Topic("summaries", Summary, outputs._posting_key, retention_days=3)
    monkeypatch.setattr(outputs, "TOPICS", (*TOPICS, row))
    settings = load_settings().model_copy(update={"topics": _MoreTopics()})
    specs = {spec.topic: spec for spec in topic_specs(settings)}
    assert specs["postings.summaries"].config == {"retention.ms": str(3 * 24 * 3600 * 1000)}
    summary = Summary(posting_id="t:1", words=12)
    assert route(summary) is row
    assert (row.name(settings), row.key(summary)) == ("postings.summaries", b"t:1")
    # A posting model that extends EnrichedPosting still goes where postings go.
    assert route(_posting_subclass()).setting == "enriched"


def _posting_subclass() -> EnrichedPosting:
    class Extended(EnrichedPosting):
        extra_field: int = 1

    return Extended(
        source="t",
        source_id="1",
        title="T",
        description="D",
        posting_id="t:1",
        content_hash="h",
        enriched_at=NOW,
        enricher_version="1",
        taxonomy_version="t",
        skills=[],
        salary=None,
    )
