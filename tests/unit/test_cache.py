"""The circuit breaker and the store's never-raise contract, with an in-memory failing client.

The RedisStore against a real Redis is covered by tests/integration.
"""

from __future__ import annotations

from typing import Any, cast

import redis
from prometheus_client import CollectorRegistry

from stream.ops.metrics import Metrics
from stream.stores.breaker import CircuitBreaker
from stream.stores.cache import RedisStore, cache_key, pack_mget, pack_set_ex, state_key


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
    """Stands in for a Redis that is down: every pipeline execute raises like redis-py."""

    calls = 0

    def pipeline(self, transaction: bool = True) -> Any:
        return self

    def mget(self, keys: Any) -> None:
        return None

    def execute_command(self, *args: Any) -> None:
        return None

    def execute(self) -> Any:
        self.calls += 1
        raise redis.ConnectionError("Connection refused")

    # The save writes packed commands on a pooled connection (RedisStore._send).
    @property
    def connection_pool(self) -> Any:
        return self

    def get_connection(self) -> Any:
        self.calls += 1
        raise redis.ConnectionError("Connection refused")


def _value(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def test_failures_are_misses_and_unknown_state_and_the_breaker_stops_calls() -> None:
    metrics = Metrics(CollectorRegistry())
    client = _DownRedis()
    store = RedisStore(
        cast(redis.Redis, client),  # a stand-in: the calls RedisStore makes
        metrics,
        cache_ttl_s=60,
        state_ttl_s=60,
        breaker=CircuitBreaker(threshold=2),
    )
    keys = [cache_key("t", "1", "v", "abc"), cache_key("t", "1", "v", "def")]
    states = [state_key("t", "ns", "b:1"), state_key("t", "ns", "b:2")]
    for _ in range(5):
        lookup = store.lookup(keys, states)
        assert lookup.enrichments == [None, None]
        assert lookup.states is None
        store.save({keys[0]: '{"skills": [], "salary": null}'}, {})
    assert client.calls == 2  # then the breaker kept Redis out of the hot path
    assert _value(metrics, "stream_redis_errors_total", operation="lookup") == 1
    assert _value(metrics, "stream_redis_errors_total", operation="save") == 1
    assert _value(metrics, "stream_cache_requests_total", outcome="skipped") == 8
    assert _value(metrics, "stream_redis_circuit_open") == 1
    assert _value(metrics, "stream_redis_skipped_writes_total") == 5


def test_packed_set_commands_are_the_bytes_redis_py_packs() -> None:
    """The save packs its SETs itself; they must be what redis-py would send, byte for byte
    (keys and JSON values with non-ASCII text, quotes, CR/LF, empty values)."""
    items = [
        ("p:enrich:1:skills=2026.1+r5,salary=1:abc", '{"skills": [], "salary": null}'),
        ("p:state:g/postings.enriched:linkedin:Zürich-1", '{"title": "Ingénieur\r\n\\"x\\""}'),
        ("k", ""),
        ("emoji:\U0001f600", "\u00e9" * 300),
    ]
    connection = redis.Connection()  # type: ignore[no-untyped-call]  # redis-py's own
    for ttl in (60, 7 * 86400, 90 * 86400):
        expected = [
            b"".join(connection.pack_command("SET", key, value, "EX", ttl))  # type: ignore[no-untyped-call]
            for key, value in items
        ]
        assert pack_set_ex(items, ttl) == expected
        # Values given as bytes (the worker's cache entries and states) pack the same.
        assert pack_set_ex([(k, v.encode()) for k, v in items], ttl) == expected


def test_packed_mget_is_the_bytes_redis_py_packs() -> None:
    """The lookup packs its MGETs itself: what redis-py would send, byte for byte."""
    connection = redis.Connection()  # type: ignore[no-untyped-call]  # redis-py's own
    for keys in (
        ["k"],
        ["p:enrich:1:skills=2026.1+r5,salary=1:abc", "p:state:g/postings.enriched:b:Zürich-1"],
        [f"emoji:\U0001f600:{i}" for i in range(300)],
        ["", "\r\n"],
    ):
        expected = b"".join(connection.pack_command("MGET", *keys))  # type: ignore[no-untyped-call]
        assert pack_mget(keys) == expected
