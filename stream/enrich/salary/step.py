"""The salary enrichment step: `salary` on the posting, converted with dated FX rates."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from stream.enrich.fx import FxRates
from stream.enrich.salary.extract import extract_salary_result
from stream.enrich.step import EnrichmentObserver, PreparedPosting, construct
from stream.models import Salary

# Bump when the salary rules change what a cached result would be without a new release
# (the enricher version already covers code changes that ship in a release).
SALARY_RULES_VERSION = "1"


class SalaryPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    salary: Salary | None


@dataclass(frozen=True, slots=True)
class SalaryStep:
    """Pay from `salary_text`, else from the description.

    FX conversion uses the rate of the posting date when there is one. The cache key leaves
    posted_at out, so a duplicate posted on another day reuses the first one's rate date
    (shown in `fx_rate_date`): a deliberate trade for one cache entry per content."""

    fx: FxRates
    name: str = "salary"
    version: str = SALARY_RULES_VERSION

    @property
    def part(self) -> type[BaseModel]:
        return SalaryPart

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> SalaryPart:
        raw = posting.raw
        on = raw.posted_at.date() if raw.posted_at is not None else None
        pay = extract_salary_result(
            raw.salary_text, posting.description, raw.location, self.fx, on=on
        )
        if pay.dropped and observer is not None:
            observer.salary_dropped(pay.dropped)
        if pay.salary is None:
            return _NO_SALARY
        return construct(SalaryPart, {"salary": pay.salary})


# Most postings state no pay. Parts are frozen and `Enricher.compute` copies their fields
# into the enrichment, so one part serves them all (as the terms step shares its parts).
_NO_SALARY = construct(SalaryPart, {"salary": None})
