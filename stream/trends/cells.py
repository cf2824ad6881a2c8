"""The trend table's cells and how a batch of facts updates them, idempotently.

A cell is (source partition, day, country, subject): the count of counted postings and
their pay sketch; `country` is "*" for all countries together. A subject is a skill id, an
occupation group ("isco:2512") or every posting ("isco:*"; see `facts`); the code calls it
`skill` where skills are what it is about. Cells are stored in table records
of one (partition, day, shard), a shard being a fixed hash bucket of skill ids: a batch then
writes a few hundred records instead of a few thousand cells, and each Faust table write
(a changelog message) costs far more than a bigger JSON value. Keys are
`"{partition}|{day}|{shard}"`: the partition comes first so each record lives in its source
partition's changelog (the app's table reads it from the key) and is restored with it;
cells of several partitions merge at read time like the pay sketches do.

Per partition, a progress record `"{partition}|progress"` holds the offset the partition is
applied through, its watermark (highest event time applied) and the newest day closed on
it (`closed_day`). Only the partition's owner writes it, and it alone decides lateness:
events of a day closed on their partition are late. A day is published once every
partition has closed it; the publisher (the owner of source partition 0) records the
newest published day in its own record, `"0|published"` (`published_key`), which nobody
else writes and which lateness never reads.

Replays after a crash are skipped, never applied twice:
- every record remembers the last source offset it applied; a contribution from an offset
  at or below it is already in the record (a record is written whole, so all its cells
  agree);
- the progress record is written after the batch's records, to the same changelog
  partition, so when it survived so did they: messages at or below its offset are skipped
  whole, and lateness is decided again from the very watermark the first run had.

This module is pure: the table is any MutableMapping (Faust's table in the app, a dict in
unit tests).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from stream.trends.facts import Fact
from stream.trends.sketch import add_to_data, empty_data
from stream.trends.windows import is_closed, last_closed_day

ALL = "*"
SHARDS = 16
Table = MutableMapping[str, Any]


# Subjects are a few thousand taxonomy ids and occupation groups: cache their shards.
@lru_cache(maxsize=65_536)
def shard_of(skill: str) -> int:
    return zlib.crc32(skill.encode()) % SHARDS


def record_key(partition: int, day: int, shard: int) -> str:
    return f"{partition}|{day}|{shard}"


def progress_key(partition: int) -> str:
    return f"{partition}|progress"


def published_key() -> str:
    # In partition 0's changelog: the publisher owns source partition 0, so it is the one
    # writer of this record (app.CellTable takes the partition from the key).
    return "0|published"


def published_of(table: Mapping[str, Any]) -> int | None:
    data = table.get(published_key())
    return None if not data else int(data["day"])


def progress_of(table: Mapping[str, Any], partitions: Iterable[int]) -> dict[int, Progress | None]:
    """Each partition's progress record in `table`, None where it has none."""
    return {p: Progress.of(table, p) if progress_key(p) in table else None for p in partitions}


def ready_to_publish(progress: Mapping[int, Progress | None]) -> int | None:
    """The newest day every partition has closed (None while one has not closed any).

    A partition's owner closes a day only when all of its cells of that day are in its
    records, and the progress record is the last write of a batch to the same changelog
    partition: a reader that sees a progress record closing day d (in changelog order) has
    all of that partition's cells of day d, and they never change again.
    """
    days = [r.closed_day if r is not None else None for r in progress.values()]
    if not days or any(d is None for d in days):
        return None
    return min(d for d in days if d is not None)


def parse_record_key(key: str) -> tuple[int, int] | None:
    """(partition, day) of a cell record's key, None for other records."""
    parts = key.split("|")
    if len(parts) != 3:
        return None
    return int(parts[0]), int(parts[1])


class Cell(NamedTuple):
    # A NamedTuple: reading a day's cells builds one per cell, and a tuple is much cheaper
    # to build than a frozen dataclass (py-spy: dataclass __init__ was 4% of the app).
    partition: int
    day: int
    country: str
    skill: str
    name: str
    postings: int
    pay: Mapping[str, Any]  # PaySketch data


def count_cells(items: Iterable[tuple[str, Any]]) -> int:
    """How many cells the given table items hold (without building them)."""
    return sum(
        len(entry["c"])
        for key, record in items
        if parse_record_key(key) is not None
        for entry in record["skills"].values()
    )


