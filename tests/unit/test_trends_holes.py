"""Which offsets a batch lacks against the partition's progress record
(stream/trends/holes.py): what the app reads from the broker instead of trusting Faust."""

from __future__ import annotations

from stream.trends.holes import holes


def test_a_batch_that_continues_the_progress_record_has_no_hole() -> None:
    assert holes(-1, [0, 1, 2]) == []
    assert holes(54, [55, 56, 57]) == []
    assert holes(54, []) == []


def test_the_message_seen_missing_inside_a_batch() -> None:
    # 2026-12-06: a batch of partition 0 went from 55 to 57.
    assert holes(54, [55, *range(57, 2056)]) == [(56, 57)]


def test_a_batch_that_starts_past_the_progress_record() -> None:
    # A new owner handed the partition thousands of offsets past the last one applied.
    assert holes(1521, range(4862, 5000)) == [(1522, 4862)]
    assert holes(-1, [3, 4]) == [(0, 3)]


def test_replays_leave_no_hole_and_order_does_not_matter() -> None:
    assert holes(100, [90, 95, 101, 102]) == []
    assert holes(100, [104, 101, 90]) == [(102, 104)]
    assert holes(100, [101, 101, 103]) == [(102, 103)]


def test_every_hole_of_a_batch() -> None:
    # Transaction markers look the same (one offset each): the reader finds them empty.
    assert holes(9, [10, 12, 13, 16, 20]) == [(11, 12), (14, 16), (17, 20)]
