"""librdkafka statistics (the JSON of `stats_cb`) -> Prometheus gauges.

The worker sets `statistics.interval.ms` on its consumer and producer and passes
`stats_cb=lambda s: record_librdkafka_stats(metrics, s, health)`. librdkafka calls it from
inside poll()/consume()/flush(), on the worker's own thread, so nothing here may block.

What is recorded:
- consumer: lag per *assigned* partition, labelled topic and partition. librdkafka's own
  `consumer_lag` is measured from the committed offset, which a transactional worker never
  commits through the consumer (offsets go with the producer's transaction), so it goes
  stale. The lag here is the log-stable end offset (`ls_offset`, what read_committed can
  read; `hi_offset` if unknown) minus the position (`app_offset`: next offset handed to the
  application; else `committed_offset`). A partition is assigned when its fetch state is
  active (not "none"/"stopped") and a real position and end are known; others get no series,
  and series of partitions that went away are removed.
- consumer: messages prefetched (`fetchq_cnt`).
- producer: local queue depth (`msg_cnt`) and bytes (`msg_size`).
- both: brokers with state UP (reported to Health as the "kafka" dependency).
See https://github.com/confluentinc/librdkafka/blob/master/STATISTICS.md for the fields.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from stream.ops.metrics import Metrics

if TYPE_CHECKING:
    from stream.ops.health import Health

log = logging.getLogger(__name__)

_INACTIVE_FETCH_STATES = frozenset({"none", "stopped", "stopping"})


def partition_lags(stats: dict[str, Any]) -> dict[tuple[str, str], int]:
    """(topic, partition) -> lag in messages, for the partitions this consumer fetches."""
    lags: dict[tuple[str, str], int] = {}
    topics = stats.get("topics") or {}
    for topic_name, topic in topics.items():
        for key, part in (topic.get("partitions") or {}).items():
            number = int(part.get("partition", key))
            if number < 0 or part.get("fetch_state", "none") in _INACTIVE_FETCH_STATES:
                continue  # -1 is librdkafka's internal "unassigned" partition
            end = _offset(part, "ls_offset")
            if end < 0:
                end = _offset(part, "hi_offset")
            position = _offset(part, "app_offset")
            if position < 0:
                position = _offset(part, "committed_offset")
            if end >= 0 and position >= 0:
                lags[(topic_name, str(number))] = max(0, end - position)
            elif _offset(part, "consumer_lag") >= 0:
                lags[(topic_name, str(number))] = _offset(part, "consumer_lag")
    return lags


def record_librdkafka_stats(
    metrics: Metrics, stats_json: str, health: Health | None = None
) -> None:
    """Record one statistics report; never raises (a bad report is logged and skipped)."""
    try:
        stats = json.loads(stats_json)
        client = str(stats.get("type", "unknown"))
        metrics.kafka_stats.labels(client).inc()
        brokers_up = sum(
            1
            for broker in (stats.get("brokers") or {}).values()
            if broker.get("state") == "UP" and broker.get("nodeid", -1) >= 0
        )
        metrics.kafka_brokers_up.labels(client).set(brokers_up)
        if health is not None:
            detail = f"{client}: {brokers_up} broker(s) up"
            health.report(f"kafka_{client}", brokers_up > 0, detail)
        if client == "consumer":
            _record_consumer(metrics, stats)
        elif client == "producer":
            metrics.producer_queue_messages.set(int(stats.get("msg_cnt", 0)))
            metrics.producer_queue_bytes.set(int(stats.get("msg_size", 0)))
    except (ValueError, TypeError, AttributeError) as exc:
        log.warning("unreadable librdkafka statistics", extra={"error": str(exc)})


def _record_consumer(metrics: Metrics, stats: dict[str, Any]) -> None:
    lags = partition_lags(stats)
    seen: set[tuple[str, str]] = metrics.lag_series
    for labels in seen - lags.keys():
        metrics.consumer_lag.remove(*labels)
    for labels, lag in lags.items():
        metrics.consumer_lag.labels(*labels).set(lag)
    metrics.lag_series = set(lags)
    # Partition fetch queues are forwarded to the one consumer queue, and each partition
    # reports that shared count: the max is the queue depth, a sum would multiply it.
    fetch_queue = max(
        (
            int(part.get("fetchq_cnt", 0))
            for topic in (stats.get("topics") or {}).values()
            for part in (topic.get("partitions") or {}).values()
            if int(part.get("partition", -1)) >= 0
        ),
        default=0,
    )
    metrics.consumer_fetch_queue.set(fetch_queue)


def _offset(part: dict[str, Any], name: str) -> int:
    value = part.get(name, -1)
    return int(value) if isinstance(value, int | float) else -1
