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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pytest
import redis
from confluent_kafka import Consumer, Message, Producer

from stream.config import Settings, load_settings
from stream.runtime.kafka import client_config, create_topics
from tests.conftest import REPO
from tests.deadlines import deadline

KAFKA_PORT = int(os.environ.get("STREAM_LOCAL_KAFKA_PORT", "9092"))
REDIS_PORT = int(os.environ.get("STREAM_LOCAL_REDIS_PORT", "6379"))
# Keys a test wrote are found with SCAN over the shared Redis, which a developer's machine
# may fill with millions of keys: at SCAN's default of 10 per call a cleanup took minutes.
SCAN_COUNT = 10_000
STREAM_BIN = Path(sys.executable).parent / "stream"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.path):
            item.add_marker(pytest.mark.integration)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def stack() -> None:
    """Kafka and Redis up on loopback: started by the project's script unless something
    already serves their ports (the test command's stack, or a developer's)."""
    missing = [
        name for name, port in (("kafka", KAFKA_PORT), ("redis", REDIS_PORT)) if not port_open(port)
    ]
    if missing:
        subprocess.run(
            ["bash", str(REPO / "deploy/local/stack.sh"), "start", *missing],
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


def make_env(kafka_port: int = KAFKA_PORT, redis_port: int = REDIS_PORT) -> Env:
    run_id = f"it-{uuid.uuid4().hex[:10]}"
    test_env = Env(run_id=run_id, metrics_port=free_port())
    test_env.variables = {
        "STREAM_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka_port}",
        "STREAM_KAFKA__GROUP_ID": f"{run_id}-enricher",
        "STREAM_KAFKA__TRANSACTIONAL_ID_PREFIX": run_id,
        "STREAM_REDIS__URL": f"redis://127.0.0.1:{redis_port}/0",
        "STREAM_REDIS__KEY_PREFIX": run_id,
        "STREAM_TOPICS__RAW": test_env.topic("raw"),
        "STREAM_TOPICS__ENRICHED": test_env.topic("enriched"),
        "STREAM_TOPICS__CHANGES": test_env.topic("changes"),
        "STREAM_TOPICS__DLQ": test_env.topic("dlq"),
        # `topics create` makes the trends app's topics too: this run's, not the shared ones.
        "STREAM_TRENDS__TRENDS_TOPIC": f"{run_id}.skills.trends",
        "STREAM_TRENDS__OCCUPATIONS_TOPIC": f"{run_id}.occupations.trends",
        "STREAM_TRENDS__RISING_TOPIC": f"{run_id}.skills.rising",
        "STREAM_TOPICS__PARTITIONS": "3",
        "STREAM_WORKER__METRICS_PORT": str(test_env.metrics_port),
        "STREAM_WORKER__BATCH_TIMEOUT_S": "0.2",
        # The broker's minimum: a killed worker's partitions move after 6 s, not 45 s.
        "STREAM_KAFKA__SESSION_TIMEOUT_MS": "6000",
        "STREAM_KAFKA__HEARTBEAT_INTERVAL_MS": "1000",
        "STREAM_LOG_FORMAT": "console",
    }
    return test_env


@pytest.fixture
def env(stack: None, monkeypatch: pytest.MonkeyPatch) -> Env:
    """A fresh world on the shared stack: topics, group, Redis prefix of its own."""
    test_env = make_env()
    for name, value in test_env.variables.items():
        monkeypatch.setenv(name, value)
    create_topics(test_env.settings)
    return test_env


class WorkerProcess:
    """`stream run` as a child process, like an orchestrator would run it."""

    def __init__(self, env: Env, log_path: Path, extra: dict[str, str] | None = None) -> None:
        self.log_path = log_path
        self.variables = {**os.environ, **env.variables, **(extra or {})}
        self.metrics_port = int(self.variables["STREAM_WORKER__METRICS_PORT"])
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [str(STREAM_BIN), "run"], env=self.variables, stdout=self._log, stderr=subprocess.STDOUT
        )
        # What the process must exit with at the end of the test (None: anything).
        self.expected_exit: int | None = 0

    def kill(self) -> None:
        """kill -9: no chance to finish, commit or leave the group."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(deadline(30))
        self.expected_exit = None

    def stop(self, timeout_s: float = 60.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(deadline(timeout_s))
        except subprocess.TimeoutExpired:
            # Stuck: have it print its stacks (faulthandler on SIGUSR1), then kill it.
            self.process.send_signal(signal.SIGUSR1)
            time.sleep(1)
            self.process.kill()
            self.process.wait(deadline(10))
            raise AssertionError(
                f"worker did not stop within {deadline(timeout_s)} s; "
                f"log tail:\n{self.log_text()[-6000:]}"
            ) from None
        finally:
            self._log.close()

    def log_text(self) -> str:
        return self.log_path.read_text("utf-8", "replace")


class Workers:
    """Starts workers for a test and checks at the end that each one stopped cleanly."""

    def __init__(self, env: Env, directory: Path) -> None:
        self._env = env
        self._directory = directory
        self.started: list[WorkerProcess] = []

    def start(self, instance: str = "w0", extra: dict[str, str] | None = None) -> WorkerProcess:
        variables = {"STREAM_WORKER__INSTANCE_ID": instance, **(extra or {})}
        if self.started and "STREAM_WORKER__METRICS_PORT" not in variables:
            variables["STREAM_WORKER__METRICS_PORT"] = str(free_port())
        process = WorkerProcess(self._env, self._directory / f"worker-{instance}.log", variables)
        self.started.append(process)
        return process

    def logs(self) -> list[str]:
        """Each log file's text once (restarts of an instance append to one file)."""
        paths = dict.fromkeys(process.log_path for process in self.started)
        return [path.read_text("utf-8", "replace") for path in paths]

    def stop_all(self) -> None:
        failures = []
        for process in self.started:
            code = process.stop()
            if process.expected_exit is not None and code != process.expected_exit:
                failures.append(
                    f"{process.log_path.name} exited {code}:\n{process.log_text()[-3000:]}"
                )
        assert not failures, "\n".join(failures)


