"""The benchmark scripts still run against the current code (they read ../shared/data).

Benchmarks are run by hand and their figures go to the docs, so an API change can break
one unnoticed (skills_coverage.py did, when spans stopped being NamedTuples). This runs
each quick one once, with its smallest settings, and checks that it printed its report.
No figure is asserted: that is what the scripts are for. worker_throughput.py needs the
real stack and minutes; the integration tests cover the worker itself.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("skills_coverage", [], ["O*NET Hot Technologies:", "Stack Overflow top 500 tags:"]),
        (
            "skills_speed",
            ["--rounds", "1", "--no-naive"],
            ["extract()", "plain AC /", "no context", "with context"],
        ),
        (
            "skills_quality",
            [],
            [
                "skillspan vocabulary-named knowledge-span recall:",
                "recall of hand-judged concrete",
                "zero-tag",
                "dropped by the context",
            ],
        ),
        ("salary_quality", ["--show", "0"], ["price", "linkedin"]),
        ("text_speed", ["--rounds", "1"], ["same output 500/500", "same output 58/58"]),
        (
            "enrich_speed",
            ["--rounds", "1", "--limit", "20", "--batch-sizes", "1,7", "--budget", "5"],
            [
                "all steps, compute: median",
                "all steps, compute_batch of 7: median",
                "skills + salary only, compute_batch of 1: median",
                "inside the batch",
            ],
        ),
        (
            "normalization_occupation",
            ["--rounds", "1", "--show", "0"],
            ["ISCO unit group accuracy:", "garbage -> null:", "uncached, one core: median"],
        ),
        ("normalization_place", ["--rounds", "1"], ["gazetteer: built", "country", "median"]),
        ("normalization_terms", ["--rounds", "1"], ["dev set:", "speed, decide()"]),
        (
            "normalization_speed",
            ["--rounds", "1", "--clock", "cpu"],
            [
                "cold (",
                "first pass (",
                "warm (",
                "all         median",
                "#12 budget:",
                "in the pipeline (",
                "in the pipeline in batch mode",
            ],
        ),
    ],
)
def test_benchmark_script_runs(
    script: str,
    args: list[str],
    expected: list[str],
    shared_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    module = _load(script)
    monkeypatch.setattr(sys, "argv", [script, *args])
    assert module.main() in (0, None)
    out = capsys.readouterr().out
    assert "skipped" not in out
    for text in expected:
        assert text in out, f"{script}: {text!r} not in its output"


def test_soak_readers_count_a_record_read_again_once() -> None:
    # The soak's readers commit no offsets: a broker down for longer than their session
    # timeout sends them back to the start of the topic. Counting those re-reads made the
    # first 30-minute soak report 302,912 "duplicates" the worker never wrote.
    first = _load("harness").FirstReads()
    assert [first.first(0, o) for o in (0, 1, 2)] == [True, True, True]
    assert first.first(1, 5)  # partitions are independent; read_committed skips offsets
    assert [first.first(0, o) for o in (0, 1, 2, 3)] == [False, False, False, True]
    assert not first.first(1, 5)
    assert first.first(1, 9)
    assert first.reread == 4


@pytest.mark.shared_data
def test_enrich_speed_output_check_notices_a_changed_output(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The before/after equality check of the speed work: equal outputs pass, one changed
    output fails (on a slice of every kind of sample posting, to stay quick)."""
    module = _load("enrich_speed")
    postings = module.sample_postings(shared_data)
    kinds = {key.split(":")[0] for key, _ in postings}
    assert {"linkedin", "seed", "skillspan", "au_salary_strings.json"} <= kinds
    sample = [next(p for p in postings if p[0].startswith(kind)) for kind in sorted(kinds)]
    saved = module.outputs(sample)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(saved), encoding="utf-8")
    assert module.check_outputs(sample, path) == 0
    key = sorted(saved)[0]
    changed = saved[key].replace("null", "0", 1)
    assert changed != saved[key]
    path.write_text(json.dumps({**saved, key: changed}), encoding="utf-8")
    assert module.check_outputs(sample, path) == 1
    assert f"differs: {key}" in capsys.readouterr().out
