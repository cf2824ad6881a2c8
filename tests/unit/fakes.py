"""In-memory stand-ins for unit tests only; the real ones are tested against real services."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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

    def save(
        self, enrichments: Mapping[str, bytes | str], states: Mapping[str, PostingState]
    ) -> None:
        if not self.down:
            self.enrichments.update(
                (k, v if isinstance(v, bytes) else v.encode()) for k, v in enrichments.items()
            )
            self.states.update(states)


class _Pipe:
    def __init__(self, store: dict[str, str]) -> None:
        self.store = store
        self.pending: dict[str, str] = {}

    def set(self, name: str, value: str) -> None:
        self.pending[name] = value

    def execute(self) -> list[bool]:
        self.store.update(self.pending)
        return [True] * len(self.pending)


class FakeRedis:
    """The two calls the store uses: GET and a transactional pipeline of SETs."""

    def __init__(self) -> None:
        self.store: dict[str, str] = {}

    def get(self, name: str) -> bytes | None:
        value = self.store.get(name)
        return None if value is None else value.encode()

    def pipeline(self, transaction: bool = True) -> _Pipe:
        assert transaction
        return _Pipe(self.store)


class FakeHashes:
    """The hash calls the FX store uses (a Redis with decode_responses=True)."""

    def __init__(self) -> None:
        self.hashes: dict[str, dict[str, str]] = {}
        self.ttls: dict[str, int] = {}

    def hset(self, name: str, *, mapping: Mapping[Any, Any]) -> int:
        self.hashes.setdefault(name, {}).update(mapping)
        return len(mapping)

    def hgetall(self, name: str) -> dict[str, str]:
        return dict(self.hashes.get(name, {}))

    def expire(self, name: str, time: int) -> bool:
        self.ttls[name] = time
        return True
