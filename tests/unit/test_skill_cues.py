"""Skill cues (rules revision 4): a weak form that no other skill corroborates tags where the
words right around it say a skill ("experience in sales", "leadership and technical
skills", an "Industry:" line). The rule (`cues.skill_cue`), its native twin
(`stream_native.skill_cue`, native/src/cues.rs) held equal on hand-picked, generated and
real texts, and what it does to tags on both engines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import stream_native
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.enrich.skills.cues import (
    SKILL_CUE_ADJECTIVES,
    SKILL_CUE_AFTER,
    SKILL_CUE_AND,
    SKILL_CUE_LABELS,
    SKILL_CUE_NOUNS,
    SKILL_CUE_PREPOSITIONS,
    SKILL_CUE_VETO,
    skill_cue,
)
from stream.enrich.skills.extract import Engine, SkillExtractor
from stream.enrich.skills.taxonomy import SkillEntry, Taxonomy
from stream.enrich.skills.taxonomy.loader import CUE_ONLY, TaxonomyError
from tests.unit.test_native_sections import ASSIGNED, real_texts


def at(text: str, word: str) -> tuple[str, int, int]:
    start = text.index(word)
    return text, start, start + len(word)


CUED = [
    at("Experience in sales is needed", "sales"),
    at("5 years of experience within B2B, FMCG or retail", "retail"),
    at("buying experience ideally within logistics or retail", "logistics"),
    at("Knowledge of compliance", "compliance"),
    at("a strong background in Government work", "Government"),
    at("A plus: worked in the financial sector before", "financial sector"),
    at("FMCG experience wanted", "FMCG"),
    at("a blend of leadership and technical skills", "leadership"),
    at("sales or marketing experience", "sales"),
    at("Industry: B2B Mobility SaaS", "B2B"),
    at("Industry:\nB2B Mobility SaaS", "Mobility"),
    at("* Skills : sales, negotiation", "sales"),
    at("- Industry: \r\n  Government\n", "Government"),
    at("EXPERIENCE IN SALES", "SALES"),
    at("Demonstrated leadership through influence", "leadership"),
    at("strong analytical and structured thinking", "analytical"),
]
NOT_CUED = [
    at("Join our sales team", "sales"),
    at("Experience. Sales matter", "Sales"),  # the cue word ends a sentence
    at("experience in the field of large sales", "sales"),  # too many words between
    at("experience (in sales)", "sales"),  # a bracket ends the reading
    at("our leadership team has experience", "leadership"),
    at("Requirements: sales", "sales"),  # a label, but not a skill list's
    at("Industry news\nGovernment", "Government"),
    at("Industry:\n\nGovernment", "Government"),  # an empty line between
    at("expérience in sales", "sales"),  # a non-ASCII letter is no cue letter
    at("ındustry: sales", "sales"),
    at("sales", "sales"),
    at("a strong sales team", "sales"),  # the next word makes it a modifier
    at("experience with sales software", "sales"),
    at("Industry: Sales platforms", "Sales"),
    at("Life insuranceExperience level: 4 years", "insurance"),  # a glued word is no cue
    at("good_sales", "sales"),
    at("proficiency with creative and marketing tools", "creative"),
]


@pytest.mark.parametrize(("text", "start", "end"), CUED)
def test_cue_around_the_form(text: str, start: int, end: int) -> None:
    assert skill_cue(text, start, end)
    assert stream_native.skill_cue(text, start, end)


@pytest.mark.parametrize(("text", "start", "end"), NOT_CUED)
def test_no_cue_around_the_form(text: str, start: int, end: int) -> None:
    assert not skill_cue(text, start, end)
    assert not stream_native.skill_cue(text, start, end)


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+(?:[ /]\w+)?", text)]


WORDS = [
    *SKILL_CUE_NOUNS,
    *SKILL_CUE_PREPOSITIONS,
    *SKILL_CUE_AFTER,
    *SKILL_CUE_AND,
    *SKILL_CUE_LABELS,
    *SKILL_CUE_ADJECTIVES,
    *SKILL_CUE_VETO,
    "preferably",
    "sales",
    "Sales",
    "B2B",
    "EXPERIENCE",
    "team",
]
TOKENS = [*WORDS, *" " * 8, *"-*#&'+.,/:;()\n\r\t", "\u00a0", *"éİıſK日"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join),
        st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
        st.text(ASSIGNED, max_size=60),
    ),
    data=st.data(),
)
def test_generated_texts(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert stream_native.skill_cue(text, start, end) == skill_cue(text, start, end)


@pytest.mark.shared_data
def test_real_postings(shared_data: Path) -> None:
    texts = real_texts(shared_data)[::3]  # a third of them keeps this under a few seconds
    cued = checked = 0
    mismatches = []
    for text in texts:
        for start, end in _word_spans(text):
            checked += 1
            python = skill_cue(text, start, end)
            cued += python
            if stream_native.skill_cue(text, start, end) != python:
                mismatches.append(text[max(0, start - 30) : end + 30])
    assert mismatches == [], f"{len(mismatches)}/{checked} spans differ"
    assert cued > 100  # the rule is reached, not trivially equal


def _taxonomy() -> Taxonomy:
    return Taxonomy.build(
        "2026.1.0",
        [
            SkillEntry(
                id="sales",
                name="Sales skills",
                aliases=("sales skills",),
                category="business_skill",
                group="sales",
                cased_aliases=("sales", "Sales"),
                ambiguous=True,
                corroborated_by=(CUE_ONLY,),
            ),
            SkillEntry(
                id="crm",
                name="CRM",
                category="business_software",
                group="sales",
            ),
            SkillEntry(
                id="go",
                name="Go",
                category="programming_language",
                group="languages",
                cased_aliases=("Go",),
                ambiguous=True,
            ),
            SkillEntry(
                id="python",
                name="Python",
                category="programming_language",
                group="languages",
            ),
            # "Swift" claimed by two weak entries: a cue cannot say which is meant.
            SkillEntry(
                id="swift",
                name="Swift (language)",
                category="programming_language",
                group="languages",
                cased_aliases=("Swift",),
                ambiguous=True,
            ),
            SkillEntry(
                id="swift-payments",
                name="SWIFT payments",
                category="finance_skill",
                group="finance",
                cased_aliases=("Swift",),
                ambiguous=True,
            ),
        ],
    )


@pytest.mark.parametrize("engine", ["native", "python"])
def test_cue_only_form_tags_where_the_words_say_a_skill(engine: Engine) -> None:
    extractor = SkillExtractor(_taxonomy(), engine=engine)

    def ids(text: str) -> set[str]:
        return {t.id for t in extractor.extract("", text)}

    assert ids("Experience in sales.") == {"sales"}
    assert ids("Join our sales team.") == set()
    # Another skill of its group does not corroborate a cue-only form.
    assert ids("Join our sales team. CRM daily.") == {"crm"}
    tag = extractor.extract("", "Industry:\nSales")[0]
    assert (tag.id, tag.confidence) == ("sales", 0.55)  # weak evidence, as corroboration gives


@pytest.mark.parametrize("engine", ["native", "python"])
def test_cue_only_form_needs_its_cue_even_when_its_skill_is_named(engine: Engine) -> None:
    extractor = SkillExtractor(_taxonomy(), engine=engine)
    text = "Sales skills required. Our sales team. Experience in sales."
    found = [(m.skill_id, text[m.start : m.end]) for m in extractor.mentions("", text)]
    assert found == [("sales", "Sales skills"), ("sales", "sales")]
    assert extractor.mentions("", text)[1].start == text.rindex("sales")


@pytest.mark.parametrize("engine", ["native", "python"])
def test_cue_leaves_ordinary_weak_forms_to_corroboration(engine: Engine) -> None:
    extractor = SkillExtractor(_taxonomy(), engine=engine)

    def ids(text: str) -> set[str]:
        return {t.id for t in extractor.extract("", text)}

    # A cue says a skill is meant, not which sense of an ambiguous name ("degree in
    # Architecture" is the building discipline): only cue-only entries take it.
    assert ids("Experience with Go.") == set()
    assert ids("Go and Python.") == {"go", "python"}
    assert ids("Experience with Swift.") == set()


def test_cue_only_is_a_corroborating_group_but_no_entry_group() -> None:
    assert {e.id for e in _taxonomy().entries} >= {"sales"}
    bad = SkillEntry(id="x", name="X", category="tool", group=CUE_ONLY)
    with pytest.raises(TaxonomyError, match="reserved"):
        Taxonomy.build("2026.1.0", [bad])
