"""Grafana dashboards: generated from grafana/generate.py, complete panels, real metrics,
PromQL that parses (promtool, when installed). The integration test
tests/integration/test_prometheus.py evaluates every expression against a real Prometheus."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from stream.ops import catalog as metrics_catalog
from tests.conftest import REPO

GRAFANA = REPO / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
RULES = sorted((REPO / "deploy" / "prometheus" / "rules").glob("*.yml"))
# Grafana's built-in variables and ours, replaced by values Prometheus accepts.
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__range": "1h",
    "$__interval": "30s",
    "$instance": ".*",
    "$topic": ".*",
}


def substitute(expr: str) -> str:
    for name, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(name, value)
    return expr


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("grafana_generate", GRAFANA / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


def _panels() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, item)
        for path in DASHBOARDS
        for item in _load(path)["panels"]
        if item["type"] != "row"
    ]


def _exprs() -> list[str]:
    return [target["expr"] for _, item in _panels() for target in item["targets"]]


def _recorded() -> set[str]:
    return {m for f in RULES for m in re.findall(r"- record: (\S+)", f.read_text())}


def test_committed_json_is_what_the_generator_writes() -> None:
    generator = _generator()
    assert {path.name for path in DASHBOARDS} == set(generator.DASHBOARDS)
    for path in DASHBOARDS:
        assert path.read_text("utf-8") == generator.render(path.name), (
            f"{path.name} is out of date: run .venv/bin/python grafana/generate.py"
        )


def test_dashboards_have_the_template_variables() -> None:
    assert len(DASHBOARDS) >= 3
    for path in DASHBOARDS:
        board = _load(path)
        variables = {var["name"]: var for var in board["templating"]["list"]}
        assert {"datasource", "instance"} <= set(variables), path.name
        # The worker's dashboards select input topics too; the trends app reads one topic.
        if 'job="stream-worker"' in variables["instance"]["definition"]:
            assert "topic" in variables, path.name
        else:
            assert (
                variables["instance"]["definition"]
                == 'label_values(up{job="stream-trends"}, instance)'
            )
        for target in (t for item in board["panels"] for t in item.get("targets", [])):
            job = re.search(r'job="([^"]+)"', target["expr"])
            assert job is None or job.group(0) in variables["instance"]["definition"], (
                f"{path.name}: {target['expr']} reads another job than its instance variable"
            )
        for key in ("uid", "title", "description"):
            assert board[key], (path.name, key)


def test_every_panel_has_description_unit_thresholds_and_queries() -> None:
    for name, item in _panels():
        where = f"{name}: {item['title']}"
        assert item["description"].strip(), where
        defaults = item["fieldConfig"]["defaults"]
        assert defaults["unit"], where
        assert defaults["thresholds"]["steps"], where
        assert item["datasource"]["uid"] == "${datasource}", where
        assert item["targets"], where
        for target in item["targets"]:
            assert target["expr"].strip(), where
            assert target["datasource"]["uid"] == "${datasource}", where


def test_panel_ids_are_unique_and_grid_fits() -> None:
    for path in DASHBOARDS:
        panels = _load(path)["panels"]
        ids = [item["id"] for item in panels]
        assert len(ids) == len(set(ids)), path.name
        for item in panels:
            grid = item["gridPos"]
            assert grid["x"] >= 0, (path.name, item["title"])
            assert grid["x"] + grid["w"] <= 24, (path.name, item["title"])


def test_queries_use_exported_metrics_and_the_instance_variable() -> None:
    exported = {doc.name for doc in metrics_catalog.catalog()}
    recorded = _recorded()
    for expr in _exprs():
        for name in re.findall(r"\b(stream_[a-z_]+)", expr):
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            assert name in exported or base in exported, f"{name} (in {expr}) is not exported"
        for name in re.findall(r"\b(stream:[a-z0-9_:]+)", expr):
            assert name in recorded, f"{name} is not a recording rule"
        if "stream_" in expr or "process_" in expr or "up{" in expr:
            assert 'instance=~"$instance"' in expr, f"no instance filter: {expr}"


def test_provisioning_points_at_the_dashboards_and_datasource() -> None:
    provider = (GRAFANA / "provisioning" / "dashboards" / "postings-stream.yaml").read_text()
    datasource = (GRAFANA / "provisioning" / "datasources" / "prometheus.yaml").read_text()
    assert "type: file" in provider
    assert "uid: prometheus" in datasource
    for path in DASHBOARDS:
        variable = next(v for v in _load(path)["templating"]["list"] if v["name"] == "datasource")
        assert variable["current"]["value"] == "prometheus"


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed")
def test_every_expression_parses(tmp_path: Path) -> None:
    """promtool check rules parses PromQL offline: each expression as a recording rule."""
    lines = ["groups:", "  - name: dashboards", "    rules:"]
    for number, expr in enumerate(_exprs()):
        lines += [
            f"      - record: dashboard:expr_{number}",
            f"        expr: {json.dumps(substitute(expr))}",
        ]
    rules = tmp_path / "dashboards.rules.yml"
    rules.write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        ["promtool", "check", "rules", str(rules)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
