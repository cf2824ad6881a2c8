"""The enrichment cache and the posting state, one Redis round trip per batch each way.

Keys:
- `{prefix}:enrich:{enricher_version}:{step versions}:{content_hash}` -> Enrichment JSON.
  A re-scrape or a cross-board duplicate costs a lookup; a version bump misses naturally.
- `{prefix}:state:{namespace}:{posting_id}` -> PostingState JSON, for change detection. The
  namespace names the output the state describes (consumer group and enriched topic), so a
  new output (a re-index into a new topic, a backfill) starts clean instead of finding
  every posting "unchanged".

The store moves cached enrichments as the JSON the enricher encoded (it decodes them too:
the store knows nothing of steps); posting states it (de)serializes itself. `lookup` sends
both MGETs in one write it packs itself (`pack_mget`); `save` writes what a committed batch
produced in one write of SET commands it packs itself (`pack_set_ex`); each then reads the
replies.
Redis may help and must never hurt: a failure is counted and answered as "cache miss,
state unknown", and a circuit breaker keeps a dead Redis out of the hot path (one timeout,
then no calls for `cooldown_s`, then one probe).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import redis
from pydantic import ValidationError

from stream.changes import PostingState
from stream.ops.metrics import Metrics
from stream.stores.breaker import CircuitBreaker


def cache_key(prefix: str, enricher_version: str, variant: str, digest: str) -> str:
    return f"{prefix}:enrich:{enricher_version}:{variant}:{digest}"


def state_key(prefix: str, namespace: str, posting_id: str) -> str:
    return f"{prefix}:state:{namespace}:{posting_id}"


def state_namespace(group_id: str, enriched_topic: str) -> str:
    """What a posting state describes: what this consumer group published to that topic."""
    return f"{group_id}/{enriched_topic}"


@dataclass(frozen=True, slots=True)
class Lookup:
    """Cached enrichments as stored (None = miss) and posting states (`states` None =
    unknown: Redis did not answer)."""

    enrichments: list[bytes | None]
    states: list[PostingState | None] | None


class Store(Protocol):
    """The processor's view of Redis. Never raises: failures are misses / unknown state."""

    def lookup(self, cache_keys: Sequence[str], state_keys: Sequence[str]) -> Lookup:
        """One round trip. May block up to the socket timeout."""
        ...

    def save(
        self, enrichments: Mapping[str, bytes | str], states: Mapping[str, PostingState]
    ) -> None:
        """Best effort, after the batch committed; a failure is counted, not raised."""
        ...


class NullStore:
    """No Redis: every lookup misses and every state is unknown (the offline CLI)."""

    def lookup(self, cache_keys: Sequence[str], state_keys: Sequence[str]) -> Lookup:
        return Lookup([None] * len(cache_keys), None)

    def save(
        self, enrichments: Mapping[str, bytes | str], states: Mapping[str, PostingState]
    ) -> None:
        return None


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
            # Both MGETs in one write, packed here as the save's SETs are (redis-py's
            # pipeline packs each key in Python: ~3 µs a posting for its two keys).
            replies = iter(
                self._send([pack_mget(keys) for keys in (cache_keys, state_keys) if keys])
            )
            cache_values = next(replies) if cache_keys else []
            state_values = next(replies) if state_keys else []
        except redis.RedisError:
            self._failed("lookup")
            self._metrics.cache_requests.labels("error").inc(len(cache_keys))
            return unknown
        self._recovered()
        self._metrics.redis_seconds.labels("lookup").observe(time.perf_counter() - started)
        enrichments = [_as_bytes(value) for value in cache_values]
        states = [_decode_state(value) for value in state_values]
        hits = sum(1 for item in enrichments if item is not None)
        self._metrics.cache_requests.labels("hit").inc(hits)
        self._metrics.cache_requests.labels("miss").inc(len(cache_keys) - hits)
        return Lookup(enrichments, states)

    def save(
        self, enrichments: Mapping[str, bytes | str], states: Mapping[str, PostingState]
    ) -> None:
        if not (enrichments or states) or not self._breaker.allow():
            if enrichments or states:
                self._metrics.redis_skipped_writes.inc(len(enrichments) + len(states))
            return
        started = time.perf_counter()
        commands = pack_set_ex(enrichments.items(), self._cache_ttl_s)
        commands += pack_set_ex(
            # The bytes of `model_dump_json()` without its str round trip (as codecs.encode).
            ((key, state.__pydantic_serializer__.to_json(state)) for key, state in states.items()),
            self._state_ttl_s,
        )
        try:
            self._send(commands)
        except redis.RedisError:
            self._failed("save")
            self._metrics.redis_skipped_writes.inc(len(enrichments) + len(states))
            return
        self._recovered()
        self._metrics.redis_seconds.labels("save").observe(time.perf_counter() - started)

    def _send(self, commands: list[bytes]) -> list[Any]:
        """Packed commands in one write on a pooled connection, then their replies, with the
        client's retry (one reconnect on a connection error: SET and MGET are idempotent).
        This is what a redis-py pipeline does, less its per-command Python (~8 µs a posting
        for the save: docs/performance.md, "The worker (workerfast)")."""
        pool = self._client.connection_pool
        connection: Any = pool.get_connection()
        try:
            replies: list[Any] = connection.retry.call_with_retry(
                lambda: _exchange(connection, commands), lambda _error: connection.disconnect()
            )
            return replies
        finally:
            pool.release(connection)

    def _recovered(self) -> None:
        self._breaker.record_success()
        self._metrics.redis_breaker_open.set(0)

    def _failed(self, operation: str) -> None:
        self._breaker.record_failure()
        self._metrics.redis_errors.labels(operation).inc()
        self._metrics.redis_breaker_open.set(1 if self._breaker.is_open else 0)


def pack_set_ex(items: Iterable[tuple[str, bytes | str]], ttl_s: int) -> list[bytes]:
    """`SET key value EX ttl_s` for each (key, value), in the Redis protocol (RESP), the
    bytes redis-py's `pack_command` makes (tests/unit/test_cache.py holds them equal)."""
    ttl = str(ttl_s).encode()
    tail = b"$2\r\nEX\r\n$%d\r\n%b\r\n" % (len(ttl), ttl)
    head = b"*5\r\n$3\r\nSET\r\n$%d\r\n%b\r\n$%d\r\n%b\r\n%b"
    packed = []
    for key, value in items:
        k = key.encode()
        v = value if isinstance(value, bytes) else value.encode()
        packed.append(head % (len(k), k, len(v), v, tail))
    return packed


def pack_mget(keys: Sequence[str]) -> bytes:
    """`MGET key ...` in the Redis protocol, the bytes redis-py's `pack_command` makes
    (tests/unit/test_cache.py holds them equal)."""
    parts = [b"*%d\r\n$4\r\nMGET\r\n" % (len(keys) + 1)]
    for key in keys:
        k = key.encode()
        parts.append(b"$%d\r\n%b\r\n" % (len(k), k))
    return b"".join(parts)


def _exchange(connection: Any, commands: list[bytes]) -> list[Any]:
    connection.send_packed_command(commands)
    replies = []
    for _ in commands:
        try:
            replies.append(connection.read_response())
        except redis.ResponseError:
            # The replies after it are still unread: this connection cannot be reused.
            connection.disconnect()
            raise
    return replies


def _as_bytes(value: object) -> bytes | None:
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8") if isinstance(value, str) else None


def _decode_state(value: object) -> PostingState | None:
    if not isinstance(value, bytes | str):
        return None
    try:
        return PostingState.model_validate_json(value)
    except ValidationError:
        return None  # written by an incompatible build: unknown, and overwritten
