"""The Prometheus config, recording/alerting rules and their promtool unit tests.

`promtool check config|rules` and `promtool test rules` run when promtool is installed
(Debian's prometheus package; `bash deploy/local/stack.sh install`); the cross-checks
(every alert tested, runbook present, metric names real) run always.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from stream.ops import catalog as metrics_catalog
from tests.conftest import REPO

PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
RULE_FILES = sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))
TEST_FILES = sorted((PROMETHEUS_DIR / "tests").glob("*.yml"))
OPERATIONS = REPO / "docs" / "operations.md"

needs_promtool = pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool not installed (Debian package prometheus: bash deploy/local/stack.sh install)",
)


def _alerts() -> list[str]:
    return [m for f in RULE_FILES for m in re.findall(r"^\s*- alert: (\w+)", f.read_text(), re.M)]


def _promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["promtool", *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


@needs_promtool
def test_promtool_check_config_and_rules() -> None:
    result = _promtool("check", "config", PROMETHEUS_DIR / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    result = _promtool("check", "rules", *RULE_FILES)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_rule_unit_tests_pass() -> None:
    result = _promtool("test", "rules", *TEST_FILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_firing_unit_test() -> None:
    tests = "\n".join(f.read_text() for f in TEST_FILES)
    firing = re.findall(r"alertname: (\w+)\n\s+exp_alerts:\n\s+- exp_labels", tests)
    silent = re.findall(r"alertname: (\w+)\n\s+exp_alerts: \[\]", tests)
    assert len(_alerts()) >= 10
    for alert in _alerts():
        assert alert in firing, f"{alert}: no promtool test where it fires"
        assert alert in silent, f"{alert}: no promtool test where it stays silent"


def test_every_alert_has_a_runbook_section() -> None:
    text = OPERATIONS.read_text("utf-8")
    rules = "\n".join(f.read_text() for f in RULE_FILES)
    for alert in _alerts():
        assert f"runbook_url: docs/operations.md#{alert.lower()}" in rules, alert
        assert f"\n### {alert}\n" in text, f"docs/operations.md lacks a section for {alert}"


def test_rules_only_use_metrics_the_service_exports() -> None:
    exported = {doc.name for doc in metrics_catalog.catalog()}
    rules = "\n".join(f.read_text() for f in RULE_FILES)
    for name in set(re.findall(r"\b(stream_[a-z_]+)", rules)):
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in exported or base in exported, f"{name} is not declared in metrics.py"
