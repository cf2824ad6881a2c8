"""Text normalization latency per posting, against the regex version it replaced.

Run from the repository root:  .venv/bin/python benchmarks/text_speed.py [--rounds N]

For the LinkedIn sample descriptions (raw, as scraped) and the SkillSpan dev postings it
prints median and p99 microseconds of `normalize_text` and of a baseline in the same
process: the same steps with whitespace collapsed by three regex passes (the first
implementation), and the ratio of the medians. It also checks that both give the same
text. Postings are timed in `--rounds` sequential passes and each one's fastest kept.
Exits 0 with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from stream.enrich.text import normalize_text, plain_text

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SKILLSPAN = DATA / "skills" / "skillspan_dev_postings.jsonl"
LINKEDIN = DATA / "salary" / "linkedin_postings_sample500.csv"

_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def regex_normalize(text: str) -> str:
    """The first implementation of normalize_text: the same plain_text, regex collapsing."""
    text = _HORIZONTAL_SPACE.sub(" ", plain_text(text))
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def _timings(run: Callable[[str], object], texts: list[str], rounds: int) -> list[float]:
    best = [float("inf")] * len(texts)
    for _ in range(rounds):
        for i, text in enumerate(texts):
            t0 = time.perf_counter_ns()
            run(text)
            best[i] = min(best[i], time.perf_counter_ns() - t0)
    return [b / 1000.0 for b in best]


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def bench(label: str, texts: list[str], rounds: int) -> None:
    same = sum(1 for t in texts if normalize_text(t) == regex_normalize(t))
    print(f"{label}: {len(texts)} texts, same output {same}/{len(texts)}")
    medians = {}
    for name, run in (("normalize_text", normalize_text), ("regex baseline", regex_normalize)):
        micros = _timings(run, texts, rounds)
        medians[name] = statistics.median(micros)
        print(f"  {name:<15} median {medians[name]:7.1f} us   p99 {_p99(micros):7.1f} us")
    ratio = medians["regex baseline"] / medians["normalize_text"]
    print(f"  regex baseline / normalize_text median: {ratio:.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not SKILLSPAN.exists() or not LINKEDIN.exists():
        print(f"skipped: evaluation data not found under {DATA}")
        return 0
    csv.field_size_limit(sys.maxsize)
    with LINKEDIN.open(encoding="utf-8", newline="") as handle:
        linkedin = [row.get("description") or "" for row in csv.DictReader(handle)]
    skillspan = [
        json.loads(line)["text"] for line in SKILLSPAN.read_text(encoding="utf-8").splitlines()
    ]
    bench("linkedin descriptions (raw)", linkedin, args.rounds)
    bench("skillspan dev postings", skillspan, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
