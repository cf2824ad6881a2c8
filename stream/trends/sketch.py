"""A mergeable pay sketch: counts in fixed log-spaced buckets, plus exact count and sum.

Bucket i holds values in [LOW * RATIO**i, LOW * RATIO**(i+1)). Every sketch uses the same
boundaries, so merging two sketches (two partitions, two days) is adding their bucket
counts, and the result is exactly the sketch of the union: 7-day figures are sums of daily
cells at read time. A quantile is read as the geometric middle of its bucket, so its
relative error is below (sqrt(RATIO) - 1), 1% with RATIO = 1.02; mean and count are exact.
Values below LOW go to bucket 0's floor and above HIGH to the last bucket (clamped).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

LOW: Final = 1_000.0  # USD a year; lower pay is almost always a parsing slip
HIGH: Final = 10_000_000.0
RATIO: Final = 1.02
_LOG_RATIO: Final = math.log(RATIO)
LAST_BUCKET: Final = math.ceil(math.log(HIGH / LOW) / _LOG_RATIO) - 1
QUANTILES: Final = (0.25, 0.5, 0.75, 0.9)


def bucket_of(value: float) -> int:
    """The bucket index of a value (clamped to the sketch's range)."""
    if value <= LOW:
        return 0
    return min(LAST_BUCKET, int(math.log(value / LOW) / _LOG_RATIO))


def bucket_value(index: int) -> float:
    """The value a bucket stands for: the geometric middle of its bounds."""
    return float(LOW * RATIO ** (index + 0.5))


@dataclass
class PaySketch:
    """Count, sum and bucket counts of annual USD pay midpoints."""

    count: int = 0
    total: float = 0.0
    buckets: dict[int, int] = field(default_factory=dict)

    def add(self, value: float, times: int = 1) -> None:
        self.count += times
        self.total += value * times
        index = bucket_of(value)
        self.buckets[index] = self.buckets.get(index, 0) + times

    def merge(self, other: PaySketch) -> None:
        self.count += other.count
        self.total += other.total
        for index, n in other.buckets.items():
            self.buckets[index] = self.buckets.get(index, 0) + n

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    def quantile(self, q: float) -> float | None:
        """The q-quantile (0 < q <= 1): the value of the bucket holding the ceil(q*n)-th pay."""
        if not self.count:
            return None
        rank = max(1, math.ceil(q * self.count))
        seen = 0
        for index in sorted(self.buckets):
            seen += self.buckets[index]
            if seen >= rank:
                return bucket_value(index)
        return bucket_value(max(self.buckets))  # unreachable while counts are consistent

    def to_data(self) -> dict[str, object]:
        """Plain JSON data (bucket keys as strings, as JSON objects need)."""
        return {
            "count": self.count,
            "total": self.total,
            "buckets": {str(i): n for i, n in sorted(self.buckets.items())},
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PaySketch:
        buckets = data.get("buckets") or {}
        return cls(
            int(data.get("count", 0)),
            float(data.get("total", 0.0)),
            {int(i): int(n) for i, n in buckets.items()},
        )


def add_to_data(data: dict[str, Any], value: float) -> None:
    """Add one value to a sketch in its stored (JSON) form, in place: the trend table's
    records keep sketches in that form, so a batch touches only the cells it changes."""
    data["count"] += 1
    data["total"] += value
    buckets = data["buckets"]
    index = str(bucket_of(value))
    buckets[index] = buckets.get(index, 0) + 1


def empty_data() -> dict[str, Any]:
    return {"count": 0, "total": 0.0, "buckets": {}}


def merged(sketches: Iterable[PaySketch]) -> PaySketch:
    out = PaySketch()
    for sketch in sketches:
        out.merge(sketch)
    return out


def pay_midpoint(annual_min_usd: float | None, annual_max_usd: float | None) -> float | None:
    """The pay one posting contributes: the middle of its USD range, or its one bound."""
    bounds = [v for v in (annual_min_usd, annual_max_usd) if v is not None and v > 0]
    if not bounds:
        return None
    return sum(bounds) / len(bounds)
