"""Security settings -> librdkafka and redis-py options; secrets masked; refusals at start."""

from __future__ import annotations

import json
import logging
import ssl
from pathlib import Path
from typing import cast

import pytest
import redis
from confluent_kafka import KafkaError
from pydantic import ValidationError
from typer.testing import CliRunner

from stream.cli.main import app
from stream.config import load_settings, masked_settings
from stream.errors import FatalError
from stream.runtime.kafka import Role, client_config
from stream.runtime.preflight import check_redis, refused
from stream.stores.client import redis_client, security_options

SECRETS = ("kafka-pw-1", "key-pw-2", "redis-pw-3", "url-pw-4")


@pytest.fixture
def pem(tmp_path: Path) -> dict[str, str]:
    """Paths of (dummy) PEM files: the settings check that they exist, not what they hold."""
    files = {}
    for name in ("ca.pem", "client.pem", "client.key"):
        (tmp_path / name).write_text("-----BEGIN DUMMY-----\n")
        files[name] = str(tmp_path / name)
    return files


def fill(value: str, pem: dict[str, str]) -> str:
    """Put the path of each PEM file in for its "{name}" placeholder."""
    for name, path in pem.items():
        value = value.replace("{" + name + "}", path)
    return value


def assert_refused(
    monkeypatch: pytest.MonkeyPatch, pem: dict[str, str], env: dict[str, str], message: str
) -> None:
    """Settings from `env` ({name} placeholders filled with the pem paths) fail to load."""
    for name, value in env.items():
        monkeypatch.setenv(name, fill(value, pem))
    with pytest.raises(ValidationError, match=message):
        load_settings()


