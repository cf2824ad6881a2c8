"""The one way this service builds a Redis client: short timeouts, one reconnect retry.

The worker and every command get their client here, so a slow or absent Redis shows up
as a bounded error everywhere instead of a command that hangs.
"""

from __future__ import annotations

import ssl
from typing import Any

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
        **security_options(settings),
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
        decode_responses=decode_responses,
        # One immediate retry, on connection errors only: after a Redis restart the pooled
        # connection is dead and a fresh one works. Timeouts are not retried (one timeout
        # per batch at most); the circuit breaker does the rest.
        retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
    )


def security_options(settings: RedisSettings) -> dict[str, Any]:
    """ACL login and TLS options for redis-py (TLS itself comes with a rediss:// URL; the
    settings refuse TLS options for a redis:// one)."""
    options: dict[str, Any] = {}
    if settings.username is not None:
        options["username"] = settings.username
    if settings.password is not None:
        options["password"] = settings.password.get_secret_value()
    if settings.url.get_secret_value().startswith("rediss://"):
        options["ssl_cert_reqs"] = ssl.CERT_REQUIRED
        options["ssl_check_hostname"] = settings.ssl_check_hostname
        if settings.ssl_ca_certs is not None:
            options["ssl_ca_certs"] = str(settings.ssl_ca_certs)
        if settings.ssl_certfile is not None:
            options["ssl_certfile"] = str(settings.ssl_certfile)
            options["ssl_keyfile"] = str(settings.ssl_keyfile)
        if settings.ssl_key_password is not None:
            options["ssl_password"] = settings.ssl_key_password.get_secret_value()
    return options
