"""The metrics module: naming rules, one comment per metric, the generated catalog, and the
quality observations of a published posting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from stream.cli.samples import linkedin_postings
from stream.enrich.pipeline import Enricher, content_digests
from stream.enrich.skills.taxonomy import Taxonomy
from stream.models import EnrichedPosting, Salary, SkillTag
from stream.ops import catalog as metrics_catalog
from stream.ops.metrics import (
    MAX_SOURCES,
    NORMALIZED_FIELDS,
    HistogramTally,
    Metrics,
    Tally,
    source_label,
)
from stream.ops.quality import currency_resolution, observe_postings

_UNIT_SUFFIXES = ("_seconds", "_bytes", "_messages", "_per_posting")
_UNBOUNDED_LABELS = {"posting_id", "id", "key", "source_id", "url", "error", "offset", "text"}


def _value(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def test_every_metric_follows_the_naming_rules() -> None:
    docs = metrics_catalog.catalog()
    assert len(docs) >= 35
    names = [doc.name for doc in docs]
    assert len(names) == len(set(names))
    for doc in docs:
        assert doc.name.startswith("stream_"), doc.name
        assert doc.name == doc.name.lower()
        if doc.kind == "counter":
            assert doc.name.endswith("_total"), doc.name
        else:
            assert not doc.name.endswith("_total"), doc.name
        if doc.kind == "histogram":
            assert doc.name.endswith(_UNIT_SUFFIXES), f"{doc.name}: histogram without a unit"
        assert not set(doc.labels) & _UNBOUNDED_LABELS, f"{doc.name}: unbounded label"
        assert doc.help.endswith("."), doc.name


def test_every_metric_has_its_one_line_comment() -> None:
    missing = [doc.attribute for doc in metrics_catalog.catalog() if not doc.description]
    assert missing == []


def test_committed_catalog_is_generated_from_the_module() -> None:
    assert metrics_catalog.DOC_PATH.read_text("utf-8") == metrics_catalog.render(), (
        "docs/metrics.md is out of date: run .venv/bin/python -m stream.ops.catalog"
    )


def test_exposition_has_process_build_and_zeroed_series() -> None:
    text = generate_latest(Metrics(CollectorRegistry()).registry).decode()
    assert "process_resident_memory_bytes" in text
    assert "python_info" in text
    assert 'stream_build_info{confluent_kafka="' in text
    assert 'librdkafka="' in text
    # Known label values exist from the start, so rate() is 0 rather than "no data".
    assert 'stream_dlq_messages_total{error_kind="invalid_json"} 0.0' in text
    assert 'stream_cache_requests_total{outcome="hit"} 0.0' in text
    assert "stream_redis_circuit_open 0.0" in text
    assert "_created" not in text


def test_fresh_registries_do_not_collide() -> None:
    Metrics(CollectorRegistry())
    Metrics(CollectorRegistry())  # would raise "Duplicated timeseries" on a shared registry


def _salary(text: str, currency: str | None, usd: float | None) -> Salary:
    return Salary(
        min=50_000,
        max=60_000,
        currency=currency,
        period="year",
        annual_min=50_000,
        annual_max=60_000,
        annual_min_usd=usd,
        annual_max_usd=usd,
        fx_rate_date=dt.date(2024, 1, 2) if usd else None,
        source="salary_text",
        text=text,
        confidence=0.9,
    )


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("USD 50,000 - 60,000", "USD", "explicit"),
        ("€50.000 - €60.000", "EUR", "explicit"),
        ("C$50,000 - 60,000", "CAD", "explicit"),
        ("$50,000 - $60,000", "USD", "ambiguous"),
        ("$50,000 - $60,000", "CAD", "ambiguous"),
        ("50,000 - 60,000", None, "unknown"),
    ],
)
def test_currency_resolution(text: str, currency: str | None, expected: str) -> None:
    assert currency_resolution(_salary(text, currency, None)) == expected


def _posting(salary_text: str | None, salary: Salary | None, skills: int) -> EnrichedPosting:
    tags = [
        SkillTag(
            id=f"s{i}",
            name=f"Skill {i}",
            category="language",
            required=None,
            confidence=0.9,
            mentions=1,
        )
        for i in range(skills)
    ]
    return EnrichedPosting.model_validate(
        {
            "source": "board",
            "source_id": "1",
            "title": "Engineer",
            "description": "Python",
            "salary_text": salary_text,
            "posting_id": "board:1",
            "content_hash": "abc",
            "enriched_at": dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
            "enricher_version": "1",
            "taxonomy_version": "1",
            "skills": [tag.model_dump() for tag in tags],
            "salary": salary.model_dump() if salary else None,
        }
    )


def test_observe_posting_counts_coverage_conversion_failures_and_skills() -> None:
    metrics = Metrics(CollectorRegistry(), process=False)
    observe_postings(metrics, [_posting("$50k-60k", _salary("$50k-60k", "USD", 50_000.0), 2)])
    observe_postings(metrics, [_posting("50-60k", _salary("50-60k", None, None), 0)])
    observe_postings(metrics, [_posting("competitive", None, 1)])
    observe_postings(metrics, [_posting(None, None, 0)])
    assert _value(metrics, "stream_salary_found_total", currency="USD") == 1
    assert _value(metrics, "stream_salary_found_total", currency="unknown") == 1
    assert _value(metrics, "stream_salary_usd_converted_total", currency="USD") == 1
    assert _value(metrics, "stream_salary_parse_failures_total") == 1
    assert _value(metrics, "stream_salary_currency_resolution_total", resolution="ambiguous") == 1
    assert _value(metrics, "stream_salary_currency_resolution_total", resolution="unknown") == 1
    assert _value(metrics, "stream_skill_tags_total", category="language") == 3
    # Per-skill counts live in the trends app as top-N gauges: no series per skill here.
    assert 'skill="' not in generate_latest(metrics.registry).decode()
    assert _value(metrics, "stream_skills_per_posting_count") == 4


def test_a_batch_tallied_at_once_counts_what_one_by_one_counts() -> None:
    batch = [
        _posting("$50k-60k", _salary("$50k-60k", "USD", 50_000.0), 2),
        _posting("50-60k", _salary("50-60k", None, None), 0),
        _posting("competitive", None, 3),
        _posting(None, None, 1),
    ]
    one_by_one = Metrics(CollectorRegistry(), process=False)
    for posting in batch:
        observe_postings(one_by_one, [posting])
    tallied = Metrics(CollectorRegistry(), process=False)
    observe_postings(tallied, batch)

    def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in metrics.registry.collect()
            for sample in family.samples
            if not sample.name.endswith("_created")
        }

    assert samples(tallied) == samples(one_by_one)
    assert _value(tallied, "stream_skill_tags_total", category="language") == 6


def test_normalized_fields_are_counted_resolved_by_field_and_bounded_source() -> None:
    metrics = Metrics(CollectorRegistry())
    resolved = _posting(None, None, 0).model_copy(
        update={"source": "board", "seniority": "senior", "employment_types": ["full_time"]}
    )
    observe_postings(metrics, [resolved])
    observe_postings(metrics, [_posting(None, None, 0)])  # nothing resolved
    value = metrics.registry.get_sample_value
    assert value("stream_postings_by_source_total", {"source": "board"}) == 2
    assert value("stream_field_resolved_total", {"field": "seniority"}) == 1
    assert value("stream_field_resolved_total", {"field": "place"}) == 0  # zero, not absent
    by_source = "stream_field_resolved_by_source_total"
    assert value(by_source, {"field": "employment_types", "source": "board"}) == 1
    assert value(by_source, {"field": "place", "source": "board"}) is None
    # A flood of sources cannot explode the series: past MAX_SOURCES they count as "other".
    for i in range(MAX_SOURCES + 5):
        observe_postings(metrics, [resolved.model_copy(update={"source": f"s{i}"})])
    assert len(metrics.sources) == MAX_SOURCES
    assert value("stream_postings_by_source_total", {"source": "other"}) == 6


def _reference_observe(metrics: Metrics, postings: list[EnrichedPosting]) -> None:
    """observe_postings as first written: one Tally.add per event."""
    tally = Tally()
    for posting in postings:
        source = source_label(metrics, posting.source)
        tally.add(metrics.postings_by_source, source)
        for name in NORMALIZED_FIELDS:
            if getattr(posting, name):
                tally.add(metrics.field_resolved, name)
                tally.add(metrics.field_resolved_by_source, name, source)
        metrics.skills_per_posting.observe(len(posting.skills))
        for tag in posting.skills:
            tally.add(metrics.skill_tags, tag.category)
        salary = posting.salary
        if salary is None:
            if posting.salary_text and posting.salary_text.strip():
                tally.add(metrics.salary_parse_failures)
            continue
        currency = salary.currency or "unknown"
        tally.add(metrics.salary_found, currency)
        tally.add(metrics.salary_currency, currency_resolution(salary))
        if salary.annual_min_usd is not None or salary.annual_max_usd is not None:
            tally.add(metrics.salary_usd, currency)
    tally.flush()


def _samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in metrics.registry.collect()
        for sample in family.samples
        if not sample.name.endswith("_created")
    }


def test_observe_postings_counts_what_one_add_per_event_counted(shared_data: Path) -> None:
    """The counting is per batch and per label (Counters); every series must come out as
    with one Tally.add per event, on the enriched sample postings and across sources."""
    enricher = Enricher.build(Taxonomy.bundled())
    now = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    postings = []
    for i, raw in enumerate(linkedin_postings(shared_data)):
        raw = raw.model_copy(update={"source": f"board{i % 3}"})
        enrichment = enricher.compute(raw)
        postings.append(enricher.assemble(raw, enrichment, content_digests(raw).content, now))
    postings.append(_posting("competitive", None, 3))  # a pay line that did not parse
    assert any(p.salary is not None for p in postings)
    assert any(p.skills for p in postings)
    made = Metrics(CollectorRegistry(), process=False)
    reference = Metrics(CollectorRegistry(), process=False)
    for start in range(0, len(postings), 200):  # batches, as the committer observes them
        observe_postings(made, postings[start : start + 200])
        _reference_observe(reference, postings[start : start + 200])
    assert _samples(made) == _samples(reference)
    assert _value(made, "stream_postings_by_source_total", source="board2") > 0


def test_histogram_tally_exposes_what_one_observe_per_value_exposes() -> None:
    # Values on bucket bounds (0.0025, 0.005: observe counts v in the first bucket whose
    # bound is >= v), between them, zero, past the last finite bound (+Inf), on two
    # children. From a zero sum, one batch's sum adds in the same order as one by one.
    values = {
        "skills": [0.0, 2**-10, 2**-7, 0.005, 0.0025, 2**-3, 64.0, 1e6],
        "salary": [2**-12] * 5 + [0.5],
    }
    one_by_one = Metrics(CollectorRegistry(), process=False)
    tallied = Metrics(CollectorRegistry(), process=False)
    tally = HistogramTally()
    for step, observed in values.items():
        for value in observed:
            one_by_one.enrich_seconds.labels(step).observe(value)
            tally.add(tallied.enrich_seconds.labels(step), value)
    tally.flush()
    tally.flush()  # flushed values are not applied twice

    def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in metrics.registry.collect()
            for sample in family.samples
            if sample.name.startswith("stream_enrich_duration_seconds")
            and not sample.name.endswith("_created")
        }

    assert samples(tallied) == samples(one_by_one)
    count = ("stream_enrich_duration_seconds_count", (("enricher", "skills"),))
    assert samples(tallied)[count] == 8
