"""The pay sketch: bucket bounds, quantile error, exact merges."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from stream.trends.sketch import (
    HIGH,
    LAST_BUCKET,
    LOW,
    RATIO,
    PaySketch,
    bucket_of,
    bucket_value,
    merged,
    pay_midpoint,
)

pay = st.floats(min_value=LOW, max_value=HIGH / 1.1, allow_nan=False)


def exact_quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def test_bucket_bounds() -> None:
    assert bucket_of(LOW) == 0
    assert bucket_of(LOW * RATIO * 1.0001) == 1
    assert bucket_of(HIGH * 10) == LAST_BUCKET
    assert bucket_of(1.0) == 0
    for index in (0, 1, 100, LAST_BUCKET - 1):
        assert bucket_of(bucket_value(index)) == index


@given(st.lists(pay, min_size=1, max_size=300), st.sampled_from([0.25, 0.5, 0.75, 0.9]))
def test_quantile_within_one_percent(values: list[float], q: float) -> None:
    sketch = PaySketch()
    for value in values:
        sketch.add(value)
    estimate = sketch.quantile(q)
    assert estimate is not None
    assert abs(estimate / exact_quantile(values, q) - 1) <= math.sqrt(RATIO) - 1 + 1e-9
    assert sketch.mean is not None
    assert math.isclose(sketch.mean, sum(values) / len(values), rel_tol=1e-9)


@given(st.lists(st.lists(pay, max_size=50), min_size=1, max_size=6))
def test_merge_equals_sketch_of_union(parts: list[list[float]]) -> None:
    sketches = []
    for part in parts:
        sketch = PaySketch()
        for value in part:
            sketch.add(value)
        sketches.append(sketch)
    union = PaySketch()
    for value in (v for part in parts for v in part):
        union.add(value)
    together = merged(sketches)
    assert together.count == union.count
    assert together.buckets == union.buckets
    assert math.isclose(together.total, union.total, rel_tol=1e-9, abs_tol=1e-6)
    for q in (0.25, 0.5, 0.75, 0.9):
        assert together.quantile(q) == union.quantile(q)


def test_data_round_trip_and_empty() -> None:
    sketch = PaySketch()
    assert sketch.quantile(0.5) is None
    assert sketch.mean is None
    sketch.add(120_000.0, times=3)
    again = PaySketch.from_data(sketch.to_data())
    assert again == sketch


def test_pay_midpoint() -> None:
    assert pay_midpoint(100_000, 140_000) == 120_000
    assert pay_midpoint(None, 90_000) == 90_000
    assert pay_midpoint(80_000, None) == 80_000
    assert pay_midpoint(None, None) is None
    assert pay_midpoint(0, 0) is None
