"""Differential tests: the compiled terms scan (`stream_native.TermsScanner`, behind
`terms.scan.scan` and `terms.scan.read`) gives exactly the hits of the Python reference
(`scan_reference`), and the compiled experience rules the mentions of
`experience.mentions` (or defer to it, answering None): on
hand-picked texts, on generated text built from the keywords and the characters around
them, and on every title and description of the real postings in ../shared/data and every
labelled terms case."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.enrich.terms.education import level_mentions
from stream.enrich.terms.experience import mentions
from stream.enrich.terms.scan import (
    _WORD_STARTS,
    DEFER,
    KEYWORDS,
    read,
    read_mentions,
    scan,
    scan_reference,
)
from stream.enrich.terms.step import decide, decide_reference
from stream.enrich.text import normalize_text
from tests.normalization import cases as case_files

TEXTS = [
    "",
    "a",
    "year",
    "MS degree",
    "\nms degree",
    "Ms. Smith, 5 years",
    "teams need 5yrs; BS/BA or MSc; PhD, Ph.D, pharmd",
    "Full and Part-Time positions, full or part time, FULL-TIME",
    "•B.S. in Math – Degree ‘required’ — 3 Jahre Berufserfahrung",
    "a surrogate \ud800 before a degree",
    "no experience necessary: experience not required (nice to have)",
    "yEar YEAR Year (ms Ms -ms MS xms masters pHd PhD ph.D",
]

# Keyword spellings, the characters a word-start keyword may follow, and others.
_KEYWORD_TOKENS = sorted(
    {w.lstrip("^") for words in KEYWORDS.values() for w in words}
    | {w.lstrip("^").upper() for words in KEYWORDS.values() for w in words}
    | {w.lstrip("^").title() for words in KEYWORDS.values() for w in words}
)
# Spellings that are no pattern ("yEar", "pHd"): the compiled scan finds the keywords in
# lower case and must keep only the reference's own spellings.
_MIXED_CASE = ["yEar", "YEar", "Ms", "mS", "pHd", "PHd", "fULL-time", "Full-Time", "dEgree",
               "Ged", "gED", "MbA", "FtE", "Prn", "Bs ", "bS/", "JD ", "Jd "]  # fmt: skip
TOKENS = [*_KEYWORD_TOKENS, *_MIXED_CASE, *_WORD_STARTS, "x", "é", "–", "\u2022", "Y", "a",
          "s", ". "]  # fmt: skip


EXPERIENCE_TEXTS = [
    "5+ years of hands-on Python experience",
    "3-5 yrs. experience; 2 – 4 years’ experience",
    "two (2) years in a similar role, three to five years working as an analyst",
    "Minimum 5 yrs in sales. At least 2 years of college.",
    "We have 25 years of history. Founded 10 years ago, our 5 years",
    "6 months experience, 18 months in the field",
    "1.5 months of experience",
    "Must have 2+ years of program management",
    "within 6 months of hire you will need 2 years experience",
    "10+years experience, 5 or more years experience, 3 plus years experience",
    "3 Jahre Berufserfahrung, zwei Jahren Erfahrung",
    "No experience necessary. Experience necessary. no prior experience",
    "٣ years of experience",
    "² years of experience",
    "5 YEARS EXPERİENCE, 4 yearſ experience, 3 ſtudies years",
    "(5) years of experience with Java, (+) 4 years experience",
    "1 year Java exp. and 2 yrs. exp",
    "Experience: 3 years",
]

EDUCATION_TEXTS = [
    "Bachelor's degree in CS required, Master's preferred; PhD a plus",
    "High school diploma or GED. Associate's degree. BS/MS in Math; B.S. in Physics",
    "Ph.D. students and PhD stipend; Ph.D. programme; PhD programs; Ph.D in Chemistry",
    "QualificationsDegree in Engineering. Our engineers Degree in CS",
    "No degree required. Degree is not required. 4 year degree; college degree",
    "abgeschlossene Ausbildung, Berufsausbildung, Hochschulstudium, Studium, Diplom",
    "mosaic masters in Ravenna; a masters in finance; Scrum Masters",
    "MD/DO, MD or DO, PharmD, J.D., JD required, DVM, DDS, PsyD, MSN, MSW, BSN",
    "currently pursuing a bachelor's degree; tuition reimbursement for master's degree",
    "•B.S. in Math – Degree ‘required’ — master\x92s degree, MASTER’S DEGREE",
    "GCSEs, A-levels, A level, vocational training, trade school, technical school",
    "Bachelor’s degree (Physics or Applied Chemistry preferred)",
    "PhD\u0301 in physics, Master² degree",
]

# Words and characters the education rules read.
EDUCATION_TOKENS = [
    "degree", "Degree", "diploma", "bachelor", "Bachelor's", "bachelors", "master", "Master's",
    "masters", "MBA", "PhD", "Ph.D", "Ph.D.", "doctorate", "doctoral", "GED", "high school",
    "High-School", "associate", "Associate’s", "BS", "B.S.", "BA/", "BSc", "MS", "M.S.",
    "MSc", "MD/DO", "PharmD", "J.D.", "JD", "vocational", "Ausbildung", "Studium", "Diplom",
    "abgeschlossene", "student", "students", "stipend", "programme", "program", "in", "of",
    "or", "/", "a", "no", "without", "not required", "is not", "required", "preferred",
    "plus", "college", "4", "year", "two", "pursuing", "tuition", "scrum", "mosaic", ".",
    ",", ";", ":", "\n", "•", "(", ")", "’", "\x92", " ", "İ", "ı", "ſ", "\u0301", "²", "é",
    "X", "x", "Qualifications",
]  # fmt: skip

GENERATED = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _outcome(read_terms: Callable[[str, str, str | None], object], text: str) -> object:
    """What the terms step gives, or the error it raises (the compiled path must raise
    where the reference does; it did on "x ² years of experience" before `isdecimal`)."""
    try:
        return read_terms("", text, None)
    except ValueError as error:
        return repr(error)


def _same(text: str) -> None:
    hits = scan_reference(text)
    assert scan(text) == hits
    encoded = text.encode("ascii", "replace")
    assert scan(text, encoded) == scan_reference(text, encoded)
    compiled, found, levels = read_mentions(text)
    assert compiled == hits
    if found is not None:
        assert found == mentions(text, hits)
    if levels is not None:
        assert levels == level_mentions(text, hits)
    # ... and the decided fields (which also read `Requirements` in Rust)
    assert _outcome(decide, text) == _outcome(decide_reference, text)
    compiled, years, level = read(text)
    assert compiled == hits
    assert (years is DEFER) == (found is None)
    assert (level is DEFER) == (levels is None)


@pytest.mark.parametrize("text", TEXTS + EXPERIENCE_TEXTS + EDUCATION_TEXTS)
def test_hand_picked(text: str) -> None:
    _same(text)


def test_experience_cases_find_mentions_and_deferrals() -> None:
    # A check on the test: the cases reach mentions, ranges, months and the deferrals.
    found = [read_mentions(text)[1] for text in EXPERIENCE_TEXTS]
    assert None in found  # "٣", "²", "1.5 months": the reference decides
    flat = [m for f in found if f for m in f]
    assert (0, 7, (5.0, None)) in flat
    assert any(m[2][1] is not None for m in flat)
    assert any(m[2] == (0.5, None) for m in flat)


# Words the experience rules read, and characters Python's rules treat specially.
EXPERIENCE_TOKENS = [
    "5", "10", "2", "3.5", "25", "30", "100", "two", "five", "twenty", "zwei", "(2)", "(+)",
    "+", "-", "–", " to ", " or ", " bis ", "or more", "plus", "full", "year", "years",
    "yrs", "yrs.", "yr", "months", "month", "Jahre", "Jahren", "YEARS", "Years", "of", "in",
    "with", "at", "experience", "exp", "expertise", "Erfahrung", "background", "as an",
    "as a", "working", "in a similar role", "roles", "the", "our", "we", "ago", "age",
    "college", "service", "Must have ", "minimum ", "at least ", "within ", "founded",
    "company", "no", "No experience necessary", "experience needed", ".", ";", ",", "\n",
    "’", "'", "\x92", " ", "  ", "ſ", "İ", "ı", "\u212a", "²", "٣", "\u0301", "x", "é",
]  # fmt: skip


@GENERATED
@given(
    text=st.one_of(
        st.lists(st.sampled_from(EXPERIENCE_TOKENS), max_size=30).map("".join),
        st.lists(st.sampled_from(EXPERIENCE_TOKENS), max_size=20).map(" ".join),
    )
)
def test_generated_experience(text: str) -> None:
    _same(text)


def test_education_cases_find_levels_and_deferrals() -> None:
    # A check on the test: the cases reach every level, exclusions and the deferral.
    found = [read_mentions(text)[2] for text in EDUCATION_TEXTS]
    assert found[-1] is None  # a combining mark and "²" next to keywords
    levels = {m[2] for f in found if f for m in f}
    assert levels == {"none", "secondary", "vocational", "associate", "bachelor", "master",
                      "doctorate"}  # fmt: skip
    assert any(m[4] for f in found if f for m in f)


# Cues, labels and headings that say whether a mention is required.
REQUIREMENT_TOKENS = [
    "preferred", "Preferred", "PREFERRED", "prefer", "Prefers", "desired", "is desired",
    "required", "Required", "requires", "must have", "must be", "a plus", "is a plus",
    "nice to have", "not required", "bonus", "advantage", "mandatory",
    "Preferred Qualifications:", "Desired Skills:", "Minimum Requirements:",
    "Basic Qualifications", "Requirements", "Requirements:", "Qualifications:",
    "Nice to have", "Must haves:", "Education:", "\n", "\n\n", "(", ")", ":", ",", ".",
    "; ", "•", "Node.js", "preferredBachelor's", "RequiredAssociate", "CS degree",
    "Bachelor's degree", "Master's", "PhD", "5+ years experience", "2 years of experience",
    "in Computer Science", "or related field", "ı", "İ", "ſ", "\u0301",
]  # fmt: skip


@GENERATED
@given(
    text=st.lists(
        st.sampled_from(REQUIREMENT_TOKENS + EDUCATION_TOKENS[:30] + EXPERIENCE_TOKENS[:30]),
        max_size=40,
    ).map(" ".join)
)
def test_generated_requirements(text: str) -> None:
    _same(text)


@GENERATED
@given(
    text=st.one_of(
        st.lists(st.sampled_from(EDUCATION_TOKENS), max_size=30).map("".join),
        st.lists(st.sampled_from(EDUCATION_TOKENS), max_size=20).map(" ".join),
    )
)
def test_generated_education(text: str) -> None:
    _same(text)


def test_hits_are_what_the_reference_finds() -> None:
    # Not only equal: the cases above do find hits of several fields (a check on the test).
    hits = scan(TEXTS[6])
    assert set(hits) >= {"years", "education"}
    assert hits["years"][0] == (12, 14, "yr")


@GENERATED
@given(
    text=st.one_of(
        st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
        st.lists(st.sampled_from(TOKENS), max_size=20).map(" ".join),
        st.text(max_size=60),
    )
)
def test_generated(text: str) -> None:
    _same(text)


def _real_texts(shared_data: Path) -> list[str]:
    texts: list[str] = []
    lines = (shared_data / "skills" / "skillspan_dev_postings.jsonl").read_text().splitlines()
    raw = [json.loads(line)["text"] for line in lines]
    texts += raw + [normalize_text(t) for t in raw]
    csv.field_size_limit(sys.maxsize)
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            for key in ("title", "description"):
                value = row.get(key) or ""
                texts += [value, normalize_text(value)]
    texts.append((shared_data / "seed" / "posting-poshmark-senior-ml-engineer.txt").read_text())
    for name in ("terms_cases", "terms_holdout", "terms_holdout2", "terms_holdout3",
                 "terms_holdout4"):  # fmt: skip
        for case in case_files.load(f"{name}.jsonl", shared_data):
            texts += [case["title"] or "", case["description"] or ""]
    return list(dict.fromkeys(texts))


@pytest.mark.shared_data
def test_real_postings(shared_data: Path) -> None:
    texts = _real_texts(shared_data)
    mismatches, deferred, mentioned, levelled = [], 0, 0, 0
    for text in texts:
        hits = scan_reference(text)
        compiled, found, levels = read_mentions(text)
        if decide("", text, None) != decide_reference("", text, None):
            mismatches.append(("decide", text[:80]))
        if scan(text) != hits or compiled != hits:
            mismatches.append(("scan", text[:80]))
        if found is None or levels is None:
            deferred += 1
        if found is not None and found != mentions(text, hits):
            mismatches.append(("experience", text[:80]))
        if levels is not None and levels != level_mentions(text, hits):
            mismatches.append(("education", text[:80]))
        mentioned += bool(found)
        levelled += bool(levels)
    assert len(texts) > 2000
    assert mismatches == []
    assert mentioned > 300  # the comparisons saw real mentions
    assert levelled > 300
    assert deferred <= 2  # the real postings hardly ever need the reference


@pytest.mark.shared_data
def test_real_postings_with_title_and_field(shared_data: Path) -> None:
    # `decide` reads the title once per distinct title (cached); the reference reads it
    # every time: the same fields for every LinkedIn row (title, description and its
    # employment type, also without them) and every labelled case.
    csv.field_size_limit(sys.maxsize)
    inputs: list[tuple[str, str, str | None]] = []
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            title = normalize_text(row["title"] or "")
            text = normalize_text(row["description"] or "")
            kind = row["formatted_work_type"] or None
            inputs += [(title, text, kind), (title, "", None), (title, text, None)]
    for name in ("terms_cases", "terms_holdout", "terms_holdout2", "terms_holdout3",
                 "terms_holdout4"):  # fmt: skip
        for case in case_files.load(f"{name}.jsonl", shared_data):
            inputs.append(
                (
                    normalize_text(case.get("title") or ""),
                    normalize_text(case.get("description") or ""),
                    case.get("employment_type"),
                )
            )
    mismatches = [i for i in inputs if decide(*i) != decide_reference(*i)]
    titled = [decide(t, "", None) for t, _, _ in inputs]
    assert len(inputs) > 1500
    assert mismatches == []
    # the comparisons saw levels and employment types read from titles alone
    assert sum(p.seniority is not None for p in titled) > 100
    assert sum(bool(p.employment_types) for p in titled) > 10
