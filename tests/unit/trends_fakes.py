"""In-memory stand-ins for the trends app's Redis claims, and a one-call batch step."""

from __future__ import annotations

from typing import Any

from stream.trends.cells import commit_batch, plan_batch
from stream.trends.dedup import claim_keys, counted, token
from stream.trends.facts import Fact, read_fact
from stream.trends.synthetic import encoded

DAY = 86_400.0
D0 = 20_000 * DAY  # 2024-10-04T00:00Z, the start of window 20000


class FakeClaims:
    """SET NX GET semantics on a dict, like `claims.Claims` on Redis."""

    def __init__(self) -> None:
        self.held: dict[str, str] = {}

    def decide(self, topic: str, partition: int, fresh: list[tuple[int, Fact]]) -> list[bool]:
        out = []
        for offset, fact in fresh:
            own = token(topic, partition, offset)
            previous = []
            for key in claim_keys("t", fact):
                previous.append(self.held.get(key))
                self.held.setdefault(key, own)
            out.append(counted(previous, own))
        return out


def fact(event: dict[str, Any], backdate_s: float = 6 * 3600) -> Fact:
    return read_fact(encoded(event)[1], backdate_s)


def step(
    table: dict[str, Any],
    claims: FakeClaims,
    partition: int,
    items: list[tuple[int, dict[str, Any]]],
    grace_s: float = 6 * 3600,
) -> int:
    """What the app does with one partition's batch; returns facts applied."""
    plan = plan_batch(table, partition, [(o, fact(e)) for o, e in items], grace_s)
    return commit_batch(table, plan, claims.decide("src", partition, plan.fresh))
