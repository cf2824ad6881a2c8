"""Soak: a long run at half the worker's measured maximum rate, with faults (docs/guarantees.md).

    .venv/bin/python benchmarks/soak.py [--minutes 30] [--rate R]

Not part of the test command: it takes the machine for `--minutes` plus a few. On a private
Kafka + Redis (deploy/local/stack.sh on free ports; the shared stack is not touched):

1. Calibration (unless --rate): 4,000 new postings published up front, one `stream run`
   started; its rate from first to last committed record is the maximum. The soak runs at
   half of it.
2. Soak: one `stream run` with the shipped defaults, fed at that rate a mix of new postings
   (~73%), re-scrapes of earlier ones (~25%; one in ten with a changed title) and hostile
   messages (2%: truncated JSON, invalid UTF-8, over 1 MB, nested 100,000 deep, wrong types,
   empty, `null`). A Redis restart at 1/3 of the run and a broker restart at 2/3 (each down
   for 5 s). If the worker exits (the watchdog's code 70 after a broker restart, say) it is
   started again under the same instance id, as an orchestrator would, and counted.
3. Checks, from read_committed readers of postings.enriched and postings.dlq (each record
   counted once, by offset: a reader reset to the start by a long broker outage re-reads):
   lost         posting ids published but never enriched (must be 0)
   over         records beyond one per raw message of that id (must be 0: a raw message
                yields at most one enriched record; an unchanged re-scrape yields none unless
                Redis lost the posting's state, as it does when Redis restarts)
   dlq          dead letters against hostile messages sent (must be equal)
   lag          sampled every 5 s: after each fault, the peak and the time until the lag is
                back under one second of input; after the publisher stops, 0
   RSS          each worker process's resident memory every 5 s; slope by least squares
                (MB per hour) per stretch: warm-up end (first fifth) to the first fault,
                between the faults, after the last; a fault and the lag back after it split
                a stretch (catch-up vs steady state). `--report FILE` re-prints this from --out
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness import (
    Item,
    Publisher,
    Reader,
    Worker,
    World,
    posting_item,
    private_stack,
    synthetic_posting,
    wait,
)


def calibrate(world: World, logs: Path, count: int) -> float:
    """The worker's rate on new postings, records per second, first to last commit."""
    world.create()
    publisher = Publisher(world, 1e9, posting_item, limit=count)  # as fast as it goes
    publisher.start()
    wait(lambda: publisher.sent >= count, "calibration postings published", 120)
    publisher.stop()
    sent = publisher.sent
    reader = Reader(world, world.topic("enriched"))
    reader.start()
    worker = Worker(world, logs / "calibration.log", {"STREAM_WORKER__INSTANCE_ID": "cal-0"})
    try:
        wait(lambda: reader.count() >= sent, "calibration enriched", 900)
    finally:
        worker.stop()
        reader.stop()
    first, last = reader.arrivals[0], reader.arrivals[-1]  # the reader has stopped
    return sent / max(last - first, 1e-3)


