"""Secured transports on the real stack: Kafka over SASL_SSL (SCRAM-SHA-512) and over mTLS,
Redis over TLS with an ACL user, all from `deploy/local/stack.sh` in its secured mode
(STREAM_LOCAL_SECURE=1: a throwaway CA, SCRAM users created at format time) on free ports
with a state directory of this module's own.

The worker (`stream run`) runs end to end over each; wrong credentials or certificates make
it stop at once (exit 3) with a message that says what was refused and which settings to
check, never a hang; no password ever appears in its output.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient

from stream.config import load_settings
from stream.errors import FatalError
from stream.runtime.kafka import client_config, create_topics
from stream.runtime.preflight import check_kafka
from stream.stores.client import redis_client
from tests.deadlines import deadline
from tests.integration.conftest import (
    Env,
    PrivateStack,
    WorkerProcess,
    consume,
    free_port,
    make_env,
    produce,
)
from tests.integration.streams import encoded, synthetic_posting, wait_for


class SecureStack(PrivateStack):
    """PrivateStack in secured mode, with the extra mTLS listener port."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.mtls_port = free_port()
        self.variables["STREAM_LOCAL_SECURE"] = "1"
        self.variables["STREAM_LOCAL_KAFKA_MTLS_PORT"] = str(self.mtls_port)
        self.secure_dir = Path(self.variables["STREAM_LOCAL_DIR"]) / "secure"

    def client_env(self, name: str) -> dict[str, str]:
        """The STREAM_* settings stack.sh wrote for clients: "sasl" or "mtls"."""
        return _env_file(self.secure_dir / f"{name}.env")

    def passwords(self) -> list[str]:
        """Every secret of the stack, to check that none is ever printed."""
        credentials = _env_file(self.secure_dir / "credentials.env")
        return [value for name, value in credentials.items() if name.endswith("PASSWORD")]


def _env_file(path: Path) -> dict[str, str]:
    lines = path.read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return dict(pairs)


@pytest.fixture(scope="module")
def secure_stack(stack: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureStack]:
    # (`stack`: like private_stack, so that the shared stack's jar cache exists to link to)
    secure = SecureStack(tmp_path_factory.mktemp("secure"))
    secure.run("start", "kafka", "redis")
    try:
        yield secure
    finally:
        secure.run("stop", "all")


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA (and its key) that signed nothing of the stack's: untrusted on both sides."""
    directory = tmp_path_factory.mktemp("other-ca")
    key, cert = directory / "other.key", directory / "other.pem"
    command = f"openssl req -x509 -new -newkey rsa:2048 -nodes -days 1 -keyout {key} -out {cert}"
    subprocess.run(
        [*command.split(), "-subj", "/CN=some other CA"],
        check=True,
        capture_output=True,
    )
    return directory


def secure_env(stack: SecureStack, transport: str) -> Env:
    """A fresh world (topics, group, Redis prefix) on the secured stack over `transport`."""
    env = make_env(stack.kafka_port, stack.redis_port)
    env.variables.update(stack.client_env(transport))
    return env