@pytest.fixture
def workers(env: Env, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(env, tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def worker(workers: Workers) -> WorkerProcess:
    return workers.start()


def produce(env: Env, items: Sequence[tuple[bytes | None, bytes | None]]) -> None:
    producer = Producer(client_config(env.settings, "producer"))
    for key, value in items:
        producer.produce(env.topic("raw"), value, key)
    assert producer.flush(30) == 0, "messages still undelivered after 30 s"


def read_committed(
    env: Env, topic: str, expected: int, timeout_s: float, settle_s: float = 3.0
) -> list[Message]:
    """Committed messages of `topic` from its start: until `expected` arrived and `settle_s`
    passed with nothing more (so duplicates would be seen; 0 stops at once), or the
    timeout (scaled: tests.deadlines). Each call reads with a group of its own."""
    conf = client_config(env.settings, "consumer")
    conf["group.id"] = f"{env.run_id}-reader-{uuid.uuid4().hex[:6]}"
    consumer = Consumer(conf)
    consumer.subscribe([topic])
    messages: list[Message] = []
    until = time.monotonic() + deadline(timeout_s)
    quiet_since = time.monotonic()
    try:
        while time.monotonic() < until:
            if len(messages) >= expected and time.monotonic() - quiet_since >= settle_s:
                break
            message = consumer.poll(0.5)
            if message is not None and message.error() is None:
                messages.append(message)
                quiet_since = time.monotonic()
    finally:
        consumer.close()
    return messages


def consume(env: Env, topic: str, count: int, timeout_s: float = 60.0) -> list[Message]:
    """Read `count` committed messages from the start of `topic`, or fail after the timeout."""
    messages = read_committed(env, topic, count, timeout_s, settle_s=0)
    assert len(messages) >= count, f"got {len(messages)} of {count} messages from {topic}"
    return messages


def redis_client(port: int = REDIS_PORT) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=port)


class PrivateStack:
    """Kafka and Redis of one test's own, for tests that stop and start them: started by the
    same deploy/local/stack.sh on free ports with a state directory under the test's tmp."""

    def __init__(self, directory: Path) -> None:
        self.kafka_port, self.redis_port = free_port(), free_port()
        state = directory / "stack"
        (state / "kafka").mkdir(parents=True)
        # Reuse the jar cache of the shared stack instead of fetching the jars again.
        (state / "kafka" / "lib").symlink_to(REPO / ".local" / "kafka" / "lib")
        self.variables = {
            **os.environ,
            "STREAM_LOCAL_DIR": str(state),
            "STREAM_LOCAL_KAFKA_PORT": str(self.kafka_port),
            "STREAM_LOCAL_KAFKA_CONTROLLER_PORT": str(free_port()),
            "STREAM_LOCAL_REDIS_PORT": str(self.redis_port),
        }

    def run(self, *args: str) -> None:
        subprocess.run(
            ["bash", str(REPO / "deploy/local/stack.sh"), *args],
            check=True,
            env=self.variables,
            stdout=sys.stderr,
        )


@pytest.fixture
def private_stack(stack: None, tmp_path: Path) -> Iterator[PrivateStack]:
    own = PrivateStack(tmp_path)
    own.run("start", "kafka", "redis")
    try:
        yield own
    finally:
        own.run("stop", "all")


@pytest.fixture
def private_env(private_stack: PrivateStack, monkeypatch: pytest.MonkeyPatch) -> Env:
    test_env = make_env(private_stack.kafka_port, private_stack.redis_port)
    for name, value in test_env.variables.items():
        monkeypatch.setenv(name, value)
    create_topics(test_env.settings)
    return test_env


class ServesMetrics(Protocol):
    """An Env (the port its first worker serves on) or a WorkerProcess (its own port)."""

    @property
    def metrics_port(self) -> int: ...


def scrape_metrics(source: ServesMetrics, timeout_s: float = 30.0) -> str:
    import urllib.request

    until = time.monotonic() + deadline(timeout_s)
    while True:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{source.metrics_port}/metrics", timeout=2
            ) as r:
                body: bytes = r.read()
                return body.decode()
        except OSError:
            if time.monotonic() > until:
                raise
            time.sleep(0.2)


@pytest.fixture
def private_workers(private_env: Env, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(private_env, tmp_path)
    yield started
    started.stop_all()
