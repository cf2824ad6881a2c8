"""One serialization of a new posting's enrichment: the cache entry (`Enricher.encode_entry`)
is written with the fields in the posting's order, and the committer splices it into the
posting's JSON (`codecs.encode_posting`) instead of serializing the enrichment again. The
posting's bytes must be exactly `codecs.encode(posting)`, on every sample posting and on
generated ones; the entry must decode to the same enrichment; and a cache hit (bytes maybe
written by another build) is never spliced."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from stream import codecs
from stream.cli.samples import default_data_dir, linkedin_postings
from stream.config import Settings, load_settings
from stream.enrich.pipeline import Enricher, Enrichment, content_digests
from stream.enrich.skills.taxonomy import Taxonomy
from stream.models import (
    EnrichedPosting,
    ExperienceYears,
    Occupation,
    Place,
    RawPosting,
    Salary,
    SkillTag,
)
from stream.ops.metrics import Metrics
from stream.outputs import OutRecord, messages_of, route, to_out_records
from stream.processing import BatchProcessor, InRecord, Outcome, Published
from tests.unit.fakes import MemoryStore

NOW = dt.datetime(2026, 12, 6, 23, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.build(Taxonomy.bundled())


def assert_spliced_equal(enricher: Enricher, raw: RawPosting, enrichment: Enrichment) -> None:
    entry = enricher.encode_entry(enrichment)
    # The entry is the enrichment (any key order decodes by name) ...
    assert json.loads(entry) == json.loads(enricher.encode_bytes(enrichment))
    assert list(json.loads(entry)) == list(codecs.POSTING_TAIL)
    assert enricher.decode(entry) == enrichment
    # ... and the posting's tail: spliced, the posting's bytes are exactly its encoding,
    # computed or served from this process's cache entry.
    digest = content_digests(raw).content
    for part in (enrichment, enricher.decode(entry)):
        assert part is not None
        posting = enricher.assemble(raw, part, digest, NOW)
        assert codecs.encode_posting(posting, entry) == codecs.encode(posting)


def test_the_default_enricher_splices_without_moving_its_steps(enricher: Enricher) -> None:
    assert enricher.splices
    # The steps keep their order: it names the cache variant (the cache keys) and the
    # posting states' `steps`, which must not change.
    assert [step.name for step in enricher.steps] == [
        "skills",
        "salary",
        "place",
        "occupation",
        "terms",
    ]
    assert set(enricher.enrichment_model.model_fields) == set(codecs.POSTING_TAIL)


def test_spliced_postings_equal_their_encoding_on_every_sample_posting(
    enricher: Enricher,
) -> None:
    data = default_data_dir()
    if data is None:
        pytest.skip("../shared/data is absent (the LinkedIn sample postings are read from it)")
    postings = list(linkedin_postings(data))
    assert len(postings) == 500
    for raw, enrichment in zip(postings, enricher.compute_batch(postings), strict=True):
        assert isinstance(enrichment, Enrichment), raw.source_id
        assert_spliced_equal(enricher, raw, enrichment)


# Text that JSON must escape or that is not ASCII: quotes, backslashes, controls, line and
# paragraph separators, astral characters, and the empty string.
_TEXT = st.text(
    alphabet=st.sampled_from(list('ab Z"\\/\n\t\x00\x1f\x7fé€\u2028\u2029😀中')), max_size=12
)
_NONEMPTY = _TEXT.filter(bool)
_FLOAT = st.floats(allow_nan=False, allow_infinity=False, width=64)
_UNIT = st.floats(min_value=0.0, max_value=1.0)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


_SKILL = st.builds(
    SkillTag,
    id=_NONEMPTY,
    name=_NONEMPTY,
    category=_NONEMPTY,
    required=_optional(st.booleans()),
    confidence=_UNIT,
    mentions=st.integers(min_value=1, max_value=10**12),
    evidence=_optional(
        st.lists(
            st.tuples(st.sampled_from(["title", "description"]), st.integers(0, 9), st.integers())
        )
    ),
    esco_uri=_optional(_TEXT),
)
_SALARY = st.builds(
    Salary,
    min=_optional(_FLOAT),
    max=_optional(_FLOAT),
    currency=_optional(st.sampled_from(["USD", "EUR", "INR"])),
    period=st.sampled_from(["hour", "day", "week", "month", "year"]),
    annual_min=_optional(_FLOAT),
    annual_max=_optional(_FLOAT),
    annual_min_usd=_optional(_FLOAT),
    annual_max_usd=_optional(_FLOAT),
    fx_rate_date=_optional(st.dates()),
    source=st.sampled_from(["salary_text", "description"]),
    text=_TEXT,
    confidence=_UNIT,
    annualization_basis=_optional(_TEXT),
    gross_or_net=_optional(st.sampled_from(["gross", "net"])),
    extras=st.lists(_TEXT, max_size=3),
    flags=st.lists(_TEXT, max_size=3),
)
_PLACE = st.builds(
    Place,
    country=_optional(st.sampled_from(["US", "DE", "IN"])),
    region=_optional(_TEXT),
    region_code=_optional(_TEXT),
    city=_optional(_TEXT),
    text=_TEXT,
    confidence=_UNIT,
)
_ENRICHMENT = st.fixed_dictionaries(
    {
        "skills": st.lists(_SKILL, max_size=4),
        "salary": _optional(_SALARY),
        "place": _optional(_PLACE),
        "places": st.lists(_PLACE, max_size=3),
        "work_mode": _optional(st.sampled_from(["onsite", "hybrid", "remote"])),
        "occupation": _optional(
            st.builds(
                Occupation,
                esco_uri=_optional(_TEXT),
                label=_optional(_TEXT),
                isco_code=st.sampled_from(["2512", "0110"]),
                isco_label=_TEXT,
                confidence=_UNIT,
            )
        ),
        "seniority": _optional(st.sampled_from(["intern", "senior", "executive"])),
        "employment_types": st.lists(st.sampled_from(["full_time", "contract", "per_diem"])),
        "experience_years": _optional(
            st.builds(ExperienceYears, min=_optional(_UNIT), max=_optional(_FLOAT.map(abs)))
        ),
        "education_level": _optional(st.sampled_from(["none", "master", "doctorate"])),
    }
)
_RAW = st.builds(
    RawPosting,
    source=_NONEMPTY,
    source_id=_NONEMPTY,
    title=_TEXT,
    description=_TEXT,
    url=_optional(_TEXT),
    company=_optional(_TEXT),
    location=_optional(_TEXT),
    salary_text=_optional(_TEXT),
    employment_type=_optional(_TEXT),
    posted_at=_optional(st.datetimes(timezones=st.just(dt.UTC))),
    scraped_at=_optional(st.datetimes()),
    extra=st.dictionaries(_TEXT, _optional(_TEXT | st.integers() | _FLOAT), max_size=3),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=_RAW, fields=_ENRICHMENT)
def test_spliced_postings_equal_their_encoding_on_generated_postings(
    enricher: Enricher, raw: RawPosting, fields: dict[str, Any]
) -> None:
    # Validated, as the steps' parts and a decoded cache entry are.
    enrichment = enricher.enrichment_model.model_validate(fields)
    assert_spliced_equal(enricher, raw, enrichment)


class Tagged(EnrichedPosting):
    """A posting model with a field of its own: after the tail, so nothing splices."""

    tag: str = "x"


def test_an_enricher_whose_fields_are_not_the_posting_tail_does_not_splice() -> None:
    enricher = Enricher.build(Taxonomy.bundled(), posting_model=Tagged)
    assert not enricher.splices
    raw = RawPosting(source="t", source_id="1", title="Data engineer", description="Python")
    enrichment = enricher.compute(raw)
    assert enricher.encode_entry(enrichment) == enricher.encode_bytes(enrichment)
    posting = enricher.assemble(raw, enrichment, content_digests(raw).content, NOW)
    assert type(posting) is Tagged
    # Handed a tail anyway, the codec encodes the subclass whole: its own bytes.
    entry = enricher.encode_entry(enrichment)
    assert codecs.encode_posting(posting, entry) == codecs.encode(posting)


def _record(offset: int, source_id: str, description: str) -> InRecord:
    raw = RawPosting(source="t", source_id=source_id, title="Engineer", description=description)
    return InRecord("raw", 0, offset, None, raw.model_dump_json().encode())


def test_only_this_batchs_own_entries_are_spliced(enricher: Enricher) -> None:
    store = MemoryStore()
    settings = load_settings()
    processor = BatchProcessor(settings, enricher, store, Metrics(CollectorRegistry()))
    text = "Python, Kafka; “quoted” ünïcode \u2028 and a \\ backslash"
    records = [_record(0, "a", text), _record(1, "b", text), _record(2, "c", "Rust")]
    first = processor.process(records)
    published = [o for o in first.outcomes if isinstance(o, Published)]
    # Computed, a duplicate of it within the batch, another computed: all this batch's.
    assert [o.cache_hit for o in published] == [False, True, False]
    assert all(o.tail is not None for o in published)
    assert published[0].tail is published[1].tail
    assert set(first.cache_writes.values()) == {o.tail for o in published}
    outputs = to_out_records(settings, records, first.outcomes, NOW)  # posting, event, ...
    assert [out.value for out in outputs[::2]] == [codecs.encode(o.posting) for o in published]
    events = [o.event for o in published if o.event is not None]
    assert len(events) == 3
    assert [out.value for out in outputs[1::2]] == [codecs.encode(event) for event in events]
    # Served from Redis, written in the steps' order (as a build before this one did): the
    # posting is encoded whole, never spliced from bytes this process did not write.
    store.enrichments = {
        key: enricher.encode_bytes(enricher.decode(value))  # type: ignore[arg-type]
        for key, value in first.cache_writes.items()
    }
    assert all(
        list(json.loads(value)) != list(codecs.POSTING_TAIL) for value in store.enrichments.values()
    )
    later = [_record(3, "d", text), _record(4, "e", "Rust")]
    second = processor.process(later)
    again = [o for o in second.outcomes if isinstance(o, Published)]
    assert [o.cache_hit for o in again] == [True, True]
    assert [o.tail for o in again] == [None, None]
    outputs = to_out_records(settings, later, second.outcomes, NOW)
    assert [out.value for out in outputs[::2]] == [codecs.encode(o.posting) for o in again]


def reference_records(
    settings: Settings, records: list[InRecord], outcomes: list[Outcome]
) -> list[OutRecord]:
    """`to_out_records` as routing each of `messages_of` and encoding it whole."""
    out = []
    for record, outcome in zip(records, outcomes, strict=True):
        for message in messages_of(record, outcome, NOW):
            topic = route(message)
            if topic.name(settings):
                out.append(
                    OutRecord(
                        topic.name(settings),
                        topic.key(message),
                        codecs.encode(message),
                        topic.headers(message),
                    )
                )
    return out


@pytest.mark.parametrize("off", [None, "enriched", "changes", "dlq"])
def test_out_records_equal_routing_every_message_whole(enricher: Enricher, off: str | None) -> None:
    base = load_settings()
    settings = (
        base
        if off is None
        else base.model_copy(update={"topics": base.topics.model_copy(update={off: ""})})
    )
    store = MemoryStore()
    processor = BatchProcessor(settings, enricher, store, Metrics(CollectorRegistry()))
    first = [_record(0, "a", "Python"), _record(1, "b", "Python"), _record(2, "c", "Rust")]
    records = [*first, InRecord("raw", 0, 3, b"k\xff", b"{oops")]
    result = processor.process(records)
    store.save(result.cache_writes, result.states)
    later = [_record(4, "a", "Python"), _record(5, "c", "Go"), _record(6, "d", "Python")]
    again = processor.process(later)  # unchanged, updated, a cache hit
    for batch, outcomes in ((records, result.outcomes), (later, again.outcomes)):
        fast = to_out_records(settings, batch, outcomes, NOW)
        assert fast == reference_records(settings, batch, outcomes)
        assert fast or off == "enriched"