@pytest.mark.parametrize("transport", ["sasl", "mtls"])
def test_worker_runs_end_to_end_over_tls_with_credentials(
    secure_stack: SecureStack, transport: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = secure_env(secure_stack, transport)
    for name, value in env.variables.items():
        monkeypatch.setenv(name, value)
    settings = env.settings
    assert settings.kafka.security_protocol == ("SASL_SSL" if transport == "sasl" else "SSL")
    assert settings.redis.url.get_secret_value().startswith("rediss://")
    create_topics(settings)
    worker = WorkerProcess(env, tmp_path / "worker.log")
    try:
        postings = [synthetic_posting(i) for i in range(20)]
        produce(env, [encoded(p) for p in postings])
        enriched = consume(env, env.topic("enriched"), len(postings), timeout_s=60)
        assert {m.key() for m in enriched} == {encoded(p)[0] for p in postings}
        # Posting state went to Redis over TLS as the ACL user.
        cache = redis_client(settings.redis, timeout_s=5)
        wait_for(
            lambda: sum(1 for _ in cache.scan_iter(f"{env.run_id}:state:*")) == len(postings),
            "posting states in Redis",
        )
    finally:
        code = worker.stop()
    log = worker.log_text()
    assert code == 0, log[-3000:]
    for secret in secure_stack.passwords():
        assert secret not in log


def _failing_cases() -> list[tuple[str, str, dict[str, str | None], list[str]]]:
    """(case, transport, changed settings (None: unset), words of the expected message)."""
    other = "{other_ca}/other.pem"
    return [
        (
            "kafka-wrong-password",
            "sasl",
            {"STREAM_KAFKA__SASL_PASSWORD": "not-the-password"},
            ["Kafka refused the connection", "SASL authentication", "kafka.sasl_password"],
        ),
        (
            "kafka-unknown-user",
            "sasl",
            {"STREAM_KAFKA__SASL_USERNAME": "mallory"},
            ["Kafka refused the connection", "SASL authentication", "kafka.sasl_username"],
        ),
        (
            "kafka-untrusted-ca",
            "sasl",
            {"STREAM_KAFKA__SSL_CA_LOCATION": other},
            ["Kafka refused the connection", "certificate verify failed", "kafka.ssl_ca_location"],
        ),
        (
            "kafka-mtls-without-client-certificate",
            "mtls",
            {
                "STREAM_KAFKA__SSL_CERTIFICATE_LOCATION": None,
                "STREAM_KAFKA__SSL_KEY_LOCATION": None,
                "STREAM_KAFKA__SSL_KEY_PASSWORD": None,
            },
            ["Kafka refused the connection", "bad certificate", "ssl_certificate_location"],
        ),
        (
            "kafka-mtls-certificate-of-another-ca",
            "mtls",
            {
                "STREAM_KAFKA__SSL_CERTIFICATE_LOCATION": other,
                "STREAM_KAFKA__SSL_KEY_LOCATION": "{other_ca}/other.key",
                "STREAM_KAFKA__SSL_KEY_PASSWORD": None,
            },
            ["Kafka refused the connection", "bad certificate", "ssl_certificate_location"],
        ),
        (
            "kafka-wrong-key-password",
            "mtls",
            {"STREAM_KAFKA__SSL_KEY_PASSWORD": "not-the-key-password"},
            ["Kafka client settings rejected", "ssl.key.location"],
        ),
        (
            "redis-wrong-user",
            "sasl",
            {"STREAM_REDIS__USERNAME": "mallory"},
            ["Redis refused the login", "redis.username"],
        ),
        (
            "redis-wrong-password",
            "sasl",
            {"STREAM_REDIS__PASSWORD": "not-the-password"},
            ["Redis refused the login", "redis.password"],
        ),
        (
            "redis-untrusted-ca",
            "sasl",
            {"STREAM_REDIS__SSL_CA_CERTS": other},
            ["TLS to Redis failed", "certificate verify failed", "redis.ssl_ca_certs"],
        ),
    ]


@pytest.mark.parametrize(
    ("transport", "changes", "expected"),
    [case[1:] for case in _failing_cases()],
    ids=[case[0] for case in _failing_cases()],
)
def test_refused_credentials_stop_the_worker_at_once_with_the_reason(
    secure_stack: SecureStack,
    other_ca: Path,
    tmp_path: Path,
    transport: str,
    changes: dict[str, str | None],
    expected: list[str],
) -> None:
    env = secure_env(secure_stack, transport)
    for name, value in changes.items():
        if value is None:
            env.variables.pop(name)
        else:
            env.variables[name] = value.format(other_ca=other_ca)
    started = time.monotonic()
    worker = WorkerProcess(env, tmp_path / "worker.log")
    try:
        code = worker.process.wait(deadline(30))
    except subprocess.TimeoutExpired:
        worker.process.kill()
        raise AssertionError(f"worker still running: {worker.log_text()[-3000:]}") from None
    finally:
        worker.stop()
    took = time.monotonic() - started
    log = worker.log_text()
    flat = " ".join(log.split())  # the message is wrapped to the terminal width
    assert code == 3, log[-3000:]
    for words in expected:
        assert words in flat, log[-3000:]
    for secret in [*secure_stack.passwords(), "not-the-password", "not-the-key-password"]:
        assert secret not in log
    print(f"{transport}: refused after {took:.1f} s")  # startup (imports, tables) included


def test_sasl_plain_is_accepted_and_refused_like_scram(
    secure_stack: SecureStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        **secure_env(secure_stack, "sasl").variables,
        "STREAM_KAFKA__SASL_MECHANISM": "PLAIN",
    }.items():
        monkeypatch.setenv(name, value)
    AdminClient(client_config(load_settings(), "admin")).list_topics(timeout=deadline(10))
    monkeypatch.setenv("STREAM_KAFKA__SASL_PASSWORD", "not-the-password")
    with pytest.raises(FatalError, match="SASL authentication"):
        check_kafka(load_settings(), timeout_s=deadline(20))
