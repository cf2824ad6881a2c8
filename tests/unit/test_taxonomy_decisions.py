"""The taxonomy's growth decisions (scripts/taxonomy_grow.py): well formed, and the bundled
data is exactly what they produce. Needs no ../shared (only propose/review/links read it)."""

from __future__ import annotations

import csv
import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from stream.enrich.skills.taxonomy import Taxonomy

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "taxonomy_grow.py"


@pytest.fixture(scope="module")
def grow() -> ModuleType:
    spec = importlib.util.spec_from_file_location("taxonomy_grow", _SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["taxonomy_grow"] = module
    spec.loader.exec_module(module)
    return module


def test_bundled_data_is_what_the_decisions_produce(grow: ModuleType) -> None:
    decisions = grow.load_decisions()
    assert decisions, "no decisions file"
    stale = [
        path.name
        for path, content in grow.planned_changes(decisions).items()
        if (path.read_text(encoding="utf-8") if path.exists() else None) != content
    ]
    assert stale == [], "run: .venv/bin/python scripts/taxonomy_grow.py apply"


def test_every_decision_is_well_formed(grow: ModuleType) -> None:
    decisions = grow.load_decisions()
    assert grow.decision_problems(decisions, grow._hand_written_ids()) == []


def test_the_declared_version_is_the_newest_release(grow: ModuleType) -> None:
    releases = sorted({d.release for d in grow.load_decisions()})
    assert Taxonomy.bundled().declared_version == releases[-1]


def test_every_accepted_entry_is_in_the_taxonomy_with_its_links(grow: ModuleType) -> None:
    entries = {e.id: e for e in Taxonomy.bundled().entries}
    decisions = grow.load_decisions()
    # a later release may link an accepted entry that had no ESCO label
    relinked = {str(d.fields["id"]) for d in decisions if d.verdict == "link"}
    for d in decisions:
        if d.verdict == "accept":
            entry = entries[d.fields["id"]]
            assert entry.category == d.fields["category"]
            if d.fields["id"] not in relinked:
                assert entry.esco_label == (d.fields.get("esco_label") or None)
        if d.verdict == "link" and d.fields.get("esco_label"):
            assert entries[d.fields["id"]].esco_label == d.fields["esco_label"]


def _decision(grow: ModuleType, **fields: object) -> object:
    return grow.Decision("2099.1.1", 1, dict(fields))


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"candidate": "x", "verdict": "maybe"}, "verdict must be"),
        ({"candidate": "x", "verdict": "reject"}, "needs a reason"),
        ({"candidate": "x", "verdict": "accept", "id": "x", "name": "X"}, "needs category"),
        (
            {
                "candidate": "x",
                "verdict": "accept",
                "id": "x",
                "name": "X",
                "category": "tool",
                "group": "g",
                "file": "f",
            },
            "states its ambiguity",
        ),
        ({"verdict": "link", "id": "nope", "esco_label": "y"}, "unknown entry"),
        ({"verdict": "link", "id": "python"}, "needs a link or forms"),
        ({"verdict": "link", "id": "python", "aliases": ["py"]}, "need a reason"),
    ],
)
def test_bad_decisions_are_reported(
    grow: ModuleType, fields: dict[str, object], problem: str
) -> None:
    problems = grow.decision_problems([_decision(grow, **fields)], {"python"})
    assert any(problem in p for p in problems), problems


def test_a_candidate_decided_twice_is_reported(grow: ModuleType) -> None:
    twice = [_decision(grow, candidate="Kafka", verdict="reject", reason="r")] * 2
    assert any("already decided" in p for p in grow.decision_problems(twice, set()))


def test_a_later_release_may_revisit_a_decision_by_naming_it(grow: ModuleType) -> None:
    earlier = grow.Decision(
        "2026.12.1", 7, {"candidate": "team building", "verdict": "reject", "reason": "r"}
    )
    accept = {
        "candidate": "team building",
        "verdict": "accept",
        "id": "team-building",
        "name": "Team building",
        "category": "soft_skill",
        "group": "g",
        "file": "f",
        "ambiguous": False,
    }
    later = grow.Decision("2026.12.4", 3, {**accept, "revisits": "2026.12.1.toml"})
    assert grow.decision_problems([earlier, later], set()) == []
    unnamed = grow.Decision("2026.12.4", 3, accept)
    assert any("already decided" in p for p in grow.decision_problems([earlier, unnamed], set()))
    wrong = grow.Decision("2026.12.4", 3, {**accept, "revisits": "2026.12.2.toml"})
    assert any("already decided" in p for p in grow.decision_problems([earlier, wrong], set()))
    alone = grow.Decision("2026.12.4", 3, {**accept, "revisits": "2026.12.1.toml"})
    assert any("did not decide it" in p for p in grow.decision_problems([alone], set()))


def test_amended_line_adds_forms_and_links_and_keeps_file_defaults(grow: ModuleType) -> None:
    line = '  { id = "qa", name = "QA", aliases = ["qa testing"] },'
    change = {
        "aliases": ["qa testing", "software qa"],
        "cased_aliases": ["QA"],
        "esco_label": "quality assurance",
    }
    amended = grow.amended_line(line, change)
    assert amended.startswith('  { id = "qa", name = "QA", ')
    parsed = tomllib.loads("x = " + amended.strip().rstrip(","))["x"]
    assert parsed == {
        "id": "qa",
        "name": "QA",
        "aliases": ["qa testing", "software qa"],
        "cased_aliases": ["QA"],
        "esco_label": "quality assurance",
    }
    assert "category" not in parsed  # the file's default still applies


