"""The pure helpers of benchmarks/compare.py (its figures are only as right as these)."""

from __future__ import annotations

import math

import pytest

from benchmarks.measures import (
    cpu_ticks,
    descendants,
    fmt,
    group_settled,
    is_stack_process,
    machine_jiffies,
    parent_pid,
    percentile,
    rss_bytes,
    slope,
    steady_rate,
    table,
)


def test_percentile_interpolates_between_ranks() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]  # unsorted on purpose
    assert percentile(values, 0) == 1.0
    assert percentile(values, 50) == 3.0
    assert percentile(values, 100) == 5.0
    assert percentile(values, 25) == 2.0
    assert percentile([10.0, 20.0], 99) == pytest.approx(19.9)
    assert percentile(list(map(float, range(1, 101))), 99) == pytest.approx(99.01)


def test_percentile_of_nothing_is_nan_and_q_is_checked() -> None:
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], 101)


def test_slope_is_least_squares() -> None:
    assert slope([(0, 1), (1, 3), (2, 5)]) == pytest.approx(2.0)
    assert slope([(0, 0), (1, 1), (2, 0), (3, 1)]) == pytest.approx(0.2)
    assert math.isnan(slope([(1, 1)]))
    assert math.isnan(slope([(1, 1), (1, 2)]))


def test_proc_text_parsing() -> None:
    # A command name with a space and a ')' must not shift the fields.
    stat = "4242 (stream (x) run) S 17 4242 4242 0 -1 4194560 1 0 0 0 250 30 0 0 20 0 5 0"
    assert cpu_ticks(stat) == 280
    assert parent_pid(stat) == 17
    assert rss_bytes("Name:\tstream\nVmHWM:\t  900 kB\nVmRSS:\t  812 kB\n") == 812 * 1024
    assert rss_bytes("Name:\tzombie\nState:\tZ\n") == 0


def test_machine_jiffies_and_stack_processes() -> None:
    # user nice system idle iowait irq softirq steal guest guest_nice
    stat = "cpu  100 5 40 800 20 3 2 1 7 0\ncpu0 50 2 20 400 10 1 1 0 3 0\n"
    assert machine_jiffies(stat) == (151, 971)  # guest is already counted in user
    assert is_stack_process(b"java\0-Xmx512m\0kafka.Kafka\0/etc/server.properties\0")
    assert is_stack_process(b"redis-server 127.0.0.1:6379\0\0\0")
    assert is_stack_process(b"/usr/bin/redis-server\0/etc/redis.conf\0")
    assert not is_stack_process(b"python\0benchmarks/peers/copy_peer.py\0--kafka.Kafka-ish\0")
    assert not is_stack_process(b"vim\0redis-server.conf\0")


def test_descendants_walks_the_tree() -> None:
    parents = {1: 0, 10: 1, 11: 10, 12: 10, 13: 11, 20: 1, 30: 99}
    assert sorted(descendants(parents, 10)) == [10, 11, 12, 13]
    assert descendants(parents, 30) == [30]


def test_table_and_cells() -> None:
    assert fmt(None, ",.0f") == "-"
    assert fmt(math.nan, ".2f", "x") == "-"
    assert fmt(1234.5, ",.0f", "/s") == "1,234/s"
    assert table(["a", "b"], [["1", "2"]]) == "| a | b |\n|---|---|\n| 1 | 2 |"


def test_group_settled_waits_for_every_member_and_a_stable_group() -> None:
    # The first child of `--processes 2` owns all six partitions before the second joins:
    # every partition is owned, but the group is not ready for a pass of two workers.
    assert not group_settled(True, [[0, 1, 2, 3, 4, 5]], 6, members=2)
    assert not group_settled(True, [[0, 1, 2, 3, 4, 5], []], 6, members=2)
    assert not group_settled(False, [[0, 1, 2], [3, 4, 5]], 6, members=2)  # rebalancing
    assert not group_settled(True, [[0, 1, 2], [3, 4]], 6, members=2)  # partition 5 unowned
    assert group_settled(True, [[0, 2, 4], [1, 3, 5]], 6, members=2)
    assert group_settled(True, [[0, 1, 2, 3, 4, 5]], 6, members=1)


def test_steady_rate_leaves_out_filling_and_draining() -> None:
    # 100 outputs: ten in a slow first second, eighty at 100/s, ten in a slow last second.
    arrivals = [i * 0.1 for i in range(10)]
    arrivals += [1.0 + i * 0.01 for i in range(80)]
    arrivals += [1.8 + i * 0.1 for i in range(10)]
    assert steady_rate(arrivals) == pytest.approx(100.0)
    assert steady_rate(list(reversed(arrivals))) == pytest.approx(100.0)  # any order
    assert math.isnan(steady_rate([1.0, 1.0, 1.0]))
    assert math.isnan(steady_rate([]))
