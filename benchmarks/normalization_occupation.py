"""Occupation coding: accuracy on the labelled dev set, coverage, speed and memory.

Run from the repository root:  .venv/bin/python benchmarks/normalization_occupation.py
                                [--rounds N] [--show N]

Prints
- the memory and time the ESCO table adds when it loads (RSS before and after, one process);
- on tests/normalization/occupation_cases.jsonl (labels in the repository, the titles of real
  postings read from ../shared/data by tests/normalization/cases.py): ISCO unit group
  accuracy over the labelled titles (overall and by source), the exact-occupation rate (share
  of labelled titles coded to one ESCO occupation rather than a unit group alone), that
  every garbage or too-general title codes to nothing, the same accuracy with ESCO alone
  (the hand-written title and ICT tables switched off), and the first --show misses;
- on the LinkedIn sample in ../shared/data (500 real titles): the share coded, and the time
  per posting of the step as the pipeline runs it (title normalized beforehand, as the
  pipeline does once for every step), median and p99 microseconds on one core, uncached
  (the step's per-process memo cleared before every posting) and memoized; each posting is
  timed in --rounds passes and its fastest kept. Both parts are skipped, with the reason, when
  ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stream.enrich.occupation.match import code_title, code_title_with  # noqa: E402
from stream.enrich.occupation.step import OccupationStep  # noqa: E402
from stream.enrich.occupation.table import Index, load_index  # noqa: E402
from stream.enrich.step import PreparedPosting  # noqa: E402
from stream.enrich.text import normalize_text  # noqa: E402
from stream.models import RawPosting  # noqa: E402
from tests.normalization import cases as case_files  # noqa: E402

DATA = case_files.SHARED_DATA
LINKEDIN = DATA / "salary" / "linkedin_postings_sample500.csv"


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def memory() -> Index:
    before = _rss_kib()
    t0 = time.perf_counter()
    index = load_index()
    seconds = time.perf_counter() - t0
    added = (_rss_kib() - before) / 1024
    print(
        f"table: {len(index.occupations)} occupations, {len(index.labels)} label keys, "
        f"{len(index.titles)} hand-written titles; loaded in {seconds:.2f} s, "
        f"RSS +{added:.1f} MiB"
    )
    return index


def accuracy(index: Index, show: int) -> None:
    try:
        cases = case_files.load("occupation_cases.jsonl", DATA)
    except case_files.SharedDataAbsentError as absent:
        print(f"dev set: skipped, {absent}")
        return
    labelled = [c for c in cases if c["isco"] is not None]
    garbage = [c for c in cases if c["isco"] is None]
    esco_alone = dataclasses.replace(
        index, titles={}, tech_heads={}, tech_overrides={}, plain={}, built={}
    )

    def coded(title: str, against: Index) -> tuple[str | None, bool]:
        occupation = code_title_with(normalize_text(title), against)
        if occupation is None:
            return None, False
        return occupation.isco_code, occupation.esco_uri is not None

    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    exact = alone = 0
    misses = []
    for case in labelled:
        isco, is_occupation = coded(case["title"], index)
        total[case["source"]] += 1
        if isco == case["isco"]:
            right[case["source"]] += 1
        else:
            misses.append((case["title"], case["isco"], isco))
        exact += is_occupation
        alone += coded(case["title"], esco_alone)[0] == case["isco"]
    n = len(labelled)
    print(
        f"dev set: {len(cases)} titles, {n} labelled with an ISCO unit group, "
        f"{len(garbage)} garbage or too general"
    )
    print(f"ISCO unit group accuracy: {sum(right.values())}/{n} = {sum(right.values()) / n:.1%}")
    for source in sorted(total):
        print(f"  {source}: {right[source]}/{total[source]} = {right[source] / total[source]:.1%}")
    print(f"exact-occupation rate: {exact}/{n} = {exact / n:.1%} coded to one ESCO occupation")
    wrongly = [c["title"] for c in garbage if coded(c["title"], index)[0] is not None]
    print(
        f"garbage -> null: {len(garbage) - len(wrongly)}/{len(garbage)}"
        + (f"  (coded: {wrongly})" if wrongly else "")
    )
    print(f"ESCO alone (no hand-written tables): {alone}/{n} = {alone / n:.1%}")
    for title, expected, got in misses[:show]:
        print(f"  miss: {title!r}: judged {expected}, coded {got}")


def speed(rounds: int) -> None:
    if not LINKEDIN.is_file():
        print(
            f"speed and coverage skipped: {LINKEDIN} absent (../shared/data lives beside the repo)"
        )
        return
    with LINKEDIN.open(newline="", encoding="utf-8") as f:
        raws = [
            RawPosting(source="linkedin", source_id=row["job_id"], title=row["title"],
                       description="")
            for row in csv.DictReader(f)
        ]  # fmt: skip
    postings = [PreparedPosting(raw, normalize_text(raw.title), "") for raw in raws]
    step = OccupationStep()
    parts = [step.run(p, None) for p in postings]
    found = [getattr(part, "occupation", None) for part in parts]
    with_occupation = sum(1 for o in found if o is not None and o.esco_uri is not None)
    coded = sum(1 for o in found if o is not None)
    print(
        f"LinkedIn sample: {coded}/{len(postings)} titles coded ({coded / len(postings):.0%}), "
        f"{with_occupation} to one ESCO occupation, {coded - with_occupation} to a unit group "
        "alone"
    )
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_setaffinity") else None
    if cores is not None:
        os.sched_setaffinity(0, {min(cores)})
    try:
        for label, clear in (("uncached", True), ("memoized", False)):
            best = [float("inf")] * len(postings)
            for _ in range(rounds):
                for i, posting in enumerate(postings):
                    if clear:
                        code_title.cache_clear()
                    t0 = time.perf_counter_ns()
                    step.run(posting, None)
                    best[i] = min(best[i], (time.perf_counter_ns() - t0) / 1000)
            print(
                f"step time per posting, {label}, one core: "
                f"median {statistics.median(best):.1f} µs, p99 {_p99(best):.1f} µs, "
                f"mean {statistics.fmean(best):.1f} µs ({len(postings)} postings, best of {rounds})"
            )
    finally:
        if cores is not None:
            os.sched_setaffinity(0, cores)  # the caller's (tests run this in-process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--show", type=int, default=20, help="misses to list")
    args = parser.parse_args()
    index = memory()
    accuracy(index, args.show)
    speed(args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
