"""The committer counts a batch's outcomes in plain counters and applies them once per
series (`committer.observe_outcomes`): the exposition must be what counting message by
message gave (the code it replaced, kept here as the reference)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from prometheus_client import CollectorRegistry

from stream.committer import end_to_end_seconds, observe_outcomes
from stream.config import load_settings
from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy
from stream.errors import InvalidMessage
from stream.models import EnrichedPosting
from stream.ops.metrics import Metrics, Tally
from stream.ops.quality import observe_postings
from stream.processing import BatchProcessor, BatchResult, InRecord, Published, Unchanged
from tests.unit.fakes import MemoryStore

NOW = dt.datetime(2026, 12, 6, 23, 0, tzinfo=dt.UTC)


def reference(
    metrics: Metrics, records: Sequence[InRecord], result: BatchResult, now: float
) -> None:
    """`observe_outcomes` as it was: a tally entry and a histogram observation a message."""
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


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in metrics.registry.collect()
        for sample in family.samples
        if not sample.name.endswith("_created")
    }


def _value(source_id: str, description: str, **fields: object) -> bytes:
    base = {"source": "t", "source_id": source_id, "title": "Engineer"}
    return json.dumps({**base, "description": description, **fields}).encode()


def test_outcomes_counted_per_batch_equal_counting_per_message() -> None:
    enricher = Enricher.build(Taxonomy.bundled())
    store = MemoryStore()
    processor = BatchProcessor(load_settings(), enricher, store, Metrics(CollectorRegistry()))
    values = [
        _value("a", "Python and Kafka", scraped_at="2026-12-06T22:59:00Z"),
        _value("b", "Python and Kafka"),  # a duplicate: a cache hit within the batch
        b"{oops",
        _value("c", "Rust, $100,000 - $120,000 a year", scraped_at="2030-01-01T00:00:00Z"),
        _value("d", "Go", location="Berlin"),
        b"",
    ]
    stamps = [1_765_000_000_000, None, 5, 0, 1_765_000_000_000, None]
    records = [
        InRecord("raw", 0, i, None, value, stamp)
        for i, (value, stamp) in enumerate(zip(values, stamps, strict=True))
    ]
    first = processor.process(records)
    store.save(first.cache_writes, first.states)
    later = [*records[:2], InRecord("raw", 0, 9, None, _value("d", "Now Rust"))]
    again = processor.process(later)  # two unchanged re-scrapes, one update
    unknown = BatchResult(first.outcomes, state_known=False)
    batches = [(records, first), (later, again), (records, unknown)]
    assert {type(o) for _, result in batches for o in result.outcomes} == {
        Published,
        Unchanged,
        InvalidMessage,
    }
    now = NOW.timestamp()
    new, old = Metrics(CollectorRegistry()), Metrics(CollectorRegistry())
    for batch, result in batches:
        observe_outcomes(new, batch, result, now)
        reference(old, batch, result, now)
    counted = samples(new)
    assert counted == samples(old)
    assert counted["stream_end_to_end_latency_seconds_count", ()] == 6  # 3 + 0 + 3
    # The skill counts per posting, observed once per batch, as one observation each.
    one_by_one = Metrics(CollectorRegistry())
    for _, result in batches:
        for outcome in result.outcomes:
            if isinstance(outcome, Published):
                one_by_one.skills_per_posting.observe(len(outcome.posting.skills))
    skills = {k: v for k, v in counted.items() if k[0].startswith("stream_skills_per_posting")}
    assert skills == {
        k: v for k, v in samples(one_by_one).items() if k[0].startswith("stream_skills_per_posting")
    }
    assert skills["stream_skills_per_posting_count", ()] == 9  # 4 + 1 + 4
