"""The Kafka topics of the trends app that are not Faust's own: the source topic's
partition count (the table must match it) and the output topics (created if missing)."""

from __future__ import annotations

import logging

from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from stream.config import Settings
from stream.outputs import TOPICS
from stream.runtime.kafka import client_config

log = logging.getLogger(__name__)


def ensure_output_topics(settings: Settings, partitions: int) -> None:
    """Create the app's output topics (its rows of the topic table, `stream.outputs`, which
    `stream topics create` creates too) unless they exist; the broker does not auto-create."""
    admin = AdminClient(client_config(settings, "admin"))
    specs = [
        NewTopic(
            topic.name(settings),
            partitions,
            settings.topics.replication_factor,
            config=topic.config(settings),
        )
        for topic in TOPICS
        if topic.section == "trends"
    ]
    for name, future in admin.create_topics(specs, operation_timeout=30).items():
        try:
            future.result(timeout=30)
        except Exception as exc:  # KafkaException carrying a KafkaError
            error = exc.args[0] if exc.args else exc
            if getattr(error, "name", lambda: "")() != "TOPIC_ALREADY_EXISTS":
                raise
            log.debug("%s exists", name)


def source_partitions(settings: Settings, topic: str) -> int:
    admin = AdminClient(client_config(settings, "admin"))
    meta = admin.list_topics(topic, timeout=30)
    described = meta.topics.get(topic)
    if described is None or described.error is not None or not described.partitions:
        raise SystemExit(f"source topic {topic!r} does not exist: create it first")
    return len(described.partitions)
