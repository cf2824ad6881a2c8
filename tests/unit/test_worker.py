"""The worker loop with fake Kafka clients: commits, aborts and replays, fencing, SIGTERM
in the middle of a batch, and a rebalance between a batch and its replay. The same
behaviours run against the real broker in tests/integration/test_worker_e2e.py and
test_faults.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest
from confluent_kafka import KafkaError
from prometheus_client import CollectorRegistry

from stream.committer import Committer
from stream.config import Settings, load_settings
from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy
from stream.errors import FatalError
from stream.models import EnrichedPosting
from stream.ops.health import Health
from stream.ops.metrics import Metrics
from stream.processing import BatchProcessor
from stream.runtime.calls import KafkaCalls
from stream.runtime.sinks import TransactionalSink
from stream.runtime.watchdog import Watchdog
from stream.runtime.worker import Worker
from tests.unit.fakes import MemoryStore
from tests.unit.kafka_fakes import FakeConsumer, FakeMessage, FakeProducer

RAW = "t.raw"


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.build(Taxonomy.bundled())


def _posting(source_id: str) -> bytes:
    return json.dumps(
        {"source": "t", "source_id": source_id, "title": "Engineer", "description": "Python."}
    ).encode()


class _World:
    """A worker over fake clients, a memory store and a fresh metrics registry."""

    def __init__(
        self,
        enricher: Enricher,
        logs: dict[int, list[bytes]],
        refresh: Callable[[Enricher], Enricher | None] | None = None,
    ) -> None:
        self.settings: Settings = load_settings(
            topics={"raw": RAW, "enriched": "t.enriched", "changes": "t.changes", "dlq": "t.dlq"},
            worker={"batch_size": 50},
        )
        self.consumer = FakeConsumer(
            RAW, {p: [(f"k{p}".encode(), v) for v in values] for p, values in logs.items()}
        )
        self.producer = FakeProducer(self.consumer)
        self.store = MemoryStore()
        self.metrics = Metrics(CollectorRegistry())
        self.stop = threading.Event()
        self.consumer.on_idle = self.stop.set  # drained: stop, like a SIGTERM when idle
        watchdog = Watchdog(stuck_after_s=60)
        sink = TransactionalSink(
            self.producer,
            self.consumer,
            KafkaCalls(watchdog, pause_s=0),
            self.metrics,  # type: ignore[arg-type]
        )
        processor = BatchProcessor(
            self.settings, enricher, self.store, self.metrics, refresh=refresh
        )
        self.committer = Committer(self.settings, sink, self.store, self.metrics)
        self.worker = Worker(
            self.settings,
            self.consumer,  # type: ignore[arg-type]
            sink,
            processor,
            self.committer,
            self.metrics,
            Health(self.metrics),
            watchdog,
        )

    def run(self) -> None:
        self.worker.run(self.stop)

    def visible(self, topic: str) -> list[bytes]:
        return [value for t, _, value in self.producer.visible if t == topic]

    def enriched_ids(self) -> list[str]:
        return [
            EnrichedPosting.model_validate_json(v).posting_id for v in self.visible("t.enriched")
        ]

    def metric(self, name: str, **labels: str) -> float:
        return self.metrics.registry.get_sample_value(name, labels) or 0.0


def _abortable(reason: str) -> KafkaError:
    return KafkaError(KafkaError._STATE, reason, txn_requires_abort=True)


def test_a_batch_commits_outputs_with_offsets_then_saves_state(enricher: Enricher) -> None:
    world = _World(enricher, {0: [_posting("a"), b"{not json", _posting("b")], 1: [_posting("c")]})
    world.run()
    assert sorted(world.enriched_ids()) == ["t:a", "t:b", "t:c"]
    assert len(world.visible("t.changes")) == 3
    assert len(world.visible("t.dlq")) == 1
    assert world.consumer.committed == {0: 3, 1: 1}
    namespace = f"stream:state:{world.settings.kafka.group_id}/t.enriched"
    assert set(world.store.states) == {f"{namespace}:t:{i}" for i in "abc"}
    assert world.metric("stream_dlq_messages_total", error_kind="invalid_json") == 1
    assert world.metric("stream_messages_produced_total", topic="t.enriched") == 3
    assert world.consumer.closed
    assert world.producer.flushed


def test_an_aborted_transaction_rewinds_and_the_replay_commits_once(enricher: Enricher) -> None:
    world = _World(enricher, {0: [_posting("a"), _posting("b")]})
    world.producer.fail["commit_transaction"] = [_abortable("coordinator moved")]
    saved_before_commit: list[int] = []
    original_commit = world.producer.commit_transaction

    def commit(timeout: float) -> None:
        saved_before_commit.append(len(world.store.states))
        original_commit(timeout)

    world.producer.commit_transaction = commit  # type: ignore[method-assign]
    world.run()
    assert world.producer.calls.count("abort_transaction") == 1
    assert world.consumer.seeks == [(0, 0)]
    assert saved_before_commit == [0, 0]  # nothing reached Redis before a commit succeeded
    assert world.enriched_ids() == ["t:a", "t:b"]  # once each, from the replay
    assert world.consumer.committed == {0: 2}
    assert world.metric("stream_transaction_aborts_total") == 1
    assert world.committer.batches_committed == 1


def test_a_fenced_producer_stops_the_worker_and_saves_nothing(enricher: Enricher) -> None:
    world = _World(enricher, {0: [_posting("a")]})
    fenced = KafkaError(KafkaError._FENCED, "fenced by a newer instance", fatal=True)
    world.producer.fail["commit_transaction"] = [fenced]
    with pytest.raises(FatalError, match="fenced"):
        world.run()
    assert world.visible("t.enriched") == []
    assert world.consumer.committed == {}
    assert world.store.states == {}
    assert world.consumer.closed  # left the group on the way out


def test_a_fatal_consumer_event_stops_the_worker(enricher: Enricher) -> None:
    """librdkafka reports a dead consumer as an event of code _FATAL that does not say
    fatal() (KIP-848's UNRELEASED_INSTANCE_ID): the worker must stop, not idle forever."""
    world = _World(enricher, {0: [_posting("a")]})
    dead = KafkaError(KafkaError._FATAL, "instance id still used by another member")
    assert not dead.fatal()
    world.consumer.consume = lambda num_messages, timeout: [  # type: ignore[method-assign]
        FakeMessage(RAW, 0, 0, None, None, dead)
    ]
    with pytest.raises(FatalError, match="still used"):
        world.run()
    assert world.consumer.closed


def test_retriable_errors_are_retried_within_the_batch(enricher: Enricher) -> None:
    world = _World(enricher, {0: [_posting("a")]})
    away = KafkaError(KafkaError._TRANSPORT, "broker away", retriable=True)
    world.producer.fail["send_offsets_to_transaction"] = [away, away]
    world.run()
    assert world.producer.calls.count("send_offsets_to_transaction") == 3
    assert world.enriched_ids() == ["t:a"]
    assert world.consumer.committed == {0: 1}


def test_sigterm_mid_batch_commits_the_batch_then_leaves(enricher: Enricher) -> None:
    world = _World(enricher, {0: [_posting("a"), _posting("b")], 1: [_posting("c")]})
    world.consumer.on_idle = lambda: pytest.fail("consumed again after the stop request")
    original_process = world.worker._processor.process

    def process_then_signal(records):  # type: ignore[no-untyped-def]
        world.stop.set()  # SIGTERM arrives while the batch is being processed
        return original_process(records)

    world.worker._processor.process = process_then_signal  # type: ignore[method-assign]
    world.run()
    assert world.consumer.consume_calls == 1
    assert sorted(world.enriched_ids()) == ["t:a", "t:b", "t:c"]
    assert world.consumer.committed == {0: 2, 1: 1}
    assert world.consumer.closed
    assert world.producer.flushed


def test_after_a_revoke_only_owned_partitions_are_rewound(enricher: Enricher) -> None:
    world = _World(enricher, {0: [_posting("a")], 1: [_posting("b")]})
    world.producer.fail["commit_transaction"] = [_abortable("aborted")]
    # The transaction fails; before the replay's consume, partition 1 moves to another
    # member (cooperative rebalance inside consume()).
    original_abort = world.producer.abort_transaction

    def abort_then_lose_partition(timeout: float) -> None:
        original_abort(timeout)
        world.consumer.revoke(1)

    world.producer.abort_transaction = abort_then_lose_partition  # type: ignore[method-assign]
    world.run()
    assert world.consumer.seeks == [(0, 0)]  # partition 1 is its new owner's to replay
    assert world.enriched_ids() == ["t:a"]
    assert world.consumer.committed == {0: 1}
    assert world.metric("stream_rebalances_total", kind="revoke") == 1
    assert world.metric("stream_assigned_partitions") == 1


def test_the_enricher_is_refreshed_between_polls_even_when_idle(enricher: Enricher) -> None:
    """A taxonomy pushed while no postings arrive is taken at once, not at the next batch."""
    seen: list[str] = []
    newer = enricher.with_taxonomy(enricher.taxonomy)

    def refresh(running: Enricher) -> Enricher | None:
        seen.append("same" if running is enricher else "newer")
        return newer if running is enricher else None

    world = _World(enricher, {0: []}, refresh=refresh)
    idle_polls = iter(range(3))
    world.consumer.on_idle = lambda: next(idle_polls, None) is None and world.stop.set()
    world.run()
    assert seen[0] == "same"
    assert set(seen[1:]) == {"newer"}  # swapped on the first idle poll, then kept
    assert world.worker._processor.enricher is newer
