"""The skills enrichment step: `skills` on the posting, from the taxonomy."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from stream.enrich.skills.extract import SkillExtractor
from stream.enrich.step import EnrichmentObserver, PreparedPosting, construct
from stream.models import SkillTag

# A revision of the matching rules that changes tags without a taxonomy change (2: the
# context rules, stream/enrich/skills/context.py; 3: teams the hire works with, employee
# testimonials and more company cues; 4: skill cues, a weak form tags without a
# corroborating skill where the words around it say a skill, cues.skill_cue; 5: colleagues'
# titles, how employers introduce themselves, negations). Part of the step's version, so
# cached tags of an older revision miss.
SKILL_RULES_VERSION = "5"


class SkillsPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    skills: list[SkillTag]


@dataclass(frozen=True, slots=True)
class SkillsStep:
    """Tags from one taxonomy version; with evidence, tags carry their mention offsets."""

    extractor: SkillExtractor
    name: str = "skills"

    @property
    def version(self) -> str:
        # Cached tags depend on the taxonomy, the rules and whether they carry evidence.
        version = f"{self.extractor.taxonomy.version}+r{SKILL_RULES_VERSION}"
        return f"{version}+evidence" if self.extractor.evidence else version

    @property
    def part(self) -> type[BaseModel]:
        return SkillsPart

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> SkillsPart:
        tags = self.extractor.extract(posting.title, posting.description)
        return construct(SkillsPart, {"skills": tags})  # tags are built validated
