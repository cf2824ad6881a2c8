"""The committer counts a batch's outcomes in plain counters and applies them once per
series (`committer.observe_outcomes`, `quality.observe_postings`): the exposition must be
what counting message by message gave (the code they replaced, kept here as the reference)."""

from __future__ import annotations

import collections
import datetime as dt
import json
from collections.abc import Iterable, Sequence

from prometheus_client import CollectorRegistry

from stream.committer import end_to_end_seconds, observe_outcomes
from stream.config import load_settings
from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy
from stream.errors import InvalidMessage
from stream.models import EnrichedPosting
from stream.ops.metrics import NORMALIZED_FIELDS, Metrics, Tally, source_label
from stream.ops.quality import currency_resolution
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
    reference_postings(m, published)


def reference_postings(metrics: Metrics, postings: Iterable[EnrichedPosting]) -> None:
    """`observe_postings` as it was: posting by posting."""
    by_source: collections.Counter[str] = collections.Counter()
    resolved: collections.Counter[tuple[str, str]] = collections.Counter()
    categories: collections.Counter[str] = collections.Counter()
    found: collections.Counter[str] = collections.Counter()
    resolution: collections.Counter[str] = collections.Counter()
    usd: collections.Counter[str] = collections.Counter()
    parse_failures = 0
    labels: dict[str, str] = {}  # source -> its label, once per batch
    skill_counts = metrics.skills_per_posting.observe
    for posting in postings:
        source = labels.get(posting.source)
        if source is None:
            source = labels[posting.source] = source_label(metrics, posting.source)
        by_source[source] += 1
        for name in NORMALIZED_FIELDS:
            if getattr(posting, name):
                resolved[name, source] += 1
        skills = posting.skills
        skill_counts(len(skills))
        if skills:
            categories.update([tag.category for tag in skills])
        salary = posting.salary
        if salary is None:
            if posting.salary_text and posting.salary_text.strip():
                parse_failures += 1
            continue
        currency = salary.currency or "unknown"
        found[currency] += 1
        resolution[currency_resolution(salary)] += 1
        if salary.annual_min_usd is not None or salary.annual_max_usd is not None:
            usd[currency] += 1
    tally = Tally()
    for source, count in by_source.items():
        tally.add(metrics.postings_by_source, source, amount=count)
    fields: collections.Counter[str] = collections.Counter()
    for (name, source), count in resolved.items():
        fields[name] += count
        tally.add(metrics.field_resolved_by_source, name, source, amount=count)
    for name, count in fields.items():
        tally.add(metrics.field_resolved, name, amount=count)
    for counter, counts in (
        (metrics.skill_tags, categories),
        (metrics.salary_found, found),
        (metrics.salary_currency, resolution),
        (metrics.salary_usd, usd),
    ):
        for label, count in counts.items():
            tally.add(counter, label, amount=count)
    if parse_failures:
        tally.add(metrics.salary_parse_failures, amount=parse_failures)
    tally.flush()


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
        _value("e", "Senior, hybrid. Python", source="u", location="Paris", salary_text="DOE"),
    ]
    stamps = [1_765_000_000_000, None, 5, 0, 1_765_000_000_000, None, 1_765_000_000_000]
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
    new = Metrics(CollectorRegistry(), process=False)  # no process metrics: they move
    old = Metrics(CollectorRegistry(), process=False)
    for batch, result in batches:
        observe_outcomes(new, batch, result, now)
        reference(old, batch, result, now)
    counted = samples(new)
    assert counted == samples(old)
    assert counted["stream_postings_by_source_total", (("source", "u"),)] == 2
    assert counted["stream_end_to_end_latency_seconds_count", ()] == 8  # 4 + 0 + 4
    # The skill counts per posting, observed once per batch, as one observation each.
    one_by_one = Metrics(CollectorRegistry(), process=False)
    for _, result in batches:
        for outcome in result.outcomes:
            if isinstance(outcome, Published):
                one_by_one.skills_per_posting.observe(len(outcome.posting.skills))
    skills = {k: v for k, v in counted.items() if k[0].startswith("stream_skills_per_posting")}
    assert skills == {
        k: v for k, v in samples(one_by_one).items() if k[0].startswith("stream_skills_per_posting")
    }
    assert skills["stream_skills_per_posting_count", ()] == 11  # 5 + 1 + 5
