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
from stream.enrich.occupation.step import OccupationStep
from stream.enrich.occupation.table import load_index
from stream.enrich.place.gazetteer import gazetteer
from stream.enrich.place.step import PlaceStep
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


def occupation_step(resources: StepResources) -> EnrichmentStep:
    # The ESCO table (~1 s) loads here, when the enricher is built at start, not inside the
    # first posting's per-message time budget.
    load_index()
    return OccupationStep()


def place_step(resources: StepResources) -> EnrichmentStep:
    # The gazetteer (2-4 s, ~80 MB) is built here, at start, like the occupation table.
    return PlaceStep(gazetteer())


def terms_step(resources: StepResources) -> EnrichmentStep:
    """seniority, employment_types, experience_years and education_level, in one scan."""
    return TermsStep()


STEPS: tuple[StepFactory, ...] = (
    skills_step,
    salary_step,
    place_step,
    occupation_step,
    terms_step,
)
