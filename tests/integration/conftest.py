"""Integration fixtures: the real local stack (Kafka + Redis, started by deploy/local/stack.sh),
per-test topics, and the worker as a real `stream run` subprocess.

Every test gets topics and a consumer group of its own, so tests cannot see each other's data
and can run against a developer's long-running stack.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from confluent_kafka import Consumer, Message, Producer

from stream.config import Settings, load_settings
from stream.kafka import client_config, create_topics
from tests.conftest import REPO

KAFKA_PORT = int(os.environ.get("STREAM_LOCAL_KAFKA_PORT", "9092"))
REDIS_PORT = int(os.environ.get("STREAM_LOCAL_REDIS_PORT", "6379"))
STREAM_BIN = Path(sys.executable).parent / "stream"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stack() -> None:
    """Kafka and Redis up on loopback: started by the project's script (idempotent)."""
    subprocess.run(
        ["bash", str(REPO / "deploy/local/stack.sh"), "start", "kafka", "redis"],
        check=True,
        stdout=sys.stderr,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Env:
    """One test's world: its topics, group, Redis prefix and the env the worker gets."""

    run_id: str
    metrics_port: int
    variables: dict[str, str] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return load_settings()

    def topic(self, name: str) -> str:
        return f"{self.run_id}.postings.{name}"


@pytest.fixture
def env(stack: None, monkeypatch: pytest.MonkeyPatch) -> Env:
    run_id = f"it-{uuid.uuid4().hex[:10]}"
    test_env = Env(run_id=run_id, metrics_port=free_port())
    test_env.variables = {
        "STREAM_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{KAFKA_PORT}",
        "STREAM_KAFKA__GROUP_ID": f"{run_id}-enricher",
        "STREAM_REDIS__URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "STREAM_REDIS__KEY_PREFIX": run_id,
        "STREAM_TOPICS__RAW": test_env.topic("raw"),
        "STREAM_TOPICS__ENRICHED": test_env.topic("enriched"),
        "STREAM_TOPICS__CHANGES": test_env.topic("changes"),
        "STREAM_TOPICS__DLQ": test_env.topic("dlq"),
        "STREAM_TOPICS__PARTITIONS": "3",
        "STREAM_WORKER__METRICS_PORT": str(test_env.metrics_port),
        "STREAM_WORKER__BATCH_TIMEOUT_S": "0.2",
    }
    for name, value in test_env.variables.items():
        monkeypatch.setenv(name, value)
    create_topics(test_env.settings)
    return test_env


class WorkerProcess:
    """`stream run` as a child process, like an orchestrator would run it."""

    def __init__(self, env: Env, log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [str(STREAM_BIN), "run"],
            env={**os.environ, **env.variables},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def stop(self, timeout_s: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout_s)
        finally:
            self._log.close()
        return code

    def log_text(self) -> str:
        return self.log_path.read_text("utf-8", "replace")


@pytest.fixture
def worker(env: Env, tmp_path: Path) -> Iterator[WorkerProcess]:
    process = WorkerProcess(env, tmp_path / "worker.log")
    yield process
    code = process.stop()
    assert code == 0, f"worker exited {code}; log:\n{process.log_text()[-3000:]}"


def produce(env: Env, items: list[tuple[bytes | None, bytes | None]]) -> None:
    producer = Producer(client_config(env.settings, "producer"))
    for key, value in items:
        producer.produce(env.topic("raw"), value, key)
    assert producer.flush(30) == 0, "messages still undelivered after 30 s"


def consume(env: Env, topic: str, count: int, timeout_s: float = 60.0) -> list[Message]:
    """Read `count` committed messages from the start of `topic`, or fail after the timeout."""
    conf = client_config(env.settings, "consumer")
    conf["group.id"] = f"{env.run_id}-reader-{uuid.uuid4().hex[:6]}"
    consumer = Consumer(conf)
    consumer.subscribe([topic])
    messages: list[Message] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(messages) < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and message.error() is None:
                messages.append(message)
    finally:
        consumer.close()
    assert len(messages) >= count, f"got {len(messages)} of {count} messages from {topic}"
    return messages


def redis_client() -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=REDIS_PORT)


def scrape_metrics(env: Env, timeout_s: float = 30.0) -> str:
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{env.metrics_port}/metrics", timeout=2
            ) as r:
                body: bytes = r.read()
                return body.decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
