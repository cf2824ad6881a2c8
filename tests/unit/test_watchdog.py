"""The watchdog ends the process only for a marked call that never returns."""

from __future__ import annotations

import threading
import time

from stream.runtime.watchdog import EXIT_STUCK, Watchdog


def _watchdog(stuck_after_s: float) -> tuple[Watchdog, list[int], threading.Event]:
    exits: list[int] = []
    fired = threading.Event()

    def fake_exit(code: int) -> None:
        exits.append(code)
        fired.set()

    dog = Watchdog(stuck_after_s, exit=fake_exit, check_every_s=0.01)
    dog.start()
    return dog, exits, fired


def test_a_stuck_call_ends_the_process_with_the_stuck_code() -> None:
    dog, exits, fired = _watchdog(0.05)
    with dog.watching("send_offsets"):
        assert fired.wait(5), "the watchdog never fired"
    assert exits == [EXIT_STUCK]


def test_calls_that_return_and_idle_time_are_left_alone() -> None:
    dog, exits, fired = _watchdog(0.2)
    for _ in range(5):
        with dog.watching("commit_transaction"):
            time.sleep(0.01)
    assert not fired.wait(0.5)  # idle (no marked call) for longer than the limit
    dog.stop()
    assert exits == []
