"""The per-message time budget interrupts work in the main thread and leaves no alarm behind."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from stream.budget import BudgetExceeded, time_budget


def _spin(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sum(range(1000))


def test_interrupts_work_over_budget() -> None:
    with pytest.raises(BudgetExceeded), time_budget(0.05):
        _spin(5.0)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_work_within_budget_is_untouched_and_the_handler_restored() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with time_budget(1.0):
        value = sum(range(1000))
    assert value == 499500
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_is_a_no_op_outside_the_main_thread() -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with time_budget(0.01):
                time.sleep(0.05)
        except BaseException as exc:  # pragma: no cover - would be the failure
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors == []
