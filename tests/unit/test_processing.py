"""BatchProcessor with an in-memory cache: outcomes in order, cache use, DLQ records."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pytest
from prometheus_client import CollectorRegistry

from stream.config import load_settings
from stream.enrich.pipeline import Enricher, Enrichment
from stream.errors import InvalidMessage
from stream.metrics import Metrics
from stream.models import DeadLetter, EnrichedPosting
from stream.processing import BatchProcessor, InRecord, to_out_records
from stream.taxonomy import Taxonomy

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


class MemoryCache:
    """In-memory EnrichmentCache for unit tests (the Redis one is tested for real)."""

    def __init__(self) -> None:
        self.data: dict[str, Enrichment] = {}
        self.lookups = 0

    def get_many(self, keys: Sequence[str]) -> list[Enrichment | None]:
        self.lookups += 1
        return [self.data.get(key) for key in keys]

    def put_many(self, items: dict[str, Enrichment]) -> None:
        self.data.update(items)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.build(Taxonomy.bundled())


def _record(offset: int, value: bytes | None, key: bytes | None = None) -> InRecord:
    return InRecord("postings.raw", 0, offset, key, value)


def _posting(source_id: str, description: str = "We use Python and Kafka.") -> bytes:
    return json.dumps(
        {"source": "t", "source_id": source_id, "title": "Engineer", "description": description}
    ).encode()


def test_outcomes_follow_input_order_and_one_lookup_per_batch(enricher: Enricher) -> None:
    cache = MemoryCache()
    processor = BatchProcessor(
        load_settings(), enricher, cache, Metrics(CollectorRegistry()), clock=lambda: NOW
    )
    records = [_record(0, _posting("a")), _record(1, b"{oops"), _record(2, _posting("b", "Rust"))]
    result = processor.process(records)
    assert cache.lookups == 1
    kinds = [type(o).__name__ for o in result.outcomes]
    assert kinds == ["EnrichedPosting", "InvalidMessage", "EnrichedPosting"]
    assert len(result.new_cache_entries) == 2


def test_duplicates_are_served_from_cache_across_and_within_batches(enricher: Enricher) -> None:
    cache = MemoryCache()
    processor = BatchProcessor(load_settings(), enricher, cache, Metrics(CollectorRegistry()))
    first = processor.process([_record(0, _posting("a")), _record(1, _posting("a-copy"))])
    assert first.cache_hits == 1  # the same content twice in one batch is computed once
    cache.put_many(first.new_cache_entries)
    second = processor.process([_record(2, _posting("a-again"))])
    assert second.cache_hits == 1
    assert second.new_cache_entries == {}


def test_enrichment_errors_become_dead_letters(enricher: Enricher) -> None:
    class ExplodingSkills:
        def extract(self, title: str, description: str) -> list[object]:
            raise ValueError("taxonomy bug")

    broken = Enricher(taxonomy=enricher.taxonomy, skills=ExplodingSkills(), fx=enricher.fx)  # type: ignore[arg-type]
    processor = BatchProcessor(load_settings(), broken, MemoryCache(), Metrics(CollectorRegistry()))
    [outcome] = processor.process([_record(0, _posting("a"))]).outcomes
    assert isinstance(outcome, InvalidMessage)
    assert outcome.kind == "enrichment_error"
    assert "ValueError: taxonomy bug" in outcome.reason


def test_out_records_route_enriched_and_dead_letters(enricher: Enricher) -> None:
    settings = load_settings()
    processor = BatchProcessor(settings, enricher, MemoryCache(), Metrics(CollectorRegistry()))
    records = [_record(0, _posting("a"), b"t:a"), _record(7, b"\xff", b"k")]
    result = processor.process(records)
    enriched_out, dlq_out = to_out_records(settings, records, result.outcomes, NOW)
    assert enriched_out.topic == settings.topics.enriched
    assert enriched_out.key == b"t:a"
    assert EnrichedPosting.model_validate_json(enriched_out.value).posting_id == "t:a"
    assert dlq_out.topic == settings.topics.dlq
    letter = DeadLetter.model_validate_json(dlq_out.value)
    assert (letter.offset, letter.error_kind, letter.key) == (7, "invalid_encoding", "k")
    assert ("error_kind", b"invalid_encoding") in dlq_out.headers
