"""One batch of raw messages -> one outcome per message, with no Kafka in sight.

The worker hands over plain `InRecord`s and gets back, in input order, an EnrichedPosting
or the InvalidMessage that says why not; `to_out_records` turns those into the records for
postings.enriched and postings.dlq, which the worker writes in one transaction together with
the offsets. The offline CLI uses the same processor and prints the outcomes instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from stream import codecs
from stream.cache import EnrichmentCache, cache_key
from stream.config import Settings
from stream.enrich.pipeline import ENRICHER_VERSION, Enricher, Enrichment, content_hash
from stream.errors import InvalidMessage
from stream.metrics import Metrics
from stream.models import EnrichedPosting, RawPosting

log = logging.getLogger(__name__)

Outcome = EnrichedPosting | InvalidMessage


@dataclass(frozen=True, slots=True)
class InRecord:
    """A consumed message, reduced to what processing needs."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int | None = None


@dataclass(frozen=True, slots=True)
class OutRecord:
    """A message to produce."""

    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, str | bytes | None]] = field(default_factory=list)


@dataclass(slots=True)
class BatchResult:
    """One outcome per input record (same order) and what to store in the cache."""

    outcomes: list[Outcome]
    new_cache_entries: dict[str, Enrichment] = field(default_factory=dict)
    cache_hits: int = 0


@dataclass(slots=True)
class _Pending:
    index: int
    raw: RawPosting
    digest: str
    key: str


class _MetricsTimer:
    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def observe(self, enricher: str, seconds: float) -> None:
        self._metrics.enrich_seconds.labels(enricher).observe(seconds)


class BatchProcessor:
    """Decode, look up the cache once, enrich the misses."""

    def __init__(
        self,
        settings: Settings,
        enricher: Enricher,
        cache: EnrichmentCache,
        metrics: Metrics,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._settings = settings
        self._enricher = enricher
        self.cache = cache
        self._metrics = metrics
        self._clock = clock
        self._timer = _MetricsTimer(metrics)

    def process(self, records: Sequence[InRecord]) -> BatchResult:
        outcomes: list[Outcome | None] = [None] * len(records)
        pending: list[_Pending] = []
        max_bytes = self._settings.worker.max_message_bytes
        for index, record in enumerate(records):
            try:
                raw = codecs.decode_raw_posting(record.value, max_bytes)
            except InvalidMessage as error:
                outcomes[index] = error
                continue
            digest = content_hash(raw)
            key = cache_key(
                self._settings.redis.key_prefix,
                ENRICHER_VERSION,
                self._enricher.taxonomy_version,
                digest,
            )
            pending.append(_Pending(index, raw, digest, key))

        result = BatchResult(outcomes=[])
        cached = self.cache.get_many([item.key for item in pending])
        now = self._clock()
        for item, hit in zip(pending, cached, strict=True):
            # A duplicate within the batch is served from what this batch just computed.
            enrichment = hit or result.new_cache_entries.get(item.key)
            if enrichment is not None:
                result.cache_hits += 1
            else:
                try:
                    enrichment = self._enricher.compute(item.raw, self._timer)
                except Exception as exc:  # a bug on one posting must not stop the stream
                    log.exception("enrichment failed", extra={"posting_key": item.key})
                    reason = f"{type(exc).__name__}: {exc}"
                    outcomes[item.index] = InvalidMessage("enrichment_error", reason)
                    continue
                result.new_cache_entries[item.key] = enrichment
            outcomes[item.index] = self._enricher.assemble(item.raw, enrichment, item.digest, now)
        result.outcomes = [outcome for outcome in outcomes if outcome is not None]
        assert len(result.outcomes) == len(records), "every record must have an outcome"
        return result

    def record_outcome(self, records: Sequence[InRecord], result: BatchResult, now: float) -> None:
        """Count a batch in the metrics once its output is durable (committed or printed)."""
        m = self._metrics
        enriched = 0
        for record, outcome in zip(records, result.outcomes, strict=True):
            if isinstance(outcome, InvalidMessage):
                m.dead_lettered.labels(outcome.kind).inc()
                continue
            enriched += 1
            m.skills_per_posting.observe(len(outcome.skills))
            if outcome.salary is not None:
                m.salary_found.labels(outcome.salary.currency or "unknown").inc()
            latency = end_to_end_seconds(outcome, record.timestamp_ms, now)
            if latency is not None:
                m.end_to_end_seconds.observe(latency)
        m.enriched.labels("hit").inc(result.cache_hits)
        m.enriched.labels("miss").inc(enriched - result.cache_hits)


def to_out_records(
    settings: Settings,
    records: Sequence[InRecord],
    outcomes: Sequence[Outcome],
    failed_at: dt.datetime,
) -> list[OutRecord]:
    """The Kafka records for a batch's outcomes: enriched postings and dead letters."""
    out: list[OutRecord] = []
    for record, outcome in zip(records, outcomes, strict=True):
        if isinstance(outcome, InvalidMessage):
            out.append(_dead_letter_record(settings, record, outcome, failed_at))
        else:
            key = outcome.posting_id.encode("utf-8")
            out.append(OutRecord(settings.topics.enriched, key, codecs.encode(outcome)))
    return out


def _dead_letter_record(
    settings: Settings, record: InRecord, error: InvalidMessage, failed_at: dt.datetime
) -> OutRecord:
    letter = codecs.dead_letter(
        error,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        failed_at=failed_at,
    )
    # The same facts as headers, so operators can filter without decoding the value.
    headers: list[tuple[str, str | bytes | None]] = [
        ("error_kind", error.kind.encode()),
        ("error", error.reason.encode("utf-8", "replace")[:1000]),
        ("source_topic", record.topic.encode()),
        ("source_partition", str(record.partition).encode()),
        ("source_offset", str(record.offset).encode()),
    ]
    return OutRecord(settings.topics.dlq, record.key, codecs.encode(letter), headers)


def end_to_end_seconds(
    posting: EnrichedPosting, record_ts_ms: int | None, now: float
) -> float | None:
    """Seconds from scrape (or, lacking that, the raw message timestamp) to `now` (epoch s)."""
    if posting.scraped_at is not None:
        return max(0.0, now - posting.scraped_at.timestamp())
    if record_ts_ms:
        return max(0.0, now - record_ts_ms / 1000)
    return None
