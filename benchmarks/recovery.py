"""Crash recovery, measured from a read_committed reader's view (docs/guarantees.md).

    .venv/bin/python benchmarks/recovery.py [--rate 150] [--variants before,after,...]

On a private Kafka + Redis (deploy/local/stack.sh on free ports; the shared stack is not
touched), for each variant: one `stream run` (instance id w0, as the StatefulSet's pod name
would be) consumes new postings published at `--rate` per second; then

  crash     kill -9 and an immediate restart (what Kubernetes does)
  burst     4 kill -9 + immediate restarts within ~10 s, then it is left running

A reader thread notes when each enriched record becomes visible (read_committed). The stall
of a phase is the longest stretch in it with no record arriving while work remained (the
publisher never stops); "after last" is from the last restart of the burst to the first
record after it. At the end everything published must be there exactly once (by posting id)
and the group must hold one member.

Variants (all with the same stable instance id, so the transactional.id survives):
  before          the old defaults: dynamic membership, session.timeout.ms 45 s
  after           the shipped defaults: static membership (explicit id), 30 s, classic
  deployment      a Deployment: a new random instance id on every restart, dynamic
  kip848          group.protocol=consumer (KIP-848), dynamic membership
  kip848-static   group.protocol=consumer with static membership
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from harness import Publisher, Reader, Worker, World, posting_item, private_stack, wait

VARIANTS: dict[str, dict[str, str]] = {
    "before": {
        "STREAM_KAFKA__STATIC_MEMBERSHIP": "false",
        "STREAM_KAFKA__SESSION_TIMEOUT_MS": "45000",
    },
    "after": {},
    "deployment": {"STREAM_KAFKA__STATIC_MEMBERSHIP": "false"},
    "kip848": {
        "STREAM_KAFKA__GROUP_PROTOCOL": "consumer",
        "STREAM_KAFKA__STATIC_MEMBERSHIP": "false",
    },
    "kip848-static": {"STREAM_KAFKA__GROUP_PROTOCOL": "consumer"},
}


def scenario(world: World, name: str, rate: float, logs: Path) -> dict[str, object]:
    world.create()
    extra = VARIANTS[name]
    started: list[Worker] = []

    def start() -> Worker:
        instance = "w0" if name != "deployment" else f"w0-{uuid.uuid4().hex[:5]}"
        worker = Worker(
            world,
            logs / f"{world.run_id}-{name}.log",
            {"STREAM_WORKER__INSTANCE_ID": instance, **extra},
        )
        started.append(worker)
        return worker

    reader = Reader(world, world.topic("enriched"))
    reader.start()
    publisher = Publisher(world, rate, posting_item)
    publisher.start()
    try:
        return _phases(world, reader, publisher, start, started)
    finally:
        for worker in started:
            if worker.process.poll() is None:
                worker.process.kill()


def _phases(
    world: World,
    reader: Reader,
    publisher: Publisher,
    start: Callable[[], Worker],
    started: list[Worker],
) -> dict[str, object]:
    exits: list[int] = []

    def restarting(condition: Callable[[], bool]) -> Callable[[], bool]:
        """The condition, and meanwhile an orchestrator: a worker that exited is restarted."""

        def check() -> bool:
            code = started[-1].process.poll()
            if code is not None:
                exits.append(code)
                start()
            return condition()

        return check

    worker = start()
    wait(lambda: reader.count() > 0, "first enriched record", 240)
    time.sleep(8)

    # One kill -9, restarted at once.
    crash_at = time.monotonic()
    worker.kill()
    start()
    restarted = time.monotonic()
    wait(restarting(lambda: reader.first_after(restarted + 0.5) is not None), "progress", 300)
    crash_stall = reader.longest_gap(crash_at, reader.first_after(restarted + 0.5) or 0)
    time.sleep(10)

    # Four in a row within ~10 s.
    burst_at = time.monotonic()
    for index in range(4):
        started[-1].kill()
        start()
        if index < 3:
            time.sleep(2.5)
    last = time.monotonic()
    burst_span = last - burst_at
    wait(restarting(lambda: reader.first_after(last + 0.5) is not None), "progress", 300)
    first = reader.first_after(last) or last
    burst_stall = reader.longest_gap(burst_at, reader.first_after(last + 0.5) or 0)
    time.sleep(10)

    publisher.stop()
    sent = publisher.sent
    wait(restarting(lambda: len(reader.keys) >= sent), "every posting enriched", 600)
    time.sleep(3)  # duplicates would show up now
    reader.stop()
    members = world.group_members()
    code = started[-1].stop()
    duplicates = sum(n - 1 for n in reader.keys.values() if n > 1)
    return {
        "crash stall s": round(crash_stall, 1),
        "burst stall s": round(burst_stall, 1),
        "burst span s": round(burst_span, 1),
        "after last s": round(first - last, 1),
        "published": sent,
        "lost": sent - len(reader.keys),
        "duplicated": duplicates,
        "members": len(members),
        "exit": code,
        "exits restarted": exits,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=150.0, help="New postings per second.")
    parser.add_argument("--variants", default="before,after,kip848,kip848-static")
    args = parser.parse_args()
    rows = []
    with private_stack() as stack, tempfile.TemporaryDirectory(prefix="recovery-") as logs:
        for name in args.variants.split(","):
            started = time.monotonic()
            try:
                row = {"variant": name, **scenario(World(stack), name, args.rate, Path(logs))}
            except TimeoutError as exc:
                row = {"variant": name, "error": str(exc)}
            row["wall s"] = round(time.monotonic() - started)
            print(row, flush=True)
            rows.append(row)
        if any("error" in row for row in rows):
            for log in sorted(Path(logs).glob("*.log")):
                print(f"--- {log.name} (tail)", file=sys.stderr)
                print(log.read_text("utf-8", "replace")[-3000:], file=sys.stderr)
    print()
    for row in rows:
        print(" | ".join(f"{k}: {v}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
