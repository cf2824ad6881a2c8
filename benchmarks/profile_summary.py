"""Where a profiled process spent its time: py-spy's collapsed stacks, summed per function.

    .venv/bin/python benchmarks/profile_summary.py FILE [--top 25] [--idle]

FILE is what `py-spy record --format raw` wrote (benchmarks/worker_throughput.py
--profile). For each function it prints the share of samples in which it was running
(self) and on the stack (total). Samples of threads waiting in librdkafka's poll or in
a lock are left out unless --idle: the question is what the CPU did.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# Frames that mean "this thread was waiting", not working.
_IDLE = re.compile(r"\b(poll|consume|flush|wait|select|_worker|sleep|acquire|serve_forever)\b")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--idle", action="store_true", help="keep waiting threads' samples")
    args = parser.parse_args()
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in args.file.read_text(encoding="utf-8").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = [frame.split(" (")[0] for frame in stack.split(";")]
        if not args.idle and _IDLE.search(frames[-1]):
            continue
        count = int(count_text)
        samples += count
        own[frames[-1]] += count
        for frame in set(frames):
            total[frame] += count
    print(f"{samples} samples (busy threads only: {not args.idle})")
    print(f"{'self':>6} {'total':>6}  function")
    for frame, count in total.most_common(args.top):
        print(f"{own[frame] / samples:6.1%} {count / samples:6.1%}  {frame}")
    print("-- by self time --")
    for frame, count in own.most_common(args.top):
        print(f"{count / samples:6.1%}  {frame}")


if __name__ == "__main__":
    main()
