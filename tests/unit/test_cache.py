"""The circuit breaker and the cache's never-raise contract, with an in-memory failing client."""

from __future__ import annotations

from typing import Any

import redis
from prometheus_client import CollectorRegistry

from stream.cache import CircuitBreaker, RedisEnrichmentCache, cache_key
from stream.enrich.pipeline import Enrichment
from stream.metrics import Metrics


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_and_probes_after_cooldown() -> None:
    clock = _Clock()
    breaker = CircuitBreaker(threshold=2, cooldown_s=5, clock=clock)
    breaker.record_failure()
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.is_open
    assert not breaker.allow()
    clock.now = 5.0
    assert breaker.allow()  # the probe
    breaker.record_failure()  # probe failed: open for another cooldown
    assert not breaker.allow()
    clock.now = 10.0
    breaker.record_success()
    assert not breaker.is_open
    assert breaker.allow()


class _DownRedis:
    """Stands in for a Redis that is down: every call raises like redis-py does."""

    calls = 0

    def mget(self, keys: Any) -> Any:
        self.calls += 1
        raise redis.ConnectionError("Connection refused")

    def pipeline(self, transaction: bool = True) -> Any:
        self.calls += 1
        raise redis.ConnectionError("Connection refused")


def _value(metrics: Metrics, name: str, **labels: str) -> float:
    got = metrics.registry.get_sample_value(name, labels)
    return got or 0.0


def test_failures_are_misses_counted_and_the_breaker_stops_calls() -> None:
    metrics = Metrics(CollectorRegistry())
    client = _DownRedis()
    cache = RedisEnrichmentCache(client, metrics, ttl_s=60, breaker=CircuitBreaker(threshold=2))  # type: ignore[arg-type]
    keys = [cache_key("t", "1", "v", "abc"), cache_key("t", "1", "v", "def")]
    for _ in range(5):
        assert cache.get_many(keys) == [None, None]
        cache.put_many({keys[0]: Enrichment(skills=[], salary=None)})
    assert client.calls == 2  # then the breaker kept Redis out of the hot path
    assert _value(metrics, "stream_redis_errors_total", operation="mget") == 1
    assert _value(metrics, "stream_redis_errors_total", operation="set") == 1
    assert _value(metrics, "stream_cache_requests_total", outcome="skipped") == 8