def sasl_ssl(monkeypatch: pytest.MonkeyPatch, pem: dict[str, str]) -> None:
    monkeypatch.setenv("STREAM_KAFKA__SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("STREAM_KAFKA__SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("STREAM_KAFKA__SASL_USERNAME", "stream")
    monkeypatch.setenv("STREAM_KAFKA__SASL_PASSWORD", "kafka-pw-1")
    monkeypatch.setenv("STREAM_KAFKA__SSL_CA_LOCATION", pem["ca.pem"])


def mtls(monkeypatch: pytest.MonkeyPatch, pem: dict[str, str]) -> None:
    monkeypatch.setenv("STREAM_KAFKA__SECURITY_PROTOCOL", "SSL")
    monkeypatch.setenv("STREAM_KAFKA__SSL_CA_LOCATION", pem["ca.pem"])
    monkeypatch.setenv("STREAM_KAFKA__SSL_CERTIFICATE_LOCATION", pem["client.pem"])
    monkeypatch.setenv("STREAM_KAFKA__SSL_KEY_LOCATION", pem["client.key"])
    monkeypatch.setenv("STREAM_KAFKA__SSL_KEY_PASSWORD", "key-pw-2")


def redis_tls(monkeypatch: pytest.MonkeyPatch, pem: dict[str, str]) -> None:
    monkeypatch.setenv("STREAM_REDIS__URL", "rediss://cache:6380/0")
    monkeypatch.setenv("STREAM_REDIS__USERNAME", "stream")
    monkeypatch.setenv("STREAM_REDIS__PASSWORD", "redis-pw-3")
    monkeypatch.setenv("STREAM_REDIS__SSL_CA_CERTS", pem["ca.pem"])
    monkeypatch.setenv("STREAM_REDIS__SSL_CERTFILE", pem["client.pem"])
    monkeypatch.setenv("STREAM_REDIS__SSL_KEYFILE", pem["client.key"])
    monkeypatch.setenv("STREAM_REDIS__SSL_KEY_PASSWORD", "key-pw-2")


# -- Kafka -----------------------------------------------------------------------------------


def test_plaintext_by_default_has_no_security_options() -> None:
    conf = client_config(load_settings(), "consumer")
    assert conf["security.protocol"] == "PLAINTEXT"
    assert not [key for key in conf if key.startswith(("ssl.", "sasl."))]


@pytest.mark.parametrize("role", ["consumer", "producer", "transactional_producer", "admin"])
def test_sasl_ssl_reaches_every_client_role(
    monkeypatch: pytest.MonkeyPatch, pem: dict[str, str], role: Role
) -> None:
    sasl_ssl(monkeypatch, pem)
    conf = client_config(load_settings(), role)
    assert conf["security.protocol"] == "SASL_SSL"
    assert conf["sasl.mechanism"] == "SCRAM-SHA-512"
    assert conf["sasl.username"] == "stream"
    assert conf["sasl.password"] == "kafka-pw-1"
    assert conf["ssl.ca.location"] == pem["ca.pem"]
    assert conf["ssl.endpoint.identification.algorithm"] == "https"
    assert "ssl.certificate.location" not in conf


def test_mtls_maps_certificate_key_and_key_password(
    monkeypatch: pytest.MonkeyPatch, pem: dict[str, str]
) -> None:
    mtls(monkeypatch, pem)
    monkeypatch.setenv("STREAM_KAFKA__SSL_CHECK_HOSTNAME", "false")
    conf = client_config(load_settings(), "producer")
    assert conf["security.protocol"] == "SSL"
    assert conf["ssl.certificate.location"] == pem["client.pem"]
    assert conf["ssl.key.location"] == pem["client.key"]
    assert conf["ssl.key.password"] == "key-pw-2"
    assert conf["ssl.endpoint.identification.algorithm"] == "none"
    assert not [key for key in conf if key.startswith("sasl.")]


def test_plain_mechanism_is_accepted(monkeypatch: pytest.MonkeyPatch, pem: dict[str, str]) -> None:
    sasl_ssl(monkeypatch, pem)
    monkeypatch.setenv("STREAM_KAFKA__SASL_MECHANISM", "PLAIN")
    assert client_config(load_settings(), "admin")["sasl.mechanism"] == "PLAIN"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STREAM_KAFKA__SECURITY_PROTOCOL": "SASL_SSL"}, "needs sasl_mechanism"),
        ({"STREAM_KAFKA__SASL_PASSWORD": "x"}, "sasl_\\* settings are ignored"),
        ({"STREAM_KAFKA__SASL_MECHANISM": "GSSAPI"}, "sasl_mechanism"),
        ({"STREAM_KAFKA__SSL_CA_LOCATION": "{ca.pem}"}, "ssl_\\* settings are ignored"),
        (
            {
                "STREAM_KAFKA__SECURITY_PROTOCOL": "SSL",
                "STREAM_KAFKA__SSL_CERTIFICATE_LOCATION": "{client.pem}",
            },
            "go together",
        ),
        (
            {"STREAM_KAFKA__SECURITY_PROTOCOL": "SSL", "STREAM_KAFKA__SSL_CA_LOCATION": "/nope"},
            "ssl_ca_location",
        ),
    ],
)
def test_kafka_settings_that_would_be_ignored_or_cannot_work_are_refused(
    monkeypatch: pytest.MonkeyPatch, pem: dict[str, str], env: dict[str, str], message: str
) -> None:
    assert_refused(monkeypatch, pem, env, message)


# -- Redis -----------------------------------------------------------------------------------


def test_redis_tls_and_acl_options(monkeypatch: pytest.MonkeyPatch, pem: dict[str, str]) -> None:
    redis_tls(monkeypatch, pem)
    options = security_options(load_settings().redis)
    assert options == {
        "username": "stream",
        "password": "redis-pw-3",
        "ssl_cert_reqs": ssl.CERT_REQUIRED,
        "ssl_check_hostname": True,
        "ssl_ca_certs": pem["ca.pem"],
        "ssl_certfile": pem["client.pem"],
        "ssl_keyfile": pem["client.key"],
        "ssl_password": "key-pw-2",
    }


def test_redis_client_speaks_tls_with_the_acl_user(
    monkeypatch: pytest.MonkeyPatch, pem: dict[str, str]
) -> None:
    redis_tls(monkeypatch, pem)
    client = redis_client(load_settings().redis)
    kwargs = client.connection_pool.connection_kwargs
    assert client.connection_pool.connection_class is redis.SSLConnection
    assert (kwargs["host"], kwargs["port"]) == ("cache", 6380)
    assert (kwargs["username"], kwargs["password"]) == ("stream", "redis-pw-3")
    assert kwargs["ssl_ca_certs"] == pem["ca.pem"]


