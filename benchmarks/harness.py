"""Shared pieces of the stack benchmarks (recovery.py, soak.py, compare.py): a private Kafka +
Redis started by deploy/local/stack.sh on free ports (or the shared one, for compare.py),
`stream run` as a child process, a paced publisher thread and a read_committed reader
thread that notes when each record arrived.

A private stack is never the shared one on 9092/6379: every run has its own state
directory, ports, topics, consumer group and Redis prefix, and stops what it started. On
the shared stack a World still has its own topics, group and Redis prefix.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stream.config import Settings, load_settings  # noqa: E402
from stream.runtime.kafka import client_config, create_topics  # noqa: E402

# One copy of the stack scaffolding: the integration tests' (same script, same layout).
from tests.integration.conftest import PrivateStack, free_port  # noqa: E402

STREAM_BIN = Path(sys.executable).parent / "stream"


@dataclass(frozen=True)
class SharedStack:
    """The long-running stack everyone uses (deploy/local/stack.sh on its default ports):
    a World on it keeps to its own topics, group and Redis prefix."""

    kafka_port: int = 9092
    redis_port: int = 6379


@contextmanager
def private_stack() -> Iterator[PrivateStack]:
    with tempfile.TemporaryDirectory(prefix="stream-bench-") as directory:
        stack = PrivateStack(Path(directory))
        stack.run("start", "kafka", "redis")
        try:
            yield stack
        finally:
            stack.run("stop", "all")


@dataclass
class World:
    """One scenario's topics, group and Redis prefix on a private stack."""

    stack: PrivateStack | SharedStack
    run_id: str = field(default_factory=lambda: f"bench-{uuid.uuid4().hex[:8]}")
    partitions: int = 6

    @property
    def variables(self) -> dict[str, str]:
        return {
            "STREAM_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{self.stack.kafka_port}",
            "STREAM_KAFKA__GROUP_ID": f"{self.run_id}-enricher",
            "STREAM_KAFKA__TRANSACTIONAL_ID_PREFIX": self.run_id,
            "STREAM_REDIS__URL": f"redis://127.0.0.1:{self.stack.redis_port}/0",
            "STREAM_REDIS__KEY_PREFIX": self.run_id,
            "STREAM_TOPICS__RAW": self.topic("raw"),
            "STREAM_TOPICS__ENRICHED": self.topic("enriched"),
            "STREAM_TOPICS__CHANGES": self.topic("changes"),
            "STREAM_TOPICS__DLQ": self.topic("dlq"),
            "STREAM_TRENDS__TRENDS_TOPIC": f"{self.run_id}.skills.trends",
            "STREAM_TRENDS__OCCUPATIONS_TOPIC": f"{self.run_id}.occupations.trends",
            "STREAM_TRENDS__RISING_TOPIC": f"{self.run_id}.skills.rising",
            "STREAM_TOPICS__PARTITIONS": str(self.partitions),
            "STREAM_LOG_FORMAT": "console",
        }

    @property
    def settings(self) -> Settings:
        env = self.variables
        return load_settings(
            kafka={
                "bootstrap_servers": env["STREAM_KAFKA__BOOTSTRAP_SERVERS"],
                "group_id": env["STREAM_KAFKA__GROUP_ID"],
            },
            topics={
                "raw": self.topic("raw"),
                "enriched": self.topic("enriched"),
                "changes": self.topic("changes"),
                "dlq": self.topic("dlq"),
                "partitions": self.partitions,
            },
        )

    def topic(self, name: str) -> str:
        return f"{self.run_id}.postings.{name}"

    def create(self) -> None:
        create_topics(self.settings)

    def lag(self) -> int:
        """Messages of the raw topic the worker's group has not committed yet."""
        settings = self.settings
        conf = client_config(settings, "consumer")
        conf["group.id"] = settings.kafka.group_id  # committed offsets only; never subscribes
        consumer = Consumer(conf)
        try:
            parts = [TopicPartition(self.topic("raw"), p) for p in range(self.partitions)]
            committed = consumer.committed(parts, timeout=10)
            total = 0
            for tp in committed:
                _, high = consumer.get_watermark_offsets(tp, timeout=10, cached=False)
                total += high - max(tp.offset, 0)
            return total
        finally:
            consumer.close()

    def group_members(self) -> list[str]:
        """group.instance.id (or member id) of each member of the worker's group."""
        admin = AdminClient(client_config(self.settings, "admin"))
        group = self.settings.kafka.group_id
        description = admin.describe_consumer_groups([group])[group].result(timeout=10)
        return [m.group_instance_id or m.member_id for m in description.members]


class Worker:
    """`stream run` as a child process, as an orchestrator runs it."""

    def __init__(
        self, world: World, log_path: Path, extra: dict[str, str], args: tuple[str, ...] = ()
    ) -> None:
        self.metrics_port = free_port()
        variables = {
            **os.environ,
            **world.variables,
            "STREAM_WORKER__METRICS_PORT": str(self.metrics_port),
            **extra,
        }
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            [str(STREAM_BIN), "run", *args],
            env=variables,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(60)
        self.log.close()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(30)
        finally:
            self.log.close()

    def rss_bytes(self) -> int | None:
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return None


