"""Seniority, employment types, experience years and education level (stream.enrich.terms).

The labelled dev set (tests/normalization/terms_cases.jsonl: short snippets of the LinkedIn
sample and SkillSpan postings judged by hand, plus hand-written cases) keeps the labels in the
repository and reads the snippets from ../shared/data (tests/normalization/cases.py), so its
floors are checked wherever the data is and skipped elsewhere;
benchmarks/normalization_terms.py prints the same figures and the speed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.step import PreparedPosting
from stream.enrich.terms.step import TermsPart, TermsStep, decide, decide_reference
from stream.enrich.text import normalize_text
from stream.models import EnrichedPosting, ExperienceYears, RawPosting
from tests.normalization import cases as case_files

FLOORS = {"seniority": 0.90, "employment_types": 0.95, "experience_years": 0.90,
          "education_level": 0.90}  # fmt: skip


def terms(title: str = "", description: str = "", employment_type: str | None = None) -> TermsPart:
    return decide(normalize_text(title), normalize_text(description), employment_type)


def years(description: str) -> tuple[float | None, float | None] | None:
    found = terms(description=description).experience_years
    return None if found is None else (found.min, found.max)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Sr. Data Scientist", "senior"),
        ("Software Engineer II", "mid"),
        ("Software Engineer III", "senior"),
        ("Junior Developer", "entry"),
        ("Staff Software Engineer", "lead"),
        ("Principal Engineer", "lead"),
        ("Team Lead, Support", "lead"),
        ("Engineering Manager", "manager"),
        ("Head of Data", "director"),
        ("VP of Engineering", "executive"),
        ("Chief Financial Officer", "executive"),
        ("Software Engineering Intern (Summer 2027)", "intern"),
        ("Werkstudent Marketing (m/w/d)", "intern"),
        ("Teamleiter Logistik (m/w/d)", "lead"),
        # roles, not people managers
        ("Account Manager", None),
        ("Product Manager", None),
        ("Senior Product Manager", "senior"),
        ("Account Executive", None),
        ("Executive Assistant", None),
        ("Staff Accountant", None),
        ("Senior Living Caregiver", None),
    ],
)
def test_seniority_from_the_title(title: str, expected: str | None) -> None:
    assert terms(title).seniority == expected


def test_seniority_from_the_description_when_the_title_says_nothing() -> None:
    assert terms("Barista", "No experience necessary, we will train.").seniority == "entry"
    assert terms("Analyst", "Requirements: 3+ years of experience in SQL.").seniority == "mid"
    assert terms("Analyst", "You have 6+ years of experience in SQL.").seniority == "senior"
    assert terms("Cashier", "This is an entry-level position.").seniority == "entry"
    assert terms("Analyst", "Analyse data.").seniority is None
    # the title wins
    assert terms("Senior Analyst", "No experience necessary.").seniority == "senior"


@pytest.mark.parametrize(
    ("field", "title", "description", "expected"),
    [
        ("Full-time", "Analyst", "", ["full_time"]),
        ("FULL_TIME", "Analyst", "", ["full_time"]),
        ("Temp to Hire", "Analyst", "", ["temporary"]),
        ("Other", "Analyst", "", []),
        (None, "Data Engineer - 6-month contract", "", ["contract"]),
        (None, "Marketing Intern", "", ["internship"]),
        (None, "Contract Manager", "", []),
        (
            None,
            "Analyst",
            "Full-time or part-time positions available.",
            ["full_time", "part_time"],
        ),
        (None, "Analyst", "Job Type: Full-time, Contract", ["full_time", "contract"]),
        (None, "Analyst", "Full-time employees are eligible for our 401(k).", []),
        (None, "Analyst", "Lead contract negotiations with vendors.", []),
        ("Part-time", "Seasonal Retail Associate", "", ["part_time", "seasonal"]),
        ("Vollzeit, Teilzeit", "Elektriker (m/w/d)", "", ["full_time", "part_time"]),
        (None, "Analyst", "", []),
        (None, "Analyst", "Status: Part-time, non-exempt", ["part_time"]),
        (None, "Analyst", "Reports to: Director (Full-Time)", ["full_time"]),
        (None, "Analyst", "The role will be part-time and remote.", ["part_time"]),
        (None, "Analyst", "Benefits\nFull-time employees receive dental.", []),
        (None, "Analyst", "Seasonal Lifeguard, summer 2027\nGuard the pool.", ["seasonal"]),
    ],
)
def test_employment_types(
    field: str | None, title: str, description: str, expected: list[str]
) -> None:
    assert terms(title, description, field).employment_types == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("5+ years of experience with Python.", (5, None)),
        ("3-5 years of experience in sales.", (3, 5)),
        ("Three to five years of office management experience.", (3, 5)),
        ("You bring two years' experience in a kitchen.", (2, None)),
        ("Five (5) years of pharmacy experience.", (5, None)),
        ("5 or more years payroll experience.", (5, None)),
        ("At least 6 months of experience in retail.", (0.5, None)),
        ("No experience necessary!", (0, None)),
        ("Mindestens 3 Jahre Berufserfahrung im Vertrieb.", (3, None)),
        ("Finance0 - 2 years' experience in accounting", (0, 2)),  # words glued by a scraper
        # company facts and benefits are not experience
        ("We were founded 25 years ago.", None),
        ("After 2 years of service you receive an extra week off.", None),
        ("With over 40 years of experience, our firm builds bridges.", None),
        ("Our team brings 20 years of experience in logistics.", None),
        ("Must be 18 years of age or older.", None),
        ("Salary: $50,000 per year.", None),
        ("Loans for 14 years. With expertise in lending.", None),
    ],
)
def test_experience_years(description: str, expected: tuple[float, float | None] | None) -> None:
    assert years(description) == expected


def test_experience_prefers_a_required_mention_to_a_preferred_one() -> None:
    text = "Nice to have:\n- 7+ years with Kubernetes\nRequirements:\n- 3+ years of Go experience"
    assert years(text) == (3, None)
    assert years("10+ years of leadership experience preferred.") == (10, None)  # the only one


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Bachelor's degree required; Master's degree preferred.", "bachelor"),
        ("Bachelor's degree in CS, Engineering, or a related field preferred.", None),
        ("Requires a bachelor's degree, master's a plus.", "bachelor"),
        ("Bachelor's degree or equivalent experience.", "bachelor"),
        ("Bachelor's or Master's degree in Computer Science.", "bachelor"),
        ("High school diploma or GED required; associate's degree a plus.", "secondary"),
        ("PhD in Machine Learning or a related field.", "doctorate"),
        ("MD or DO from an accredited school.", "doctorate"),
        ("No degree required.", "none"),
        ("Associate degree desired.", None),
        ("Bachelor's degree (Civil or Chemical Engineering preferred).", "bachelor"),
        ("Currently pursuing a bachelor's degree in marketing.", None),
        ("Tuition reimbursement toward a master's degree.", None),
        ("A high degree of accuracy and attention to detail.", None),
        ("Proficient in MS Office and Excel.", None),
        ("Preferred qualifications:\n- Master's degree in statistics", None),
        ("Abgeschlossene Ausbildung als Elektroniker.", "vocational"),
        ("Abgeschlossenes Studium der Informatik.", "bachelor"),
        ("QualificationsBachelor's degree in Accounting", "bachelor"),  # glued by a scraper
    ],
)
def test_education_level(description: str, expected: str | None) -> None:
    assert terms(description=description).education_level == expected


def _right(case: dict[str, Any], part: TermsPart) -> bool:
    field, expected = case["field"], case["expected"]
    if field == "experience_years":
        found = part.experience_years
        if expected is None or found is None:
            return expected is None and found is None
        return bool(found.min == expected[0])  # "experience min", as the issue measures
    return bool(getattr(part, field) == expected)


@pytest.mark.shared_data
def test_dev_set_floors(shared_data: Path) -> None:
    cases = case_files.load("terms_cases.jsonl", shared_data)
    counts = Counter(case["field"] for case in cases)
    assert sum(counts.values()) >= 200
    assert set(counts) == set(FLOORS)
    right: Counter[str] = Counter()
    for case in cases:
        part = terms(case["title"], case["description"], case["employment_type"])
        right[case["field"]] += _right(case, part)
    accuracy = {field: right[field] / counts[field] for field in counts}
    assert all(accuracy[f] >= FLOORS[f] for f in FLOORS), accuracy


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["terms_holdout.jsonl", "terms_holdout2.jsonl"])
def test_held_out_sets_stay_above_the_floors(name: str, shared_data: Path) -> None:
    # Both sets were blind at their first run (docs/normalization.md gives those figures)
    # and have been used since; this keeps the rules from sliding back under the floors.
    cases = case_files.load(name, shared_data)
    counts = Counter(case["field"] for case in cases)
    right: Counter[str] = Counter()
    for case in cases:
        part = terms(case["title"], case["description"], case["employment_type"])
        right[case["field"]] += _right(case, part)
    accuracy = {field: right[field] / counts[field] for field in counts}
    assert all(accuracy[f] >= FLOORS[f] for f in counts), accuracy


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Full-time position. No part-time positions open.", ["full_time"]),
        ("Job Type: 1.0 FTE Description: The manager will ...", ["full_time"]),
        ("Job Type: 0.5 FTE", ["part_time"]),
        ("Location: HybridType: Full-time/Internship", ["full_time", "internship"]),
        ("We are hiring FULL TIME and PART TIME ASSISTANTS.", ["full_time", "part_time"]),
        ("Full and Part-Time positions available", ["full_time", "part_time"]),
        ("It is a 6-month remote internship; you will assist", ["internship"]),
        ("We offer Per-Diem and Contract openings", ["contract", "per_diem"]),
        ("to join us as a part-time independent contractor!", ["part_time", "contract"]),
        ("You will work 10-20 hours per week as needed", ["part_time"]),
        # not statements
        ("a hybrid setup with remote work 6 hours a week.", []),
        ("Benefits vary based on full-time/part-time status.", []),
        ("our GSA contract status helps your sales work", []),
    ],
)
def test_employment_statements_from_the_third_set(description: str, expected: list[str]) -> None:
    assert terms("Assistant", description).employment_types == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Must have 2+ years of program management.", (2.0, None)),
        ("Minimum 5 yrs. on the job with a trade license.", (5.0, None)),
        ("Proven experience as a Data Analyst in retail banking, with 4+ years of "
         "growing responsibility.", (4.0, None)),
        ("A current license (or licensed within 3 months of hire) At least 1-2 "
         "years of experience giving massages", (1.0, 2.0)),
        ("enrolled in an Undergraduate program for at least 2 years.", None),
        ("Must be at least 21 years of age.", None),
    ],
)  # fmt: skip
def test_experience_from_the_third_set(
    description: str, expected: tuple[float, float | None] | None
) -> None:
    assert years(description) == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("EDUCATION/EXPERIENCE High School Diploma: further training or a "
         "certificate preferred.", "secondary"),
        ("QualificationsCollege degreeKansas Teaching License preferred", "bachelor"),
        ("Desired Qualifications: • 1+ years of experience• BA/BS degree with emphasis in "
         "accounting;", None),
        ("Education and Experience B.S in Biology/Chemistry", "bachelor"),
        ("each tile is set by hand by mosaic masters in Florence.", None),
        ("Education:Bachelor's (Required)Experience:retail: 2 years (Preferred)", "bachelor"),
        ("field is a plusBachelor's degree in Economics, Accounting, or a related area",
         "bachelor"),
        ("industry is a plusBachelor's degree in Accounting is preferred but not required",
         None),
        # a heading glued onto the item it heads
        ("Other tasks as needed Preferred QualificationsBachelor's Degree in Graphic "
         "Design", None),
    ],
)  # fmt: skip
def test_education_from_the_third_set(description: str, expected: str | None) -> None:
    assert terms(description=description).education_level == expected


def test_the_step_is_registered_and_its_fields_are_the_contracts() -> None:
    enricher = Enricher.build(Taxonomy.bundled())
    assert "terms" in [step.name for step in enricher.steps]
    raw = RawPosting(
        source="t", source_id="1", title="Senior Data Engineer",
        description="Requirements: 5+ years of experience. Bachelor's degree in CS.",
        employment_type="Full-time",
    )  # fmt: skip
    posting = PreparedPosting(raw, normalize_text(raw.title), normalize_text(raw.description))
    part = TermsStep().run(posting, None)
    assert set(TermsPart.model_fields) <= set(EnrichedPosting.model_fields)
    assert part.model_dump() == {
        "seniority": "senior", "employment_types": ["full_time"],
        "experience_years": {"min": 5.0, "max": None}, "education_level": "bachelor",
    }  # fmt: skip
    assert TermsPart.model_validate(part.model_dump()) == part


# Hostile shapes, 1 MB each: every keyword a hit, one long line, no clause ends. Linear,
# they take about a second each; quadratic (a window regex scanning back to the line start,
# a clause walk per mention over the whole text) they would take minutes. The timeout is
# the guard; no timing is asserted.
@pytest.mark.timeout(60, method="thread")
@pytest.mark.parametrize(
    "text",
    [
        "5+ years " * 110_000,
        "year" * 250_000,
        "Bachelor's degree preferred, " * 35_000,
        "full-time or part-time " * 45_000,
        "3-5 years of experience preferred, " * 30_000,
        "(" * 500_000 + " degree " + ")" * 500_000,
        "a" * 1_000_000,
        "Job Type: " * 100_000,
        "no experience necessary " * 40_000,
    ],
)
def test_hostile_input_is_linear(text: str) -> None:
    decide("Senior Engineer", text, "Full-time")


def test_a_superscript_digit_before_years_is_no_number() -> None:
    # "²" is a digit to str.isdigit but no number to float(): `decide` raised on it. (The
    # pipeline's text normalization makes it "2" first; `decide` alone must not raise.)
    assert decide("", "x ² years of experience", None).experience_years is None
    assert decide("", "x 3 years of experience", None).experience_years == ExperienceYears(
        min=3.0, max=None
    )


def test_an_unclosed_parenthesis_in_a_cued_clause_is_read_in_linear_time() -> None:
    # The aside pattern backtracked exponentially on the spaces after a "(" that no ")"
    # closes: this clause took minutes. (Under pytest's timeout, not timed here.)
    # The Python rules are the reference the compiled ones are tested against.
    text = "Bachelor's degree preferred (" + "a " * 60 + "x"
    assert decide_reference("", text, None).education_level is None
    assert decide("", text, None).education_level is None
    closed = "Bachelor's degree (Physics or Chemistry preferred) is required"
    assert decide_reference("", closed, None).education_level == "bachelor"
    assert decide("", closed, None).education_level == "bachelor"
