"""The one way this service builds a Redis client: short timeouts, one reconnect retry.

The worker and every command get their client here, so a slow or absent Redis shows up
as a bounded error everywhere instead of a command that hangs.
"""

from __future__ import annotations

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from stream.config import RedisSettings


def redis_client(
    settings: RedisSettings,
    *,
    timeout_s: float | None = None,
    decode_responses: bool = False,
) -> redis.Redis:
    """A client for `settings.url`. The hot path keeps the configured socket timeout (a
    slow Redis must not stall the stream); operator commands that move whole documents
    (a taxonomy push) pass a longer `timeout_s`."""
    timeout = timeout_s if timeout_s is not None else settings.socket_timeout_s
    return redis.Redis.from_url(
        settings.url.get_secret_value(),
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
        decode_responses=decode_responses,
        # One immediate retry, on connection errors only: after a Redis restart the pooled
        # connection is dead and a fresh one works. Timeouts are not retried (one timeout
        # per batch at most); the circuit breaker does the rest.
        retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
    )
