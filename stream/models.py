"""The message contracts: RawPosting, EnrichedPosting, ChangeEvent, DeadLetter.

These pydantic models are the source of truth; `stream schemas write` renders them to
schemas/*.schema.json for consumers, and a test fails when the two drift apart.
Evolution is additive only: new fields are optional, nothing is renamed or removed, and
`schema_version` is carried in every message.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

NonEmptyStr = Annotated[str, Field(min_length=1)]
Confidence = Annotated[float, Field(ge=0.0, le=1.0)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Period = Literal["hour", "day", "week", "month", "year"]


class _Message(BaseModel):
    """Base for every message: immutable, and unknown fields are an error unless a model says."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


class RawPosting(_Message):
    """A job-board page as a scraper publishes it to postings.raw.

    Unknown top-level fields are not rejected: they are moved into `extra`, so a scraper
    that adds a field never sends its postings to the DLQ.
    """

    # Unknown fields are let in, then moved into `extra` once the fields are valid
    # (`_keep_unknown_fields_in_extra`): `__pydantic_extra__` is left empty, so only the
    # declared fields are ever serialized. This was a "before" validator on the input
    # dict, which made pydantic build that dict in Python first: decoding a LinkedIn
    # posting took 9.4 µs with it, 5.4 now (docs/performance.md, "The worker, per thread").
    # The schema still tells producers to send no other fields. One case the after
    # validator cannot see, `"extra": null` beside unknown fields (accepted: they become
    # `extra`), is kept by `legacy_unknown_fields` on the decoder's careful path.
    model_config = ConfigDict(
        frozen=True,
        extra="allow",
        json_schema_serialization_defaults_required=True,
        json_schema_extra={"additionalProperties": False},
    )

    schema_version: int = SCHEMA_VERSION
    source: NonEmptyStr = Field(description="Board or scraper name, e.g. 'builtin'.")
    source_id: NonEmptyStr = Field(description="The posting's id on that board.")
    title: str = Field(description="Job title as shown on the board.")
    description: str = Field(description="Plain text or HTML body of the posting.")
    url: str | None = None
    company: str | None = None
    location: str | None = Field(default=None, description="Free-text location.")
    salary_text: str | None = Field(default=None, description="The pay line as the board shows it.")
    employment_type: str | None = None
    posted_at: dt.datetime | None = None
    scraped_at: dt.datetime | None = None
    extra: dict[str, Any] = Field(default_factory=dict, description="Fields we do not model.")

    @model_validator(mode="after")
    def _keep_unknown_fields_in_extra(self) -> Self:
        unknown = self.__pydantic_extra__
        if unknown:
            # An explicit `extra` wins over a same-named unknown field; the unknown ones
            # come first, in input order. Frozen: set the field as pydantic itself does.
            object.__setattr__(self, "extra", {**unknown, **self.extra})
            self.__pydantic_fields_set__.add("extra")
            unknown.clear()
        return self

    @field_validator("posted_at", "scraped_at")
    @classmethod
    def _naive_means_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        # Boards often give a bare date; treat any naive timestamp as UTC so that every
        # timestamp we emit is unambiguous.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