def cells_of(items: Iterable[tuple[str, Any]], days: range | None = None) -> Iterator[Cell]:
    """Every cell held in the given table items (optionally only of some days)."""
    for key, record in items:
        parsed = parse_record_key(key)
        if parsed is None or (days is not None and parsed[1] not in days):
            continue
        for skill, entry in record["skills"].items():
            for country, cell in entry["c"].items():
                yield Cell(
                    parsed[0], parsed[1], country, skill, entry["name"], cell["n"], cell["pay"]
                )


@dataclass
class Progress:
    offset: int = -1
    watermark: float | None = None
    closed_day: int | None = None  # the newest day closed on this partition

    @classmethod
    def of(cls, table: Mapping[str, Any], partition: int) -> Progress:
        data = table.get(progress_key(partition))
        if not data:
            return cls()
        # "published_day": records written before several instances (the one instance set
        # it on every partition when it published, which also closed the day there).
        closed = data.get("closed_day", data.get("published_day"))
        return cls(data["offset"], data.get("watermark"), closed)

    def to_data(self) -> dict[str, Any]:
        return {"offset": self.offset, "watermark": self.watermark, "closed_day": self.closed_day}


@dataclass
class Plan:
    """What a batch of one partition does, before the dedup claims are decided."""

    partition: int
    fresh: list[tuple[int, Fact]] = field(default_factory=list)  # (offset, fact) to claim
    late: int = 0
    replayed: int = 0  # at or below the progress offset: applied before a crash
    twice: int = 0  # of those, copies of an earlier item of this batch (Faust delivered twice)
    unreadable: int = 0
    progress: Progress = field(default_factory=Progress)  # after the batch


def plan_batch(
    table: Mapping[str, Any],
    partition: int,
    items: Iterable[tuple[int, Fact | None]],
    grace_s: float,
) -> Plan:
    """Sort a partition's batch (in offset order) into fresh, late, replayed, unreadable.

    An offset at or below the progress *so far* is replayed: below the record's, it was
    applied before a crash; at or below an earlier item of this very batch, Faust delivered
    it twice. It does at the end of a table recovery (`Recovery.on_recovery_completed`):
    the flow and the source partitions are resumed before `perform_seek()` is awaited, so
    the fetcher hands the agent messages from the partition's position and, after the
    seek to the committed offset, the same messages again, into the same batch. Both
    copies would win their claims (the same message, the same token) and count twice
    (docs/trends.md, "Messages Faust delivers twice").
    """
    start = Progress.of(table, partition)
    plan = Plan(partition, progress=Progress(start.offset, start.watermark, start.closed_day))
    progress = plan.progress
    for offset, fact in items:
        if offset <= progress.offset:
            plan.replayed += 1
            if offset > start.offset:
                plan.twice += 1
            continue
        progress.offset = max(progress.offset, offset)
        if fact is None:
            plan.unreadable += 1
        elif is_closed(fact.day, progress.watermark, grace_s) or (
            start.closed_day is not None and fact.day <= start.closed_day
        ):
            plan.late += 1
        else:
            plan.fresh.append((offset, fact))
            if progress.watermark is None or fact.event_time > progress.watermark:
                progress.watermark = fact.event_time
    return plan


def closing_watermark(
    progress: Mapping[int, Progress | None], ends: Mapping[int, int | None]
) -> float | None:
    """The event time up to which every source partition is done, for closing days.

    A partition with messages not yet applied holds the others back at its watermark (or
    blocks closing while it has none). A partition that is caught up (applied through its
    end offset; an empty one too) holds nothing back: an idle partition must not stop the
    days from closing. Its later events for a published day are late. When every
    partition is caught up, the newest watermark closes.
    """
    pending: list[float] = []
    known: list[float] = []
    for partition, record in progress.items():
        if record is not None and record.watermark is not None:
            known.append(record.watermark)
        end = ends.get(partition)
        applied_through = record.offset + 1 if record is not None else 0
        if end is not None and applied_through >= end:
            continue
        if record is None or record.watermark is None:
            return None
        pending.append(record.watermark)
    if pending:
        return min(pending)
    return max(known) if known else None


