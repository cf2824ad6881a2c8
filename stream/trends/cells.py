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
applied through, its watermark (highest event time applied) and the newest day published.
Events of a day that is closed on their partition, or already published, are late.

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
from stream.trends.windows import is_closed

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
    published_day: int | None = None

    @classmethod
    def of(cls, table: Mapping[str, Any], partition: int) -> Progress:
        data = table.get(progress_key(partition))
        if not data:
            return cls()
        return cls(data["offset"], data.get("watermark"), data.get("published_day"))

    def to_data(self) -> dict[str, Any]:
        return {
            "offset": self.offset,
            "watermark": self.watermark,
            "published_day": self.published_day,
        }


@dataclass
class Plan:
    """What a batch of one partition does, before the dedup claims are decided."""

    partition: int
    fresh: list[tuple[int, Fact]] = field(default_factory=list)  # (offset, fact) to claim
    late: int = 0
    replayed: int = 0  # at or below the progress offset: applied before a crash
    unreadable: int = 0
    progress: Progress = field(default_factory=Progress)  # after the batch


def plan_batch(
    table: Mapping[str, Any],
    partition: int,
    items: Iterable[tuple[int, Fact | None]],
    grace_s: float,
) -> Plan:
    """Sort a partition's batch (in offset order) into fresh, late, replayed, unreadable."""
    start = Progress.of(table, partition)
    plan = Plan(partition, progress=Progress(start.offset, start.watermark, start.published_day))
    progress = plan.progress
    for offset, fact in items:
        if offset <= start.offset:
            plan.replayed += 1
            continue
        progress.offset = max(progress.offset, offset)
        if fact is None:
            plan.unreadable += 1
        elif is_closed(fact.day, progress.watermark, grace_s) or (
            start.published_day is not None and fact.day <= start.published_day
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
