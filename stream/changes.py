"""Change detection for alerting: what a posting looked like last time, and what changed.

Pure functions over `PostingState`, the small record Redis keeps per posting id. The worker
reads the states of a batch in its one Redis round trip, decides here, and writes the new
states only after the Kafka transaction has committed (see docs/guarantees.md for why, and
what can repeat).

The rules:
- no previous state: the posting is new -> EnrichedPosting + ChangeEvent(kind="new");
- same content hash, enricher version, taxonomy version and enrichment steps (each step's
  name and version): an unchanged re-scrape -> nothing;
- otherwise a new EnrichedPosting (search needs the new content or tags), and a
  ChangeEvent(kind="updated") when a field alerting watches changed;
- state unknown (Redis down): treated as new. Alerting deduplicates on `event_id`
  ("{posting_id}:{content_hash}"), so a repeat is harmless and nothing is missed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from stream.models import SCHEMA_VERSION, ChangeEvent, EnrichedPosting, FieldChange

# The fields alerting compares, in the order they appear in an event.
WATCHED_FIELDS = (
    "title",
    "location",
    "salary",
    "skills",
    "description_hash",
    "place",
    "work_mode",
    "seniority",
    "employment_types",
    "experience_years",
    "education_level",
    "occupation",
)


class PostingState(BaseModel):
    """What we remember of the last published version of a posting."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    content_hash: str
    enricher_version: str
    taxonomy_version: str
    # The steps that enriched it, with their versions (Enricher.cache_variant): a new or
    # changed step republishes a re-scrape once, with its new fields. None: written before.
    steps: str | None = None
    title: str
    location: str | None
    salary: dict[str, Any] | None
    skills: list[str]
    description_hash: str
    # The normalized fields, compact (defaults: states written before they existed).
    place: dict[str, Any] | None = None
    work_mode: str | None = None
    seniority: str | None = None
    employment_types: list[str] = []
    experience_years: dict[str, Any] | None = None
    education_level: str | None = None
    occupation: dict[str, Any] | None = None


def state_of(
    posting: EnrichedPosting, description_hash: str, steps: str | None = None
) -> PostingState:
    """The state to remember; `description_hash` is ContentDigests.description, `steps` the
    enricher's cache variant. The nested parts are plain dicts built from their fields,
    equal to `model_dump(include=...)` of them and ~3x cheaper (tests/unit/test_changes.py
    holds them equal on every sample posting)."""
    salary, place, years, occupation = (
        posting.salary,
        posting.place,
        posting.experience_years,
        posting.occupation,
    )
    # Built as validation would build it, without validating: every value is already of
    # its field's type (read from a validated posting, or a fresh dict / list of them), and
    # validating copied them all again (~4 µs a posting on the worker's main thread). The
    # keys are in field order, the order of the JSON kept in Redis; tests/unit/
    # test_changes.py holds the state equal to the validated one, JSON bytes included.
    values = {
        "content_hash": posting.content_hash,
        "enricher_version": posting.enricher_version,
        "taxonomy_version": posting.taxonomy_version,
        "steps": steps,
        "title": posting.title,
        "location": posting.location,
        "salary": (
            None
            if salary is None
            else {
                "min": salary.min,
                "max": salary.max,
                "currency": salary.currency,
                "period": salary.period,
            }
        ),
        "skills": sorted([skill.id for skill in posting.skills]),
        "description_hash": description_hash,
        "place": (
            None
            if place is None
            else {"country": place.country, "region_code": place.region_code, "city": place.city}
        ),
        "work_mode": posting.work_mode,
        "seniority": posting.seniority,
        "employment_types": list(posting.employment_types),
        "experience_years": None if years is None else {"min": years.min, "max": years.max},
        "education_level": posting.education_level,
        "occupation": (
            None
            if occupation is None
            else {"esco_uri": occupation.esco_uri, "isco_code": occupation.isco_code}
        ),
    }
    state = PostingState.__new__(PostingState)
    object.__setattr__(state, "__dict__", values)
    object.__setattr__(state, "__pydantic_fields_set__", set(_STATE_FIELDS))
    object.__setattr__(state, "__pydantic_extra__", None)
    object.__setattr__(state, "__pydantic_private__", None)
    return state


_STATE_FIELDS = frozenset(PostingState.model_fields)


def is_unchanged(previous: PostingState, current: PostingState) -> bool:
    """Same content enriched by the same code, taxonomy and steps: nothing to publish."""
    return unchanged_since(
        previous,
        current.content_hash,
        current.enricher_version,
        current.taxonomy_version,
        current.steps,
    )


def unchanged_since(
    previous: PostingState,
    content_hash: str,
    enricher_version: str,
    taxonomy_version: str,
    steps: str | None,
) -> bool:
    """`is_unchanged` against what a new state would hold, known before enriching: the
    processor answers a re-scrape with it without decoding or assembling anything."""
    return (
        previous.content_hash == content_hash
        and previous.enricher_version == enricher_version
        and previous.taxonomy_version == taxonomy_version
        and previous.steps == steps
    )


def diff(previous: PostingState, current: PostingState) -> dict[str, FieldChange]:
    """The watched fields that differ, with old and new values."""
    changes: dict[str, FieldChange] = {}
    for name in WATCHED_FIELDS:
        old, new = getattr(previous, name), getattr(current, name)
        if old != new:
            changes[name] = FieldChange(old=old, new=new)
    return changes


def change_event(
    posting: EnrichedPosting, previous: PostingState | None, current: PostingState
) -> ChangeEvent | None:
    """The event for alerting, or None when nothing it watches changed."""
    kind: Literal["new", "updated"]
    if previous is None:
        kind, changes = "new", {}
    else:
        changes = diff(previous, current)
        if not changes:
            return None
        kind = "updated"
    # Built as validation would build it (`state_of` says why): the posting is kept as the
    # instance it is (pydantic never revalidates one), the other values are its validated
    # fields, the state's and fresh FieldChanges. ~2 µs less a new posting on the worker's
    # main thread; tests/unit/test_changes.py holds it equal to the validated event.
    event = ChangeEvent.__new__(ChangeEvent)
    values = {
        "schema_version": SCHEMA_VERSION,
        "event_id": f"{posting.posting_id}:{posting.content_hash}",
        "kind": kind,
        "posting_id": posting.posting_id,
        "content_hash": posting.content_hash,
        "previous_content_hash": previous.content_hash if previous else None,
        "changes": changes,
        "posting": posting,
    }
    object.__setattr__(event, "__dict__", values)
    object.__setattr__(event, "__pydantic_fields_set__", set(_EVENT_FIELDS_SET))
    object.__setattr__(event, "__pydantic_extra__", None)
    object.__setattr__(event, "__pydantic_private__", None)
    return event


# What validating the keywords above set (the schema version is left at its default).
_EVENT_FIELDS_SET = frozenset(ChangeEvent.model_fields) - {"schema_version"}
