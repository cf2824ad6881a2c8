"""The trend table's cells and how a batch of facts updates them, idempotently.

The table holds, per source partition, one cell per (day, country, skill): the count of
counted postings and their pay sketch; `country` is "*" for all countries together. Keys are
`"{partition}|{day}|{country}|{skill}"`: the partition comes first so each cell lives in
its source partition's changelog (the app's table reads it from the key), so recovery
restores it with the partition, and cells of several partitions merge at read time like the
pay sketches do.

Per partition, a progress record `"{partition}|progress"` holds the offset the partition is
applied through, its watermark (highest event time applied) and the newest day published.

Replays after a crash are skipped, never applied twice:
- every cell remembers the last source offset it applied; a contribution from an offset at
  or below it is already in the cell;
- the progress record is written after the batch's cells, to the same changelog partition,
  so when it survived so did they: messages at or below its offset are skipped whole, and
  lateness is decided again from the very watermark the first run had.

This module is pure: the table is any MutableMapping (Faust's table in the app, a dict in
unit tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from stream.trends.facts import Fact
from stream.trends.sketch import PaySketch
from stream.trends.windows import is_closed

ALL = "*"
Table = MutableMapping[str, Any]


def cell_key(partition: int, day: int, country: str, skill: str) -> str:
    return f"{partition}|{day}|{country}|{skill}"


def progress_key(partition: int) -> str:
    return f"{partition}|progress"


def parse_cell_key(key: str) -> tuple[int, int, str, str] | None:
    """(partition, day, country, skill) of a cell key, None for other records."""
    parts = key.split("|", 3)
    if len(parts) != 4:
        return None
    return int(parts[0]), int(parts[1]), parts[2], parts[3]


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
        elif is_closed(fact.day, progress.watermark, grace_s):
            plan.late += 1
        else:
            plan.fresh.append((offset, fact))
            if progress.watermark is None or fact.event_time > progress.watermark:
                progress.watermark = fact.event_time
    return plan


@dataclass
class _Delta:
    name: str
    floor: int  # the cell's offset when the batch began: contributions up to it are in it
    count: int = 0
    pay: PaySketch = field(default_factory=PaySketch)
    offset: int = -1


def commit_batch(table: Table, plan: Plan, counts: Iterable[bool]) -> int:
    """Apply the counted facts of a plan to the cells, one write per cell, then progress.

    `counts` says, per fresh fact, whether it won its dedup claims. Returns how many facts
    were applied.
    """
    deltas: dict[str, _Delta] = {}
    applied = 0
    for (offset, fact), count in zip(plan.fresh, counts, strict=True):
        if not count:
            continue
        applied += 1
        countries = (ALL, fact.country) if fact.country else (ALL,)
        for skill, name in fact.skills:
            for country in countries:
                key = cell_key(plan.partition, fact.day, country, skill)
                delta = deltas.get(key)
                if delta is None:
                    cell = table.get(key)
                    delta = deltas[key] = _Delta(name, floor=cell["offset"] if cell else -1)
                if offset <= delta.floor:
                    continue  # applied before a crash: the cell was written, progress not
                delta.count += 1
                delta.offset = offset
                if fact.pay_usd is not None:
                    delta.pay.add(fact.pay_usd)
    for key, delta in deltas.items():
        if delta.count == 0:
            continue
        cell = table.get(key)
        pay = PaySketch.from_data(cell["pay"]) if cell else PaySketch()
        pay.merge(delta.pay)
        table[key] = {
            "count": (cell["count"] if cell else 0) + delta.count,
            "name": delta.name,
            "pay": pay.to_data(),
            "offset": delta.offset,
        }
    table[progress_key(plan.partition)] = plan.progress.to_data()
    return applied


def cells_of_day(table: Mapping[str, Any], day: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(country, skill, cell) of every partition's cell for one day."""
    for key, cell in table.items():
        parsed = parse_cell_key(key)
        if parsed is not None and parsed[1] == day:
            yield parsed[2], parsed[3], cell
