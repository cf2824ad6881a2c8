"""The per-message time budget interrupts work in the main thread and leaves no alarm behind
(`time_budget` for one piece of work, `MessageBudget` for a batch of messages)."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from stream.budget import BudgetExceeded, MessageBudget, time_budget


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


def test_message_budget_restarts_for_each_message() -> None:
    before = signal.getsignal(signal.SIGALRM)
    finished = 0
    with MessageBudget(0.5) as budget:
        for _ in range(3):  # 0.75 s in all: over one budget, each well within it
            budget.start()
            try:
                _spin(0.25)
            finally:
                budget.stop()
            finished += 1
        budget.start()
        with pytest.raises(BudgetExceeded):
            _spin(5.0)
        budget.stop()
    assert finished == 3
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_message_budget_ignores_an_alarm_between_messages() -> None:
    with MessageBudget(0.05) as budget:
        budget.start()
        budget.stop()
        _spin(0.3)  # the timer fires here, disarmed: nothing is raised
        budget.start()
        budget.stop()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_message_budget_is_a_no_op_outside_the_main_thread_or_without_a_limit() -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with MessageBudget(0.01) as budget:
                budget.start()
                time.sleep(0.05)
                budget.stop()
        except BaseException as exc:  # pragma: no cover - would be the failure
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors == []
    before = signal.getsignal(signal.SIGALRM)
    with MessageBudget(None) as budget:
        budget.start()
        assert signal.getsignal(signal.SIGALRM) is before
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        budget.stop()


def test_message_budget_ticks_once_per_batch_and_stops_an_overrun_within_a_tick() -> None:
    # One periodic timer for the whole block: a message's start sets no timer of its own.
    with MessageBudget(0.2) as budget:
        assert signal.getitimer(signal.ITIMER_REAL)[1] == pytest.approx(budget.tick)
        assert budget.tick == pytest.approx(0.01)
        budget.start(spent=0.15)  # 0.05 s left of this message's 0.2
        started = time.monotonic()
        with pytest.raises(BudgetExceeded):
            _spin(5.0)
        budget.stop()
        # Stopped no earlier than its deadline; how much later depends on the machine's
        # load, so only the lower bound is asserted (the tick bounds it on an idle core).
        assert time.monotonic() - started >= 0.05
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_message_budget_with_its_time_spent_already_fails_at_once() -> None:
    with MessageBudget(0.2) as budget, pytest.raises(BudgetExceeded):
        budget.start(spent=0.2)
