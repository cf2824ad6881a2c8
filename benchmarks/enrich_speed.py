"""Enrichment alone, per posting and per step: median and p99 microseconds.

    .venv/bin/python benchmarks/enrich_speed.py [--rounds 5] [--limit N] [--batch-sizes 1,50,500]

On the LinkedIn sample postings (../shared/data) it times, for two enrichers (the full
registry, and the original two steps, skills and salary, alone, so the cost of the
normalization steps reads as a difference), in the same process and alternating within each
round (the machine is shared: every mode sees the same load):

- `compute`, posting by posting: each posting's fastest of `--rounds` passes; median and
  p99 over the postings;
- `compute_batch` over consecutive batches of each size in `--batch-sizes` (every step runs
  over the whole batch before the next step): **per-posting cost = the batch's wall time /
  its number of postings**, each batch's fastest of `--rounds` passes; median and p99 over
  the batches (with one batch of 500, both are that batch). Beside it, "inside the batch":
  the median and p99 over postings of the time their own steps took (the observer's wall
  clock; each posting's fastest of the passes, as for `compute`), without the batch's
  shared overhead. On a busy machine prefer `--clock cpu`: a batch of 500 runs ~0.15 s at
  a stretch, so its wall time holds whatever other processes took the core meanwhile,
  which `compute`'s per-posting minimum filters out.

Per step it prints the median and p99 of the time the step took (from the enricher's own
observer hook), and the share of postings whose salary step found no pay statement.
`--budget S` brackets the work with the worker's per-message time budget
(`budget.MessageBudget`, as stream/processing.py does) to include its timer calls. Exits 0
with a message when ../shared is absent.

Output equality, for speed work (the output must not change): `--save-outputs FILE` writes
the JSON enrichment of every sample posting (LinkedIn, SkillSpan, the seed page, the pay
strings of salary/ as pay lines and as description lines), with and without skill
evidence, and `--check-outputs FILE` recomputes them and compares, printing
"same output N/N" and exiting 1 on any difference. With `--output-batch N` both compute
through `compute_batch` in batches of N postings instead of `compute`. FILE holds data
derived from ../shared: keep it outside the repository (e.g. /tmp).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))  # measures.py, also when imported by a test

from measures import percentile  # noqa: E402  (benchmarks/ is the script's own folder)

from stream.budget import MessageBudget  # noqa: E402
from stream.cli.samples import default_data_dir, linkedin_postings, seed_posting  # noqa: E402
from stream.enrich.pipeline import Enricher, Enrichment  # noqa: E402
from stream.enrich.registry import STEPS, salary_step, skills_step  # noqa: E402
from stream.enrich.salary.judge import DroppedPay  # noqa: E402
from stream.enrich.skills.taxonomy import Taxonomy  # noqa: E402
from stream.models import RawPosting  # noqa: E402


class StepTimes:
    """An EnrichmentObserver that keeps every observed time per step, in call order (per
    step, one entry per posting that reached it: the postings' order in both modes)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)

    def observe(self, enricher: str, seconds: float) -> None:
        self.times[enricher].append(seconds)

    def salary_dropped(self, dropped: Sequence[DroppedPay]) -> None:
        pass

    def take(self) -> dict[str, list[float]]:
        taken, self.times = self.times, defaultdict(list)
        return dict(taken)


@dataclass
class Mode:
    """One way of running one enricher: `batch` None is `compute` posting by posting, else
    `compute_batch` over consecutive slices of that size. Keeps, per unit (a posting, or a
    batch), the fastest pass's per-posting time and that pass's per-step times."""

    label: str
    enricher: Enricher
    batch: int | None
    units: list[list[RawPosting]]
    best: list[float] = field(default_factory=list)
    steps: list[dict[str, list[float]]] = field(default_factory=list)
    # Batches only: per posting, the least over the passes of its own steps' total (as
    # `compute`'s per-posting figure is its fastest pass: noise only ever adds time).
    own: list[float] = field(default_factory=list)

    def run_pass(
        self, observer: StepTimes, seconds: float | None, clock: Callable[[], float]
    ) -> None:
        if not self.best:
            self.best = [float("inf")] * len(self.units)
            self.steps = [{} for _ in self.units]
        enricher = self.enricher
        with MessageBudget(seconds) as budget:
            for index, unit in enumerate(self.units):
                started = clock()
                if self.batch is None:
                    budget.start()
                    try:
                        enricher.compute(unit[0], observer)
                    finally:
                        budget.stop()
                else:
                    for result in enricher.compute_batch(unit, observer, budget):
                        if isinstance(result, Exception):
                            raise result
                elapsed = (clock() - started) / len(unit)
                steps = observer.take()
                if self.batch is not None:
                    totals = [sum(times) for times in zip(*steps.values(), strict=True)]
                    first = index * self.batch
                    if len(self.own) < first + len(totals):
                        self.own.extend([float("inf")] * (first + len(totals) - len(self.own)))
                    for offset, total in enumerate(totals):
                        self.own[first + offset] = min(self.own[first + offset], total)
                if elapsed < self.best[index]:
                    self.best[index] = elapsed
                    self.steps[index] = steps

    def per_step(self) -> dict[str, list[float]]:
        merged: dict[str, list[float]] = defaultdict(list)
        for steps in self.steps:
            for name, values in steps.items():
                merged[name].extend(values)
        return dict(merged)


# The per-step figures always come from the pipeline's observer (wall clock, perf_counter).
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.thread_time}