def synthetic_posting(index: int, seed: int = 0, **overrides: object) -> dict[str, object]:
    """A plausible raw posting; the same (index, seed) gives the same content."""
    rng = random.Random(index * 7919 + seed)
    skills = ", ".join(rng.sample(["Python", "SQL", "Apache Kafka", "Kubernetes", "Excel"], 3))
    posting: dict[str, object] = {
        "source": "bench",
        "source_id": str(index),
        "title": rng.choice(["Data Engineer", "Registered Nurse", "Truck Driver", "Accountant"]),
        "company": f"Company {index % 97}",
        "location": rng.choice(["Austin, TX", "London, UK", "Bengaluru, India"]),
        "salary_text": rng.choice(["$120,000 - $150,000 a year", "£45,000 per annum", None]),
        "description": f"Requirements\n- {skills}\nNice to have\n- Docker\nPosting {index}.",
    }
    posting.update(overrides)
    return posting


Item = tuple[bytes | None, bytes | None]


class Publisher(threading.Thread):
    """Publishes `next_item(i)` for i = 0, 1, ... at `rate` per second until stopped (or
    until `limit` were sent)."""

    def __init__(
        self,
        world: World,
        rate: float,
        next_item: Callable[[int], Item],
        limit: int | None = None,
    ) -> None:
        super().__init__(daemon=True)
        self._producer = Producer(client_config(world.settings, "producer"))
        self._topic = world.topic("raw")
        self._rate = rate
        self._next_item = next_item
        self._halt = threading.Event()
        self.sent = 0
        self._limit = limit

    def run(self) -> None:
        started = time.monotonic()
        while not self._halt.is_set():
            due = int((time.monotonic() - started) * self._rate)
            if self._limit is not None:
                due = min(due, self._limit)
            while self.sent < due:
                key, value = self._next_item(self.sent)
                while True:
                    try:
                        self._producer.produce(self._topic, value, key)
                        break
                    except BufferError:
                        self._producer.poll(0.1)
                self.sent += 1
            self._producer.poll(0.02)
        assert self._producer.flush(120) == 0, "raw messages left undelivered"

    def stop(self) -> None:
        self._halt.set()
        self.join()


class FirstReads:
    """Which records a reader sees for the first time, by offset: within a partition a
    consumer reads in offset order, so an offset below the next expected one is a re-read
    (the consumer was reset to an earlier position), never new output."""

    def __init__(self) -> None:
        self._next: dict[int, int] = {}  # partition -> first offset not yet seen
        self.reread = 0

    def first(self, partition: int, offset: int) -> bool:
        if offset < self._next.get(partition, 0):
            self.reread += 1
            return False
        self._next[partition] = offset + 1
        return True


class Reader(threading.Thread):
    """Reads a topic with read_committed from its start and notes each record's arrival.

    Each record is counted once, by its offset. The reader commits no offsets (it has the
    worker's consumer settings), so when it loses its partitions (a broker down for longer
    than its session timeout) it gets them back from the start of the topic and reads
    everything again: counted naively, those re-reads look like duplicated output. They are
    tallied in `reread` instead (FirstReads).
    """

    def __init__(self, world: World, topic: str) -> None:
        super().__init__(daemon=True)
        conf = client_config(world.settings, "consumer")
        conf["group.id"] = f"{world.run_id}-reader-{uuid.uuid4().hex[:6]}"
        self._consumer = Consumer(conf)
        self._consumer.subscribe([topic])
        self._halt = threading.Event()
        self._lock = threading.Lock()
        self._first = FirstReads()
        self.arrivals: list[float] = []  # monotonic time of each record
        self.keys: Counter[bytes] = Counter()
        self.first_seen: dict[bytes, float] = {}  # monotonic time a key was first read

    def run(self) -> None:
        try:
            while not self._halt.is_set():
                for message in self._consumer.consume(500, 0.2):
                    if message.error() is None:
                        now = time.monotonic()
                        partition, offset = message.partition(), message.offset()
                        with self._lock:
                            if not self._first.first(partition or 0, offset or 0):
                                continue
                            self.arrivals.append(now)
                            key = message.key() or b""
                            self.keys[key] += 1
                            self.first_seen.setdefault(key, now)
        finally:
            self._consumer.close()

    def count(self) -> int:
        with self._lock:
            return len(self.arrivals)

    @property
    def reread(self) -> int:
        """Records delivered again after a reset to the start (not counted)."""
        with self._lock:
            return self._first.reread

    def first_after(self, moment: float) -> float | None:
        with self._lock:
            return next((t for t in self.arrivals if t > moment), None)

    def longest_gap(self, since: float, until: float) -> float:
        """Longest stretch in [since, until] with no record arriving."""
        with self._lock:
            times = [t for t in self.arrivals if since <= t <= until]
        points = [since, *times, until]
        return max(b - a for a, b in itertools.pairwise(points))

    def stop(self) -> None:
        self._halt.set()
        self.join()


def wait(condition: Callable[[], bool], what: str, timeout_s: float) -> float:
    """Poll until `condition` holds; returns when (monotonic). Raises after the timeout."""
    until = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > until:
            raise TimeoutError(f"timed out after {timeout_s:.0f} s waiting for: {what}")
        time.sleep(0.05)
    return time.monotonic()


def posting_item(index: int, seed: int = 0, **overrides: object) -> Item:
    posting = synthetic_posting(index, seed, **overrides)
    return f"bench:{index}".encode(), json.dumps(posting).encode()
