"""Errors that tell the processing loop what to do.

    StreamError                      root of everything this package raises on purpose
    ├── InvalidMessage               the message itself is bad: dead-letter it and move on
    │   (kind: invalid_encoding | invalid_json | schema_violation | oversized |
    │          enrichment_error | enrichment_timeout)
    └── FatalError                   going on would do harm: stop (exit 3), let the
                                     orchestrator restart us (DLQ-rate guard tripped, fenced
                                     by a newer instance, a fatal client error)

A dependency that is unwell is not an error class: Redis failures are answered as cache
misses behind a circuit breaker (stores.cache), and Kafka calls that fail retriably are
retried up to a deadline (runtime.calls), then raised. Anything else that escapes is a bug:
the worker crashes and the orchestrator restarts it; because offsets are committed only
with the output, nothing is lost.
"""

from __future__ import annotations

from stream.models import ErrorKind


class StreamError(Exception):
    """Root of the errors this package raises on purpose."""


class InvalidMessage(StreamError):  # noqa: N818  # arroyo's name: says what, not how
    """The input cannot be processed, now or ever: route it to the DLQ with this reason."""

    def __init__(self, kind: ErrorKind, reason: str) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind: ErrorKind = kind
        self.reason = reason


class FatalError(StreamError):
    """Continuing would do harm: stop the worker with this message."""
