"""Which enrichment steps run, in order: one line per step.

A factory builds its step from the shared, expensive resources (the taxonomy, FX rates)
and the enrichment settings; the pipeline calls every factory again when the taxonomy is
hot-reloaded. Adding an enricher: one module with its step, one line here, its fields on
`EnrichedPosting` (docs/architecture.md, "Add an enricher").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from stream.config import EnrichmentSettings
from stream.enrich.fx import FxRates
from stream.enrich.salary.step import SalaryStep
from stream.enrich.skills.extract import SkillExtractor
from stream.enrich.skills.step import SkillsStep
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.step import EnrichmentStep
from stream.enrich.terms.step import TermsStep


@dataclass(frozen=True, slots=True)
class StepResources:
    """What steps are built from; built once per process (and per taxonomy version)."""

    taxonomy: Taxonomy
    fx: FxRates
    settings: EnrichmentSettings


StepFactory = Callable[[StepResources], EnrichmentStep]


def skills_step(resources: StepResources) -> EnrichmentStep:
    settings = resources.settings
    return SkillsStep(
        SkillExtractor(
            resources.taxonomy, evidence=settings.skill_evidence, engine=settings.skill_engine
        )
    )


def salary_step(resources: StepResources) -> EnrichmentStep:
    return SalaryStep(resources.fx)


STEPS: tuple[StepFactory, ...] = (
    skills_step,
    salary_step,
    lambda resources: TermsStep(),  # seniority, employment_types, experience, education
)
