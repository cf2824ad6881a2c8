"""The worker loop with fake Kafka clients: commits, aborts and replays, fencing, SIGTERM
in the middle of a batch, and a rebalance between a batch and its replay. The same
behaviours run against the real broker in tests/integration/test_worker_e2e.py and
test_faults.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from typing import cast

import pytest
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from prometheus_client import CollectorRegistry

from stream.committer import Committer
from stream.config import Settings, load_settings
from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy
from stream.errors import FatalError
from stream.models import EnrichedPosting
from stream.ops.health import Health
from stream.ops.metrics import Metrics
from stream.processing import BatchProcessor, BatchResult, InRecord
from stream.runtime.calls import KafkaCalls
from stream.runtime.sinks import TransactionalSink
from stream.runtime.watchdog import Watchdog
from stream.runtime.worker import Worker
from tests.deadlines import deadline
from tests.unit.fakes import MemoryStore
from tests.unit.kafka_fakes import FakeConsumer, FakeMessage, FakeProducer

RAW = "t.raw"


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.build(Taxonomy.bundled())


def _posting(source_id: str, description: str = "Python.", **extra: str) -> bytes:
    return json.dumps(
        {"source": "t", "source_id": source_id, "title": "Engineer", "description": description}
        | extra
    ).encode()


class _World:
    """A worker over fake clients, a memory store and a fresh metrics registry."""

    def __init__(
        self,
        enricher: Enricher,
        logs: dict[int, list[bytes]],
        refresh: Callable[[Enricher], Enricher | None] | None = None,
        batch_size: int = 50,
        overlap_commit: bool = True,
    ) -> None:
        self.settings: Settings = load_settings(
            topics={"raw": RAW, "enriched": "t.enriched", "changes": "t.changes", "dlq": "t.dlq"},
            worker={"batch_size": batch_size, "overlap_commit": overlap_commit},
        )
        self.consumer = FakeConsumer(
            RAW, {p: [(f"k{p}".encode(), v) for v in values] for p, values in logs.items()}
        )
        self.producer = FakeProducer(self.consumer)
        self.store = MemoryStore()
        self.metrics = Metrics(CollectorRegistry())
        self.stop = threading.Event()

        # Drained and nothing committing: stop, like a SIGTERM when idle. (A batch still in
        # flight may fail and be re-consumed: the worker takes its outcome first.)
        def stop_when_idle() -> None:
            if not self.worker.in_flight:
                self.stop.set()

        self.consumer.on_idle = stop_when_idle
        # The fakes stand in for confluent_kafka's C classes (only the calls the sink and the
        # worker make), so they are typed as what they replace.
        consumer = cast(Consumer, self.consumer)
        watchdog = Watchdog(stuck_after_s=60)
        sink = TransactionalSink(
            cast(Producer, self.producer), consumer, KafkaCalls(watchdog, pause_s=0), self.metrics
        )
        processor = BatchProcessor(
            self.settings, enricher, self.store, self.metrics, refresh=refresh
        )
        self.committer = Committer(self.settings, sink, self.store, self.metrics)
        self.worker = Worker(
            self.settings,
            consumer,
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

    def process_then_signal(
        records: Sequence[InRecord], in_flight: BatchResult | None = None
    ) -> BatchResult:
        world.stop.set()  # SIGTERM arrives while the batch is being processed
        return original_process(records, in_flight)

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
    # The transaction fails; in the next consume, partition 1 moves to another member
    # (a cooperative rebalance inside consume(): its callback waits for the commit in
    # flight, which fails; the worker rewinds what it still owns after consume returns).
    original_consume = world.consumer.consume

    def consume_losing_partition(num_messages: int, timeout: float) -> list[FakeMessage]:
        if world.consumer.consume_calls == 1:
            world.consumer.before_consume.append(lambda consumer: consumer.revoke(1))
        return original_consume(num_messages, timeout)

    world.consumer.consume = consume_losing_partition  # type: ignore[method-assign]
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

    def stop_after_three_idle_polls() -> None:
        if next(idle_polls, None) is None:
            world.stop.set()

    world.consumer.on_idle = stop_after_three_idle_polls
    world.run()
    assert seen[0] == "same"
    assert set(seen[1:]) == {"newer"}  # swapped on the first idle poll, then kept
    assert world.worker._processor.enricher is newer


def _overlapping(world: _World) -> list[bool]:
    """Make the first batch's commit wait until the next batch is being processed, so the
    two overlap in every run (not only when the scheduler happens to interleave them).
    Returns a list that gets True once they did overlap."""
    second_processing = threading.Event()
    overlapped: list[bool] = []
    original_process = world.worker._processor.process
    original_commit = world.producer.commit_transaction

    def process(records: Sequence[InRecord], in_flight: BatchResult | None = None) -> BatchResult:
        if in_flight is not None:
            second_processing.set()
        return original_process(records, in_flight)

    def commit(timeout: float) -> None:
        if not overlapped:
            overlapped.append(second_processing.wait(deadline(10)))
        original_commit(timeout)

    world.worker._processor.process = process  # type: ignore[method-assign]
    world.producer.commit_transaction = commit  # type: ignore[method-assign]
    return overlapped


def test_a_rescrape_in_the_batch_after_one_in_flight_is_unchanged(enricher: Enricher) -> None:
    """The posting's state is not in Redis until its batch has committed; the next batch,
    processed meanwhile, must compare against the in-flight version, not publish it again."""
    rescrape = _posting("a", scraped_at="2026-12-01T00:00:00Z")
    updated = _posting("a", "Python and Rust.")
    world = _World(enricher, {0: [_posting("a"), rescrape, updated]}, batch_size=1)
    overlapped = _overlapping(world)
    world.run()
    assert overlapped == [True]
    assert world.enriched_ids() == ["t:a", "t:a"]  # new, then the update; not the re-scrape
    events = [json.loads(v) for v in world.visible("t.changes")]
    assert [e["kind"] for e in events] == ["new", "updated"]
    assert events[1]["previous_content_hash"] == events[0]["content_hash"]
    assert world.metric("stream_postings_unchanged_total") == 1
    assert world.consumer.committed == {0: 3}


def test_a_failed_commit_voids_the_batch_processed_meanwhile(enricher: Enricher) -> None:
    """The first batch's transaction aborts after the second was processed against it: both
    are consumed again, and each posting is published once, from the replay."""
    world = _World(
        enricher, {0: [_posting("a"), _posting("a", "Rust."), _posting("b")]}, batch_size=1
    )
    world.producer.fail["commit_transaction"] = [_abortable("coordinator moved")]
    overlapped = _overlapping(world)
    world.run()
    assert overlapped == [True]
    assert world.consumer.seeks == [(0, 0)]
    assert world.enriched_ids() == ["t:a", "t:a", "t:b"]
    kinds = [json.loads(v)["kind"] for v in world.visible("t.changes")]
    assert kinds == ["new", "updated", "new"]
    assert world.consumer.committed == {0: 3}
    assert world.metric("stream_transaction_aborts_total") == 1


def test_a_revoke_waits_for_the_commit_in_flight(enricher: Enricher) -> None:
    """Partitions are given up only after the batch holding their records has committed."""
    world = _World(enricher, {0: [_posting("a")], 1: [_posting("b")]})
    revoking = threading.Event()
    original_commit = world.producer.commit_transaction

    def commit(timeout: float) -> None:
        # The commit is still under way when the rebalance starts (a slow broker).
        assert revoking.wait(deadline(10))
        original_commit(timeout)

    world.producer.commit_transaction = commit  # type: ignore[method-assign]
    committed_at_revoke: list[dict[int, int]] = []

    def revoke_partition_one(consumer: FakeConsumer) -> None:
        on_revoke = consumer.callbacks["on_revoke"]

        def watched(c: FakeConsumer, partitions: list[TopicPartition]) -> None:
            revoking.set()
            on_revoke(c, partitions)  # the worker's callback
            committed_at_revoke.append(dict(c.committed))

        consumer.callbacks["on_revoke"] = watched
        consumer.revoke(1)

    original_consume = world.consumer.consume

    def consume(num_messages: int, timeout: float) -> list[FakeMessage]:
        if world.consumer.consume_calls == 1:  # the consume after the batch was handed over
            world.consumer.before_consume.append(revoke_partition_one)
        return original_consume(num_messages, timeout)

    world.consumer.consume = consume  # type: ignore[method-assign]
    world.run()
    assert committed_at_revoke == [{0: 1, 1: 1}]
    assert sorted(world.enriched_ids()) == ["t:a", "t:b"]


def test_without_overlap_each_batch_commits_before_the_next_is_consumed(
    enricher: Enricher,
) -> None:
    world = _World(
        enricher, {0: [_posting("a"), _posting("b")]}, batch_size=1, overlap_commit=False
    )
    committed_at_consume: list[dict[int, int]] = []
    original_consume = world.consumer.consume

    def consume(num_messages: int, timeout: float) -> list[FakeMessage]:
        committed_at_consume.append(dict(world.consumer.committed))
        return original_consume(num_messages, timeout)

    world.consumer.consume = consume  # type: ignore[method-assign]
    world.run()
    assert committed_at_consume[:3] == [{}, {0: 1}, {0: 2}]
    assert world.enriched_ids() == ["t:a", "t:b"]
