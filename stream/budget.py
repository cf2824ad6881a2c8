"""A per-message time budget, so one poison pill cannot stall its partition.

Python cannot pre-empt a function from another thread, so the budget is a real-time
interval timer (SIGALRM) whose handler raises `BudgetExceeded` inside the enrichment. It
works in the main thread only (where the worker and CLI run); elsewhere it is a no-op.
Our regexes are linear-time and release control between matches, so the handler runs
promptly.

`time_budget` arms one interval: it installs the handler, sets the timer, and restores
both after (~7 µs). The worker's batches use `MessageBudget`: it installs the handler and
starts a periodic timer once per batch, and a message's start only notes its deadline; the
handler raises when it ticks past the deadline of the message at work. `Enricher.
compute_batch` starts a message's budget once per step (seven pieces a posting), and a
`setitimer` call per piece cost 2.4 µs, ~17 µs a posting; noting a deadline costs ~0.15 µs.
The price is precision: a message is stopped between its budget and its budget plus one
tick (a twentieth of the budget, at most 0.25 s) after it started.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType


class BudgetExceeded(Exception):  # noqa: N818  # a signal, not an error of the input
    """The work inside `time_budget` ran longer than allowed."""


class _Alarm:
    armed = False


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise BudgetExceeded in the body if it runs longer than `seconds` (None: no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    alarm = _Alarm()

    def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
        if alarm.armed:
            alarm.armed = False
            raise BudgetExceeded(f"over the {seconds:g} s budget")

    previous = signal.signal(signal.SIGALRM, _on_alarm)
    alarm.armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        alarm.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class MessageBudget:
    """A budget per message, over many messages: enter once (per batch), then bracket each
    message's work with `start()` / `stop()`. Each `start()` gives that message the full
    `seconds` again; `BudgetExceeded` is raised inside the work that overran it, at the
    first tick of the batch's periodic timer past its deadline. Between messages the timer
    still ticks, disarmed: the handler does nothing (and a blocking call it interrupts is
    resumed, PEP 475). Leaving the block stops the timer and restores the previous handler.
    A no-op outside the main thread or when `seconds` is None/0, as `time_budget`."""

    __slots__ = ("_active", "_armed", "_deadline", "_previous", "_seconds", "_tick")

    def __init__(self, seconds: float | None) -> None:
        self._seconds = seconds or 0.0
        # Overrun by at most a twentieth of the budget; a tick every 0.25 s at most (the
        # default 5 s budget), so the handler runs 4 times a second while a batch works.
        self._tick = min(self._seconds / 20, 0.25)
        self._active = False
        self._armed = False
        self._deadline = 0.0
        self._previous: object = None

    @property
    def tick(self) -> float:
        """How late past its budget a message may be stopped, in seconds."""
        return self._tick

    def __enter__(self) -> MessageBudget:
        if self._seconds and threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self._tick, self._tick)
            self._active = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._active:
            self._armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)  # type: ignore[arg-type]
            self._active = False

    def start(self, spent: float = 0.0) -> None:
        """One message's work begins: the full budget from now, less `spent` seconds the
        message already used (`Enricher.compute_batch` runs a message's steps in pieces,
        with other messages' pieces between them)."""
        if self._active:
            left = self._seconds - spent
            if left <= 0:
                raise BudgetExceeded(f"over the {self._seconds:g} s budget")
            self._deadline = time.monotonic() + left
            self._armed = True

    def stop(self) -> None:
        """It ended (or failed): a tick from now on is ignored until the next start."""
        self._armed = False

    def _on_alarm(self, _signum: int, _frame: FrameType | None) -> None:
        if self._armed and time.monotonic() >= self._deadline:
            self._armed = False
            raise BudgetExceeded(f"over the {self._seconds:g} s budget")