def pending(progress: Mapping[int, Progress | None], ends: Mapping[int, int | None]) -> int:
    """Messages not yet applied over all partitions whose end offset is known (the lag)."""
    lag = 0
    for partition, end in ends.items():
        if end is None:
            continue
        record = progress.get(partition)
        applied_through = record.offset + 1 if record is not None else 0
        lag += max(0, end - applied_through)
    return lag


def commit_batch(table: Table, plan: Plan, counts: Iterable[bool]) -> int:
    """Apply the counted facts of a plan, one write per touched record, then progress.

    `counts` says, per fresh fact, whether it won its dedup claims. Returns how many facts
    were applied. Stored records are never mutated: a touched record is a new value that
    shares its untouched skill entries with the old one (copy on write), so the cost is in
    the cells a batch changes, not in the size of the records.
    """
    touched: dict[str, dict[str, Any]] = {}
    floors: dict[str, int] = {}
    copied: set[tuple[str, str]] = set()
    keys: dict[tuple[int, str], str] = {}  # (day, subject) -> record key, for this batch
    applied = 0
    for (offset, fact), count in zip(plan.fresh, counts, strict=True):
        if not count:
            continue
        applied += 1
        countries = (ALL, fact.country) if fact.country else (ALL,)
        for skill, name in (*fact.skills, *fact.groups):
            key = keys.get((fact.day, skill))
            if key is None:
                key = keys[(fact.day, skill)] = record_key(
                    plan.partition, fact.day, shard_of(skill)
                )
            record = touched.get(key)
            if record is None:
                stored = table.get(key)
                floors[key] = stored["offset"] if stored else -1
                if offset <= floors[key]:
                    continue  # applied before a crash: the record was written, progress not
                skills = dict(stored["skills"]) if stored else {}
                record = touched[key] = {"offset": offset, "skills": skills}
            elif offset <= floors[key]:
                continue
            record["offset"] = offset
            skills = record["skills"]
            if (key, skill) not in copied:
                old = skills.get(skill)
                cells = {c: _copy_cell(cell) for c, cell in old["c"].items()} if old else {}
                skills[skill] = {"name": name, "c": cells}
                copied.add((key, skill))
            entry = skills[skill]
            entry["name"] = name
            for country in countries:
                cell = entry["c"].get(country)
                if cell is None:
                    cell = entry["c"][country] = {"n": 0, "pay": empty_data()}
                cell["n"] += 1
                if fact.pay_usd is not None:
                    add_to_data(cell["pay"], fact.pay_usd)
    for key, record in touched.items():
        table[key] = record
    table[progress_key(plan.partition)] = plan.progress.to_data()
    return applied


def _copy_cell(cell: Mapping[str, Any]) -> dict[str, Any]:
    pay = cell["pay"]
    return {
        "n": cell["n"],
        "pay": {"count": pay["count"], "total": pay["total"], "buckets": dict(pay["buckets"])},
    }


def closes(
    progress: Mapping[int, Progress | None],
    own: Iterable[int],
    ends: Mapping[int, int | None],
    grace_s: float,
) -> dict[int, Progress]:
    """The new progress records of the partitions in `own` whose closed day moves forward.

    `progress` holds every source partition's record (the owner's own, exactly; the others
    as far as this instance has read them, which can only hold closing back). The day
    closes by the same rule as with one instance (`closing_watermark`); each owner records
    it on its own partitions, one with no record yet too, so that its later events of that
    day are late. Nobody else writes a partition's progress record.
    """
    closed = last_closed_day(closing_watermark(progress, ends), grace_s)
    if closed is None:
        return {}
    out = {}
    for partition in own:
        record = progress.get(partition) or Progress()
        if record.closed_day is None or record.closed_day < closed:
            out[partition] = Progress(record.offset, record.watermark, closed)
    return out


def expired(
    keys: Iterable[str], own: Iterable[int], published: int | None, retention_days: int
) -> list[str]:
    """The record keys of the partitions in `own` older than the retention, counted back
    from the newest published day (rising and 7-day answers read at most 8 days back)."""
    if published is None:
        return []
    oldest = published - retention_days + 1
    mine = set(own)
    out = []
    for key in keys:
        parsed = parse_record_key(key)
        if parsed is not None and parsed[0] in mine and parsed[1] < oldest:
            out.append(key)
    return out
