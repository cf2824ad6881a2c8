"""The salary step's shared part for postings without pay: it is what building a part
would give, and enriching postings leaves it as it was (the enrichment copies its fields)."""

from __future__ import annotations

import pytest

from stream.enrich.fx import FxRates
from stream.enrich.pipeline import Enricher
from stream.enrich.salary.extract import extract_salary_result
from stream.enrich.salary.step import SalaryPart, SalaryStep
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.step import PreparedPosting
from stream.models import RawPosting


def _raw(description: str) -> RawPosting:
    return RawPosting(source="t", source_id="1", title="Engineer", description=description)


def test_no_pay_gives_the_shared_part_equal_to_a_built_one() -> None:
    step = SalaryStep(FxRates.bundled())
    first = step.run(PreparedPosting(_raw("a"), "Engineer", "No pay here, 5 years."), None)
    second = step.run(PreparedPosting(_raw("b"), "Engineer", "Nor here."), None)
    assert first is second  # shared, not built per posting
    built = SalaryPart(salary=None)
    assert first == built
    assert first.model_dump_json() == built.model_dump_json()
    assert first.__pydantic_fields_set__ == {"salary"}
    assert extract_salary_result(None, "Nor here.", None, FxRates.bundled()).salary is None


def test_pay_still_gets_a_part_of_its_own() -> None:
    step = SalaryStep(FxRates.bundled())
    text = "Salary: $100,000 - $120,000 a year."
    part = step.run(PreparedPosting(_raw(text), "Engineer", text), None)
    assert part != SalaryPart(salary=None)
    assert part.salary is not None


@pytest.mark.parametrize("batch", [False, True])
def test_enriching_leaves_the_shared_part_unchanged(batch: bool) -> None:
    enricher = Enricher.build(Taxonomy.bundled())
    raws = [_raw("Python and Kafka."), _raw("Salary: $100,000 a year. SQL.")]
    if batch:
        results = enricher.compute_batch(raws, None, None)
    else:
        results = [enricher.compute(raw) for raw in raws]
    assert [getattr(r, "salary", None) is None for r in results] == [True, False]
    step = SalaryStep(FxRates.bundled())
    shared = step.run(PreparedPosting(_raw("x"), "Engineer", "none"), None)
    assert shared.__dict__ == {"salary": None}
