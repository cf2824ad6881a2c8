"""The DLQ-rate guard: stop the worker instead of draining a topic into the DLQ.

When a bad deploy or an upstream format change makes most messages fail, dead-lettering
them all would "succeed" and commit the offsets: the data would have to be replayed by hand.
The guard looks at the last `window` messages and raises FatalError, before the batch that
crossed the limit is committed, when more than `max_ratio` of them were dead-lettered.
The worker then exits non-zero; on restart it meets the same messages and stops again,
until someone fixes the cause or raises the limit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from stream.errors import FatalError


class DlqGuard:
    def __init__(self, window: int, min_messages: int, max_ratio: float) -> None:
        self._window: deque[bool] = deque(maxlen=window)
        self._failed = 0
        self._min_messages = min(min_messages, window)
        self._max_ratio = max_ratio

    @property
    def ratio(self) -> float:
        return self._failed / len(self._window) if self._window else 0.0

    def check(self, dead_lettered: Iterable[bool]) -> None:
        """Add a batch (True per dead-lettered message); raise FatalError over the limit."""
        for failed in dead_lettered:
            if len(self._window) == self._window.maxlen and self._window[0]:
                self._failed -= 1
            self._window.append(failed)
            self._failed += failed
        if len(self._window) >= self._min_messages and self.ratio > self._max_ratio:
            raise FatalError(
                f"DLQ guard: {self._failed} of the last {len(self._window)} messages were "
                f"dead-lettered ({self.ratio:.0%} > {self._max_ratio:.0%}); stopping before "
                "committing them. Check the DLQ (stream tail postings.dlq) for the cause; "
                "raise STREAM_WORKER__DLQ_GUARD_MAX_RATIO only if this input is expected."
            )