def _us(values: Sequence[float], mean: bool = False) -> str:
    average = f"mean {statistics.fmean(values) * 1e6:6.1f} µs, " if mean else ""
    return (
        f"median {statistics.median(values) * 1e6:6.1f} µs, {average}"
        f"p99 {percentile(values, 99) * 1e6:7.1f} µs"
    )


def report(mode: Mode) -> None:
    if mode.batch is None:
        print(f"{mode.label}, compute: {_us(mode.best, mean=True)} per posting")
    else:
        inside = mode.own
        print(
            f"{mode.label}, compute_batch of {mode.batch}: {_us(mode.best, mean=True)} per posting "
            f"(batch time / {mode.batch}, over {len(mode.units)} batches); inside the batch, "
            f"each posting's own steps (its fastest pass, wall clock): {_us(inside, mean=True)}"
        )
    for name, values in mode.per_step().items():
        print(f"  {name:<11} {_us(values, mean=True)}")  # a mean far above the median: a tail


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


def outputs(postings: list[tuple[str, RawPosting]], batch: int | None = None) -> dict[str, str]:
    """Each posting's enrichment as JSON, without and with skill evidence (the offsets);
    through `compute`, or `compute_batch` in batches of `batch` postings. A posting whose
    enrichment raises has its exception as output."""
    taxonomy = Taxonomy.bundled()
    result: dict[str, str] = {}
    for suffix, enricher in (
        ("", Enricher.build(taxonomy)),
        ("+evidence", Enricher.build(taxonomy, skill_evidence=True)),
    ):
        computed: list[Enrichment | Exception] = []
        if batch is None:
            for _, posting in postings:
                try:
                    computed.append(enricher.compute(posting))
                except Exception as exc:
                    computed.append(exc)
        else:
            raws = [posting for _, posting in postings]
            for start in range(0, len(raws), batch):
                computed.extend(enricher.compute_batch(raws[start : start + batch]))
        for (key, _), done in zip(postings, computed, strict=True):
            text = f"error: {done!r}" if isinstance(done, Exception) else enricher.encode(done)
            result[key + suffix] = text
    return result


def check_outputs(
    postings: list[tuple[str, RawPosting]], path: Path, batch: int | None = None
) -> int:
    """Compare against a saved run: 0 when every output is the same, else 1."""
    saved: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    now = outputs(postings, batch)
    differ = sorted(k for k in saved.keys() | now.keys() if saved.get(k) != now.get(k))
    for key in differ[:5]:
        print(f"differs: {key}\n  saved: {saved.get(key)}\n  now:   {now.get(key)}")
    how = "compute" if batch is None else f"compute_batch of {batch}"
    print(f"same output {len(now) - len(differ)}/{len(now)} (saved: {len(saved)}; {how})")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--batch-sizes",
        default="1,50,500",
        help="comma-separated compute_batch sizes to time (empty: compute only)",
    )
    parser.add_argument(
        "--budget", type=float, default=None, help="per-posting time budget, seconds"
    )
    parser.add_argument(
        "--clock",
        choices=tuple(CLOCKS),
        default="wall",
        help="cpu: this thread's CPU time (leaves out time other processes took the core)",
    )
    parser.add_argument("--save-outputs", type=Path, help="write every sample's output here")
    parser.add_argument("--check-outputs", type=Path, help="compare with a saved file")
    parser.add_argument("--output-batch", type=int, default=None, help="outputs by batches")
    args = parser.parse_args()
    data = default_data_dir()
    if data is None:
        print("skipped: ../shared/data is absent (the LinkedIn sample postings are read from it)")
        return 0
    if args.save_outputs is not None:
        saved = outputs(sample_postings(data), args.output_batch)
        args.save_outputs.write_text(json.dumps(saved, sort_keys=True), encoding="utf-8")
        print(f"saved {len(saved)} outputs to {args.save_outputs}")
        return 0
    if args.check_outputs is not None:
        return check_outputs(sample_postings(data), args.check_outputs, args.output_batch)
    postings = list(linkedin_postings(data, limit=args.limit))
    taxonomy = Taxonomy.bundled()
    full = Enricher.build(taxonomy)
    original = Enricher.build(taxonomy, factories=(skills_step, salary_step))
    assert len(full.steps) == len(STEPS)
    # (Enrichment's subclass is made from the steps at run time: its fields read by name.)
    no_pay = sum(1 for p in postings if dict(full.compute(p))["salary"] is None)
    sizes = [int(size) for size in args.batch_sizes.split(",") if size.strip()]
    modes: list[Mode] = []
    for label, enricher in (("all steps", full), ("skills + salary only", original)):
        modes.append(Mode(label, enricher, None, [[p] for p in postings]))
        for size in sizes:
            units = [postings[i : i + size] for i in range(0, len(postings), size)]
            modes.append(Mode(label, enricher, size, units))
    budget = "none" if args.budget is None else f"{args.budget:g} s per posting"
    print(
        f"{len(postings)} LinkedIn sample postings, {args.rounds} rounds (fastest kept), every "
        f"mode once per round in turn; clock: {args.clock}; budget: {budget}; "
        f"{no_pay} ({no_pay / len(postings):.0%}) have no pay statement"
    )
    observer = StepTimes()
    for _ in range(args.rounds):
        for mode in modes:
            mode.run_pass(observer, args.budget, CLOCKS[args.clock])
    for mode in modes:
        report(mode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
