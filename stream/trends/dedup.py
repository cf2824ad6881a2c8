"""The no-inflation rules, as claims on (day, posting) and (day, content hash).

Within one daily window:
- a posting counts at most once: its first change of the day claims `(day, posting_id)`,
  so an `updated` posting counts once per window however often it changes;
- a content counts at most once: the first change carrying a content hash claims
  `(day, content_hash)`, so the same posting seen on two boards counts once;
- an unchanged re-scrape never reaches the app (the enrichment worker emits no change
  event for it), and a change event delivered twice (the worker's at-least-once mode)
  finds both claims taken by its own first delivery's posting.

A change counts if and only if it wins both claims. A claim is stored with a token naming
the message that made it (topic, partition, offset), so a message replayed after a crash
finds its own token and gets the same answer as the first time: replays never change a
decision. The claims live in a store shared by all partitions (Redis, see `claims`),
because two boards' copies of one posting have different keys and so land on different
partitions.
"""

from __future__ import annotations

from collections.abc import Sequence

from stream.trends.facts import Fact


def claim_keys(prefix: str, fact: Fact) -> tuple[str, str]:
    """The two claims a fact must win: (day, posting id) and (day, content hash)."""
    return (
        f"{prefix}:p:{fact.day}:{fact.posting_id}",
        f"{prefix}:h:{fact.day}:{fact.content_hash}",
    )


def token(topic: str, partition: int, offset: int) -> str:
    return f"{topic}:{partition}:{offset}"


def won(previous: bytes | str | None, own: str) -> bool:
    """A claim is ours if nobody held it (SET NX succeeded) or we made it before a replay."""
    if previous is None:
        return True
    if isinstance(previous, bytes):
        previous = previous.decode()
    return previous == own


def counted(previous: Sequence[bytes | str | None], own: str) -> bool:
    """Whether a fact counts, from the previous holders of its two claims."""
    return all(won(p, own) for p in previous)