def test_generated_entry_line_round_trips(grow: ModuleType) -> None:
    fields = {
        "id": "x",
        "name": 'Say "x"',
        "category": "tool",
        "group": "g",
        "aliases": ["a\\b"],
        "ambiguous": False,
        "candidate": "x",
        "verdict": "accept",
        "file": "f",
    }
    parsed = tomllib.loads("x = " + grow.entry_line(fields).strip().rstrip(","))["x"]
    assert parsed == {
        "id": "x",
        "name": 'Say "x"',
        "category": "tool",
        "group": "g",
        "aliases": ["a\\b"],
    }


def test_propose_and_review_on_the_shared_vocabularies(
    grow: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not (grow.ESCO.exists() and grow.ONET.exists() and grow.LINKEDIN.exists()):
        pytest.skip("../shared/data vocabularies and postings are absent")
    monkeypatch.setattr(grow, "CANDIDATES", tmp_path / "candidates.tsv")
    assert grow.cmd_propose(600) == 0
    with (tmp_path / "candidates.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 600
    counts = [int(r["count"]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    forms = {f.casefold() for e in Taxonomy.bundled().entries for f in (e.name, *e.aliases)}
    assert not [r["term"] for r in rows if r["term"].casefold() in forms]
    capsys.readouterr()
    assert grow.cmd_review(5) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  {")]
    assert lines
    for line in lines:
        decision = tomllib.loads("x = " + line.strip().rstrip(","))["x"]
        assert decision["verdict"] == "accept"
        assert decision["candidate"]


@pytest.mark.parametrize(
    ("label", "form"),
    [
        ("operate aerial work platforms", "aerial work platform operation"),
        ("manage inventory", "inventory management"),
        ("perform venipuncture", "venipuncture"),
        ("repair denture prostheses", "denture prosthesis repair"),
        ("operate a heat treatment process", "heat treatment process operation"),
        ("clean off fouling", None),  # a phrasal verb has no simple noun form
        ("load timber onto a skidder", None),  # a preposition: no noun form
        ("ensure customer orientation", None),  # a duty verb without one
        ("inorganic chemistry", None),  # knowledge, not an activity
    ],
)
def test_activities_take_the_noun_form_postings_use(
    grow: ModuleType, label: str, form: str | None
) -> None:
    assert grow.nominal_form(label) == form


def test_activities_and_knowledge_are_told_apart(grow: ModuleType) -> None:
    if not grow.ESCO.exists():
        pytest.skip("../shared/data vocabularies are absent (the verb test reads ESCO labels)")
    assert grow.is_activity("embalm bodies")
    assert grow.is_activity("process refunds")
    assert not grow.is_activity("process engineering principles")
    assert not grow.is_activity("inorganic chemistry")


def test_british_forms_get_their_american_spelling(grow: ModuleType) -> None:
    assert grow.us_spelling("paediatric phlebotomy") == "pediatric phlebotomy"
    assert grow.us_spelling("organisational behaviour") == "organizational behavior"
    assert grow.us_spelling("catalogue modelling") == "catalog modeling"
    assert grow.us_spelling("welding") == "welding"


def test_a_later_link_amends_an_entry_an_earlier_release_accepted(grow: ModuleType) -> None:
    accept = grow.Decision(
        "2099.1.1",
        1,
        {
            "candidate": "kpi tracking",
            "verdict": "accept",
            "id": "kpi-tracking",
            "name": "KPI tracking",
            "category": "business_skill",
            "group": "business",
            "file": "x",
            "ambiguous": False,
        },
    )
    link = grow.Decision(
        "2099.1.2",
        1,
        {
            "verdict": "link",
            "id": "kpi-tracking",
            "esco_label": "track key performance indicators",
            "reason": "same skill",
        },
    )
    assert grow.decision_problems([accept, link], set()) == []
    content = grow.generated_files([accept, link])["grown_x.toml"]
    entry = tomllib.loads(content)["skill"][0]
    assert entry["esco_label"] == "track key performance indicators"
    unknown = grow.Decision("2099.1.2", 1, {**link.fields, "id": "nope"})
    assert any("unknown entry" in p for p in grow.decision_problems([accept, unknown], set()))


def test_a_link_may_take_forms_back(grow: ModuleType) -> None:
    line = '  { id = "abate", name = "Abatement", aliases = ["mold remediation", "remediation"] }'
    amended = grow.amended_line(line, {"drop_forms": ["remediation"]})
    parsed = tomllib.loads("x = " + amended.strip().rstrip(","))["x"]
    assert parsed["aliases"] == ["mold remediation"]
    unexplained = _decision(grow, verdict="link", id="abate", drop_forms=["remediation"])
    problems = grow.decision_problems([unexplained], {"abate"})
    assert any("taken back from an entry need a reason" in p for p in problems), problems
