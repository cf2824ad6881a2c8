"""The step interface: a toy step registered beside skills and salary shows up in the
output, in the cache key and in the metrics, without any change to the pipeline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from stream.config import load_settings
from stream.enrich.pipeline import Enricher
from stream.enrich.registry import STEPS, StepResources
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.step import EnrichmentObserver, PreparedPosting, construct, fields_of
from stream.models import EnrichedPosting, RawPosting
from stream.ops.metrics import Metrics
from stream.processing import BatchProcessor, InRecord, Published
from tests.unit.fakes import MemoryStore


class ShoutPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    shout: str | None


class ShoutPosting(EnrichedPosting):
    """The contract with the toy step's field (a real step adds it to EnrichedPosting)."""

    shout: str | None = None


@dataclass(frozen=True)
class ShoutStep:
    """The toy: the normalized title in capitals."""

    version: str = "7"
    name: str = "shout"
    part: type[BaseModel] = ShoutPart

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> ShoutPart:
        return ShoutPart(shout=posting.title.upper())


def shout_step(resources: StepResources) -> ShoutStep:
    return ShoutStep()


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.bundled()


def _record(offset: int) -> InRecord:
    value = {
        "source": "t",
        "source_id": "1",
        "title": "Data  <b>Engineer</b>",
        "description": "We use Python and Kafka. Pay: USD 100,000 - 120,000 a year.",
    }
    return InRecord("raw", 0, offset, None, json.dumps(value).encode())


def test_a_registered_step_reaches_output_cache_key_and_metrics(taxonomy: Taxonomy) -> None:
    enricher = Enricher.build(taxonomy, factories=[*STEPS, shout_step], posting_model=ShoutPosting)
    metrics, store = Metrics(CollectorRegistry()), MemoryStore()
    processor = BatchProcessor(load_settings(), enricher, store, metrics)

    first = processor.process([_record(0)])
    [outcome] = first.outcomes
    assert isinstance(outcome, Published)
    posting = outcome.posting
    assert isinstance(posting, ShoutPosting)
    assert posting.shout == "DATA ENGINEER"  # the toy's field, from the normalized title
    assert {t.name for t in posting.skills} >= {"Python", "Apache Kafka"}  # the others ran
    assert posting.salary is not None
    [(key, cached)] = first.cache_writes.items()
    assert "shout=7" in key
    assert "skills=" in key
    assert "salary=" in key
    assert json.loads(cached)["shout"] == "DATA ENGINEER"
    samples = metrics.registry.get_sample_value
    assert samples("stream_enrich_duration_seconds_count", {"enricher": "shout"}) == 1
    assert samples("stream_enrich_duration_seconds_count", {"enricher": "skills"}) == 1

    # Served from the cache: the toy's field is decoded with the others, nothing recomputed.
    store.save(first.cache_writes, {})
    [again] = processor.process([_record(1)]).outcomes
    assert isinstance(again, Published)
    assert again.cache_hit
    assert isinstance(again.posting, ShoutPosting)
    assert again.posting.shout == "DATA ENGINEER"
    assert samples("stream_enrich_duration_seconds_count", {"enricher": "shout"}) == 1


def test_a_new_step_version_misses_the_cache(taxonomy: Taxonomy) -> None:
    def build(version: str) -> Enricher:
        return Enricher.build(
            taxonomy,
            factories=[*STEPS, lambda _: ShoutStep(version=version)],
            posting_model=ShoutPosting,
        )

    assert build("7").cache_variant.endswith(",shout=7")
    assert build("7").cache_variant != build("8").cache_variant


def test_a_step_field_missing_from_the_contract_is_refused(taxonomy: Taxonomy) -> None:
    with pytest.raises(ValueError, match="shout"):
        Enricher.build(taxonomy, factories=[shout_step])  # EnrichedPosting has no `shout`


