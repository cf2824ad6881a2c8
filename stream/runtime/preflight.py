"""Before the worker starts: may we log in to Kafka and Redis at all?

Credentials or certificates that are refused never start working by themselves, so a
worker started with them stops at once (FatalError, exit 3) with a message naming the
settings to check, instead of retrying until a timeout with no word of why:

- Kafka: a short-lived admin client asks for metadata until it gets it, or until
  librdkafka reports (through `error_cb`) a failed SASL login, a failed TLS handshake, or a
  TLS alert from the broker (an mTLS client certificate it does not accept). Anything else
  (broker down, not reachable yet) is not decided here: after `timeout_s` the worker goes
  on and its usual retries apply, as before.
- Redis: one PING. A refused login (AUTH) or a failed TLS handshake is fatal; Redis merely
  unreachable is not (the worker runs without its cache, as always: `stores.cache`).

Never in a message: passwords (they live in SecretStr settings and in librdkafka).
"""

from __future__ import annotations

import logging
import ssl
import time

import redis
from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient
from redis.exceptions import NoPermissionError

from stream.config import Settings
from stream.errors import FatalError
from stream.runtime.kafka import client_config

log = logging.getLogger(__name__)

# librdkafka's own wording when a TLS peer sends an alert (e.g. "bad certificate",
# "unknown ca", "certificate required"): with TLS 1.3 a refused client certificate arrives
# as a receive failure (_TRANSPORT) carrying this text, not as a handshake error (_SSL).
_TLS_ALERT = "SSL alert number"


def refused(error: KafkaError) -> bool:
    """True for errors that say the broker refused who we are (never transient)."""
    code = error.code()
    if code in (KafkaError._AUTHENTICATION, KafkaError._SSL):
        return True
    return code == KafkaError._TRANSPORT and _TLS_ALERT in error.str()


def kafka_hint(settings: Settings, error: KafkaError) -> str:
    kafka = settings.kafka
    if error.code() == KafkaError._AUTHENTICATION:
        return (
            f"check kafka.sasl_username ({kafka.sasl_username!r}), kafka.sasl_password and "
            f"kafka.sasl_mechanism ({kafka.sasl_mechanism})"
        )
    return (
        "check kafka.ssl_ca_location (the CA that signed the broker's certificate), "
        "kafka.ssl_certificate_location / kafka.ssl_key_location (a client certificate the "
        "broker trusts, for mTLS) and kafka.security_protocol"
    )


def check_kafka(settings: Settings, timeout_s: float = 30.0) -> None:
    """Raise FatalError if the brokers refuse our credentials or certificates."""
    errors: list[KafkaError] = []
    conf = {**client_config(settings, "admin"), "error_cb": errors.append}
    try:
        admin = AdminClient(conf)
    except KafkaException as exc:  # e.g. an unreadable key or a wrong key password
        error = exc.args[0]
        text = error.str() if isinstance(error, KafkaError) else str(exc)
        raise FatalError(
            f"Kafka client settings rejected by librdkafka: {text}; check the kafka.ssl_* "
            "files and kafka.ssl_key_password (a wrong passphrase shows as 'bad decrypt' "
            "in librdkafka's log lines)"
        ) from exc
    until = time.monotonic() + timeout_s
    while True:
        try:
            admin.list_topics(timeout=1.0)
            return
        except KafkaException:
            pass
        admin.poll(0)  # serves error_cb
        for error in errors:
            if refused(error):
                raise FatalError(
                    f"Kafka refused the connection ({settings.kafka.security_protocol} to "
                    f"{settings.kafka.bootstrap_servers}): {error.str()}; "
                    f"{kafka_hint(settings, error)}"
                )
        if time.monotonic() > until:
            last = errors[-1].str() if errors else "no answer"
            log.warning(
                "Kafka not reachable yet, starting anyway (the worker retries)",
                extra={"bootstrap_servers": settings.kafka.bootstrap_servers, "error": last},
            )
            return


def check_redis(client: redis.Redis) -> None:
    """Raise FatalError if Redis refuses our login or the TLS handshake fails."""
    try:
        client.ping()
    except redis.AuthenticationError as exc:
        raise FatalError(
            f"Redis refused the login: {str(exc).rstrip('.')}; check redis.username and "
            "redis.password (or the credentials in redis.url)"
        ) from exc
    except NoPermissionError as exc:
        raise FatalError(f"Redis user lacks a permission: {exc}; check its ACL") from exc
    except redis.RedisError as exc:  # ConnectionError, TimeoutError
        if isinstance(exc.__context__, ssl.SSLError):
            raise FatalError(
                f"TLS to Redis failed: {exc}; check redis.ssl_ca_certs (the CA that signed the "
                "server's certificate) and redis.ssl_certfile / redis.ssl_keyfile"
            ) from exc
        log.warning("Redis not reachable at start, running without it", extra={"error": str(exc)})
