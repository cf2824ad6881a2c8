"""Which offsets a batch lacks against the partition's progress record
(stream/trends/holes.py): what the app reads from the broker instead of trusting Faust."""

from __future__ import annotations

from typing import NamedTuple

from stream.trends.holes import EmptyOffsets, holes, noting, without


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


def test_known_empty_offsets_are_not_read() -> None:
    assert without([(11, 12), (14, 16), (17, 20)], [(11, 12), (15, 16), (18, 19)]) == [
        (14, 15),
        (17, 18),
        (19, 20),
    ]
    assert without([(0, 10)], []) == [(0, 10)]
    assert without([(0, 10)], [(0, 10)]) == []
    assert without([(5, 8)], [(0, 6), (7, 100)]) == [(6, 7)]


class _Record(NamedTuple):
    offset: int


def test_a_fetch_notes_the_offsets_it_shows_to_hold_no_record() -> None:
    # A fetch from 10: records 10-12, a marker at 13, records 14-15, a marker at 16 (the
    # fetch moves past it: next offset 17). Each gap is noted before the record after it.
    notes: list[tuple[int, int]] = []
    seen: list[tuple[int, list[tuple[int, int]]]] = []
    records = [_Record(o) for o in (10, 11, 12, 14, 15)]
    for record in noting(records, 10, lambda: 17, lambda s, e: notes.append((s, e))):
        seen.append((record.offset, list(notes)))
    assert notes == [(13, 14), (16, 17)]
    assert seen[3] == (14, [(13, 14)])
    # A fetch that starts on a marker, and one that returns nothing: no false note.
    notes.clear()
    assert [
        r.offset for r in noting([_Record(5)], 4, lambda: 6, lambda s, e: notes.append((s, e)))
    ] == [5]
    assert notes == [(4, 5)]
    notes.clear()
    assert list(noting([], 8, lambda: 8, lambda s, e: notes.append((s, e)))) == []
    assert notes == []


def test_empty_offsets_merge_and_forget_what_is_applied() -> None:
    empty = EmptyOffsets("t")
    empty.note(0, 13, 14)
    empty.note(0, 16, 17)
    empty.note(0, 14, 15)
    empty.note(1, 3, 4)
    assert empty.ranges(0) == [(13, 15), (16, 17)]
    assert empty.unknown(0, [(13, 18)]) == [(15, 16), (17, 18)]
    empty.forget_below(0, 15)  # applied through 15: nothing at or below it is asked again
    assert empty.ranges(0) == [(16, 17)]
    assert empty.ranges(1) == [(3, 4)]
