"""The committer: the second half of every batch, in the order its effects must happen.

`Committer.commit(records, result)` reads top to bottom as that order:
1. route the outcomes to records (`stream.outputs`) and make them durable together with
   the consumed offsets: one Kafka transaction in the worker, printed lines offline
   (`OutputSink`). When the sink reports failure nothing became visible, nothing else
   happens, and the caller re-consumes the batch.
2. then let Redis learn what was committed: new cache entries and posting states. Never
   before: an aborted batch must not look "seen" to its replay.
3. then count what is now durable in the metrics, so a replayed batch is never counted
   twice.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol

from stream.config import Settings
from stream.errors import InvalidMessage
from stream.models import EnrichedPosting
from stream.ops.metrics import Metrics, Tally
from stream.ops.quality import observe_postings
from stream.outputs import OutRecord, to_out_records
from stream.processing import BatchResult, InRecord, Published, Unchanged
from stream.stores.cache import Store


class OutputSink(Protocol):
    """Where a batch's records go. Kafka: one transaction with the offsets."""

    def write(self, records: Sequence[InRecord], outputs: Sequence[OutRecord]) -> bool:
        """Make `outputs` and the offsets after `records` durable, together. True when they
        are; False when nothing became visible (the batch must be re-consumed). May block
        up to its client timeouts; raises FatalError when going on would do harm (fenced
        by a newer instance, a producer in a fatal state)."""
        ...


class Committer:
    """One batch's outputs, then its Redis writes, then its metrics."""

    def __init__(
        self,
        settings: Settings,
        sink: OutputSink,
        store: Store,
        metrics: Metrics,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._sink = sink
        self._store = store
        self._metrics = metrics
        self._wall_clock = wall_clock
        self.batches_committed = 0

    def commit(self, records: Sequence[InRecord], result: BatchResult, started: float) -> bool:
        """Commit one processed batch; `started` is its perf_counter start (for metrics)."""
        now = self._wall_clock()
        failed_at = dt.datetime.fromtimestamp(now, dt.UTC)
        # 1. Outputs and offsets, together.
        outputs = to_out_records(self._settings, records, result.outcomes, failed_at)
        if not self._sink.write(records, outputs):
            return False
        # 2. Redis learns only what was committed.
        self._store.save(result.cache_writes, result.states)
        # 3. Metrics of what is now durable.
        self.batches_committed += 1
        metrics = self._metrics
        metrics.last_commit.set_to_current_time()
        observe_outcomes(metrics, records, result, now)
        for topic, count in Counter(out.topic for out in outputs).items():
            metrics.produced.labels(topic).inc(count)
        metrics.batch_seconds.observe(time.perf_counter() - started)
        metrics.batch_size.observe(len(records))
        return True


def observe_outcomes(
    metrics: Metrics, records: Sequence[InRecord], result: BatchResult, now: float
) -> None:
    """Per message: dead letters by kind, unchanged re-scrapes, enriched postings (cache hit
    or miss), change events, data quality, and the end-to-end latency. Tallied over the
    batch, one increment per series."""
    m = metrics
    tally = Tally()
    published: list[EnrichedPosting] = []
    if not result.state_known:
        tally.add(m.state_unknown, amount=sum(isinstance(o, Published) for o in result.outcomes))
    for record, outcome in zip(records, result.outcomes, strict=True):
        if isinstance(outcome, InvalidMessage):
            tally.add(m.dead_lettered, outcome.kind)
        elif isinstance(outcome, Unchanged):
            tally.add(m.unchanged)
        else:
            posting = outcome.posting
            published.append(posting)
            tally.add(m.enriched, "hit" if outcome.cache_hit else "miss")
            if outcome.event is not None:
                tally.add(m.change_events, outcome.event.kind)
            latency = end_to_end_seconds(posting, record.timestamp_ms, now)
            if latency is not None:
                m.end_to_end_seconds.observe(latency)
    tally.flush()
    observe_postings(m, published)


def end_to_end_seconds(
    posting: EnrichedPosting, record_ts_ms: int | None, now: float
) -> float | None:
    """Seconds from scrape (or, lacking that, the raw message timestamp) to `now` (epoch s)."""
    if posting.scraped_at is not None:
        return max(0.0, now - posting.scraped_at.timestamp())
    if record_ts_ms:
        return max(0.0, now - record_ts_ms / 1000)
    return None
