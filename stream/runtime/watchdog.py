"""Crash-only escape from a Kafka call that never returns.

librdkafka has known bugs where `send_offsets_to_transaction` blocks past its timeout when
the group coordinator goes away (confluentinc/librdkafka#5456, #5511, open as of 2.16); we
saw it when restarting the broker mid-transaction. A blocked C call cannot be interrupted
from Python, so a watchdog thread watches the calls the worker marks, and when one has been
running longer than `stuck_after_s` it dumps every thread's stack and exits the process
with EXIT_STUCK. The orchestrator restarts the worker; the new incarnation, under the same
instance id, fences the open transaction (it is aborted) and replays the batch, so the
exactly-once promise holds. Only the "without a restart" part is lost, and only then.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

EXIT_STUCK = 70  # EX_SOFTWARE


class Watchdog:
    def __init__(
        self,
        stuck_after_s: float,
        exit: Callable[[int], None] = os._exit,
        check_every_s: float = 1.0,
    ) -> None:
        self._stuck_after_s = stuck_after_s
        self._exit = exit
        self._check_every_s = check_every_s
        self._call: tuple[str, float] | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="kafka-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    @contextmanager
    def watching(self, what: str) -> Iterator[None]:
        """Mark a blocking call; the watchdog ends the process if it never returns."""
        self._call = (what, time.monotonic())
        try:
            yield
        finally:
            self._call = None

    def _watch(self) -> None:
        while not self._stopped.wait(self._check_every_s):
            call = self._call
            if call is None:
                continue
            what, since = call
            stuck_for = time.monotonic() - since
            if stuck_for >= self._stuck_after_s:
                log.critical(
                    "kafka call stuck, exiting so that a restart fences and replays the batch",
                    extra={"call": what, "stuck_s": round(stuck_for, 1), "exit_code": EXIT_STUCK},
                )
                faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
                self._exit(EXIT_STUCK)
                return