def test_every_required_field_needs_a_step(taxonomy: Taxonomy) -> None:
    with pytest.raises(ValueError, match=r"required field\(s\): \['salary', 'skills'\]"):
        Enricher.build(taxonomy, factories=[shout_step], posting_model=ShoutPosting)


def test_two_steps_may_not_claim_one_field(taxonomy: Taxonomy) -> None:
    with pytest.raises(ValueError, match="claims field 'shout'"):
        Enricher.build(taxonomy, factories=[shout_step, shout_step], posting_model=ShoutPosting)


def test_the_default_steps_keep_the_cached_json_of_before(taxonomy: Taxonomy) -> None:
    """Skills and salary side by side, as before the steps existed: `{skills, salary}`, first;
    the normalization steps of #12 come after them with their own fields."""
    enricher = Enricher.build(taxonomy)
    names = [step.name for step in enricher.steps]
    assert names[:2] == ["skills", "salary"]
    assert {"place", "terms", "occupation"} <= set(names)
    assert {"skills", "salary"} <= set(enricher.enrichment_model.model_fields)


def _same(built: BaseModel, expected: BaseModel) -> None:
    """Two instances that nothing can tell apart: type, fields, and pydantic's slots."""
    assert type(built) is type(expected)
    assert list(built.__dict__.items()) == list(expected.__dict__.items())
    assert built.__pydantic_fields_set__ == expected.__pydantic_fields_set__
    assert built.__pydantic_extra__ == expected.__pydantic_extra__
    assert built.__pydantic_private__ == expected.__pydantic_private__
    assert built.model_dump_json() == expected.model_dump_json()
    assert built == expected


def test_construct_builds_what_model_construct_builds_for_every_step(taxonomy: Taxonomy) -> None:
    """The pipeline's fast construction, against pydantic's, on every registered step's part
    and on the enrichment around them (a posting with skills, pay and a place)."""
    enricher = Enricher.build(taxonomy)
    raw = RawPosting(
        source="t",
        source_id="1",
        title="Senior Data Engineer",
        location="Toronto, ON",
        description="Full-time, hybrid. 5+ years of Python and Kafka; a degree. "
        "Salary: $100,000 - $120,000 a year.",
    )
    posting = PreparedPosting(raw, raw.title, raw.description)
    fields: dict[str, Any] = {}  # what construct() takes: each field its own type
    for step in enricher.steps:
        part = step.run(posting, None)
        values = dict(part)
        _same(construct(step.part, dict(values)), step.part.model_construct(**values))
        assert fields_of(part) == values
        fields.update(values)
    assert fields["skills"]  # the posting exercises both
    assert fields["salary"] is not None
    model = enricher.enrichment_model
    _same(construct(model, dict(fields)), model.model_construct(**fields))
    _same(enricher.compute(raw), model.model_construct(**fields))


class _Private(BaseModel):
    a: int
    _seen: int = PrivateAttr(default=3)


class _Aliased(BaseModel):
    a: int = Field(alias="A")


class _Extra(BaseModel):
    model_config = ConfigDict(extra="allow")

    a: int = 0


def test_construct_leaves_models_it_cannot_build_to_model_construct() -> None:
    """Private attributes, aliases, missing or reordered fields: pydantic's own way."""
    _same(construct(_Private, {"a": 1}), _Private.model_construct(a=1))
    assert construct(_Private, {"a": 1})._seen == 3
    # pydantic's mypy plugin types a model's model_construct by field name, every field
    # required; these two pass an alias and leave a field out on purpose: BaseModel's signature.
    aliased: type[BaseModel] = _Aliased
    shout: type[BaseModel] = ShoutPart
    _same(construct(_Aliased, {"A": 1}), aliased.model_construct(A=1))
    _same(construct(ShoutPart, {}), shout.model_construct())  # missing: no default
    _same(construct(_Extra, {"a": 1, "b": 2}), _Extra.model_construct(a=1, b=2))
    extra = _Extra.model_construct(a=1, b=2)
    assert fields_of(extra) == dict(extra) == {"a": 1, "b": 2}
