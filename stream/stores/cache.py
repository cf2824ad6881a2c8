"""Redis for the worker: enrichment cache and posting state, one round trip per batch.

Keys:
- `{prefix}:enrich:{enricher_version}:{taxonomy_version}:{content_hash}` -> Enrichment JSON.
  A re-scrape or a cross-board duplicate costs a lookup; a version bump misses naturally.
- `{prefix}:state:{posting_id}` -> PostingState JSON, for change detection.

`lookup` sends both MGETs in one pipeline; `save` writes what a committed batch produced in
another. Redis may help and must never hurt: a failure is counted and answered as "cache
miss, state unknown", and a circuit breaker keeps a dead Redis out of the hot path (one
timeout, then no calls for `cooldown_s`, then one probe).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import redis
from pydantic import ValidationError
from redis.backoff import NoBackoff
from redis.retry import Retry

from stream.changes import PostingState
from stream.enrich.pipeline import Enrichment
from stream.ops.metrics import Metrics


def cache_key(prefix: str, enricher_version: str, taxonomy_version: str, digest: str) -> str:
    return f"{prefix}:enrich:{enricher_version}:{taxonomy_version}:{digest}"


def state_key(prefix: str, posting_id: str) -> str:
    return f"{prefix}:state:{posting_id}"


@dataclass(frozen=True, slots=True)
class Lookup:
    """Cached enrichments (None = miss) and posting states; `states` None = unknown."""

    enrichments: list[Enrichment | None]
    states: list[PostingState | None] | None


class Store(Protocol):
    """The worker's view of Redis. Never raises: failures are misses / unknown state."""

    def lookup(self, cache_keys: Sequence[str], state_keys: Sequence[str]) -> Lookup:
        """One round trip. May block up to the socket timeout."""
        ...

    def save(self, enrichments: dict[str, Enrichment], states: dict[str, PostingState]) -> None:
        """Best effort, after the batch committed; a failure is counted, not raised."""
        ...


class NullStore:
    """No Redis: every lookup misses and every state is unknown (the offline CLI)."""

    def lookup(self, cache_keys: Sequence[str], state_keys: Sequence[str]) -> Lookup:
        return Lookup([None] * len(cache_keys), None)

    def save(self, enrichments: dict[str, Enrichment], states: dict[str, PostingState]) -> None:
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


class RedisStore:
    """Store on a Redis server."""

    def __init__(
        self,
        client: redis.Redis,
        metrics: Metrics,
        cache_ttl_s: int,
        state_ttl_s: int,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._client = client
        self._metrics = metrics
        self._cache_ttl_s = cache_ttl_s
        self._state_ttl_s = state_ttl_s
        self._breaker = breaker or CircuitBreaker()

    def lookup(self, cache_keys: Sequence[str], state_keys: Sequence[str]) -> Lookup:
        unknown = Lookup([None] * len(cache_keys), None)
        if not cache_keys and not state_keys:
            return Lookup([], [])
        if not self._breaker.allow():
            self._metrics.cache_requests.labels("skipped").inc(len(cache_keys))
            return unknown
        started = time.perf_counter()
        try:
            pipe = self._client.pipeline(transaction=False)
            for keys in (cache_keys, state_keys):
                if keys:
                    pipe.mget(keys)
            replies = iter(pipe.execute())
            cache_values = next(replies) if cache_keys else []
            state_values = next(replies) if state_keys else []
        except redis.RedisError:
            self._failed("lookup")
            self._metrics.cache_requests.labels("error").inc(len(cache_keys))
            return unknown
        self._recovered()
        self._metrics.redis_seconds.labels("lookup").observe(time.perf_counter() - started)
        enrichments = [_decode(Enrichment, v) for v in cache_values]
        states = [_decode(PostingState, v) for v in state_values]
        hits = sum(1 for item in enrichments if item is not None)
        self._metrics.cache_requests.labels("hit").inc(hits)
        self._metrics.cache_requests.labels("miss").inc(len(cache_keys) - hits)
        return Lookup(enrichments, states)

    def save(self, enrichments: dict[str, Enrichment], states: dict[str, PostingState]) -> None:
        if not (enrichments or states) or not self._breaker.allow():
            if enrichments or states:
                self._metrics.redis_skipped_writes.inc(len(enrichments) + len(states))
            return
        started = time.perf_counter()
        try:
            pipe = self._client.pipeline(transaction=False)
            for key, enrichment in enrichments.items():
                pipe.set(key, enrichment.model_dump_json(), ex=self._cache_ttl_s)
            for key, state in states.items():
                pipe.set(key, state.model_dump_json(), ex=self._state_ttl_s)
            pipe.execute()
        except redis.RedisError:
            self._failed("save")
            self._metrics.redis_skipped_writes.inc(len(enrichments) + len(states))
            return
        self._recovered()
        self._metrics.redis_seconds.labels("save").observe(time.perf_counter() - started)

    def _recovered(self) -> None:
        self._breaker.record_success()
        self._metrics.redis_breaker_open.set(0)

    def _failed(self, operation: str) -> None:
        self._breaker.record_failure()
        self._metrics.redis_errors.labels(operation).inc()
        self._metrics.redis_breaker_open.set(1 if self._breaker.is_open else 0)


_Model = TypeVar("_Model", Enrichment, PostingState)


def _decode(model: type[_Model], value: object) -> _Model | None:
    if not isinstance(value, bytes | str):
        return None
    try:
        return model.model_validate_json(value)
    except ValidationError:
        # Written by an incompatible build: a miss; it gets overwritten.
        return None


def redis_client(url: str, socket_timeout_s: float) -> redis.Redis:
    """A Redis client with short timeouts: a slow Redis must not stall the stream."""
    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout_s,
        socket_connect_timeout=socket_timeout_s,
        health_check_interval=30,
        # One immediate retry, on connection errors only: after a Redis restart the pooled
        # connection is dead and a fresh one works. Timeouts are not retried (one timeout
        # per batch at most); the breaker does the rest.
        retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
    )
