"""The enrichment itself: RawPosting -> EnrichedPosting, a pure function of its inputs.

No Kafka, no Redis: the worker and the offline CLI decode, consult the cache, call this,
and write the result. What the cache stores is the `Enrichment` (skills + salary), keyed
by (enricher_version, taxonomy_version, content_hash), because that part depends only on
the content and the versions; the envelope (ids, timestamps) is rebuilt every time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from stream import __version__
from stream.enrich.fx import FxRates
from stream.enrich.salary import extract_salary
from stream.enrich.skills import SkillExtractor
from stream.enrich.text import normalize_text
from stream.models import EnrichedPosting, RawPosting, Salary, SkillTag, posting_id_of
from stream.taxonomy import Taxonomy

ENRICHER_VERSION = __version__

# The fields that make up a posting's content. Timestamps, url and extra are left out on
# purpose: a re-scrape of the same page (new scraped_at, new tracking parameters) is
# "unchanged" and must not emit a new record or change event.
_CONTENT_FIELDS = ("title", "company", "location", "salary_text", "employment_type", "description")


class Enrichment(BaseModel):
    """The cacheable part of an enriched posting."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    skills: list[SkillTag]
    salary: Salary | None


class EnrichmentTimer(Protocol):
    """Receives the time spent per enricher (a metrics histogram in the worker)."""

    def observe(self, enricher: str, seconds: float) -> None: ...


def content_hash(raw: RawPosting) -> str:
    """128-bit hex digest of the normalized content fields (whitespace-insensitive)."""
    content = {name: " ".join((getattr(raw, name) or "").split()) for name in _CONTENT_FIELDS}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.blake2b(canonical, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Enricher:
    """Holds what enrichment needs that is expensive to build: the matcher and FX rates."""

    taxonomy: Taxonomy
    skills: SkillExtractor
    fx: FxRates

    @classmethod
    def build(cls, taxonomy: Taxonomy, fx: FxRates | None = None) -> Enricher:
        return cls(taxonomy=taxonomy, skills=SkillExtractor(taxonomy), fx=fx or FxRates.bundled())

    @property
    def taxonomy_version(self) -> str:
        return self.taxonomy.version

    def compute(self, raw: RawPosting, timer: EnrichmentTimer | None = None) -> Enrichment:
        """Run every enricher on one posting (the expensive, cacheable part)."""
        started = time.perf_counter()
        description = normalize_text(raw.description)
        title = normalize_text(raw.title)
        normalized = time.perf_counter()
        skills = self.skills.extract(title, description)
        tagged = time.perf_counter()
        salary = extract_salary(raw.salary_text, description, raw.location, self.fx)
        done = time.perf_counter()
        if timer is not None:
            timer.observe("normalize", normalized - started)
            timer.observe("skills", tagged - normalized)
            timer.observe("salary", done - tagged)
        return Enrichment(skills=skills, salary=salary)

    def assemble(
        self, raw: RawPosting, enrichment: Enrichment, digest: str, now: dt.datetime
    ) -> EnrichedPosting:
        """The EnrichedPosting envelope around a (possibly cached) enrichment."""
        return EnrichedPosting(
            **raw.model_dump(exclude={"schema_version"}),
            posting_id=posting_id_of(raw),
            content_hash=digest,
            enriched_at=now,
            enricher_version=ENRICHER_VERSION,
            taxonomy_version=self.taxonomy_version,
            skills=enrichment.skills,
            salary=enrichment.salary,
        )

    def enrich(self, raw: RawPosting, now: dt.datetime | None = None) -> EnrichedPosting:
        """Enrich one posting without any cache: the offline path and the reference."""
        moment = now or dt.datetime.now(dt.UTC)
        return self.assemble(raw, self.compute(raw), content_hash(raw), moment)
