"""`stream enrich`: JSON lines in, enriched JSON lines out, no Kafka (Redis optional).

Lines go through the same BatchProcessor as the worker, in chunks, so the offline output is
what the stream would publish. There is no change detection offline (no posting state is
read or written), so every valid line gets its enriched line; an invalid line is reported
on stderr with its line number and reason, and processing goes on.
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
from stream.ops.metrics import Metrics
from stream.processing import InRecord, Published
from stream.runtime.service import build_processor, build_redis

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
    client = build_redis(settings) if use_cache else None
    processor = build_processor(
        settings, Metrics(CollectorRegistry()), client=client, detect_changes=False
    )
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
            elif isinstance(outcome, Published):
                out.write(outcome.posting.model_dump_json() + "\n")
        out.flush()
        # Only the cache: posting state belongs to the stream (a backfill is not a re-scrape).
        processor.store.save(result.new_cache_entries, {})
        processor.record_outcome(chunk, result, time.time())
    return failed
