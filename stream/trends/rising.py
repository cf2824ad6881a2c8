"""Which skills are rising: a daily count above its trailing mean by a factor.

A skill rises on day d when its count that day is at least `min_postings` and exceeds
`factor` times its mean daily count over the `trailing_days` days before d (days without
postings count as 0). Nothing rises before the app holds `trailing_days` of history,
or every skill would rise on the first day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rise:
    skill: str
    postings: int
    trailing_mean: float
    factor: float | None  # None: the trailing mean was 0


def rising(
    today: Mapping[str, int],
    trailing: Sequence[Mapping[str, int]],
    factor: float,
    min_postings: int,
    trailing_days: int,
) -> list[Rise]:
    """The rising skills of one day, most risen first.

    `trailing` holds the counts of the days before, oldest first; shorter than
    `trailing_days` means not enough history yet.
    """
    if len(trailing) < trailing_days:
        return []
    window = trailing[-trailing_days:]
    rises = []
    for skill, count in today.items():
        if count < min_postings:
            continue
        mean = sum(day.get(skill, 0) for day in window) / trailing_days
        if count > factor * mean:
            ratio = count / mean if mean else None
            rises.append(Rise(skill, count, mean, ratio))
    rises.sort(key=lambda r: (-(r.factor or math.inf), -r.postings, r.skill))
    return rises
