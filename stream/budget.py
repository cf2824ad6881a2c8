"""A per-message time budget, so one poison pill cannot stall its partition.

Python cannot pre-empt a function from another thread, so the budget is a real-time
interval timer (SIGALRM) whose handler raises `BudgetExceeded` inside the enrichment. It
works in the main thread only (where the worker and CLI run); elsewhere it is a no-op.
Our regexes are linear-time and release control between matches, so the handler runs
promptly.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


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
