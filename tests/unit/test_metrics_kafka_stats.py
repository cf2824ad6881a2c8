"""librdkafka statistics -> lag per assigned partition, queue depths, brokers up."""

from __future__ import annotations

import json
from typing import Any

from prometheus_client import CollectorRegistry

from stream.ops.health import Health
from stream.ops.metrics import Metrics
from stream.runtime.kafka_stats import partition_lags, record_librdkafka_stats


def _part(number: int, state: str = "active", **offsets: int) -> dict[str, Any]:
    base = {"app_offset": -1001, "committed_offset": -1001, "ls_offset": -1001}
    base.update({"hi_offset": -1001, "consumer_lag": -1, "fetchq_cnt": 7})
    return {"partition": number, "fetch_state": state, **base, **offsets}


def _consumer_stats(*parts: dict[str, Any], topic: str = "raw") -> str:
    return json.dumps(
        {
            "type": "consumer",
            "brokers": {
                "127.0.0.1:9092/1": {"state": "UP", "nodeid": 1},
                "GroupCoordinator": {"state": "UP", "nodeid": -1},
            },
            "topics": {topic: {"partitions": {str(p["partition"]): p for p in parts}}},
        }
    )


def _lag(metrics: Metrics, topic: str, partition: str) -> float | None:
    return metrics.registry.get_sample_value(
        "stream_consumer_lag_messages", {"topic": topic, "partition": partition}
    )


def test_lag_only_for_fetched_partitions_with_a_known_position() -> None:
    stats = json.loads(
        _consumer_stats(
            _part(0, app_offset=5, ls_offset=8, hi_offset=9),  # read_committed: ls, not hi
            _part(1, ls_offset=10),  # assigned, nothing consumed, no commit: unknown
            _part(2, committed_offset=4, hi_offset=10),  # position from the commit, end from hi
            _part(3, state="none", app_offset=1, ls_offset=10),  # not assigned
            _part(-1, app_offset=1, ls_offset=10),  # librdkafka's internal partition
            _part(4, consumer_lag=3),  # only librdkafka's own figure
        )
    )
    assert partition_lags(stats) == {("raw", "0"): 3, ("raw", "2"): 6, ("raw", "4"): 3}


def test_record_sets_gauges_and_removes_partitions_that_went_away() -> None:
    metrics = Metrics(CollectorRegistry(), process=False)
    health = Health()
    record_librdkafka_stats(
        metrics,
        _consumer_stats(_part(0, app_offset=5, ls_offset=8), _part(1, app_offset=1, ls_offset=1)),
        health,
    )
    assert _lag(metrics, "raw", "0") == 3
    assert _lag(metrics, "raw", "1") == 0
    fetch_queue = metrics.registry.get_sample_value("stream_consumer_fetch_queue_messages")
    assert fetch_queue == 7  # the shared queue, not 7 per partition
    brokers = metrics.registry.get_sample_value("stream_kafka_brokers_up", {"client": "consumer"})
    assert brokers == 1  # the coordinator pseudo-broker is not counted
    record_librdkafka_stats(metrics, _consumer_stats(_part(1, app_offset=2, ls_offset=4)), health)
    assert _lag(metrics, "raw", "0") is None  # revoked: the series is gone
    assert _lag(metrics, "raw", "1") == 2
    health.subscribed()
    assert health.readiness().ok


def test_producer_queue_depth() -> None:
    metrics = Metrics(CollectorRegistry(), process=False)
    record_librdkafka_stats(
        metrics, json.dumps({"type": "producer", "msg_cnt": 12, "msg_size": 3400, "brokers": {}})
    )
    assert metrics.registry.get_sample_value("stream_producer_queue_messages") == 12
    assert metrics.registry.get_sample_value("stream_producer_queue_bytes") == 3400
    stats = metrics.registry.get_sample_value("stream_kafka_stats_total", {"client": "producer"})
    assert stats == 1


def test_a_broken_report_is_skipped_not_raised() -> None:
    metrics = Metrics(CollectorRegistry(), process=False)
    health = Health()
    record_librdkafka_stats(metrics, "{not json", health)
    record_librdkafka_stats(metrics, json.dumps({"type": "consumer", "topics": []}), health)


def test_no_brokers_up_makes_kafka_unready() -> None:
    metrics = Metrics(CollectorRegistry(), process=False)
    health = Health()
    health.subscribed()
    down = {"type": "consumer", "brokers": {"b/1": {"state": "CONNECT", "nodeid": 1}}}
    record_librdkafka_stats(metrics, json.dumps(down), health)
    status = health.readiness()
    assert not status.ok
    assert "kafka_consumer" in status.reason
