"""Taxonomy publishing: key layout, atomic pointer, validation on fetch, and the CLI."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
import redis
from prometheus_client import CollectorRegistry
from typer.testing import CliRunner

from stream.cli.taxonomy import app
from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import SkillEntry, Taxonomy, TaxonomyError
from stream.models import RawPosting
from stream.ops.metrics import Metrics
from stream.stores.taxonomy import (
    current_key,
    current_version,
    fetch_current,
    fetch_version,
    publish_taxonomy,
    version_key,
)
from stream.stores.taxonomy_reload import TaxonomyWatcher


class _Pipe:
    def __init__(self, store: dict[str, str]) -> None:
        self.store, self.pending = store, {}  # type: ignore[var-annotated]

    def set(self, name: str, value: str) -> None:
        self.pending[name] = value

    def execute(self) -> list[bool]:
        self.store.update(self.pending)
        return [True] * len(self.pending)


class FakeRedis:
    """The two calls the store uses: GET and a transactional pipeline of SETs."""

    def __init__(self) -> None:
        self.store: dict[str, str] = {}

    def get(self, name: str) -> bytes | None:
        value = self.store.get(name)
        return None if value is None else value.encode()

    def pipeline(self, transaction: bool = True) -> _Pipe:
        assert transaction
        return _Pipe(self.store)


def small(version: str = "2026.1.0", name: str = "Python") -> Taxonomy:
    entry = SkillEntry(id="python", name=name, category="programming_language", group="g")
    return Taxonomy.build(version, [entry])


def client() -> tuple[FakeRedis, redis.Redis]:
    fake = FakeRedis()
    return fake, cast(redis.Redis, fake)


def test_nothing_published_reads_as_none() -> None:
    _, r = client()
    assert current_version(r, "p") is None
    assert fetch_current(r, "p") is None


def test_publish_then_fetch_round_trips_and_moves_the_pointer() -> None:
    fake, r = client()
    first, second = small(), small(name="Python 3")
    assert publish_taxonomy(r, first, "p") == first.version
    assert current_version(r, "p") == first.version
    publish_taxonomy(r, second, "p")
    assert fake.store[current_key("p")] == second.version
    assert fetch_current(r, "p") == second
    assert fetch_version(r, "p", first.version) == first  # old versions stay readable
    assert set(fake.store) == {
        current_key("p"),
        version_key("p", first.version),
        version_key("p", second.version),
    }


def test_prefixes_are_independent() -> None:
    _, r = client()
    publish_taxonomy(r, small(), "a")
    assert current_version(r, "b") is None


def test_tampered_document_is_rejected() -> None:
    fake, r = client()
    taxonomy = publish_taxonomy(r, small(), "p")
    doc: dict[str, Any] = json.loads(fake.store[version_key("p", taxonomy)])
    doc["entries"][0]["name"] = "Snake"
    fake.store[version_key("p", taxonomy)] = json.dumps(doc)
    with pytest.raises(TaxonomyError, match="does not match"):
        fetch_current(r, "p")


def test_pointer_without_document_is_an_error() -> None:
    fake, r = client()
    fake.store[current_key("p")] = "2026.1.0-abcd"
    with pytest.raises(TaxonomyError, match="no stored document"):
        fetch_current(r, "p")


runner = CliRunner()


def test_cli_validate_stats_search_show_list() -> None:
    bundled = Taxonomy.bundled()
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert bundled.version in result.output
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0
    assert f"{len(bundled.entries)} skills" in result.output
    result = runner.invoke(app, ["search", "postgres"])
    assert result.exit_code == 0
    assert result.output.startswith("postgresql\tPostgreSQL")
    result = runner.invoke(app, ["show", "kubernetes"])
    assert result.exit_code == 0
    assert json.loads(result.output)["name"] == "Kubernetes"
    result = runner.invoke(app, ["list", "--category", "spoken_language"])
    lines = result.output.splitlines()
    assert result.exit_code == 0
    assert lines
    assert all("\tspoken_language\t" in x for x in lines)


def test_cli_not_found_and_invalid_directory_exit_1(tmp_path: Any) -> None:
    assert runner.invoke(app, ["show", "no-such-skill"]).exit_code == 1
    assert runner.invoke(app, ["search", "zzzqqq"]).exit_code == 1
    (tmp_path / "_meta.toml").write_text('version = "1"\n')
    (tmp_path / "x.toml").write_text('skill = [{ id = "Bad Id", name = "", category = "x" }]\n')
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 1


def test_cli_push_dry_run() -> None:
    result = runner.invoke(app, ["push", "--dry-run"])
    assert result.exit_code == 0
    assert Taxonomy.bundled().version in result.output


def test_hot_reload_keeps_the_skill_settings() -> None:
    """A reloaded enricher keeps the engine and evidence the worker was started with."""
    _, r = client()
    running = Enricher.build(small(), skill_evidence=True, skill_engine="python")
    publish_taxonomy(r, small("2026.2.0", "Python 3"), "p")
    watcher = TaxonomyWatcher(r, "p", Metrics(CollectorRegistry()), poll_s=0.0)
    reloaded = watcher.maybe_reload(running)
    assert reloaded is not None
    assert reloaded.taxonomy_version.startswith("2026.2.0-")  # version + content hash
    assert (reloaded.settings.skill_engine, reloaded.settings.skill_evidence) == ("python", True)
    raw = RawPosting(source="t", source_id="1", title="", description="Python 3 and more")
    tags = reloaded.compute(raw).skills  # type: ignore[attr-defined]
    assert [(t.name, t.evidence is not None) for t in tags] == [("Python 3", True)]