def _hostile(index: int) -> Item:
    valid = json.dumps(synthetic_posting(index)).encode()
    cases: list[Item] = [
        (b"h:truncated", valid[: len(valid) // 2]),
        (b"h:utf8", b'{"source": "x", "title": "\xff\xfe"}'),
        (b"h:nested", b'{"source": "x", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        (b"h:types", json.dumps({**synthetic_posting(index), "title": {"no": 1}}).encode()),
        (b"h:empty", b""),
        (None, b"null"),
    ]
    if index % 5 == 0:  # over max_message_bytes (1 MB); rarer, it weighs 1.1 MB per copy
        big = synthetic_posting(index, description="x" * 1_100_000)
        return b"h:huge", json.dumps(big).encode()
    return cases[index % len(cases)]


@dataclass
class Mix:
    """Decides message i (new, re-scrape or hostile) and remembers what was sent."""

    rng: random.Random = field(default_factory=lambda: random.Random(13))
    new: int = 0
    hostile: int = 0
    rescrapes: int = 0
    changed: int = 0
    inputs: Counter[bytes] = field(default_factory=Counter)

    def __call__(self, index: int) -> Item:
        if index % 50 == 49:
            self.hostile += 1
            return _hostile(self.hostile)
        if self.new > 100 and self.rng.random() < 0.25:
            target = self.rng.randrange(self.new)
            self.rescrapes += 1
            overrides: dict[str, object] = {"scraped_at": "2026-12-06T00:00:00Z"}
            if self.rng.random() < 0.1:
                self.changed += 1
                overrides["title"] = f"Principal Engineer {self.rescrapes}"
            key, value = posting_item(target, seed=0, **overrides)  # (overrides: fields only)
        else:
            key, value = posting_item(self.new)
            self.new += 1
        self.inputs[key or b""] += 1
        return key, value


@dataclass
class Sample:
    at: float
    lag: int | None
    rss: int | None
    pid: int


class Monitor(threading.Thread):
    """Samples the group's lag and the worker's RSS every 5 s."""

    def __init__(self, world: World, current: list[Worker]) -> None:
        super().__init__(daemon=True)
        self._world = world
        self._current = current
        self._halt = threading.Event()
        self.samples: list[Sample] = []

    def run(self) -> None:
        while not self._halt.wait(5):
            worker = self._current[-1]
            try:
                lag: int | None = self._world.lag()
            except Exception:  # broker down: no figure for this sample
                lag = None
            self.samples.append(
                Sample(time.monotonic(), lag, worker.rss_bytes(), worker.process.pid)
            )

    def stop(self) -> None:
        self._halt.set()
        self.join()


def slope_mb_per_hour(points: list[tuple[float, int]]) -> float:
    if len(points) < 3:
        return float("nan")
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_r = sum(r for _, r in points) / n
    cov = sum((t - mean_t) * (r - mean_r) for t, r in points)
    var = sum((t - mean_t) ** 2 for t, _ in points)
    return cov / var * 3600 / 1e6 if var else float("nan")


def _report_rss(samples: list[Sample], edges: list[float]) -> None:
    """RSS per worker process, with its slope per stretch between `edges` (warm-up end,
    each fault, the lag back after it, the end): a catch-up after a fault and the steady
    state that follows are different questions, so they get separate slopes."""
    pids = sorted({x.pid for x in samples}, key=lambda p: min(x.at for x in samples if x.pid == p))
    for pid in pids:
        mine = [(x.at, x.rss) for x in samples if x.pid == pid and x.rss is not None]
        if not mine:
            continue
        print(
            f"  RSS of worker pid {pid}: {mine[0][1] / 1e6:.0f} -> {mine[-1][1] / 1e6:.0f} MB, "
            f"max {max(r for _, r in mine) / 1e6:.0f} MB over {mine[-1][0] - mine[0][0]:.0f} s"
        )
        for start, end in itertools.pairwise(edges):
            part = [(t, r) for t, r in mine if start <= t < end]
            if len(part) >= 6:
                print(
                    f"    {part[0][0]:4.0f}-{part[-1][0]:4.0f} s: "
                    f"{part[0][1] / 1e6:.0f} -> {part[-1][1] / 1e6:.0f} MB, "
                    f"slope {slope_mb_per_hour(part):+.0f} MB/h"
                )


def report_samples(
    samples: list[Sample], faults: list[tuple[str, float, float]], rate: float, duration: float
) -> None:
    """Lag after each fault and RSS per stretch; times in seconds from the soak's start."""
    threshold = rate  # one second of input
    edges = [duration / 5]  # the first fifth is warm-up
    for name, down, up in faults:
        after = [s for s in samples if s.at >= down]
        back = next(
            (s.at for s in after if s.at > up and s.lag is not None and s.lag <= threshold),
            None,
        )
        peak = max((s.lag or 0 for s in after if back is None or s.at <= back), default=0)
        shown = f"{back - up:.0f} s after it was back up" if back else "never"
        print(f"  {name} restart: lag peak {peak}, under {threshold:.0f} {shown}")
        edges += [down, back] if back else [down]
    steady = [s.lag for s in samples if s.lag is not None]
    print(f"  lag samples: median {sorted(steady)[len(steady) // 2] if steady else '-'}")
    _report_rss(samples, sorted({*edges, duration + 600}))


def soak(
    world: World,
    stack_run: Callable[[str, str], None],  # PrivateStack.run: stack.sh ACTION SERVICE
    rate: float,
    minutes: float,
    logs: Path,
    out: Path | None = None,
) -> int:
    world.create()
    mix = Mix()
    current: list[Worker] = []

    def start() -> None:
        current.append(Worker(world, logs / "soak.log", {"STREAM_WORKER__INSTANCE_ID": "soak-0"}))

    enriched = Reader(world, world.topic("enriched"))
    dlq = Reader(world, world.topic("dlq"))
    enriched.start()
    dlq.start()
    start()
    publisher = Publisher(world, rate, mix)
    publisher.start()
    monitor = Monitor(world, current)
    monitor.start()
    began = time.monotonic()
    duration = minutes * 60
    faults: list[tuple[str, float, float]] = []  # name, down at, up at
    plan = [(duration / 3, "redis"), (2 * duration / 3, "kafka")]
    restarts: list[int | None] = []
    try:
        while time.monotonic() - began < duration:
            if plan and time.monotonic() - began >= plan[0][0]:
                _, service = plan.pop(0)
                down = time.monotonic()
                stack_run("stop", service)
                time.sleep(5)
                stack_run("start", service)
                faults.append((service, down, time.monotonic()))
                print(f"{service} restarted at {down - began:.0f} s", flush=True)
            if current[-1].process.poll() is not None:
                restarts.append(current[-1].process.returncode)
                print(f"worker exited {restarts[-1]}; starting it again", flush=True)
                start()
            time.sleep(1)
        publisher.stop()
        stopped = time.monotonic()
        wait(lambda: set(mix.inputs) <= set(enriched.keys), "every posting enriched", 900)
        wait(lambda: dlq.count() >= mix.hostile, "every dead letter", 300)
        wait(lambda: world.lag() == 0, "lag back to zero", 300)
        drained = time.monotonic()
        time.sleep(5)  # duplicates would show up now
    finally:
        monitor.stop()
        for worker in current:
            if worker.process.poll() is None:
                worker.stop()
        enriched.stop()
        dlq.stop()

    lost = len(set(mix.inputs) - set(enriched.keys))
    over = sum(max(0, n - mix.inputs.get(k, 0)) for k, n in enriched.keys.items())
    republished = sum(enriched.keys.values()) - len(enriched.keys) - mix.changed
    print()
    print(f"duration {minutes:g} min at {rate:.0f} msg/s: {publisher.sent} raw messages")
    print(
        f"  new {mix.new}, re-scrapes {mix.rescrapes} ({mix.changed} changed), "
        f"hostile {mix.hostile}"
    )
    print(
        f"  enriched records {sum(enriched.keys.values())} for {len(enriched.keys)} ids; "
        f"lost {lost}; over one per raw message {over}; "
        f"unchanged re-scrapes republished {max(republished, 0)} (Redis state lost)"
    )
    print(f"  dead letters {dlq.count()} for {mix.hostile} hostile")
    reread = enriched.reread + dlq.reread
    print(f"  records the checking readers read again after a reset (not counted) {reread}")
    print(f"  worker restarts {len(restarts)} (exit codes {restarts})")
    print(f"  drained (lag 0, all read) {drained - stopped:.0f} s after publishing stopped")
    relative = [Sample(x.at - began, x.lag, x.rss, x.pid) for x in monitor.samples]
    marks = [(n, d - began, u - began) for n, d, u in faults]
    report_samples(relative, marks, rate, duration)
    if out is not None:
        rows = [{"t": round(x.at, 1), "lag": x.lag, "rss": x.rss, "pid": x.pid} for x in relative]
        fault_rows = [{"fault": n, "down": d, "up": u} for n, d, u in marks]
        document = {"rate": rate, "minutes": minutes, "faults": fault_rows, "samples": rows}
        out.write_text(json.dumps(document))
        print(f"  samples written to {out}")
    ok = lost == 0 and over == 0 and dlq.count() == mix.hostile
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, help="Messages per second (default: half max).")
    parser.add_argument("--calibrate", type=int, default=4000, help="Calibration postings.")
    parser.add_argument("--out", type=Path, help="Write the lag/RSS samples here (JSON).")
    parser.add_argument("--logs", type=Path, help="Keep the worker logs here (default: dropped).")
    parser.add_argument("--report", type=Path, help="Only print the lag/RSS report of an --out.")
    args = parser.parse_args()
    if args.report:
        document = json.loads(args.report.read_text())
        samples = [Sample(x["t"], x["lag"], x["rss"], x["pid"]) for x in document["samples"]]
        faults = [(x["fault"], x["down"], x["up"]) for x in document["faults"]]
        minutes = document.get("minutes", args.minutes)
        report_samples(samples, faults, document["rate"], minutes * 60)
        return 0
    with private_stack() as stack, tempfile.TemporaryDirectory(prefix="soak-") as scratch:
        logs = str(args.logs or scratch)  # a kept directory lets a failure be read afterwards
        Path(logs).mkdir(parents=True, exist_ok=True)
        rate = args.rate
        if rate is None:
            top = calibrate(World(stack), Path(logs), args.calibrate)
            rate = top / 2
            print(f"calibration: {top:.0f} new postings/s; soak at {rate:.0f}/s", flush=True)
        code = soak(World(stack), stack.run, rate, args.minutes, Path(logs), args.out)
        if code:
            print((Path(logs) / "soak.log").read_text("utf-8", "replace")[-5000:], file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
