"""Pure helpers of benchmarks/compare.py: percentiles, a least-squares slope, reading
/proc text, and the table. No I/O here (the callers read /proc), so unit tests cover them
(tests/unit/test_bench_measures.py)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks (numpy's
    default), from the values themselves: no buckets. NaN when there are none."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0-100")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of y over x (for RSS growth per minute). NaN under two distinct x."""
    if len(points) < 2:
        return math.nan
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return math.nan
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def cpu_ticks(stat: str) -> int:
    """utime + stime (clock ticks) from the text of /proc/<pid>/stat. The command name
    (field 2) may hold spaces and parentheses, so fields are counted after its last ')'."""
    fields = stat[stat.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return int(fields[11]) + int(fields[12])


def parent_pid(stat: str) -> int:
    """The parent's pid (field 4) from the text of /proc/<pid>/stat."""
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def rss_bytes(status: str) -> int:
    """VmRSS from the text of /proc/<pid>/status (0 for a zombie, which has none)."""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def descendants(parents: dict[int, int], root: int) -> list[int]:
    """`root` and every process below it, from a pid -> parent pid map."""
    found = [root]
    for pid in found:  # grows while iterating: a breadth-first walk
        found.extend(child for child, parent in parents.items() if parent == pid)
    return found


def fmt(value: float | None, spec: str, suffix: str = "") -> str:
    """A table cell: '-' for a figure that was not measured (None or NaN)."""
    if value is None or math.isnan(value):
        return "-"
    return f"{value:{spec}}{suffix}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table (the same text goes to the terminal and to docs/performance.md)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine_jiffies(proc_stat: str) -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs together, from the text of /proc/stat: busy is
    everything but idle and iowait. Two readings give the cores kept busy in between."""
    fields = [int(value) for value in proc_stat.splitlines()[0].split()[1:]]
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest is in user)
    return total - fields[3] - fields[4], total


def is_stack_process(cmdline: bytes) -> bool:
    """The Kafka broker or the Redis server, from /proc/<pid>/cmdline (NUL-separated)."""
    # Redis rewrites its title ("redis-server 127.0.0.1:6379", one string).
    program = cmdline.replace(b"\0", b" ").split(b" ", 1)[0]
    return b"kafka.Kafka" in cmdline.split(b"\0") or program.endswith(b"redis-server")


def group_settled(
    stable: bool, assignments: Sequence[Sequence[int]], partitions: int, members: int
) -> bool:
    """A consumer group ready for a pass: stable (no rebalance under way), `members`
    members, each owning at least one partition, and every partition owned.

    "Every partition owned" alone is not enough for `stream run --processes 2`: the child
    that finishes loading first owns all six partitions until the second joins, so a pass
    started then measures the second's start-up and the rebalance, not two workers."""
    owned = {partition for owned_by in assignments for partition in owned_by}
    return (
        stable
        and len(assignments) == members
        and all(assignments)
        and owned == set(range(partitions))
    )


def steady_rate(arrivals: Sequence[float], low: float = 0.1, high: float = 0.9) -> float:
    """Outputs per second between the arrival of the `low` and the `high` fraction of
    them: the rate once the pipeline is full, without its filling (first consume, first
    transaction) and draining (last commit, the reader's poll), which a pass of a few
    seconds pays in full. NaN with too few arrivals to tell."""
    ordered = sorted(arrivals)
    first, last = int(len(ordered) * low), int(len(ordered) * high) - 1
    if last <= first or ordered[last] <= ordered[first]:
        return math.nan
    return (last - first) / (ordered[last] - ordered[first])
