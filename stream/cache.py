"""The enrichment cache in Redis: one MGET per batch, one pipelined SET for the misses.

Keys are `{prefix}:enrich:{enricher_version}:{taxonomy_version}:{content_hash}`, so a
re-scrape or a cross-board duplicate costs a lookup, and a version bump misses naturally.

The cache may help and must never hurt: every Redis failure is counted and answered as
"miss" (lookups) or ignored (stores), and a small circuit breaker stops us from paying a
timeout per batch while Redis is down; it lets one probe through after `cooldown_s`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

import redis
from pydantic import ValidationError
from redis.backoff import NoBackoff
from redis.retry import Retry

from stream.enrich.pipeline import Enrichment
from stream.metrics import Metrics


def cache_key(prefix: str, enricher_version: str, taxonomy_version: str, digest: str) -> str:
    return f"{prefix}:enrich:{enricher_version}:{taxonomy_version}:{digest}"


class EnrichmentCache(Protocol):
    """Lookup and store of enrichments by key. Never raises: failures are misses."""

    def get_many(self, keys: Sequence[str]) -> list[Enrichment | None]:
        """One value (or None for a miss) per key, in order. May block up to a timeout."""
        ...

    def put_many(self, items: dict[str, Enrichment]) -> None:
        """Store best-effort; a failure is counted, not raised."""
        ...


class NullCache:
    """No cache: every lookup misses (Redis disabled, or the offline CLI without Redis)."""

    def get_many(self, keys: Sequence[str]) -> list[Enrichment | None]:
        return [None] * len(keys)

    def put_many(self, items: dict[str, Enrichment]) -> None:
        return None


class CircuitBreaker:
    """Closed while calls succeed; open for `cooldown_s` after `threshold` straight failures."""

    def __init__(
        self,
        threshold: int = 3,
        cooldown_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = threshold
        self._cooldown_s = cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        """May we call Redis now? While open, only once the cooldown has passed (a probe)."""
        if self._opened_at is None:
            return True
        return self._clock() - self._opened_at >= self._cooldown_s

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None

    def record_failure(self) -> None:
        self._failures += 1
        if self._failures >= self._threshold or self._opened_at is not None:
            self._opened_at = self._clock()


class RedisEnrichmentCache:
    """EnrichmentCache on a Redis server (or anything speaking its protocol)."""

    def __init__(
        self,
        client: redis.Redis,
        metrics: Metrics,
        ttl_s: int,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._client = client
        self._metrics = metrics
        self._ttl_s = ttl_s
        self._breaker = breaker or CircuitBreaker()

    def get_many(self, keys: Sequence[str]) -> list[Enrichment | None]:
        if not keys:
            return []
        misses: list[Enrichment | None] = [None] * len(keys)
        if not self._breaker.allow():
            self._metrics.cache_requests.labels("skipped").inc(len(keys))
            return misses
        started = time.perf_counter()
        try:
            raw_values = self._client.mget(keys)
        except redis.RedisError:
            self._failed("mget", len(keys))
            return misses
        self._breaker.record_success()
        self._metrics.redis_seconds.labels("mget").observe(time.perf_counter() - started)
        found: list[Enrichment | None] = []
        for value in raw_values:
            found.append(self._decode(value))
        hits = sum(1 for item in found if item is not None)
        self._metrics.cache_requests.labels("hit").inc(hits)
        self._metrics.cache_requests.labels("miss").inc(len(keys) - hits)
        return found

    def put_many(self, items: dict[str, Enrichment]) -> None:
        if not items or not self._breaker.allow():
            return
        started = time.perf_counter()
        try:
            pipe = self._client.pipeline(transaction=False)
            for key, enrichment in items.items():
                pipe.set(key, enrichment.model_dump_json(), ex=self._ttl_s)
            pipe.execute()
        except redis.RedisError:
            self._failed("set", 0)
            return
        self._breaker.record_success()
        self._metrics.redis_seconds.labels("set").observe(time.perf_counter() - started)

    def _decode(self, value: object) -> Enrichment | None:
        if not isinstance(value, bytes | str):
            return None
        try:
            return Enrichment.model_validate_json(value)
        except ValidationError:
            # A value written by an incompatible build: treat as a miss, it gets overwritten.
            return None

    def _failed(self, operation: str, lookups: int) -> None:
        self._breaker.record_failure()
        self._metrics.redis_errors.labels(operation).inc()
        if lookups:
            self._metrics.cache_requests.labels("error").inc(lookups)


def redis_client(url: str, socket_timeout_s: float) -> redis.Redis:
    """A Redis client with short timeouts: a slow cache must not stall the stream."""
    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout_s,
        socket_connect_timeout=socket_timeout_s,
        health_check_interval=30,
        # No client-side retries: one timeout per batch at most, the breaker does the rest.
        retry=Retry(NoBackoff(), 0),
    )
