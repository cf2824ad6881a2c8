"""Several instances, each writing only its own partitions and reading all of them back
from the changelog (`view`), publish exactly what one instance publishes: a simulation of
the real code (`cells`, `publish.Publisher`, `view.ChangelogView`) under random
interleavings of batches, changelog reads that lag, ticks, a kill -9 that loses the tail of
an instance's changelog writes, and its partitions (partition 0 too) moving to the other."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
import pytest
from faust.types import TP
from prometheus_client import CollectorRegistry

from stream.ops.metrics import TrendsMetrics
from stream.trends import report
from stream.trends.cells import (
    Progress,
    closes,
    expired,
    parse_record_key,
    progress_key,
    published_of,
    ready_to_publish,
)
from stream.trends.facts import is_group
from stream.trends.publish import Publisher
from stream.trends.settings import TrendsSettings
from stream.trends.synthetic import change_event
from stream.trends.view import ChangelogView
from tests.unit.trends_fakes import D0, DAY, FakeClaims, step

H = 3600.0
PARTITIONS = 4
SKILLS = [f"s{i}" for i in range(12)]


class Changelog:
    """The changelog topic: per partition, the (key, value) writes in order."""

    def __init__(self, applied: dict[int, int]) -> None:
        self.entries: dict[int, list[tuple[bytes, bytes | None]]] = {
            p: [] for p in range(PARTITIONS)
        }
        # Per entry, the source offset its partition was applied up to (exclusive) when
        # it was written: a crash can lose an entry only if the consumer's committed
        # offset is at or before that (Faust flushes the producer before committing).
        self.marks: dict[int, list[int]] = {p: [] for p in range(PARTITIONS)}
        self.applied = applied


class Table(dict[str, Any]):
    """An instance's Faust table: its own partitions, every write sent to the changelog."""

    def __init__(self, changelog: Changelog) -> None:
        super().__init__()
        self.changelog = changelog

    def _log(self, key: str, value: Any) -> None:
        partition = int(key.split("|", 1)[0])
        encoded = None if value is None else orjson.dumps(value)
        self.changelog.entries[partition].append((orjson.dumps(key), encoded))
        self.changelog.marks[partition].append(self.changelog.applied[partition])

    def __setitem__(self, key: str, value: Any) -> None:
        self._log(key, value)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self._log(key, None)
        super().__delitem__(key)


class Topic:
    def __init__(self) -> None:
        self.latest: dict[bytes, bytes] = {}

    async def send(self, *, key: bytes, value: bytes) -> asyncio.Future[None]:
        self.latest[key] = value
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


class Instance:
    def __init__(
        self, changelog: Changelog, owned: set[int], outputs: tuple[Topic, Topic, Topic]
    ) -> None:
        self.changelog = changelog
        self.table = Table(changelog)
        self.view = ChangelogView(PARTITIONS)
        self.view.start_ends = dict.fromkeys(range(PARTITIONS), 0)
        self.own = owned
        self.publisher = Publisher(
            self.table,
            self.view,
            TrendsSettings(rising_min_postings=3, rising_trailing_days=1),
            "src",
            PARTITIONS,
            outputs,  # type: ignore[arg-type]
            self._ends,
            TrendsMetrics(CollectorRegistry()),
            lambda: set(self.own),
        )
        self.ends: Mapping[int, int] = {}

    async def _ends(self, tps: Sequence[TP]) -> Mapping[TP, int]:
        return {tp: self.ends[tp.partition] for tp in tps}

    def fetch(self, partition: int, upto: int) -> None:
        """Read the changelog of `partition` up to entry `upto` (a lagging view)."""
        entries = self.changelog.entries[partition]
        start = self.view.read.get(partition, 0)
        for offset in range(start, min(upto, len(entries))):
            key, value = entries[offset]
            self.view.apply(partition, offset, key, value)

    def take_over(self, partition: int) -> None:
        """Recovery of a partition this instance is assigned: its records, from the
        changelog (what survived)."""
        self.own.add(partition)
        records: dict[str, Any] = {}
        for key, value in self.changelog.entries[partition]:
            name = orjson.loads(key)
            if value is None:
                records.pop(name, None)
            else:
                records[name] = orjson.loads(value)
        dict.update(self.table, records)


