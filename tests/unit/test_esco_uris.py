"""ESCO concept URIs: resolved from exact labels only (scripts/esco_uris.py), joined onto
the entries by the loader, carried to `skills[].esco_uri`, searchable in the CLI."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from stream.cli.taxonomy import app
from stream.enrich.skills.extract import Engine, SkillExtractor
from stream.enrich.skills.taxonomy import SkillEntry, Taxonomy, TaxonomyError
from stream.enrich.skills.taxonomy.loader import with_esco_uris

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "esco_uris.py"
PYTHON_URI = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("esco_uris", _SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["esco_uris"] = module
    spec.loader.exec_module(module)
    return module


def _uri(n: int) -> str:
    return f"http://data.europa.eu/esco/skill/{n:08x}-0000-0000-0000-000000000000"


def test_a_label_resolves_only_to_the_one_concept_it_opens(script: ModuleType) -> None:
    concepts = [
        (_uri(1), "manage staff supervise staff Assign tasks."),
        (_uri(2), "manage staff of music direct musical staff Assign music tasks."),
        (_uri(3), "welding techniques welding methods The ways of joining metal."),
        # A concept whose own label is not in the list opens with the label too: no URI.
        (_uri(4), "welding techniques for ships Joining hulls."),
        (_uri(5), "Jboss JBoss application server"),
        (_uri(6), "Jboss middleware"),  # two concepts open with the same label
        ("not a uri", "ornithology the study of birds"),
    ]
    labels = {"manage staff", "manage staff of music", "welding techniques", "Jboss", "ornithology"}
    wanted = labels | {"materials science"}
    resolved, unresolved = script.resolve(concepts, labels, wanted)
    assert resolved == {
        "manage staff": _uri(1),
        "manage staff of music": _uri(2),
    }
    assert unresolved == ["Jboss", "materials science", "ornithology", "welding techniques"]


def test_bundled_entries_carry_uris_for_their_esco_labels() -> None:
    entries = Taxonomy.bundled().entries
    labelled = [e for e in entries if e.esco_label]
    with_uri = [e for e in labelled if e.esco_uri]
    assert len(with_uri) >= 0.95 * len(labelled)
    assert all(e.esco_label for e in entries if e.esco_uri)  # a URI only through a label
    assert {e.id: e.esco_uri for e in entries}["python"] == PYTHON_URI


def test_a_malformed_uri_is_rejected() -> None:
    entry = SkillEntry(
        id="x", name="X", category="tool", group="tools", esco_label="x", esco_uri=None
    )
    (filled,) = with_esco_uris([entry], {"x": "https://example.org/skill/x"})
    with pytest.raises(TaxonomyError, match="esco_uri"):
        Taxonomy.build("2026.1.1", [filled])


@pytest.mark.parametrize("engine", ["native", "python"])
def test_tags_carry_the_uri(engine: Engine) -> None:
    taxonomy = Taxonomy.bundled()
    without = next(e for e in taxonomy.entries if e.esco_uri is None and e.id == "kubernetes")
    tags = {
        t.id: t
        for t in SkillExtractor(taxonomy, engine=engine).extract("", "Python and Kubernetes.")
    }
    assert tags["python"].model_dump(mode="json")["esco_uri"] == PYTHON_URI
    assert tags[without.id].esco_uri is None


def test_cli_search_finds_an_entry_by_its_uri() -> None:
    result = CliRunner().invoke(app, ["search", PYTHON_URI.rsplit("/", 1)[1]])
    assert result.exit_code == 0
    assert result.output.startswith("python\tPython")
