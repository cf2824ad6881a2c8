"""A per-message time budget, so one poison pill cannot stall its partition.

Python cannot pre-empt a function from another thread, so the budget is a real-time
interval timer (SIGALRM) whose handler raises `BudgetExceeded` inside the enrichment. It
works in the main thread only (where the worker and CLI run); elsewhere it is a no-op.
Our regexes are linear-time and release control between matches, so the handler runs
promptly.

`time_budget` arms one interval: it installs the handler, sets the timer, and restores
both after (~7 µs). The worker's batches use `MessageBudget`, which installs the handler
once per batch and only sets the timer per message (one `setitimer` call): the same
per-message limit, each message with its full budget, for ~1 µs a message.
"""

from __future__ import annotations

import signal
import threading
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
    `seconds` again; `BudgetExceeded` is raised inside the work that overran it. Between
    messages the timer may still run, disarmed: when it fires there, the handler does
    nothing (and a blocking call it interrupts is resumed, PEP 475). Leaving the block
    stops the timer and restores the previous handler. A no-op outside the main thread or
    when `seconds` is None/0, as `time_budget`."""

    __slots__ = ("_active", "_armed", "_previous", "_seconds")

    def __init__(self, seconds: float | None) -> None:
        self._seconds = seconds or 0.0
        self._active = False
        self._armed = False
        self._previous: object = None

    def __enter__(self) -> MessageBudget:
        if self._seconds and threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
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
            if left <= 0:  # setitimer(0) would disarm the timer, not fire it
                raise BudgetExceeded(f"over the {self._seconds:g} s budget")
            self._armed = True
            signal.setitimer(signal.ITIMER_REAL, left)

    def stop(self) -> None:
        """It ended (or failed): an alarm from now on is ignored until the next start."""
        self._armed = False

    def _on_alarm(self, _signum: int, _frame: FrameType | None) -> None:
        if self._armed:
            self._armed = False
            raise BudgetExceeded(f"over the {self._seconds:g} s budget")