def workload(seed: int) -> dict[int, list[dict[str, Any]]]:
    rng = random.Random(seed)
    events: dict[int, list[tuple[float, dict[str, Any]]]] = {p: [] for p in range(PARTITIONS)}
    for i in range(400):
        partition = rng.randrange(PARTITIONS)
        at = D0 + rng.uniform(0, 3 * DAY - 1)
        skills = rng.sample(SKILLS, rng.randint(1, 4))
        pay = (60_000.0, 80_000.0) if rng.random() < 0.5 else None
        group = ("2512", "Software developers") if rng.random() < 0.5 else None
        event = change_event(
            f"b{partition}:{i}", f"h{i}", at, skills, pay_usd=pay, occupation=group
        )
        arrives = at + rng.uniform(0, H)
        events[partition].append((arrives, event))
        if rng.random() < 0.2:  # the same content on another board: another partition
            other = (partition + 1) % PARTITIONS
            copy = change_event(f"c{other}:{i}", f"h{i}", at, skills, pay_usd=pay, occupation=group)
            events[other].append((at + rng.uniform(0, H), copy))
        if rng.random() < 0.1:  # an update the same day, after the posting it updates
            # (as the worker writes them: a posting's changes in order, on one partition;
            # an update before its own `new` would make the dedup depend on the order of
            # partitions, with one instance as with several).
            update = change_event(f"b{partition}:{i}", f"h{i}u", at + 1, skills, kind="updated")
            events[partition].append((arrives + 1, update))
    closing = D0 + 3 * DAY + 7 * H  # closes every day of the workload, on every partition
    out = {}
    for p, timed in events.items():
        ordered = [e for _, e in sorted(timed, key=lambda te: te[0])]
        out[p] = [*ordered, change_event(f"z{p}:close", f"hz{p}", closing, ["go"])]
    return out


def reference(events: dict[int, list[dict[str, Any]]]) -> dict[bytes, bytes]:
    """skills.trends and occupations.trends of one instance applying everything."""
    table: dict[str, Any] = {}
    claims = FakeClaims()
    for partition, items in events.items():
        step(table, claims, partition, list(enumerate(items)))
    out = {}
    for day in (20_000, 20_001, 20_002):
        merged = report.merge_cells(table.items(), range(day, day + 1))
        for message in report.trend_messages(merged, day):
            out[report.trend_key(message).encode()] = message.model_dump_json().encode()
        groups = report.merge_cells(table.items(), range(day, day + 1), subjects=is_group)
        for group in report.occupation_messages(groups, day):
            out[report.occupation_key(group).encode()] = group.model_dump_json().encode()
    return out


async def simulate(seed: int, crash: bool) -> tuple[dict[bytes, bytes], dict[bytes, bytes]]:
    rng = random.Random(seed)
    events = workload(seed)
    ends = {p: len(items) for p, items in events.items()}
    applied = dict.fromkeys(range(PARTITIONS), 0)  # next offset each owner reads
    changelog = Changelog(applied)
    trends, rising, occupations = Topic(), Topic(), Topic()
    outputs = (trends, rising, occupations)
    instances = [Instance(changelog, {0, 2}, outputs), Instance(changelog, {1, 3}, outputs)]
    for instance in instances:
        instance.ends = ends
    claims = FakeClaims()  # Redis: shared by every instance
    crashed_at = rng.randrange(50, 300) if crash else -1
    for turn in range(100_000):
        alive = [i for i in instances if i.own]
        if turn == crashed_at:
            victim = rng.choice(instances)
            survivor = instances[1 - instances.index(victim)]
            for partition in sorted(victim.own):
                # kill -9: the tail of its changelog writes never reached the broker, and
                # its consumer offsets were committed some way behind what it applied.
                # Only writes nobody has read can be lost (a reader sees acknowledged ones),
                # and only writes made after the committed offset.
                entries, marks = changelog.entries[partition], changelog.marks[partition]
                read = max(i.view.read.get(partition, 0) for i in instances)
                cut = rng.randint(read, len(entries))
                committed = marks[cut] if cut < len(entries) else applied[partition]
                del entries[cut:], marks[cut:]
                survivor.take_over(partition)
                applied[partition] = max(0, committed - rng.randrange(0, 40))
            victim.own.clear()
            continue
        instance = rng.choice(alive)
        action = rng.random()
        if action < 0.4:
            mine = [p for p in instance.own if applied[p] < ends[p]]
            if mine:
                partition = rng.choice(mine)
                size = rng.randint(1, 25)
                start = applied[partition]
                batch = list(enumerate(events[partition]))[start : start + size]
                step(instance.table, claims, partition, batch)
                applied[partition] = start + len(batch)
                await instance.publisher.tick()
        elif action < 0.8:
            partition = rng.randrange(PARTITIONS)
            behind = len(changelog.entries[partition]) - instance.view.read.get(partition, 0)
            instance.fetch(partition, instance.view.read.get(partition, 0) + rng.randint(0, 5))
            if behind and rng.random() < 0.2:
                instance.fetch(partition, len(changelog.entries[partition]))
        else:
            await instance.publisher.tick()
        done = all(applied[p] >= ends[p] for p in range(PARTITIONS))
        if done and crashed_at < turn:
            for each in alive:
                for partition in range(PARTITIONS):
                    each.fetch(partition, len(changelog.entries[partition]))
                await each.publisher.tick()
            publisher = next(i for i in alive if 0 in i.own)
            if published_of(publisher.table) == 20_002:
                break
    else:
        raise AssertionError("the simulation never published every day")
    return trends.latest | occupations.latest, rising.latest


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("crash", [False, True])
def test_two_instances_publish_what_one_publishes(seed: int, crash: bool) -> None:
    events = workload(seed)
    expected = reference(events)
    published, _ = asyncio.run(simulate(seed, crash))
    assert published.keys() == expected.keys()
    wrong = [k for k in expected if published[k] != expected[k]]
    assert not wrong, f"{len(wrong)} differ, e.g. {wrong[:3]}"


