"""`stream enrich`: JSON lines in, enriched JSON lines out, no Kafka (Redis optional).

Lines go through the same BatchProcessor as the worker, in chunks, so the offline output is
exactly what the stream would publish; an invalid line is reported on stderr with its line
number and reason, and processing goes on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from itertools import islice
from typing import TextIO

from prometheus_client import CollectorRegistry
from rich.console import Console
from rich.markup import escape

from stream.config import Settings
from stream.errors import InvalidMessage
from stream.metrics import Metrics
from stream.processing import InRecord
from stream.service import build_processor

CHUNK_LINES = 256


def enrich_lines(
    settings: Settings,
    lines: Iterable[bytes],
    out: TextIO,
    err: Console,
    *,
    use_cache: bool,
) -> int:
    """Enrich every non-blank line; return how many lines failed."""
    processor = build_processor(settings, Metrics(CollectorRegistry()), use_cache=use_cache)
    numbered = (
        InRecord(topic="<input>", partition=0, offset=number, key=None, value=line.strip())
        for number, line in enumerate(lines, start=1)
        if line.strip()
    )
    failed = 0
    while chunk := list(islice(numbered, CHUNK_LINES)):
        result = processor.process(chunk)
        for record, outcome in zip(chunk, result.outcomes, strict=True):
            if isinstance(outcome, InvalidMessage):
                failed += 1
                err.print(f"line {record.offset}: {outcome.kind}: {escape(outcome.reason)}")
            else:
                out.write(outcome.model_dump_json() + "\n")
        out.flush()
        processor.cache.put_many(result.new_cache_entries)
        processor.record_outcome(chunk, result, time.time())
    return failed
