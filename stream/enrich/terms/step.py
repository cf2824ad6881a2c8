"""The terms enrichment step: `seniority`, `employment_types`, `experience_years` and
`education_level` on the posting, decided together from one scan of the description."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import cast

from pydantic import BaseModel, ConfigDict

from stream.enrich.step import EnrichmentObserver, PreparedPosting
from stream.enrich.terms.education import education_level
from stream.enrich.terms.employment import ORDER, employment_types, from_description, from_field
from stream.enrich.terms.employment import from_title as types_from_title
from stream.enrich.terms.experience import experience_years
from stream.enrich.terms.scan import DEFER, Requirements, read, scan_reference
from stream.enrich.terms.seniority import from_description as seniority_from_description
from stream.enrich.terms.seniority import from_title as seniority_from_title
from stream.enrich.terms.seniority import seniority, title_words
from stream.models import EducationLevel, EmploymentType, ExperienceYears, Seniority

# The fields whose mentions ask whether they are required (the last one bounds the
# headings read).
_ASKED = ("years", "no_experience", "education")

# Bump when the rules change what a cached result would be without a new release.
TERMS_RULES_VERSION = "2"


class TermsPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    seniority: Seniority | None
    employment_types: list[EmploymentType]
    experience_years: ExperienceYears | None
    education_level: EducationLevel | None


def decide(title: str, description: str, employment_type: str | None) -> TermsPart:
    """The four fields for one posting (normalized title and description)."""
    hits, years, education = read(description)
    if years is DEFER or education is DEFER:
        # The compiled rules left a field to the reference (rare: see `scan.read`).
        asked = [hit[1] for field in _ASKED for hit in hits.get(field, ())]
        requirements = Requirements(description, None, max(asked) if asked else None, hits)
        if years is DEFER:
            years, _ = experience_years(description, hits, requirements)
        if education is DEFER:
            education = education_level(description, hits, requirements)
    found = cast("tuple[float, float | None] | None", years)
    level, title_types = _from_title(title)
    if level is None:
        level = seniority_from_description(found[0] if found else None, hits)
    types = from_field(employment_type) | title_types | from_description(description, hits)
    return _part(level, _ordered(types), found, cast("EducationLevel | None", education))


@functools.lru_cache(maxsize=512)
def _ordered(types: frozenset[EmploymentType]) -> tuple[EmploymentType, ...]:
    """`types` in the contract's order. A few dozen distinct sets: the cached tuple costs
    ~0.2 us, the generator over `ORDER` ~0.6 (measured with timeit)."""
    return tuple(kind for kind in ORDER if kind in types)


@functools.lru_cache(maxsize=8192)
def _from_title(title: str) -> tuple[Seniority | None, frozenset[EmploymentType]]:
    """The seniority and employment types the title alone gives (`seniority.from_title`,
    `employment.from_title`). Titles repeat, as locations do (the occupation step keeps
    its coded titles the same way): one reading per distinct title, ~3 us a posting."""
    words = title_words(title)
    return seniority_from_title(title, words), frozenset(types_from_title(title, words))


def decide_reference(title: str, description: str, employment_type: str | None) -> TermsPart:
    """`decide` by the Python rules alone: the reference the compiled rules are tested
    against."""
    encoded = description.encode("ascii", "replace")
    hits = scan_reference(description, encoded)
    asked = [hit[1] for field in _ASKED for hit in hits.get(field, ())]
    requirements = Requirements(description, encoded, max(asked) if asked else None, hits)
    years, _ = experience_years(description, hits, requirements)
    words = title_words(title)
    return _part(
        seniority(title, years[0] if years else None, hits, words),
        tuple(employment_types(employment_type, title, description, hits, words)),
        years,
        education_level(description, hits, requirements),
    )


@functools.lru_cache(maxsize=4096)
def _part(
    level: Seniority | None,
    types: tuple[EmploymentType, ...],
    years: tuple[float, float | None] | None,
    education: EducationLevel | None,
) -> TermsPart:
    # A few hundred distinct results in all: building a pydantic model costs ~4 us here, a
    # cache hit a tenth of that. Parts are frozen and `Enricher.assemble` validates their
    # fields into the posting (copying the list), so one instance can serve many postings.
    return TermsPart(
        seniority=level,
        employment_types=list(types),
        experience_years=None if years is None else ExperienceYears(min=years[0], max=years[1]),
        education_level=education,
    )


@dataclass(frozen=True, slots=True)
class TermsStep:
    """Seniority, employment types, experience and education (docs/normalization.md)."""

    name: str = "terms"
    version: str = TERMS_RULES_VERSION

    @property
    def part(self) -> type[BaseModel]:
        return TermsPart

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> TermsPart:
        return decide(posting.title, posting.description, posting.raw.employment_type)
