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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from stream import __version__
from stream.enrich.fx import FxRates
from stream.enrich.salary.extract import extract_salary_result
from stream.enrich.salary.judge import DroppedPay
from stream.enrich.skills.extract import Engine, SkillExtractor
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.text import normalize_text
from stream.models import EnrichedPosting, RawPosting, Salary, SkillTag, posting_id_of

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


class EnrichmentObserver(Protocol):
    """Receives what enrichment measured: time per enricher, and pay figures dropped by the
    sanity bounds (metrics in the worker). Must not raise."""

    def observe(self, enricher: str, seconds: float) -> None: ...

    def salary_dropped(self, dropped: Sequence[DroppedPay]) -> None: ...


@dataclass(frozen=True, slots=True)
class ContentDigests:
    """`content`: 128-bit hex digest of the normalized content fields; `description`: a short
    digest of the normalized description alone (change events show that it changed). Both
    are whitespace-insensitive and come from one normalization pass."""

    content: str
    description: str


def content_digests(raw: RawPosting) -> ContentDigests:
    normalized = {name: " ".join((getattr(raw, name) or "").split()) for name in _CONTENT_FIELDS}
    canonical = json.dumps(normalized, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return ContentDigests(
        content=hashlib.blake2b(canonical, digest_size=16).hexdigest(),
        description=hashlib.blake2b(
            normalized["description"].encode("utf-8"), digest_size=8
        ).hexdigest(),
    )


def content_hash(raw: RawPosting) -> str:
    return content_digests(raw).content


@dataclass(frozen=True)
class Enricher:
    """Holds what enrichment needs that is expensive to build: the matcher and FX rates."""

    taxonomy: Taxonomy
    skills: SkillExtractor
    fx: FxRates

    @classmethod
    def build(
        cls,
        taxonomy: Taxonomy,
        fx: FxRates | None = None,
        *,
        skill_evidence: bool = False,
        skill_engine: Engine = "native",
    ) -> Enricher:
        return cls(
            taxonomy=taxonomy,
            skills=SkillExtractor(taxonomy, evidence=skill_evidence, engine=skill_engine),
            fx=fx or FxRates.bundled(),
        )

    @property
    def taxonomy_version(self) -> str:
        return self.taxonomy.version

    @property
    def cache_variant(self) -> str:
        """What, besides the enricher version and the content, a cached result depends on:
        the taxonomy version, and whether tags carry evidence."""
        version = self.taxonomy.version
        return f"{version}+evidence" if self.skills.evidence else version

    def compute(self, raw: RawPosting, observer: EnrichmentObserver | None = None) -> Enrichment:
        """Run every enricher on one posting (the expensive, cacheable part).

        FX conversion uses the rate of the posting date when there is one. The cache key
        leaves posted_at out, so a duplicate posted on another day reuses the first one's
        rate date (shown in `fx_rate_date`): a deliberate trade for one cache entry per
        content."""
        started = time.perf_counter()
        description = normalize_text(raw.description)
        title = normalize_text(raw.title)
        normalized = time.perf_counter()
        skills = self.skills.extract(title, description)
        tagged = time.perf_counter()
        on = raw.posted_at.date() if raw.posted_at is not None else None
        pay = extract_salary_result(raw.salary_text, description, raw.location, self.fx, on=on)
        done = time.perf_counter()
        if observer is not None:
            observer.observe("normalize", normalized - started)
            observer.observe("skills", tagged - normalized)
            observer.observe("salary", done - tagged)
            if pay.dropped:
                observer.salary_dropped(pay.dropped)
        return Enrichment(skills=skills, salary=pay.salary)

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
