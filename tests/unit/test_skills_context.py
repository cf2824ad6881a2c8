"""Context rules: text about the company, recruiter, benefits, the application or EEO
produces no skill tags; the same words in the job's own text still do (both engines)."""

from __future__ import annotations

import itertools

import pytest
from stream_native import SkillScanner

from stream.enrich.skills.context import context_ranges
from stream.enrich.skills.extract import SkillExtractor
from stream.enrich.skills.step import SKILL_RULES_VERSION, SkillsStep
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.text import normalize_text


@pytest.fixture(scope="module", params=["native", "python"])
def extractor(request: pytest.FixtureRequest) -> SkillExtractor:
    return SkillExtractor(Taxonomy.bundled(), engine=request.param)


def ids(extractor: SkillExtractor, text: str, title: str = "") -> set[str]:
    return {tag.id for tag in extractor.extract(title, normalize_text(text))}


def test_company_blurb_gives_no_tags(extractor: SkillExtractor) -> None:
    text = (
        "Acme is a leading provider of scaffolding and landscaping services in Ohio. "
        "We are hiring a bookkeeper. Requirements: QuickBooks and payroll experience."
    )
    found = ids(extractor, text)
    assert not {"scaffolding", "landscaping"} & found
    assert {"quickbooks", "payroll"} <= found


def test_equal_opportunity_boilerplate_gives_no_tags(extractor: SkillExtractor) -> None:
    text = (
        "Experience with cell culture required.\n"
        "We are an equal opportunity employer: all qualified applicants receive "
        "consideration without regard to race, color, religion, national origin, disability "
        "or genetics."
    )
    found = ids(extractor, text)
    assert "genetics" not in found
    assert "cell-culture" in found
    # The same word where the job asks for it is a tag.
    assert "genetics" in ids(extractor, "Strong background in genetics and molecular biology.")


def test_benefits_heading_section_ends_at_the_next_heading(extractor: SkillExtractor) -> None:
    text = (
        "Benefits\n"
        "Free CPR classes\n"
        "In-house massage\n"
        "Requirements\n"
        "CPR certification\n"
        "Massage therapy license\n"
    )
    tags = {tag.id: tag for tag in extractor.extract("", normalize_text(text))}
    # Only the requirements' mentions count.
    assert (tags["cpr"].mentions, tags["cpr"].required) == (1, True)
    assert (tags["massage-therapy"].mentions, tags["massage-therapy"].required) == (1, True)


def test_inline_benefits_label_stops_at_the_next_label(extractor: SkillExtractor) -> None:
    # Flattened descriptions run sections together; the label after the benefits list
    # starts the job's own text again.
    text = (
        "Benefits: 401(k), dental insurance, free CPR classes "
        "License/Certification: OSHA 30 (Required)"
    )
    found = ids(extractor, text)
    assert "osha-30" in found
    assert "cpr" not in found


def test_a_clause_that_speaks_of_the_job_is_kept(extractor: SkillExtractor) -> None:
    # A context cue ("we are a") and a job cue ("looking for", "experience") in one
    # clause: kept, because a lost requirement costs more than a false tag.
    text = "We are a growing firm looking for an accountant with QuickBooks experience."
    assert "quickbooks" in ids(extractor, text)


def test_application_process_gives_no_tags(extractor: SkillExtractor) -> None:
    text = (
        "Duties: bookkeeping and payroll.\n"
        "How to apply\n"
        "Send a portfolio made in Adobe Photoshop.\n"
    )
    found = ids(extractor, text)
    assert "payroll" in found
    assert "photoshop" not in found
    assert "photoshop" in ids(extractor, "Retouch photos in Adobe Photoshop.")


def test_title_is_never_context(extractor: SkillExtractor) -> None:
    assert "scaffolding" in ids(extractor, "We are a leading scaffolding firm.", "Scaffolder")


def test_context_ranges_are_sorted_and_disjoint() -> None:
    text = normalize_text(
        "About us\nWe are a leading bakery.\nWe provide catering.\n"
        "Requirements\nFood safety certificate.\n"
        "We offer 401(k) and dental insurance. We are an equal opportunity employer."
    )
    ranges = context_ranges(text)
    assert ranges == sorted(ranges)
    assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(ranges))
    covered = "".join(text[a:b] for a, b in ranges)
    assert "leading bakery" in covered
    assert "catering" in covered
    assert "401(k)" in covered
    assert "Food safety" not in covered


def test_native_scan_drops_mentions_starting_in_excluded_ranges() -> None:
    extractor = SkillExtractor(Taxonomy.bundled(), engine="native")
    scanner = extractor._native
    assert isinstance(scanner, SkillScanner)
    text = "Python, Docker and Kubernetes."
    every = scanner.scan("", text, True)
    starts = [m[2] for m in every]
    assert len(starts) == 3
    docker = starts[1]
    # A range that starts at the mention drops it; one that ends at it does not.
    kept = scanner.scan("", text, True, [(docker, docker + 1)])
    assert [m[2] for m in kept] == [starts[0], starts[2]]
    kept = scanner.scan("", text, True, [(0, docker)])
    assert [m[2] for m in kept] == [docker, starts[2]]
    tallied = scanner.tally("", text, False, [(0, len(text))])
    assert tallied == []


def test_a_heading_glued_to_its_text_is_read(extractor: SkillExtractor) -> None:
    # Flattened descriptions lose the line break after a heading.
    text = "Company DescriptionAcme builds scaffolding.\nRequirements: payroll."
    found = ids(extractor, text)
    assert "scaffolding" not in found
    assert "payroll" in found


