"""In-memory stand-ins for unit tests only; the real ones are tested against real services."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stream.changes import PostingState
from stream.stores.cache import Lookup


class MemoryStore:
    """Store with dicts; `down=True` behaves like Redis being unreachable."""

    def __init__(self) -> None:
        self.enrichments: dict[str, bytes] = {}
        self.states: dict[str, PostingState] = {}
        self.lookups = 0
        self.down = False

    def lookup(self, cache_keys: Sequence[str], state_keys: Sequence[str]) -> Lookup:
        self.lookups += 1
        if self.down:
            return Lookup([None] * len(cache_keys), None)
        return Lookup(
            [self.enrichments.get(key) for key in cache_keys],
            [self.states.get(key) for key in state_keys],
        )

    def save(self, enrichments: Mapping[str, str], states: Mapping[str, PostingState]) -> None:
        if not self.down:
            self.enrichments.update((k, v.encode()) for k, v in enrichments.items())
            self.states.update(states)
