"""Blocking Kafka calls, retried while librdkafka calls the error retriable, and watched.

One helper for the worker loop and the sinks: a call that keeps failing with retriable
errors (broker away) is tried again until a deadline, then raised; a call that never
returns ends the process (`runtime.watchdog`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from confluent_kafka import KafkaError, KafkaException

from stream.runtime.watchdog import Watchdog

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a call may keep failing with retriable errors (broker away) before we give up
# and let the orchestrator restart us.
RETRY_DEADLINE_S = 180.0


class KafkaCalls:
    def __init__(
        self,
        watchdog: Watchdog,
        deadline_s: float = RETRY_DEADLINE_S,
        pause_s: float = 0.5,
    ) -> None:
        self._watchdog = watchdog
        self._deadline_s = deadline_s
        self._pause_s = pause_s

    def retrying(self, what: str, call: Callable[[], T]) -> T:
        """Call, retrying errors librdkafka marks retriable up to the deadline."""
        deadline = time.monotonic() + self._deadline_s
        while True:
            try:
                with self._watchdog.watching(what):
                    return call()
            except KafkaException as exc:
                error: KafkaError = exc.args[0]
                if not error.retriable() or time.monotonic() > deadline:
                    raise
                log.warning("kafka call retry", extra={"call": what, "error": str(error)})
                time.sleep(self._pause_s)