def test_the_step_version_carries_the_rules_revision() -> None:
    # Cached tags of a rules revision before the context rules must miss.
    taxonomy = Taxonomy.bundled()
    step = SkillsStep(SkillExtractor(taxonomy))
    assert step.version == f"{taxonomy.version}+r{SKILL_RULES_VERSION}"
    assert SKILL_RULES_VERSION != "1"


def test_about_the_company_heading_but_not_about_the_role(extractor: SkillExtractor) -> None:
    text = (
        "About Acme Veterinary Clinic:\nWe heal pets with massage therapy.\n"
        "About the role\nPerform massage therapy on dogs.\n"
    )
    tags = {tag.id: tag for tag in extractor.extract("", normalize_text(text))}
    assert tags["massage-therapy"].mentions == 1


def test_context_can_be_switched_off_for_measuring(extractor: SkillExtractor) -> None:
    text = normalize_text("Acme is a leading provider of scaffolding.")
    assert extractor.mentions("", text) == []
    assert [m.skill_id for m in extractor.mentions("", text, context=False)] == ["scaffolding"]


def test_a_team_the_hire_works_with_gives_no_tags(extractor: SkillExtractor) -> None:
    text = (
        "Prepare invoices in QuickBooks. Collaborate with the digital marketing team on "
        "campaigns. Liaise with Procurement and Quality Assurance departments on orders."
    )
    found = ids(extractor, text)
    assert not {"digital-marketing", "procurement", "quality-assurance"} & found
    assert "quickbooks" in found


def test_the_hires_own_team_and_skills_before_a_team_are_kept(
    extractor: SkillExtractor,
) -> None:
    # Joining or leading a team, a team after a preposition, or a skill listed before an
    # "and the ... team": the words are the hire's skills.
    assert "digital-marketing" in ids(extractor, "Join our digital marketing team as an intern.")
    assert "accounting" in ids(extractor, "You will lead the accounting team.")
    assert "digital-marketing" in ids(extractor, "Experience in digital marketing teams.")
    assert "microsoft-excel" in ids(extractor, "Work with Excel and the finance team daily.")
    assert "pair-programming" in ids(
        extractor, "We work together with pair programming and team activities."
    )


def test_an_employee_testimonial_gives_no_tags(extractor: SkillExtractor) -> None:
    text = (
        "As a customer service agent here, I have learned so much from my colleagues. "
        "Requirements: customer service experience."
    )
    mentions = extractor.mentions("", normalize_text(text))
    assert [m.start for m in mentions if m.skill_id == "customer-service"] == [
        text.index("customer service experience")
    ]


def test_a_context_cue_is_not_vetoed_by_its_own_words(extractor: SkillExtractor) -> None:
    # "submit your resume" holds the job cue " your ": only job cues outside the context
    # cue keep its clause.
    assert (
        ids(extractor, "Send your resume by email with Bookkeeping in the subject line.") == set()
    )
    assert "bookkeeping" in ids(extractor, "Send your resume and your Bookkeeping experience.")


def test_a_colleagues_title_gives_no_tags(extractor: SkillExtractor) -> None:
    # Revision 5: a title noun after "with the ..." or "reports to" names a colleague.
    text = (
        "Prepare invoices in QuickBooks. Work closely with the Senior Marketing Manager on "
        "launches. This role reports to the Regional Program Manager.\n"
        "Reports to: Business Development DirectorHours: 9-5"
    )
    found = ids(extractor, text)
    assert not {"marketing", "program-management", "business-development"} & found
    assert "quickbooks" in found


def test_a_product_or_the_hires_title_ending_in_a_title_noun_is_kept(
    extractor: SkillExtractor,
) -> None:
    # No determiner and no "reports to": a product's name, or the hire's own title.
    assert "google-tag-manager" in ids(extractor, "Experience with Google Tag Manager.")
    assert "digital-marketing" in ids(
        extractor, "We are looking for a Digital Marketing Manager with flair."
    )


def test_a_negated_skill_gives_no_tag(extractor: SkillExtractor) -> None:
    # Revision 5: what the job does not ask for, right after "no" (or "without").
    text = (
        "Prepare invoices in QuickBooks. The coordinator has no direct reports. "
        "No real estate license needed. Payroll experience is a plus, but not required."
    )
    found = ids(extractor, text)
    assert not {"people-management", "real-estate-license"} & found
    # "not required" beside "a plus" is a nice-to-have, no negation.
    assert {"quickbooks", "payroll"} <= found
    assert "people-management" in ids(extractor, "The coordinator has direct reports.")
    # "no SQL" is NoSQL written apart; beyond its reach of three words a negation negates
    # nothing.
    assert "databases" in ids(extractor, "Java, SQL and no SQL databases.")
    assert "people-management" in ids(extractor, "No fewer than two direct reports.")


def test_an_organizations_name_gives_no_tag(extractor: SkillExtractor) -> None:
    # Revision 5: capitalised words before "Clinic", "Agency", "Group"... name an employer.
    text = (
        "Riverbend Veterinary Clinic is hiring. Guidelines of the Cognizant Security "
        "Agency apply. Requirements: veterinary experience, network security and QuickBooks."
    )
    mentions = extractor.mentions("", normalize_text(text))
    assert [m.start for m in mentions if m.skill_id == "veterinary"] == [
        text.index("veterinary experience")
    ]
    assert "cybersecurity" not in {m.skill_id for m in mentions}  # "network security" stays
    # One capitalised word, or a capitalised word after the noun: a skill or a job title.
    assert "call-center" in ids(extractor, "Inbound Call Center Specialist wanted.")
