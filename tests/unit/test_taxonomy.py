"""The bundled taxonomy loads, is valid and versioned by content; validation catches bad data."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from stream.enrich.skills.taxonomy import (
    CATEGORIES,
    SkillEntry,
    Taxonomy,
    TaxonomyError,
    entries_from_document,
    validate_taxonomy,
)

# Every technology the seed posting names (see ../shared/data/seed), by taxonomy id.
_SEED_TECHNOLOGIES = (
    "python sql java scala pytorch tensorflow scikit-learn flask fastapi gunicorn quarkus "
    "redis mongodb amazon-redshift apache-spark apache-kafka rabbitmq milvus mlflow "
    "amazon-sagemaker apache-airflow databricks docker kubernetes jenkins kibana grafana "
    "datadog amazon-s3 amazon-emr pandas numpy llm gnn ci-cd"
)
SEED_TECHNOLOGIES = _SEED_TECHNOLOGIES.split()


def entry(id_: str, name: str, *aliases: str, **fields: object) -> SkillEntry:
    data = {"id": id_, "name": name, "category": "tool", "group": "g", "aliases": aliases}
    return SkillEntry.model_validate({**data, **fields})


@pytest.fixture(scope="module")
def bundled() -> Taxonomy:
    return Taxonomy.bundled()


def test_bundled_taxonomy_is_valid_sorted_and_sizeable(bundled: Taxonomy) -> None:
    assert validate_taxonomy(bundled.entries) == []
    ids = [e.id for e in bundled.entries]
    assert ids == sorted(ids)
    assert len(bundled.entries) >= 300
    assert {e.category for e in bundled.entries} <= CATEGORIES


def test_version_is_declared_version_plus_content_digest(bundled: Taxonomy) -> None:
    assert re.fullmatch(r"\d{4}\.\d+\.\d+-[0-9a-f]{4}", bundled.version)
    changed = [*bundled.entries[:-1], entry("zz-new-skill", "Zz New Skill")]
    assert Taxonomy.build(bundled.declared_version, changed).version != bundled.version
    assert Taxonomy.build(bundled.declared_version, bundled.entries).version == bundled.version


def test_covers_every_technology_in_the_seed_posting(bundled: Taxonomy) -> None:
    ids = {e.id for e in bundled.entries}
    assert [t for t in SEED_TECHNOLOGIES if t not in ids] == []


def test_covers_a_first_slice_of_non_tech_domains(bundled: Taxonomy) -> None:
    per_group: dict[str, int] = {}
    for e in bundled.entries:
        per_group[e.group] = per_group.get(e.group, 0) + 1
    for group in ("healthcare", "finance", "logistics", "trades", "spoken_languages"):
        assert per_group.get(group, 0) >= 20, group
    ids = {e.id for e in bundled.entries}
    assert {"cpa", "cdl-class-a", "registered-nurse", "cissp"} <= ids


def test_toml_data_ships_as_package_data() -> None:
    data = resources.files("stream.enrich.skills.taxonomy").joinpath("data")
    names = {f.name for f in data.iterdir()}
    assert "_meta.toml" in names
    assert len([n for n in names if n.endswith(".toml")]) >= 10


def test_json_round_trip_keeps_version_and_entries(bundled: Taxonomy) -> None:
    again = Taxonomy.from_json(bundled.to_json())
    assert again == bundled
    assert Taxonomy.from_json(bundled.to_json().encode()) == bundled


def test_from_json_rejects_content_that_does_not_match_its_version(bundled: Taxonomy) -> None:
    tampered = bundled.to_json().replace('"name":"Python"', '"name":"Pythonn"', 1)
    with pytest.raises(TaxonomyError, match="does not match content"):
        Taxonomy.from_json(tampered)
    with pytest.raises(TaxonomyError, match="not a taxonomy"):
        Taxonomy.from_json(b"{}")


def test_validation_reports_duplicate_ids() -> None:
    problems = validate_taxonomy([entry("a", "A1"), entry("a", "A2")])
    assert any("duplicate id" in p for p in problems)


def test_validation_reports_alias_claimed_by_two_skills() -> None:
    problems = validate_taxonomy([entry("a", "Alpha", "shared"), entry("b", "Beta", "Shared")])
    assert any("'shared' claimed by several skills (a, b)" in p for p in problems)


def test_alias_shared_by_ambiguous_skills_is_allowed() -> None:
    both = [
        entry("a", "Alpha", cased_aliases=("EMR",), ambiguous=True),
        entry("b", "Beta", cased_aliases=("EMR",), ambiguous=True),
    ]
    assert validate_taxonomy(both) == []
    one = [both[0], entry("b", "Beta", cased_aliases=("EMR",))]
    assert validate_taxonomy(one) != []


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (entry("a", " "), "empty name"),
        (entry("a", "A", category=""), "empty category"),
        (entry("a", "A", category="widget"), "unknown category"),
        (entry("A_1", "A"), "lowercase slug"),
        (entry("a", "A", "x"), "one-character alias"),
        (entry("a", "A", ""), "empty or padded alias"),
        (entry("a", "A", " padded"), "empty or padded alias"),
        (entry("a", "A", "go", cased_aliases=("Go",)), "both a plain and a cased alias"),
        (entry("a", "A", corroborated_by=("nowhere",)), "unknown group"),
    ],
)
def test_validation_reports_bad_entries(bad: SkillEntry, problem: str) -> None:
    assert any(problem in p for p in validate_taxonomy([bad]))


def test_names_must_be_unique_ignoring_case() -> None:
    problems = validate_taxonomy([entry("a", "Spark"), entry("b", "spark")])
    assert any("also used by" in p for p in problems)


def test_build_raises_with_every_problem() -> None:
    with pytest.raises(TaxonomyError) as info:
        Taxonomy.build("2026.1.0", [entry("a", "A1"), entry("a", "A2"), entry("b", "")])
    assert len(info.value.problems) >= 2


def test_document_defaults_apply_and_unknown_keys_are_rejected() -> None:
    doc = {
        "category": "database",
        "group": "databases",
        "skill": [{"id": "redis", "name": "Redis"}, {"id": "x", "name": "X", "group": "other"}],
    }
    redis, x = entries_from_document(doc)
    assert (redis.category, redis.group) == ("database", "databases")
    assert x.group == "other"
    with pytest.raises(TaxonomyError, match="unknown top-level key"):
        entries_from_document({**doc, "skills": []})
    with pytest.raises(TaxonomyError, match="'x'"):
        entries_from_document({"skill": [{"id": "x", "name": "X", "colour": "red"}]})


def test_from_directory_raises_on_invalid_data(tmp_path: Path) -> None:
    (tmp_path / "_meta.toml").write_text('version = "2026.1.0"\n')
    (tmp_path / "a.toml").write_text(
        'category = "tool"\ngroup = "g"\n'
        'skill = [\n  { id = "a", name = "A" },\n  { id = "a", name = "B" },\n]\n'
    )
    with pytest.raises(TaxonomyError, match="duplicate id"):
        Taxonomy.from_directory(tmp_path)
    (tmp_path / "a.toml").write_text('category = "tool"\ngroup = "g"\nskill = [{ id = "a" ]\n')
    with pytest.raises(TaxonomyError, match=r"a\.toml"):
        Taxonomy.from_directory(tmp_path)


def test_from_directory_requires_a_declared_version(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('category = "tool"\ngroup = "g"\nskill = []\n')
    with pytest.raises(TaxonomyError, match="version"):
        Taxonomy.from_directory(tmp_path)
