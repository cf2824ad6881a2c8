"""The taxonomy CLI and hot reload over an in-memory Redis; the store's own cases (key layout,
atomic pointer, validation on fetch) run on both backends in
tests/integration/test_store_contracts.py."""

from __future__ import annotations

import json
from typing import Any, cast

import redis
from prometheus_client import CollectorRegistry
from typer.testing import CliRunner

from stream.cli.taxonomy import app
from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import SkillEntry, Taxonomy
from stream.models import RawPosting
from stream.ops.metrics import Metrics
from stream.stores.taxonomy import (
    publish_taxonomy,
)
from stream.stores.taxonomy_reload import TaxonomyWatcher
from tests.unit.fakes import FakeRedis


def small(version: str = "2026.1.0", name: str = "Python") -> Taxonomy:
    entry = SkillEntry(id="python", name=name, category="programming_language", group="g")
    return Taxonomy.build(version, [entry])


def client() -> tuple[FakeRedis, redis.Redis]:
    fake = FakeRedis()
    return fake, cast(redis.Redis, fake)


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
    tags = dict(reloaded.compute(raw))["skills"]  # (its model is made from the steps)
    assert [(t.name, t.evidence is not None) for t in tags] == [("Python 3", True)]
