"""Occupation coding: titles to ESCO occupations and ISCO-08 unit groups (docs/normalization.md).

The labelled dev set is tests/normalization/occupation_cases.jsonl (ISCO unit groups judged
by hand, see the docs; the titles taken from real postings are read from ../shared/data, so
those tests skip without it); the floor asserted here is the issue's, the figures themselves are
printed by benchmarks/normalization_occupation.py.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from stream.enrich.occupation.match import code_title, code_title_with
from stream.enrich.occupation.step import OccupationPart, OccupationStep
from stream.enrich.occupation.table import Index, data_digest, load_index
from stream.enrich.pipeline import Enricher
from stream.enrich.registry import STEPS
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.step import PreparedPosting
from stream.enrich.text import normalize_text
from stream.models import Occupation, RawPosting
from tests.normalization import cases

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev_set(shared_data: Path) -> list[dict[str, str | None]]:
    return cases.load("occupation_cases.jsonl", shared_data)


@pytest.fixture(scope="module")
def index() -> Index:
    return load_index()


def _isco(title: str) -> str | None:
    occupation = code_title(normalize_text(title))
    return None if occupation is None else occupation.isco_code


@pytest.mark.parametrize(
    ("title", "isco"),
    [
        # the noisy titles
        ("RN - ICU Nights", "2221"),
        ("CDL-A Truck Driver - Home Weekly", "8332"),
        ("Elektriker (m/w/d)", "7411"),
        ("Software Engineering Intern (Summer 2027)", "2512"),
        # tech titles ESCO words differently
        ("Machine Learning Engineer", "2511"),
        ("DevOps Engineer", "2522"),
        ("Site Reliability Engineer", "2522"),
        ("Data Engineer", "2511"),
        ("Full Stack Developer", "2512"),
        ("Senior iOS Developer", "2514"),
        # seniority, levels, schedule, requisition ids, places, pay
        ("Sr. Accountant II", "2411"),
        ("Registered Nurse - Med/Surg - Night Shift - $5,000 Sign-On Bonus", "2221"),
        ("Forklift Operator - 2nd Shift - Req #48213", "8344"),
        ("Plumber Journeyman - Houston, TX", "7126"),
        # "X of Y", "X, Y", alternatives, foreign words
        ("Director of Sales", "1221"),
        ("Legal Assistant / Paralegal", "3411"),
        ("Ingénieur logiciel (H/F)", "2512"),
        ("Desarrollador Backend Senior", "2512"),
    ],
)
def test_titles_code_to_their_unit_group(title: str, isco: str) -> None:
    assert _isco(title) == isco


@pytest.mark.parametrize(
    "title",
    ["", "See description", "N/A", "Hiring Now!!!", "asdfgh", "12345", "🌟🚀🌊", "Full Time",
     "Remote", "Manager", "Technician", "Crew Member", "Team Lead", "Board Member",
     "Work From Home - $500/day!!!"],
)  # fmt: skip
def test_garbage_and_general_titles_code_to_nothing(title: str) -> None:
    assert code_title(normalize_text(title)) is None


def test_an_exact_label_names_the_occupation(index: Index) -> None:
    occupation = code_title_with("Software Developer", index)
    assert occupation is not None
    assert occupation.label == "software developer"
    assert occupation.isco_code == "2512"
    assert occupation.isco_label == "Software developers"
    assert occupation.esco_uri is not None
    assert occupation.esco_uri.startswith("http://data.europa.eu/esco/occupation/")
    assert occupation.confidence == pytest.approx(0.95)


def test_the_unit_group_alone_when_no_single_occupation_is_clear(index: Index) -> None:
    occupation = code_title_with("DevOps Engineer", index)
    assert occupation is not None
    assert (occupation.esco_uri, occupation.label) == (None, None)
    assert occupation.isco_code == "2522"
    assert occupation.isco_label == "Systems administrators"


def test_confidence_follows_the_kind_of_match(index: Index) -> None:
    def confidence(title: str) -> float:
        occupation = code_title_with(title, index)
        assert occupation is not None, title
        return occupation.confidence

    preferred = confidence("Software Developer")  # preferred label
    alternative = confidence("Software Engineer")  # alternative label
    run = confidence("Sheet Metal Fabricator Welding Shop Lead Hand")  # a run of words
    assert preferred > alternative > run


@pytest.mark.shared_data
def test_every_answer_on_the_dev_set_is_a_valid_contract_value(
    index: Index, dev_set: list[dict[str, str | None]]
) -> None:
    for case in dev_set:
        occupation = code_title_with(normalize_text(str(case["title"])), index)
        if occupation is not None:
            assert Occupation.model_validate(occupation.model_dump()) == occupation


@pytest.mark.shared_data
def test_the_dev_set_is_above_the_floor_and_never_codes_garbage(
    index: Index, dev_set: list[dict[str, str | None]]
) -> None:
    assert len(dev_set) >= 150
    assert all(case["isco"] is None or case["isco"] in index.isco_labels for case in dev_set)
    labelled = [case for case in dev_set if case["isco"] is not None]
    right = sum(_isco(str(case["title"])) == case["isco"] for case in labelled)
    assert right / len(labelled) >= 0.85
    garbage = [str(case["title"]) for case in dev_set if case["isco"] is None]
    assert [title for title in garbage if _isco(title) is not None] == []


@pytest.mark.shared_data
def test_the_fast_path_answers_as_the_full_path_does(
    index: Index, dev_set: list[dict[str, str | None]]
) -> None:
    slow = dataclasses.replace(index, plain={}, built={})
    for case in dev_set:
        title = normalize_text(str(case["title"]))
        assert code_title_with(title, index) == code_title_with(title, slow), title


def test_the_fast_path_answers_as_the_full_path_does_on_its_own_keys(index: Index) -> None:
    slow = dataclasses.replace(index, plain={}, built={})
    for key in index.plain:  # every label and title the fast path answers
        assert code_title_with(key, index) == code_title_with(key, slow), key


def test_the_step_produces_the_contract_field() -> None:
    raw = RawPosting(source="t", source_id="1", title="Sr. Data Engineer (Spark)", description="")
    part = OccupationStep().run(PreparedPosting(raw, raw.title, ""), None)
    assert isinstance(part, OccupationPart)
    assert part.occupation is not None
    assert part.occupation.isco_code == "2511"
    assert OccupationStep().version == f"1-{data_digest()}"


def test_the_step_is_registered_and_reaches_the_posting() -> None:
    enricher = Enricher.build(Taxonomy.bundled(), factories=STEPS)
    assert "occupation" in [step.name for step in enricher.steps]
    assert "occupation=1-" in enricher.cache_variant
    raw = RawPosting(source="t", source_id="1", title="Registered Nurse - ICU", description="")
    enrichment = enricher.compute(raw)
    occupation = getattr(enrichment, "occupation", None)
    assert isinstance(occupation, Occupation)
    assert occupation.isco_code == "2221"


def test_the_table_loads_when_the_step_is_built_not_at_import() -> None:
    """Importing costs nothing (`stream --help`); building the enricher at start loads the
    table, so the first posting does not pay ~1 s inside its time budget."""
    code = (
        "from stream.enrich.registry import occupation_step\n"
        "from stream.enrich.occupation.table import load_index\n"
        "before = load_index.cache_info().currsize\n"
        "occupation_step(None)  # the occupation factory needs no resources\n"
        "print(before, load_index.cache_info().currsize)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.split() == ["0", "1"]


def test_the_shipped_table_records_its_source(index: Index) -> None:
    assert index.source["files"].keys() == {"esco_occupations_en.csv", "isco_groups_en.csv"}
    assert "CC BY 4.0" in index.source["publisher"]
    assert len(index.occupations) == 2942
    assert all(len(code) == 4 for code in index.isco_labels)
    assert "ESCO" in (REPO / "NOTICE").read_text(encoding="utf-8")


@pytest.mark.shared_data
def test_the_build_script_reproduces_the_shipped_table(shared_data: Path, tmp_path: Path) -> None:
    output = tmp_path / "table.json.gz"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_occupations.py"),
         "--source", str(shared_data / "occupations"), "--output", str(output)],
        check=True, capture_output=True,
    )  # fmt: skip
    shipped = REPO / "stream" / "enrich" / "occupation" / "data" / "esco_occupations.json.gz"
    assert output.read_bytes() == shipped.read_bytes()
    assert json.loads(gzip.decompress(output.read_bytes()))["format"] == 1
