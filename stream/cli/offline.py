"""`stream enrich`: JSON lines in, enriched JSON lines out, no Kafka (Redis optional).

Lines go through the same processor and committer as the worker, in chunks, so the offline
output is what the stream would publish: the committer's sink prints the enriched postings
instead of producing them. There is no change detection offline (no posting state is read
or written: a backfill is not a re-scrape), so every valid line gets its enriched line; an
invalid line is reported on stderr with its line number and reason, and processing goes on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import TextIO

from prometheus_client import CollectorRegistry
from rich.console import Console
from rich.markup import escape

from stream.committer import Committer
from stream.config import Settings
from stream.errors import InvalidMessage
from stream.ops.metrics import Metrics
from stream.outputs import OutRecord
from stream.processing import BatchProcessor, InRecord
from stream.runtime.service import build_processor, build_redis, build_store

CHUNK_LINES = 256


class PrintSink:
    """The offline sink: each enriched posting as one JSON line (the bytes the worker
    would produce to the enriched topic); nothing else is printed."""

    def __init__(self, out: TextIO, enriched_topic: str) -> None:
        self._out = out
        self._topic = enriched_topic

    def write(self, records: Sequence[InRecord], outputs: Sequence[OutRecord]) -> bool:
        for record in outputs:
            if record.topic == self._topic:
                self._out.write(record.value.decode("utf-8") + "\n")
        self._out.flush()
        return True


def _pipeline(settings: Settings, out: TextIO, use_cache: bool) -> tuple[BatchProcessor, Committer]:
    metrics = Metrics(CollectorRegistry())
    client = build_redis(settings) if use_cache else None
    store = build_store(settings, metrics, client)
    processor = build_processor(settings, metrics, store, client=client, detect_changes=False)
    # Only the cache is saved: posting state belongs to the stream.
    committer = Committer(settings, PrintSink(out, settings.topics.enriched), store, metrics)
    return processor, committer


def enrich_lines(
    settings: Settings,
    lines: Iterable[bytes],
    out: TextIO,
    err: Console,
    *,
    use_cache: bool,
) -> int:
    """Enrich every non-blank line; return how many lines failed."""
    numbered = (
        InRecord(topic="<input>", partition=0, offset=number, key=None, value=line.strip())
        for number, line in enumerate(lines, start=1)
        if line.strip()
    )
    failed = 0
    pipeline: tuple[BatchProcessor, Committer] | None = None
    while chunk := list(islice(numbered, CHUNK_LINES)):
        # Built at the first line, not before: empty input never loads the skill tables.
        processor, committer = pipeline = pipeline or _pipeline(settings, out, use_cache)
        started = time.perf_counter()
        result = processor.process(chunk)
        for record, outcome in zip(chunk, result.outcomes, strict=True):
            if isinstance(outcome, InvalidMessage):
                failed += 1
                err.print(f"line {record.offset}: {outcome.kind}: {escape(outcome.reason)}")
        committer.commit(chunk, result, started)
    return failed
