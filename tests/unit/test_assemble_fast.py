"""`Enricher.assemble` builds the posting without `model_construct`'s per-field loop: the
instance must be exactly what `model_construct(**fields)` built before (same `__dict__` in
the same order, which is the order of the JSON, same fields set, extra and private), and
its JSON byte for byte the same, computed or served from the cache."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from stream.cli.samples import default_data_dir, linkedin_postings
from stream.enrich.pipeline import (
    _RAW_FIELDS,
    ENRICHER_VERSION,
    Enricher,
    Enrichment,
    content_digests,
)
from stream.enrich.skills.taxonomy import Taxonomy
from stream.models import EnrichedPosting, RawPosting, posting_id_of

NOW = dt.datetime(2026, 12, 6, 20, 0, tzinfo=dt.UTC)


def reference(enricher: Enricher, raw: RawPosting, enrichment: Enrichment) -> EnrichedPosting:
    """`assemble` as it was: `model_construct` over the same fields."""
    fields: dict[str, Any] = {name: getattr(raw, name) for name in _RAW_FIELDS}
    fields.update(dict(enrichment))
    fields.update(
        posting_id=posting_id_of(raw),
        content_hash=content_digests(raw).content,
        enriched_at=NOW,
        enricher_version=ENRICHER_VERSION,
        taxonomy_version=enricher.taxonomy_version,
    )
    return enricher.posting_model.model_construct(**fields)


def assert_same(fast: EnrichedPosting, slow: EnrichedPosting) -> None:
    assert type(fast) is type(slow)
    assert list(fast.__dict__.items()) == list(slow.__dict__.items())
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.__pydantic_extra__ == slow.__pydantic_extra__
    assert fast.__pydantic_private__ == slow.__pydantic_private__
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast == slow


def test_fast_assembly_equals_model_construct_on_every_sample_posting() -> None:
    data = default_data_dir()
    if data is None:
        pytest.skip("../shared/data is absent (the LinkedIn sample postings are read from it)")
    enricher = Enricher.build(Taxonomy.bundled())
    postings = list(linkedin_postings(data))
    assert len(postings) == 500
    enrichments = enricher.compute_batch(postings)
    for raw, enrichment in zip(postings, enrichments, strict=True):
        assert isinstance(enrichment, Enrichment), raw.source_id
        digest = content_digests(raw).content
        # The cache entry as bytes is what encoding the str gave (the bytes kept in Redis).
        assert enricher.encode_bytes(enrichment) == enricher.encode(enrichment).encode("utf-8")
        for part in (enrichment, enricher.decode(enricher.encode(enrichment))):  # and cached
            assert part is not None
            assert_same(enricher.assemble(raw, part, digest, NOW), reference(enricher, raw, part))


def test_fast_assembly_equals_model_construct_on_a_bare_posting() -> None:
    # Every optional raw field absent, an unknown field moved into `extra`.
    enricher = Enricher.build(Taxonomy.bundled())
    raw = RawPosting.model_validate(
        {"source": "t", "source_id": "1", "title": "Data engineer", "description": "", "x": 1}
    )
    enrichment = enricher.compute(raw)
    fast = enricher.assemble(raw, enrichment, content_digests(raw).content, NOW)
    assert_same(fast, reference(enricher, raw, enrichment))
    assert fast.extra == {"x": 1}
    assert EnrichedPosting.model_validate_json(fast.model_dump_json()) == fast


def test_a_posting_model_it_cannot_build_falls_back_to_model_construct() -> None:
    class Private(EnrichedPosting):
        _note: str = "private attributes need model_construct"

    enricher = Enricher.build(Taxonomy.bundled(), posting_model=Private)
    raw = RawPosting(source="t", source_id="2", title="Nurse", description="Night shifts.")
    enrichment = enricher.compute(raw)
    fast = enricher.assemble(raw, enrichment, content_digests(raw).content, NOW)
    assert_same(fast, reference(enricher, raw, enrichment))
    assert isinstance(fast, Private)
    assert fast._note == "private attributes need model_construct"