def test_a_partition_closes_what_every_partition_is_done_with() -> None:
    ahead, behind = Progress(99, D0 + 2 * DAY), Progress(9, D0 + H)
    # Partition 1 has pending messages at 01:00 on day 20000: it holds closing back to
    # the days whose end plus grace (6 h) it has passed, 19998.
    held = closes({0: ahead, 1: behind}, {0}, {0: 100, 1: 50}, 6 * H)
    assert held == {0: Progress(99, D0 + 2 * DAY, 19_998)}
    # Caught up: day 20000 closes on the own partition only, the other's record untouched.
    moved = closes({0: ahead, 1: behind}, {0}, {0: 100, 1: 10}, 6 * H)
    assert moved == {0: Progress(99, D0 + 2 * DAY, 20_000)}
    # A partition with no record yet gets one, so that its later events of the day are late.
    assert closes({0: ahead, 1: None}, {1}, {0: 100, 1: 0}, 6 * H) == {
        1: Progress(-1, None, 20_000)
    }
    # Already closed there: nothing to write.
    done = Progress(99, D0 + 2 * DAY, 20_000)
    assert closes({0: done, 1: None}, {0}, {0: 100, 1: 0}, 6 * H) == {}


def test_publication_waits_for_every_partition_to_close() -> None:
    assert ready_to_publish({0: Progress(closed_day=20_001), 1: None}) is None
    assert ready_to_publish({0: Progress(closed_day=20_001), 1: Progress()}) is None
    both = {0: Progress(closed_day=20_001), 1: Progress(closed_day=20_000)}
    assert ready_to_publish(both) == 20_000


def test_records_written_before_closed_day_still_read() -> None:
    # A progress record of the single-instance app, which set published_day everywhere.
    table = {"3|progress": {"offset": 5, "watermark": D0, "published_day": 19_999}}
    assert Progress.of(table, 3).closed_day == 19_999


def test_only_own_records_past_the_retention_expire() -> None:
    keys = ["0|19900|1", "1|19900|1", "0|20000|1", "0|progress", "0|published"]
    assert expired(keys, {0}, 20_000, 90) == ["0|19900|1"]
    assert expired(keys, {0}, None, 90) == []


def test_the_view_applies_writes_and_tombstones_in_order() -> None:
    view = ChangelogView(2)
    assert not view.caught_up
    view.start_ends = {0: 2, 1: 0}
    view.apply(0, 0, b'"0|20000|1"', b'{"offset": 3, "skills": {}}')
    assert not view.caught_up
    view.apply(0, 1, b'"0|20000|1"', None)
    assert view.caught_up
    assert view.records == {}
    assert parse_record_key("0|published") is None
    assert progress_key(0) not in view.snapshot()


@pytest.mark.parametrize("marker_known", [True, False])
def test_an_idle_partition_ending_in_a_marker_does_not_hold_the_days_open(
    marker_known: bool,
) -> None:
    """The worker's transactions leave a marker after the last record of each partition
    they wrote: an idle partition's end offset is one past its last record. Known as empty
    (`holes.EmptyOffsets`, from the consumer's own fetch), it is caught up: its progress
    moves over the marker and the days close on the other partitions' watermarks."""
    from stream.trends.holes import EmptyOffsets

    outputs = (Topic(), Topic(), Topic())
    instance = Instance(
        Changelog(dict.fromkeys(range(PARTITIONS), 0)), set(range(PARTITIONS)), outputs
    )
    empty = EmptyOffsets("src")
    instance.publisher.empty_through = empty.empty_through
    claims = FakeClaims()
    table = instance.table
    # Partition 0 moves on to day B + 7 h; partition 1 stopped on day A, then a marker.
    step(
        table,
        claims,
        0,
        [
            (0, change_event("x:1", "h1", D0 + H, ["s1"])),
            (1, change_event("x:2", "h2", D0 + DAY + 7 * H, ["s1"])),
        ],
    )
    step(table, claims, 1, [(0, change_event("z:1", "h3", D0 + 2 * H, ["s2"]))])
    if marker_known:
        empty.note(1, 1, 2)
    instance.ends = {0: 2, 1: 2, 2: 0, 3: 0}
    asyncio.run(instance.publisher.tick())
    closed = Progress.of(table, 1).closed_day
    if marker_known:
        assert Progress.of(table, 1).offset == 1
        assert closed == 20_000  # day A: partition 0's watermark is past its grace
    else:
        assert closed is not None
        assert closed < 20_000  # held by its own watermark (day A, 2 h)
