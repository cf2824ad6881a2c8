"""`state_of` builds the nested parts of a posting state as plain dicts: they must equal
what `model_dump(include=...)` of the nested models gave (a state written before and one
written after must compare equal, or every re-scrape after a deploy would look changed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from stream.changes import PostingState, change_event, diff, state_of
from stream.cli.samples import default_data_dir, linkedin_postings
from stream.enrich.pipeline import Enricher, content_digests
from stream.enrich.skills.taxonomy import Taxonomy
from stream.models import (
    ChangeEvent,
    EnrichedPosting,
    ExperienceYears,
    Occupation,
    Place,
    RawPosting,
)

NOW = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)


def reference_state(posting: EnrichedPosting, description_hash: str, steps: str) -> PostingState:
    """state_of as it was written first, with the nested models dumped by pydantic."""

    def dump(model: Any, include: set[str] | None = None) -> dict[str, Any] | None:
        return None if model is None else dict(model.model_dump(include=include))

    salary = dump(posting.salary, {"min", "max", "currency", "period"})
    return PostingState(
        content_hash=posting.content_hash,
        enricher_version=posting.enricher_version,
        taxonomy_version=posting.taxonomy_version,
        steps=steps,
        title=posting.title,
        location=posting.location,
        salary=salary,
        skills=sorted(skill.id for skill in posting.skills),
        description_hash=description_hash,
        place=dump(posting.place, {"country", "region_code", "city"}),
        work_mode=posting.work_mode,
        seniority=posting.seniority,
        employment_types=list(posting.employment_types),
        experience_years=dump(posting.experience_years),
        education_level=posting.education_level,
        occupation=dump(posting.occupation, {"isco_code", "esco_uri"}),
    )


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.build(Taxonomy.bundled())


def _check(enricher: Enricher, raw: RawPosting) -> EnrichedPosting:
    digests = content_digests(raw)
    posting = enricher.assemble(raw, enricher.compute(raw), digests.content, NOW)
    steps = enricher.cache_variant
    made, expected = (
        state_of(posting, digests.description, steps),
        reference_state(posting, digests.description, steps),
    )
    assert made == expected, raw.source_id
    assert made.model_dump_json() == expected.model_dump_json(), raw.source_id
    # state_of builds it without validating: the instance itself is the validated one.
    assert list(made.__dict__.items()) == list(expected.__dict__.items()), raw.source_id
    assert made.model_fields_set == expected.model_fields_set
    assert (made.__pydantic_extra__, made.__pydantic_private__) == (None, None)
    assert PostingState.model_validate_json(made.model_dump_json()) == made
    # RedisStore.save writes the serializer's bytes: those of the str it used to encode.
    assert made.__pydantic_serializer__.to_json(made) == made.model_dump_json().encode()
    return posting


def test_posting_state_needs_nothing_validation_would_add() -> None:
    # `state_of` builds the state without validating: what it sets must be all there is.
    assert not PostingState.__private_attributes__
    assert not PostingState.__pydantic_post_init__
    assert PostingState.model_config.get("extra") != "allow"
    assert not any(f.alias or f.validation_alias for f in PostingState.model_fields.values())


def test_nested_parts_equal_the_pydantic_dumps_with_every_part_set(enricher: Enricher) -> None:
    raw = RawPosting(
        source="board",
        source_id="1",
        title="Senior Data Engineer",
        location="Berlin, Germany",
        salary_text="EUR 70,000 - 80,000 a year",
        description="Python and Kafka. Remote. 5+ years of experience. Bachelor's degree.",
    )
    posting = _check(enricher, raw)
    # Every nested part is present, so each dict literal is compared above.
    assert posting.salary is not None
    assert isinstance(posting.place, Place)
    full = posting.model_copy(
        update={
            "experience_years": ExperienceYears(min=3, max=5),
            "occupation": Occupation(
                esco_uri="http://data.europa.eu/esco/occupation/x",
                label="data engineer",
                isco_code="2511",
                isco_label="Systems analysts",
                confidence=0.9,
            ),
        }
    )
    assert state_of(full, "d", "s") == reference_state(full, "d", "s")
    assert state_of(full, "d", "s").model_dump_json() == (
        reference_state(full, "d", "s").model_dump_json()
    )


def test_nested_parts_equal_the_pydantic_dumps_on_every_sample_posting(enricher: Enricher) -> None:
    data = default_data_dir()
    if data is None:
        pytest.skip("../shared/data is absent (the LinkedIn sample postings are read from it)")
    for raw in linkedin_postings(data):
        _check(enricher, raw)


def reference_event(
    posting: EnrichedPosting, previous: PostingState | None, current: PostingState
) -> ChangeEvent | None:
    """change_event as it was: the event validated from its keywords."""
    if previous is None:
        kind, changes = "new", {}
    else:
        changes = diff(previous, current)
        if not changes:
            return None
        kind = "updated"
    return ChangeEvent(
        event_id=f"{posting.posting_id}:{posting.content_hash}",
        kind=kind,
        posting_id=posting.posting_id,
        content_hash=posting.content_hash,
        previous_content_hash=previous.content_hash if previous else None,
        changes=changes,
        posting=posting,
    )


def _same_event(made: ChangeEvent | None, expected: ChangeEvent | None) -> None:
    assert (made is None) == (expected is None)
    if made is None or expected is None:
        return
    assert list(made.__dict__.items()) == list(expected.__dict__.items())
    assert made.posting is expected.posting  # the instance, as validation keeps it
    assert made.model_fields_set == expected.model_fields_set
    assert (made.__pydantic_extra__, made.__pydantic_private__) == (
        expected.__pydantic_extra__,
        expected.__pydantic_private__,
    )
    assert made.model_dump_json() == expected.model_dump_json()
    assert ChangeEvent.model_validate_json(made.model_dump_json()) == made


def test_change_events_equal_the_validated_ones_on_every_sample_posting(
    enricher: Enricher,
) -> None:
    # change_event builds the event without validating: new, updated and unchanged
    # postings must give exactly the event validation gave (or none).
    data = default_data_dir()
    if data is None:
        pytest.skip("../shared/data is absent (the LinkedIn sample postings are read from it)")
    postings = list(linkedin_postings(data))
    steps = enricher.cache_variant
    built = []
    for raw in postings:
        digests = content_digests(raw)
        posting = enricher.assemble(raw, enricher.compute(raw), digests.content, NOW)
        built.append((posting, state_of(posting, digests.description, steps)))
    kinds = set()
    for (posting, current), (_, other) in zip(built, built[1:] + built[:1], strict=True):
        for previous in (None, current, other):
            made = change_event(posting, previous, current)
            _same_event(made, reference_event(posting, previous, current))
            kinds.add(made.kind if made is not None else None)
    assert kinds == {"new", "updated", None}
