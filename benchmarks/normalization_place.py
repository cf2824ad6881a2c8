"""Place and work mode: accuracy on the labelled dev set, speed on the LinkedIn sample, and
the RSS the gazetteer adds.

Run: .venv/bin/python benchmarks/normalization_place.py [--rounds N] [--show]

- accuracy per field on tests/normalization/place_cases.jsonl (hand-judged; see
  docs/normalization.md): country where the location names one, region, city where it names
  one, `places` for multi-location strings, work mode where judged, and garbage (a place
  produced for a location judged to name none counts as wrong), overall and by source.
- speed: median and p99 microseconds of the place step per posting over the 500 LinkedIn
  postings (../shared/data/salary/linkedin_postings_sample500.csv), one core, text already
  normalized (the pipeline does that once for all steps), best of N rounds per posting.
- memory: RSS before and after the gazetteer is built, and how long that takes.

The dev set keeps its labels in the repository and reads its texts from ../shared/data
(tests/normalization/cases.py); without that data the dev set and the speed part print a
message and are skipped (exit 0).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stream.enrich.place.gazetteer import gazetteer  # noqa: E402
from stream.enrich.place.parse import _parse_cached  # noqa: E402
from stream.enrich.place.step import PlaceStep  # noqa: E402
from stream.enrich.place.work_mode import _location_mode  # noqa: E402
from stream.enrich.step import PreparedPosting  # noqa: E402
from stream.enrich.text import normalize_text  # noqa: E402
from stream.models import RawPosting  # noqa: E402
from tests.normalization.cases import SharedDataAbsentError  # noqa: E402
from tests.normalization.place_eval import Scores, Tally, load_cases, score  # noqa: E402

LINKEDIN = ROOT.parent / "shared" / "data" / "salary" / "linkedin_postings_sample500.csv"
FIELDS = ("country", "region", "city", "places", "work_mode", "garbage")


def _rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _p99(sorted_micros: list[float]) -> float:
    return sorted_micros[min(len(sorted_micros) - 1, int(0.99 * len(sorted_micros)))]


def _line(name: str, t: Tally) -> str:
    return f"{name:<10} {t.right:>4}/{t.total:<4} {100 * t.share:6.1f}%"


def _report(title: str, s: Scores, show: bool) -> None:
    print(title)
    for name in FIELDS:
        t: Tally = getattr(s, name)
        print("  " + _line(name, t))
        if show:
            for miss in t.misses:
                print("      miss:", miss)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--show", action="store_true", help="print every miss")
    args = parser.parse_args()

    before = _rss_mib()
    started = time.perf_counter()
    gaz = gazetteer()
    loaded = time.perf_counter() - started
    after = _rss_mib()
    print(f"gazetteer: built in {loaded:.1f} s, RSS {before:.0f} -> {after:.0f} MiB "
          f"(+{after - before:.0f} MiB), {len(gaz.city_records):,} cities, "
          f"{len(gaz.city_index):,} names")  # fmt: skip

    try:
        cases = load_cases()
    except SharedDataAbsentError as absent:
        print(f"dev set: skipped, {absent}")
        cases = []
    if cases:
        _report(f"dev set, all {len(cases)} cases:", score(cases), args.show)
    for source in ("linkedin", "handwritten", "skillspan") if cases else ():
        subset = [c for c in cases if c.get("src") == source]
        _report(f"  by source {source} ({len(subset)} cases):", score(subset), False)

    if not LINKEDIN.is_file():
        print(f"speed: skipped, {LINKEDIN} not present (reference data lives beside the repo)")
        return 0
    with LINKEDIN.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    postings = []
    for i, row in enumerate(rows):
        raw = RawPosting(source="li", source_id=str(i), title=row["title"] or "-",
                         description=row["description"] or "-",
                         location=row["location"] or None)  # fmt: skip
        postings.append(PreparedPosting(raw, normalize_text(raw.title),
                                        normalize_text(raw.description)))  # fmt: skip
    step = PlaceStep(gaz)
    _parse_cached.cache_clear()
    _location_mode.cache_clear()
    best = [float("inf")] * len(postings)
    first: list[float] = []
    for round_ in range(args.rounds):
        for i, p in enumerate(postings):
            t0 = time.perf_counter()
            step.run(p, None)
            best[i] = min(best[i], time.perf_counter() - t0)
            if round_ == 0:
                first.append(time.perf_counter() - t0)
    cold = sorted(f * 1e6 for f in first)
    print(f"speed, first pass (each distinct location parsed once, then cached): "
          f"median {statistics.median(cold):.1f} us, p99 {_p99(cold):.1f} us")  # fmt: skip
    micros = sorted(b * 1e6 for b in best)
    p99 = _p99(micros)
    resolved = sum(1 for p in postings if step.run(p, None).place is not None)
    modes = [step.run(p, None).work_mode for p in postings]
    print(f"speed: place step on {len(postings)} LinkedIn postings, best of {args.rounds} (warm): "
          f"median {statistics.median(micros):.1f} us, p99 {p99:.1f} us, "
          f"max {micros[-1]:.1f} us")  # fmt: skip
    print(f"coverage: place resolved {resolved}/{len(postings)}, work mode "
          f"remote {modes.count('remote')}, hybrid {modes.count('hybrid')}, "
          f"onsite {modes.count('onsite')}, none {modes.count(None)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
