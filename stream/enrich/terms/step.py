"""The terms enrichment step: `seniority`, `employment_types`, `experience_years` and
`education_level` on the posting, decided together from one scan of the description."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from stream.enrich.step import EnrichmentObserver, PreparedPosting
from stream.enrich.terms.education import education_level
from stream.enrich.terms.employment import employment_types
from stream.enrich.terms.experience import experience_years
from stream.enrich.terms.scan import Requirements, read
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
    hits, found, levels = read(description)
    asked = [hit[1] for field in _ASKED for hit in hits.get(field, ())]
    # The ASCII bytes are encoded by `Requirements` only if a mention needs them.
    requirements = Requirements(description, None, max(asked) if asked else None, hits)
    years, _ = experience_years(description, hits, requirements, found)
    words = title_words(title)
    return _part(
        seniority(title, years[0] if years else None, hits, words),
        tuple(employment_types(employment_type, title, description, hits, words)),
        years,
        education_level(description, hits, requirements, levels),
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
