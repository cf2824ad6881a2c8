"""Differential tests: the Rust context rules (`stream_native.context_ranges`, what the
native scan drops mentions by) give exactly the ranges of the Python reference
(`stream/enrich/skills/context.py`): on hand-picked texts that reach every branch, on
generated texts, and on every real posting in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest
import stream_native
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.enrich.skills.context import (
    CONTEXT_CUES,
    CONTEXT_PATTERNS,
    JOB_CUES,
    LABEL_WORDS,
    NEGATION_EXCEPT,
    NEGATION_REACH,
    ORGANIZATION_JOINS,
    ORGANIZATION_WORDS,
    TEAM_BREAK,
    TEAM_COORDINATORS,
    TEAM_DETERMINERS,
    TEAM_MODIFIES,
    TEAM_REPORTS,
    TEAM_WORDS,
    TEAM_WORKS_WITH,
    context_ranges,
)
from tests.unit.test_native_sections import ASSIGNED, real_texts


def native(text: str) -> list[tuple[int, int]]:
    return stream_native.context_ranges(text, CONTEXT_PATTERNS, JOB_CUES)


CASES = [
    "",
    "Python and SQL.",
    "Acme is a leading provider of scaffolding. We need a welder.",
    "We are a leading firm looking for a Python developer.",
    "Benefits: 401(k), dental insurance, CPR classes License/Certification: OSHA (Required)",
    "Benefits:401k",
    "Benefits",
    "Benefits\n",
    "Benefits\nFree lunch\n\nGym\nRequirements\nCPR\n",
    "About us\nWe build boats.\nRole Description\nWeld hulls.\n",
    "* About Us:\n- We are a bakery; we provide catering.\n- Great team\nLocation:\nOhio",
    "Perks & benefits\n" + "Free snacks\n" * 40,
    "How to apply\nSend your CV.\nINTERN RESPONSIBILITIES: file papers",
    "Our Mission\nstaff.Here we go. U.S. based! Really? yes; no • bullet",
    "Equal Opportunity Employer\nwithout regard to race",
    "x" * 300 + " we offer " + "y" * 300,
    "We offer PTO.We are hiring nurses with experience.",
    "we offer: ",
    "EEO",
    "eeo: we are a team",
    "What we offer\n   \n\tcatering\n",
    "our clients İnclude banks. ABOUT US\nWe are a ſmall firm",
    "Benefits\nCompany description\nwe help people",
    "\u00a0Benefits\u00a0\nitem one\u2003\n",
    "Why work with us\n-Free ﬁtness",
    "equal opportunity employer\u0301 without regard to",
    "Company DescriptionAcme builds boats. We need welders.",
    "About UsWe are a bakery",
    "BenefitsHealth",
    "benefitsX",
    "Our Benefits:Dental",
    "About Acme Clinic:\nWe heal pets with acupuncture.\nAbout the role\nAcupuncture daily.",
    "ABOUT YOU: nurses",
    "About\u0130 x: y",
    "about ıt: z",
    "Collaborate with the marketing team to build.",
    "Work with Excel and the finance team daily.",
    "Work closely with the Production Team, Purchasing, and Quality Assurance Departments.",
    "supporting our freight operations, billing functions, claims department",
    "Support the Business Development team; join our design team",
    "with staff management and building teams",
    "with the QA team-work and the SRE teamwork, with Ops team player",
    "team",
    "with team",
    "with Café Teams",
    "WITH THE SALES DEPT. and with the Legal Division\nwith\tthe\tIT\tteam",
    "alongside our sales, / & marketing teams",
    "Our services include surgery and dental care. We draw on our expertise in SQL.",
    "Join a culture that values teamwork; you need teamwork",
    "Work closely with the Senior Marketing Manager on launches.",
    "Experience with Google Tag Manager and AWS Secrets Manager.",
    "This position reports to the Regional Program Manager.",
    "Role Reports to: Project ManagerShift Hours: M-F",
    "Reports To:Chief Business Development Officer, Direct Reports: staff",
    "reporting to the Head of Finance and the Operations Directors",
    "Assist the Facility Security Officer; liaise with our Logistics Coordinators",
    "report to: ",
    "with the QA ManagerExperience and the teamTools",
    "Has no direct reports. NO COLD-CALLING. No lesson planning required, no more than 3",
    "no-nonsense, say-no to no\tdrafting; without supervision, without compromising quality",
    "No",
    "no ",
    "no .",
    "Without regard to race, no ƒancy words, no Café ads",
    "at MAPLE CARE AND REHABILITATION COMMUNITY in Ohio; Birch Montessori Academy is",
    "Inbound Call Center Specialist, HubSpot Academy, the Cognizant Security Agency (CSA)",
    "Acupuncture & Herbs Clinic. Office of Small Business Development Center.",
    "Centerpiece group. Élan Études Institute, İstanbul Café Society",
]


@pytest.mark.parametrize("text", CASES)
def test_cases(text: str) -> None:
    assert native(text) == context_ranges(text)


def test_the_cases_reach_every_outcome() -> None:
    results = [context_ranges(text) for text in CASES]
    assert [] in results
    assert sum(1 for r in results if r) >= 10
    assert any(len(r) >= 2 for r in results)


WORDS = [
    *(c.strip() for c in (*CONTEXT_CUES, *LABEL_WORDS, *JOB_CUES, *TEAM_WORDS)),
    *TEAM_WORKS_WITH,
    *TEAM_BREAK,
    *TEAM_DETERMINERS,
    *TEAM_COORDINATORS,
    *TEAM_MODIFIES,
    *TEAM_REPORTS,
    *NEGATION_REACH,
    *NEGATION_EXCEPT,
    *ORGANIZATION_JOINS,
    *(w.strip().title() for w in ORGANIZATION_WORDS),
    "NO",
    "Montessori",
    "CLINIC",
    "Reports to:",
    "Manager",
    "ManagerHours",
    "Team",
    "Departments",
    "marketing",
    "Benefits",
    "About Us",
    "Role",
    "Requirements",
    "Python",
    "staff",
    "Here",
]
TOKENS = [*WORDS, *" " * 8, *"-–—*#>•·:;.,!?/&'’_()\n\r\t", "\u00a0", *"éİıſK日"]


def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
        st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join),
        st.text(ASSIGNED, max_size=60),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(texts(), max_size=8).map("\n".join))
def test_generated_texts(text: str) -> None:
    assert native(text) == context_ranges(text)


@pytest.mark.shared_data
def test_real_postings(shared_data: Path) -> None:
    texts = real_texts(shared_data)
    mismatches = [t[:80] for t in texts if native(t) != context_ranges(t)]
    assert mismatches == [], f"{len(mismatches)}/{len(texts)} postings differ"
    assert sum(1 for t in texts if context_ranges(t)) > len(texts) // 4
