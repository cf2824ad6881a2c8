"""librdkafka configuration, built in exactly one place, and small Kafka helpers."""

from __future__ import annotations

from typing import Any, Literal

from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from stream import outputs
from stream.config import Settings

Role = Literal["consumer", "producer", "transactional_producer", "admin"]


def client_config(settings: Settings, role: Role, instance: str = "0") -> dict[str, Any]:
    """The librdkafka dict for one client role."""
    kafka = settings.kafka
    conf: dict[str, Any] = {
        "bootstrap.servers": kafka.bootstrap_servers,
        "security.protocol": kafka.security_protocol,
        "client.id": f"{kafka.group_id}-{instance}",
    }
    if role != "admin":
        conf["statistics.interval.ms"] = kafka.statistics_interval_ms
    conf.update(security_config(settings))
    if role == "consumer":
        if kafka.static_membership:
            conf["group.instance.id"] = instance
        conf.update(
            {
                "group.id": kafka.group_id,
                # Offsets are committed only inside the output transaction.
                "enable.auto.commit": False,
                "enable.auto.offset.store": False,
                "auto.offset.reset": "earliest",
                # Never read output of aborted transactions (ours or upstream's).
                "isolation.level": "read_committed",
                "max.poll.interval.ms": kafka.max_poll_interval_ms,
                "queued.max.messages.kbytes": kafka.queued_max_kbytes,
            }
        )
        if kafka.group_protocol == "consumer":
            # KIP-848: the broker assigns and owns the session timeout and heartbeat
            # interval (group.consumer.*); the classic-only properties do not apply.
            conf["group.protocol"] = "consumer"
        else:
            conf.update(
                {
                    "session.timeout.ms": kafka.session_timeout_ms,
                    "heartbeat.interval.ms": kafka.heartbeat_interval_ms,
                    "partition.assignment.strategy": "cooperative-sticky",
                }
            )
    elif role in ("producer", "transactional_producer"):
        conf.update(
            {
                "enable.idempotence": True,
                "acks": "all",
                "message.max.bytes": kafka.message_max_bytes,
                # Bounded producer memory: when full, produce() raises BufferError and the
                # worker polls for deliveries (backpressure), it never drops.
                "queue.buffering.max.kbytes": kafka.producer_queue_kbytes,
                "linger.ms": 5,
                "compression.type": kafka.compression_type,
            }
        )
        if role == "transactional_producer":
            conf["transactional.id"] = f"{kafka.transactional_id_prefix}-{instance}"
            conf["transaction.timeout.ms"] = kafka.transaction_timeout_ms
    return conf


def security_config(settings: Settings) -> dict[str, Any]:
    """The TLS and SASL part of every client's config (the settings validated the
    combination: stream.config.KafkaSettings)."""
    kafka = settings.kafka
    conf: dict[str, Any] = {}
    if kafka.security_protocol.endswith("SSL"):
        conf["ssl.endpoint.identification.algorithm"] = (
            "https" if kafka.ssl_check_hostname else "none"
        )
        if kafka.ssl_ca_location is not None:
            conf["ssl.ca.location"] = str(kafka.ssl_ca_location)
        if kafka.ssl_certificate_location is not None:
            conf["ssl.certificate.location"] = str(kafka.ssl_certificate_location)
        if kafka.ssl_key_location is not None:
            conf["ssl.key.location"] = str(kafka.ssl_key_location)
        if kafka.ssl_key_password is not None:
            conf["ssl.key.password"] = kafka.ssl_key_password.get_secret_value()
    if kafka.sasl_mechanism:
        conf["sasl.mechanism"] = kafka.sasl_mechanism
        conf["sasl.username"] = kafka.sasl_username or ""
        if kafka.sasl_password is not None:
            conf["sasl.password"] = kafka.sasl_password.get_secret_value()
    return conf


def topic_specs(settings: Settings) -> list[NewTopic]:
    """Every topic the service uses, with its configuration (the table in stream.outputs)."""
    topics = settings.topics
    return [
        NewTopic(
            topic.name(settings),
            topics.partitions,
            topics.replication_factor,
            config=topic.config(settings),
        )
        for topic in outputs.TOPICS
        if topic.name(settings)  # an empty name switches an output off
    ]


def create_topics(settings: Settings, timeout_s: float = 30.0) -> dict[str, str]:
    """Create the service's topics; existing ones are left alone. Returns topic -> outcome."""
    admin = AdminClient(client_config(settings, "admin"))
    outcome: dict[str, str] = {}
    futures = admin.create_topics(topic_specs(settings), operation_timeout=timeout_s)
    for name, future in futures.items():
        try:
            future.result(timeout=timeout_s)
            outcome[name] = "created"
        except Exception as exc:  # KafkaException carrying a KafkaError
            error = exc.args[0] if exc.args else exc
            if getattr(error, "name", lambda: "")() == "TOPIC_ALREADY_EXISTS":
                outcome[name] = "exists"
            else:
                raise
    return outcome