def test_plain_redis_gets_no_tls_options() -> None:
    assert security_options(load_settings().redis) == {}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STREAM_REDIS__SSL_CA_CERTS": "{ca.pem}"}, "need a rediss:// url"),
        (
            {"STREAM_REDIS__URL": "redis://u:url-pw-4@cache/0", "STREAM_REDIS__PASSWORD": "x"},
            "both in the url and",
        ),
        ({"STREAM_REDIS__USERNAME": "stream"}, "username without password"),
        (
            {"STREAM_REDIS__URL": "rediss://cache/0", "STREAM_REDIS__SSL_KEYFILE": "{client.key}"},
            "go together",
        ),
    ],
)
def test_redis_settings_that_would_be_ignored_are_refused(
    monkeypatch: pytest.MonkeyPatch, pem: dict[str, str], env: dict[str, str], message: str
) -> None:
    assert_refused(monkeypatch, pem, env, message)


# -- secrets never shown -----------------------------------------------------------------------


def test_stream_config_masks_every_secret(
    monkeypatch: pytest.MonkeyPatch, pem: dict[str, str]
) -> None:
    mtls(monkeypatch, pem)
    redis_tls(monkeypatch, pem)
    monkeypatch.setenv("STREAM_REDIS__URL", "rediss://cache:6380/0")
    shown = CliRunner().invoke(app, ["config"])
    assert shown.exit_code == 0, shown.output
    for secret in SECRETS:
        assert secret not in shown.output
    data = json.loads(shown.output)
    assert data["kafka"]["ssl_key_password"] == "**********"
    assert data["redis"]["password"] == "**********"
    assert data["redis"]["ssl_key_password"] == "**********"
    assert data["kafka"]["ssl_certificate_location"] == pem["client.pem"]  # paths are shown
    assert masked_settings(load_settings())["kafka"]["ssl_key_password"] == "**********"


def test_settings_repr_and_validation_errors_hide_secrets(
    monkeypatch: pytest.MonkeyPatch, pem: dict[str, str]
) -> None:
    sasl_ssl(monkeypatch, pem)
    redis_tls(monkeypatch, pem)
    text = repr(load_settings())
    for secret in SECRETS:
        assert secret not in text
    monkeypatch.setenv("STREAM_REDIS__URL", "redis://u:url-pw-4@cache/0")  # now refused
    with pytest.raises(ValidationError) as refusal:
        load_settings()
    for secret in SECRETS:
        assert secret not in str(refusal.value)


# -- refusals at start (stream.runtime.preflight) ---------------------------------------------


@pytest.mark.parametrize(
    ("code", "text", "is_refusal"),
    [
        (KafkaError._AUTHENTICATION, "SASL authentication error: invalid credentials", True),
        (KafkaError._SSL, "SSL handshake failed: certificate verify failed", True),
        (KafkaError._TRANSPORT, "Receive failed: bad certificate: SSL alert number 42", True),
        (KafkaError._TRANSPORT, "Connect to ipv4#127.0.0.1:9092 failed: Connection refused", False),
        (KafkaError._ALL_BROKERS_DOWN, "1/1 brokers are down", False),
    ],
)
def test_refusals_are_told_from_a_broker_that_is_away(
    code: int, text: str, is_refusal: bool
) -> None:
    assert refused(KafkaError(code, text)) is is_refusal


class _Refusing:
    def __init__(self, error: Exception) -> None:
        self._error = error

    def ping(self) -> bool:
        raise self._error


def _refusing(error: Exception) -> redis.Redis:
    """A client whose ping raises `error` (check_redis calls nothing else)."""
    return cast(redis.Redis, _Refusing(error))


def _ssl_failure() -> redis.ConnectionError:
    """What redis-py raises when the handshake fails: the ssl error is the context."""
    failure = redis.ConnectionError("Error 1 connecting to cache:6380. certificate verify failed")
    failure.__context__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    return failure


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (redis.AuthenticationError("invalid username-password pair"), "Redis refused the login"),
        (redis.exceptions.NoPermissionError("no permissions to run 'mget'"), "lacks a permission"),
        (_ssl_failure(), "TLS to Redis failed"),
    ],
)
def test_redis_refusals_stop_the_worker(error: Exception, message: str) -> None:
    with pytest.raises(FatalError, match=message):
        check_redis(_refusing(error))


def test_redis_merely_away_does_not_stop_the_worker(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        check_redis(_refusing(redis.ConnectionError("Connection refused")))
        check_redis(_refusing(redis.TimeoutError("Timeout connecting")))
    assert "running without it" in caplog.text
