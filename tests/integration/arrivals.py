"""For the recovery tests: a paced publisher of new postings and a read_committed reader that
notes when each enriched record became visible, both on threads beside the worker."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import Counter

from confluent_kafka import Consumer, KafkaError, Message, Producer

from stream.runtime.kafka import client_config
from tests.deadlines import deadline
from tests.integration.conftest import Env
from tests.integration.streams import encoded, synthetic_posting


class Publisher(threading.Thread):
    """New postings synthetic:0, 1, ... at `rate` per second until stopped, so work always
    remains while the worker is down. Like a scraper, it publishes again what the broker
    refused: a posting that never reached the input topic is not the worker's to lose, and
    one that reached it twice is a re-scrape, which the worker must publish once."""

    def __init__(self, env: Env, rate: float) -> None:
        super().__init__(daemon=True)
        self._producer = Producer(client_config(env.settings, "producer"))
        self._topic = env.topic("raw")
        self._rate = rate
        self._halt = threading.Event()
        self.sent = 0
        # Refused deliveries, noted by the delivery callback (it runs on this thread, inside
        # poll and flush) and published again by the loop; each refusal is kept for the
        # failure message.
        self._again: list[tuple[bytes, bytes]] = []
        self.refused: list[str] = []
        self._left = 0

    def _delivered(self, error: KafkaError | None, message: Message) -> None:
        if error is not None:
            key, value = message.key() or b"", message.value() or b""
            self._again.append((key, value))
            self.refused.append(f"{key.decode()}: {error}")

    def _produce(self, key: bytes, value: bytes) -> None:
        self._producer.produce(self._topic, value, key, on_delivery=self._delivered)

    def run(self) -> None:
        started = time.monotonic()
        while not self._halt.is_set():
            due = int((time.monotonic() - started) * self._rate)
            while self.sent < due:
                key, value = encoded(synthetic_posting(self.sent))
                self._produce(key, value)
                self.sent += 1
            self._publish_again()
            self._producer.poll(0.05)
        until = time.monotonic() + deadline(60)
        while time.monotonic() < until:
            self._left = self._producer.flush(max(0.0, until - time.monotonic()))
            if not self._again:
                break
            self._publish_again()

    def _publish_again(self) -> None:
        again, self._again = self._again, []
        for key, value in again:
            self._produce(key, value)

    def stop(self) -> list[str]:
        """Stops publishing; returns the ids of everything published, every one delivered."""
        self._halt.set()
        self.join()
        if self.refused:  # shown with the output of a failing test
            print(f"publisher: {len(self.refused)} refused, published again: {self.refused[:10]}")
        left = self._left + len(self._again)
        assert left == 0, f"{left} raw postings undelivered; refused: {self.refused[-10:]}"
        return [f"synthetic:{i}" for i in range(self.sent)]


class Arrivals(threading.Thread):
    """Reads a topic with read_committed from its start and notes when each record arrived."""

    def __init__(self, env: Env, topic: str) -> None:
        super().__init__(daemon=True)
        conf = client_config(env.settings, "consumer")
        conf["group.id"] = f"{env.run_id}-arrivals-{uuid.uuid4().hex[:6]}"
        self._consumer = Consumer(conf)
        self._consumer.subscribe([topic])
        self._halt = threading.Event()
        self._lock = threading.Lock()
        self._times: list[float] = []
        self.keys: Counter[bytes] = Counter()

    def run(self) -> None:
        try:
            while not self._halt.is_set():
                for message in self._consumer.consume(500, 0.2):
                    if message.error() is None:
                        with self._lock:
                            self._times.append(time.monotonic())
                            self.keys[message.key() or b""] += 1
        finally:
            self._consumer.close()

    def count(self) -> int:
        with self._lock:
            return len(self._times)

    def any_after(self, moment: float) -> bool:
        with self._lock:
            return bool(self._times) and self._times[-1] > moment

    def first_after(self, moment: float) -> float:
        with self._lock:
            return next(t for t in self._times if t > moment)

    def longest_gap(self, since: float, until: float) -> float:
        """The longest stretch in [since, until] in which no record arrived."""
        with self._lock:
            points = [since, *(t for t in self._times if since <= t <= until), until]
        return max(b - a for a, b in itertools.pairwise(points))

    def stop(self) -> None:
        self._halt.set()
        self.join()
