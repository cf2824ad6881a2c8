"""Dedup rules and idempotent cell updates, on a dict table and in-memory claims."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from stream.trends.cells import ALL, Progress, cells_of, commit_batch, pending, plan_batch
from stream.trends.facts import UnreadableError, read_fact
from stream.trends.synthetic import change_event, encoded
from tests.unit.trends_fakes import D0, DAY, FakeClaims, fact, step

H = 3600.0


def count(
    table: dict[str, Any], day: int = 20_000, skill: str = "python", country: str = ALL
) -> int:
    return sum(
        c.postings
        for c in cells_of(table.items(), range(day, day + 1))
        if c.skill == skill and c.country == country
    )


def ev(pid: str, chash: str, at: float, **kw: Any) -> dict[str, Any]:
    return change_event(pid, chash, at, kw.pop("skills", ["python"]), **kw)


def test_facts_read_from_a_change_event() -> None:
    event = ev("b:1", "h1", D0 + H, skills=["python", "sql", "python"], pay_usd=(90_000, 110_000))
    got = fact(event)
    assert got.skills == (("python", "Python"), ("sql", "Sql"))
    assert got.day == 20_000
    assert got.country == "US"
    assert got.pay_usd == 100_000
    with pytest.raises(UnreadableError):
        read_fact(b"{not json", 0)
    with pytest.raises(UnreadableError):
        read_fact(encoded({**event, "kind": "deleted"})[1], 0)
    with pytest.raises(UnreadableError):
        read_fact(None, 0)


def test_country_from_place_when_the_posting_has_one() -> None:
    assert fact(ev("b:1", "h1", D0, location="Austin, TX", place_country="FR")).country == "FR"
    assert fact(ev("b:1", "h1", D0, location="Austin, TX")).country == "US"


def test_updated_posting_counts_once_per_window() -> None:
    table: dict[str, Any] = {}
    claims = FakeClaims()
    batch = [
        (0, ev("b:1", "h1", D0 + H)),
        (1, ev("b:1", "h2", D0 + 2 * H, kind="updated", previous_content_hash="h1")),
        (2, ev("b:1", "h3", D0 + 3 * H, kind="updated", previous_content_hash="h2")),
    ]
    assert step(table, claims, 0, batch) == 1
    # The next day it changes again: it counts in that window.
    assert step(table, claims, 0, [(3, ev("b:1", "h4", D0 + DAY + H, kind="updated"))]) == 1
    assert count(table) == 1
    assert count(table, day=20_001) == 1


def test_same_content_on_two_boards_counts_once_per_window() -> None:
    table: dict[str, Any] = {}
    claims = FakeClaims()
    step(table, claims, 0, [(0, ev("boardA:1", "same", D0 + H))])
    step(table, claims, 1, [(0, ev("boardB:9", "same", D0 + 2 * H))])
    assert count(table) == 1
    # On another day the same content counts again, once.
    step(table, claims, 1, [(1, ev("boardB:9", "same", D0 + DAY + H, kind="updated"))])
    assert count(table, day=20_001) == 1


def test_a_change_event_delivered_twice_counts_once() -> None:
    # The enrichment worker in at_least_once mode (or its state-write window) can repeat an
    # event at a new offset; the unchanged re-scrape itself never reaches postings.changes.
    table: dict[str, Any] = {}
    claims = FakeClaims()
    event = ev("b:1", "h1", D0 + H)
    assert step(table, claims, 0, [(0, event), (1, event)]) == 1
    assert step(table, claims, 0, [(2, event)]) == 0
    assert count(table) == 1


def test_a_message_delivered_twice_in_one_batch_counts_once() -> None:
    # Faust hands the agent the same offsets twice, into one batch, when a table recovery
    # ends (the fetcher runs while it seeks back to the committed offset). Both copies
    # are the same message: the same claim token, so both would win their claims.
    events = [
        (o, ev(f"b:{o}", f"h{o}", D0 + H + o, skills=["python", "sql"][: 1 + o % 2]))
        for o in range(6)
    ]
    clean = run([(0, events)])
    table: dict[str, Any] = {}
    claims = FakeClaims()
    twice = events[:4] + events[2:]  # offsets 0 1 2 3 2 3 4 5, sorted as the app sorts
    items = sorted(((o, fact(e)) for o, e in twice), key=lambda item: item[0])
    plan = plan_batch(table, 0, items, 6 * H)
    assert [o for o, _ in plan.fresh] == [0, 1, 2, 3, 4, 5]
    assert plan.replayed == plan.twice == 2
    assert commit_batch(table, plan, claims.decide("src", 0, plan.fresh)) == 6
    assert table == clean
    assert count(table) == 6


def test_country_cells_and_pay() -> None:
    table: dict[str, Any] = {}
    claims = FakeClaims()
    step(
        table,
        claims,
        0,
        [
            (0, ev("b:1", "h1", D0 + H, location="London, UK", pay_usd=(50_000, 70_000))),
            (1, ev("b:2", "h2", D0 + H, location="Austin, TX", pay_usd=None)),
            (2, ev("b:3", "h3", D0 + H, location="Remote")),
        ],
    )
    assert count(table) == 3
    assert count(table, country="GB") == 1
    assert count(table, country="US") == 1
    (cell,) = [c for c in cells_of(table.items()) if c.country == "GB" and c.skill == "python"]
    assert cell.pay["count"] == 1
    assert cell.pay["total"] == 60_000


def test_occupation_groups_and_countries_are_counted_like_skills() -> None:
    dev = ("2512", "Software developers")
    table: dict[str, Any] = {}
    claims = FakeClaims()
    step(
        table,
        claims,
        0,
        [
            (0, ev("b:1", "h1", D0 + H, occupation=dev, pay_usd=(90_000, 110_000))),
            (1, ev("b:2", "h2", D0 + H, occupation=dev, location="London, UK")),
            # The same posting updated: counts once in its group too.
            (2, ev("b:2", "h2b", D0 + 2 * H, occupation=dev, location="London, UK",
                   kind="updated")),
            (3, ev("b:3", "h3", D0 + H, skills=[], location="London, UK")),  # no occupation
            (4, ev("c:1", "h1", D0 + 3 * H, occupation=dev)),  # b:1 on another board
        ],
    )  # fmt: skip
    assert fact(ev("b:1", "h1", D0, occupation=dev)).groups == (
        ("isco:*", "All postings"),
        ("isco:2512", "Software developers"),
    )
    assert fact(ev("b:1", "h1", D0)).groups == (("isco:*", "All postings"),)
    assert count(table, skill="isco:2512") == 2
    assert count(table, skill="isco:2512", country="GB") == 1
    # "isco:*" counts every posting, occupation or not, skills or not: per country too.
    assert count(table, skill="isco:*") == 3
    assert count(table, skill="isco:*", country="GB") == 2
    assert count(table, skill="isco:*", country="US") == 1
    assert count(table) == 2  # python: b:3 has no skills
    (pay,) = [c.pay for c in cells_of(table.items()) if (c.skill, c.country) == ("isco:2512", "US")]
    assert pay["total"] == 100_000


def test_late_events_are_dropped_and_counted() -> None:
    table: dict[str, Any] = {}
    claims = FakeClaims()
    step(table, claims, 0, [(0, ev("b:1", "h1", D0 + DAY + 7 * H))])  # closes day 20000
    plan = plan_batch(table, 0, [(1, fact(ev("b:2", "h2", D0 + 5 * H)))], grace_s=6 * H)
    assert plan.late == 1
    assert plan.fresh == []


def run(batches: list[tuple[int, list[tuple[int, dict[str, Any]]]]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    claims = FakeClaims()
    for partition, items in batches:
        step(table, claims, partition, items)
    return table


def test_replay_after_a_crash_changes_nothing() -> None:
    """A crash can leave any prefix of a batch's changelog writes (cells first, progress
    last); the replayed batch, even cut differently, must give the run without a crash."""
    events = [
        (o, ev(f"b:{o % 7}", f"h{o}", D0 + o * 60, skills=["python", "sql"][: 1 + o % 2]))
        for o in range(40)
    ]
    clean = run([(0, events[:25]), (0, events[25:])])

    table: dict[str, Any] = {}
    claims = FakeClaims()
    step(table, claims, 0, events[:10])
    # The second batch (10..29) dies after writing some cells but not its progress record.
    writes: list[tuple[str, Any]] = []
    recorder = _Recorder(table, writes)
    plan = plan_batch(recorder, 0, [(o, fact(e)) for o, e in events[10:30]], 6 * H)
    commit_batch(recorder, plan, claims.decide("src", 0, plan.fresh))
    for cut in range(len(writes)):
        crashed = copy.deepcopy(table)
        for key, value in writes[:cut]:
            crashed[key] = value
        again = copy.deepcopy(claims)
        # Replayed from the last committed offset (10), in batches of another size.
        step(crashed, again, 0, events[10:17])
        step(crashed, again, 0, events[17:])
        assert crashed == clean, f"cut after {cut} writes"


class _Recorder(dict[str, Any]):
    """Reads the base table, records writes instead of making them."""

    def __init__(self, base: dict[str, Any], writes: list[tuple[str, Any]]) -> None:
        super().__init__(base)
        self._writes = writes

    def __setitem__(self, key: str, value: Any) -> None:
        self._writes.append((key, copy.deepcopy(value)))
        super().__setitem__(key, value)


def test_progress_record_skips_a_whole_applied_batch() -> None:
    table: dict[str, Any] = {}
    claims = FakeClaims()
    batch = [(0, ev("b:1", "h1", D0 + H)), (1, ev("b:2", "h2", D0 + H))]
    step(table, claims, 0, batch)
    before = copy.deepcopy(table)
    plan = plan_batch(table, 0, [(o, fact(e)) for o, e in batch], 6 * H)
    assert plan.replayed == 2
    assert not plan.fresh
    assert Progress.of(table, 0).offset == 1
    commit_batch(table, plan, [])
    assert table == before


def test_closing_waits_for_partitions_with_pending_messages_not_idle_ones() -> None:
    from stream.trends.cells import closing_watermark

    ahead, behind = Progress(99, D0 + 2 * DAY), Progress(9, D0 + H)
    # A partition not started yet but holding messages blocks closing altogether.
    assert closing_watermark({0: ahead, 1: None}, {0: 100, 1: 50}) is None
    # Unknown end offset: pending.
    assert closing_watermark({0: ahead, 1: None}, {0: 100}) is None
    # An empty partition holds nothing back.
    assert closing_watermark({0: ahead, 1: None}, {0: 500, 1: 0}) == D0 + 2 * DAY
    # The slowest partition with pending messages decides.
    assert closing_watermark({0: ahead, 1: behind}, {0: 500, 1: 50}) == D0 + H
    # Caught up (idle): it no longer holds the others back.
    assert closing_watermark({0: ahead, 1: behind}, {0: 500, 1: 10}) == D0 + 2 * DAY
    # A record made by a publication before the partition had data: empty, nothing held.
    assert closing_watermark({0: ahead, 1: Progress(closed_day=19_999)}, {0: 500, 1: 0}) == (
        D0 + 2 * DAY
    )
    assert closing_watermark({0: ahead, 1: Progress(closed_day=19_999)}, {0: 500, 1: 3}) is None
    # Everyone caught up: the newest watermark.
    assert closing_watermark({0: ahead, 1: behind}, {0: 100, 1: 10}) == D0 + 2 * DAY


def test_pending_is_what_is_left_to_apply_where_the_end_is_known() -> None:
    progress = {0: Progress(offset=9), 1: None, 2: Progress(offset=4), 3: Progress(offset=7)}
    ends = {0: 10, 1: 3, 2: 9, 3: None}
    assert pending(progress, ends) == 0 + 3 + 4  # partition 3's end is not known yet
    assert pending({0: Progress(offset=12)}, {0: 10}) == 0


def test_events_of_a_closed_day_are_late() -> None:
    table: dict[str, Any] = {"0|progress": Progress(5, D0 + H, closed_day=20_000).to_data()}
    plan = plan_batch(table, 0, [(6, fact(ev("b:1", "h1", D0 + 2 * H)))], grace_s=6 * H)
    assert plan.late == 1
