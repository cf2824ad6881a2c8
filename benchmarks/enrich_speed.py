"""Enrichment alone, per posting and per step: median and p99 microseconds.

    .venv/bin/python benchmarks/enrich_speed.py [--rounds 5] [--limit N]

On the LinkedIn sample postings (../shared/data) it times `Enricher.compute` for every
posting, in `--rounds` sequential passes, keeping each posting's fastest pass (the machine
is shared: the minimum is the least disturbed figure). Two enrichers are timed in the same
process: the full registry and the original two steps (skills, salary) alone, so the cost
of the normalization steps reads as a difference. Per step it prints the median and p99 of
the time the step took (from the enricher's own observer hook), and the share of postings
whose salary step found no pay statement. Exits 0 with a message when ../shared is absent.

Output equality, for speed work (the output must not change): `--save-outputs FILE` writes
the JSON enrichment of every sample posting (LinkedIn, SkillSpan, the seed page, the pay
strings of salary/ as pay lines and as description lines), with and without skill
evidence, and `--check-outputs FILE` recomputes them and compares, printing
"same output N/N" and exiting 1 on any difference. FILE holds data derived from
../shared: keep it outside the repository (e.g. /tmp).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))  # measures.py, also when imported by a test

from measures import percentile  # noqa: E402  (benchmarks/ is the script's own folder)

from stream.cli.samples import default_data_dir, linkedin_postings, seed_posting  # noqa: E402
from stream.enrich.pipeline import Enricher  # noqa: E402
from stream.enrich.registry import STEPS, salary_step, skills_step  # noqa: E402
from stream.enrich.salary.judge import DroppedPay  # noqa: E402
from stream.enrich.skills.taxonomy import Taxonomy  # noqa: E402
from stream.models import RawPosting  # noqa: E402


class StepTimes:
    """An EnrichmentObserver that keeps the last posting's per-step seconds."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}

    def observe(self, enricher: str, seconds: float) -> None:
        self.last[enricher] = seconds

    def salary_dropped(self, dropped: Sequence[DroppedPay]) -> None:
        pass


def time_enricher(
    enricher: Enricher, postings: list[RawPosting], rounds: int
) -> tuple[list[float], dict[str, list[float]]]:
    """Per posting, the fastest total over the rounds and that pass's per-step times."""
    best_total = [float("inf")] * len(postings)
    best_steps: list[dict[str, float]] = [{} for _ in postings]
    observer = StepTimes()
    for _ in range(rounds):
        for index, posting in enumerate(postings):
            started = time.perf_counter()
            enricher.compute(posting, observer)
            elapsed = time.perf_counter() - started
            if elapsed < best_total[index]:
                best_total[index] = elapsed
                best_steps[index] = dict(observer.last)
    per_step: dict[str, list[float]] = defaultdict(list)
    for steps in best_steps:
        for name, seconds in steps.items():
            per_step[name].append(seconds)
    return best_total, per_step


def report(title: str, totals: list[float], per_step: dict[str, list[float]]) -> None:
    print(
        f"{title}: median {statistics.median(totals) * 1e6:6.1f} µs, "
        f"p99 {percentile(totals, 99) * 1e6:7.1f} µs per posting"
    )
    for name, values in per_step.items():
        print(
            f"  {name:<11} median {statistics.median(values) * 1e6:6.1f} µs, "
            f"p99 {percentile(values, 99) * 1e6:7.1f} µs"
        )


def sample_postings(data: Path) -> list[tuple[str, RawPosting]]:
    """Every sample posting the equality check covers, each under a stable key."""
    found = [(f"linkedin:{p.source_id}", p) for p in linkedin_postings(data)]
    found.append(("seed", seed_posting(data)))
    skillspan = data / "skills" / "skillspan_dev_postings.jsonl"
    for line in skillspan.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        key = f"skillspan:{row['source']}:{row['idx']}"
        found.append(
            (key, RawPosting(source="skillspan", source_id=key, title="", description=row["text"]))
        )
    for name in ("au_salary_strings.json", "price_parser_cases.json"):
        cases = json.loads((data / "salary" / name).read_text(encoding="utf-8"))
        for index, case in enumerate(cases):
            pay = case["raw"]
            key = f"{name}:{index}"
            for where, posting in (
                (
                    "line",
                    RawPosting(
                        source="pay",
                        source_id=key,
                        title="Analyst",
                        description="",
                        salary_text=pay,
                        location="Sydney NSW",
                    ),
                ),
                (
                    "text",
                    RawPosting(
                        source="pay",
                        source_id=key,
                        title="Analyst",
                        description=f"About the role.\nSalary: {pay} per year\nApply now.",
                        location="Toronto, ON",
                    ),
                ),
            ):
                found.append((f"{key}:{where}", posting))
    return found


def outputs(postings: list[tuple[str, RawPosting]]) -> dict[str, str]:
    """Each posting's enrichment as JSON, without and with skill evidence (the offsets)."""
    taxonomy = Taxonomy.bundled()
    result: dict[str, str] = {}
    for suffix, enricher in (
        ("", Enricher.build(taxonomy)),
        ("+evidence", Enricher.build(taxonomy, skill_evidence=True)),
    ):
        for key, posting in postings:
            result[key + suffix] = enricher.encode(enricher.compute(posting))
    return result


def check_outputs(postings: list[tuple[str, RawPosting]], path: Path) -> int:
    """Compare against a saved run: 0 when every output is the same, else 1."""
    saved: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    now = outputs(postings)
    differ = sorted(k for k in saved.keys() | now.keys() if saved.get(k) != now.get(k))
    for key in differ[:5]:
        print(f"differs: {key}\n  saved: {saved.get(key)}\n  now:   {now.get(key)}")
    print(f"same output {len(now) - len(differ)}/{len(now)} (saved: {len(saved)})")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--save-outputs", type=Path, help="write every sample's output here")
    parser.add_argument("--check-outputs", type=Path, help="compare with a saved file")
    args = parser.parse_args()
    data = default_data_dir()
    if data is None:
        print("skipped: ../shared/data is absent (the LinkedIn sample postings are read from it)")
        return 0
    if args.save_outputs is not None:
        saved = outputs(sample_postings(data))
        args.save_outputs.write_text(json.dumps(saved, sort_keys=True), encoding="utf-8")
        print(f"saved {len(saved)} outputs to {args.save_outputs}")
        return 0
    if args.check_outputs is not None:
        return check_outputs(sample_postings(data), args.check_outputs)
    postings = list(linkedin_postings(data, limit=args.limit))
    taxonomy = Taxonomy.bundled()
    full = Enricher.build(taxonomy)
    original = Enricher.build(taxonomy, factories=(skills_step, salary_step))
    assert len(full.steps) == len(STEPS)
    # (Enrichment's subclass is made from the steps at run time: its fields read by name.)
    no_pay = sum(1 for p in postings if dict(full.compute(p))["salary"] is None)
    print(
        f"{len(postings)} LinkedIn sample postings, {args.rounds} rounds (fastest kept); "
        f"{no_pay} ({no_pay / len(postings):.0%}) have no pay statement"
    )
    report("all steps", *time_enricher(full, postings, args.rounds))
    report("skills + salary only", *time_enricher(original, postings, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
