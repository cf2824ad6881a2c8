"""A circuit breaker: keeps a dead dependency out of the hot path until a probe succeeds."""

from __future__ import annotations

import time
from collections.abc import Callable


class CircuitBreaker:
    """Closed while calls succeed; open for `cooldown_s` after `threshold` straight failures."""

    def __init__(
        self,
        threshold: int = 3,
        cooldown_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = threshold
        self._cooldown_s = cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        """May we call now? While open, only once the cooldown has passed (a probe)."""
        if self._opened_at is None:
            return True
        return self._clock() - self._opened_at >= self._cooldown_s

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None

    def record_failure(self) -> None:
        self._failures += 1
        if self._failures >= self._threshold or self._opened_at is not None:
            self._opened_at = self._clock()