def legacy_unknown_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The input dict as RawPosting's former "before" validator rewrote it: unknown fields
    moved into `extra` ahead of validation. Equal to what the model now does after
    validation in every case but one: `"extra": null` beside unknown fields, accepted
    (the unknown fields become `extra`) where the model alone refuses the null. The
    decoder's careful path applies it, so no input is refused that was accepted before
    (tests/unit/test_codecs.py compares the two decoders on generated documents)."""
    known = RawPosting.model_fields
    unknown = {k: v for k, v in data.items() if k not in known}
    if not unknown:
        return data
    extra = data.get("extra")
    merged = {**unknown, **extra} if isinstance(extra, dict) else unknown
    kept = {k: v for k, v in data.items() if k in known}
    if extra is not None and not isinstance(extra, dict):
        kept["extra"] = extra  # let field validation report the wrong type
        return kept
    return {**kept, "extra": merged}


def posting_id_of(raw: RawPosting) -> str:
    """The Kafka key and stable identity of a posting: "{source}:{source_id}"."""
    return f"{raw.source}:{raw.source_id}"


class SkillTag(_Message):
    """One skill found in a posting, named by the taxonomy."""

    # `evidence` and `esco_uri` are optional additions: readers and examples written before
    # them stay valid.
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=False
    )

    id: NonEmptyStr = Field(description="Stable taxonomy id, e.g. 'scikit-learn'.")
    name: NonEmptyStr = Field(description="Canonical display name, e.g. 'scikit-learn'.")
    category: NonEmptyStr
    required: bool | None = Field(description="true required, false nice-to-have, null unknown.")
    confidence: Confidence
    mentions: int = Field(ge=1, description="How often the skill occurs in the posting.")
    evidence: list[tuple[Literal["title", "description"], int, int]] | None = Field(
        default=None,
        description="Where each mention is: [field, start, end) character offsets in the "
        "normalized text; only when the enricher runs with evidence on, else null.",
    )
    esco_uri: str | None = Field(
        default=None,
        description="The ESCO concept URI of the same skill "
        "(http://data.europa.eu/esco/skill/...), where the taxonomy links one; else null.",
    )


class Salary(_Message):
    """Pay as stated in the posting, annualized and converted to USD with a dated rate."""

    min: float | None = Field(description="Lower bound in the posting's currency and period.")
    max: float | None = Field(description="Upper bound in the posting's currency and period.")
    currency: CurrencyCode | None = Field(description="ISO 4217, null when it cannot be known.")
    period: Period
    annual_min: float | None
    annual_max: float | None
    annual_min_usd: float | None
    annual_max_usd: float | None
    fx_rate_date: dt.date | None = Field(description="Date of the FX rate used for *_usd.")
    source: Literal["salary_text", "description"]
    text: str = Field(description="The exact span that was parsed.")
    confidence: Confidence
    annualization_basis: str | None = Field(
        default=None,
        description="How annual_* was computed: 'hour*2080', 'day*260', 'week*52', "
        "'month*12' or 'year*1'.",
    )
    gross_or_net: Literal["gross", "net"] | None = Field(
        default=None, description="Stated gross (brutto, CTC) or net (netto, take-home); null."
    )
    extras: list[str] = Field(
        default_factory=list,
        description="Pay offered besides base, never in min/max: bonus, commission, ote, "
        "equity, super, tips, allowance, benefits.",
    )
    flags: list[str] = Field(
        default_factory=list,
        description="Caveats: period_inferred, currency_default, currency_location_mismatch, "
        "fx_supplement (rate from the maintained table), fx_unavailable.",
    )


CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
WorkMode = Literal["onsite", "hybrid", "remote"]
Seniority = Literal[
    "intern", "entry", "mid", "senior", "lead", "manager", "director", "executive"
]  # fmt: skip
EmploymentType = Literal[
    "full_time", "part_time", "contract", "temporary", "internship", "apprenticeship",
    "seasonal", "volunteer", "per_diem",
]  # fmt: skip
EducationLevel = Literal[
    "none", "secondary", "vocational", "associate", "bachelor", "master", "doctorate"
]  # fmt: skip


class Place(_Message):
    """One place a posting names, normalized against a gazetteer."""

    country: CountryCode | None = Field(description="ISO 3166-1 alpha-2; null when unknown.")
    region: str | None = Field(description="State, province or region, by its common name.")
    region_code: str | None = Field(description="ISO 3166-2 (e.g. 'US-CA') where known.")
    city: str | None = Field(description="The city's common English or local name.")
    text: str = Field(description="The part of the location (or description) it was read from.")
    confidence: Confidence


class ExperienceYears(_Message):
    """Years of experience required: '5+ years' is 5/null, '3-5 years' is 3/5."""

    min: float | None = Field(ge=0)
    max: float | None = Field(ge=0)


class Occupation(_Message):
    """The title coded to an ESCO occupation and its ISCO-08 unit group."""

    esco_uri: str | None = Field(description="ESCO occupation URI; null when only the ISCO "
                                 "unit group is clear.")  # fmt: skip
    label: str | None = Field(description="The ESCO occupation's preferred label.")
    isco_code: Annotated[str, Field(pattern=r"^[0-9]{4}$")] = Field(
        description="ISCO-08 unit group (4 digits)."
    )
    isco_label: str
    confidence: Confidence


class EnrichedPosting(RawPosting):
    """What postings.enriched carries (compacted, key = posting_id): raw fields + enrichment."""

    posting_id: NonEmptyStr
    content_hash: NonEmptyStr = Field(description="Hash of the normalized posting content.")
    enriched_at: dt.datetime
    enricher_version: NonEmptyStr
    taxonomy_version: NonEmptyStr
    skills: list[SkillTag]
    salary: Salary | None
    # Normalized fields for search filters and alert matching (additive: readers written
    # before them stay valid). Each is decided by one enrichment step (docs/normalization.md).
    place: Place | None = Field(default=None, description="The first place, or null.")
    places: list[Place] = Field(
        default_factory=list, description="Every place the location names, `place` first."
    )
    work_mode: WorkMode | None = None
    seniority: Seniority | None = None
    employment_types: list[EmploymentType] = Field(
        default_factory=list, description="Empty when unknown."
    )
    experience_years: ExperienceYears | None = None
    education_level: EducationLevel | None = Field(
        default=None, description="The minimum level required (not merely preferred)."
    )
    occupation: Occupation | None = None


class FieldChange(_Message):
    """Old and new value of one field that alerting compares."""

    old: Any
    new: Any


class ChangeEvent(_Message):
    """What postings.changes carries for alerting: a new posting or a changed one."""

    schema_version: int = SCHEMA_VERSION
    event_id: NonEmptyStr = Field(description="'{posting_id}:{content_hash}': idempotency key.")
    kind: Literal["new", "updated"]
    posting_id: NonEmptyStr
    content_hash: NonEmptyStr
    previous_content_hash: str | None
    changes: dict[str, FieldChange]
    posting: EnrichedPosting


ErrorKind = Literal[
    "invalid_encoding",
    "invalid_json",
    "schema_violation",
    "oversized",
    "enrichment_error",
    "enrichment_timeout",
]


class DeadLetter(_Message):
    """What postings.dlq carries: the untouched original plus why it failed and where from."""

    schema_version: int = SCHEMA_VERSION
    error_kind: ErrorKind
    error: str
    topic: str
    partition: int
    offset: int
    failed_at: dt.datetime
    key: str | None = Field(description="The original key when it was UTF-8, else null.")
    key_b64: str | None = Field(default=None, description="The original key bytes, base64.")
    value_b64: str = Field(description="The original value bytes, base64.")


MESSAGE_MODELS: dict[str, type[BaseModel]] = {
    "raw_posting": RawPosting,
    "enriched_posting": EnrichedPosting,
    "change_event": ChangeEvent,
    "dead_letter": DeadLetter,
}
"""Schema file stem -> model, for schema generation and example validation."""
