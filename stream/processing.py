"""One batch of raw messages -> one outcome per message, with no Kafka in sight.

For each consumed record, in input order, the outcome is one of
- `Published`: an EnrichedPosting to write, with the ChangeEvent for alerting (if any);
- `Unchanged`: a re-scrape of what was already published: nothing to write;
- `InvalidMessage`: the reason it goes to the DLQ.
The processor reads Redis once per batch (cache and posting states, `stores.cache.Store`)
and writes nothing: `BatchResult` carries what Redis should learn, and the committer
(`stream.committer`) routes the outcomes to topics (`stream.outputs`), commits them, and
only then saves. The worker and the offline CLI use the same processor and committer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from prometheus_client import Histogram

from stream import codecs
from stream.budget import BudgetExceeded, MessageBudget
from stream.changes import PostingState, change_event, state_of, unchanged_since
from stream.config import Settings
from stream.enrich.pipeline import (
    ENRICHER_VERSION,
    ContentDigests,
    Enricher,
    Enrichment,
    content_digests,
)
from stream.enrich.salary.judge import DroppedPay
from stream.errors import InvalidMessage
from stream.models import ChangeEvent, EnrichedPosting, RawPosting, posting_id_of
from stream.ops.metrics import HistogramTally, Metrics
from stream.stores.cache import Store, cache_key, state_key, state_namespace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Published:
    posting: EnrichedPosting
    event: ChangeEvent | None
    cache_hit: bool
    # The posting's tail, its enrichment's fields as JSON (the cache entry this process
    # wrote for it in this batch, `Enricher.encode_entry`): the committer splices it into
    # the posting's bytes (`codecs.encode_posting`). None: the posting is encoded whole (a
    # cache hit from Redis may have been written by another build, in another order).
    tail: bytes | None = None


@dataclass(frozen=True, slots=True)
class Unchanged:
    posting_id: str


Outcome = Published | Unchanged | InvalidMessage


@dataclass(frozen=True, slots=True)
class InRecord:
    """A consumed message, reduced to what processing needs."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int | None = None


@dataclass(slots=True)
class BatchResult:
    """One outcome per input record (same order), and what Redis learns once the batch is
    committed: new cache entries (encoded) and the posting states."""

    outcomes: list[Outcome]
    cache_writes: dict[str, bytes] = field(default_factory=dict)
    states: dict[str, PostingState] = field(default_factory=dict)
    state_known: bool = True


@dataclass(slots=True)
class _Pending:
    index: int
    raw: RawPosting
    posting_id: str
    digests: ContentDigests
    cache_key: str


class _MetricsObserver:
    """Enrichment measurements into the metrics, applied once per batch (`flush`)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        # Each step's histogram child, looked up once: `labels()` per observation was half
        # of the observer's ~12 µs per posting (six steps).
        self._steps: dict[str, Histogram] = {}
        # And the observations themselves gathered over the batch: one `observe` per step
        # and posting was most of the rest (~1.5 µs each).
        self._tally = HistogramTally()

    def observe(self, enricher: str, seconds: float) -> None:
        child = self._steps.get(enricher)
        if child is None:
            child = self._steps[enricher] = self._metrics.enrich_seconds.labels(enricher)
        self._tally.add(child, seconds)

    def flush(self) -> None:
        self._tally.flush()

    def salary_dropped(self, dropped: Sequence[DroppedPay]) -> None:
        for item in dropped:
            self._metrics.salary_dropped.labels("out_of_bounds", item.currency or "unknown").inc()


class BatchProcessor:
    """Decode, one Redis lookup, enrich the misses, decide what changed."""

    def __init__(
        self,
        settings: Settings,
        enricher: Enricher,
        store: Store,
        metrics: Metrics,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        *,
        detect_changes: bool = True,
        refresh: Callable[[Enricher], Enricher | None] | None = None,
    ) -> None:
        """`refresh` is asked between batches for a newer enricher (taxonomy hot reload,
        `stores.taxonomy_reload`); it returns None to keep the running one."""
        self._settings = settings
        self._detect_changes = detect_changes
        self.enricher = enricher
        self._store = store
        self._refresh = refresh
        self._metrics = metrics
        self._clock = clock
        self._observer = _MetricsObserver(metrics)
        self._state_namespace = state_namespace(settings.kafka.group_id, settings.topics.enriched)
        for step in ("normalize", *(s.name for s in enricher.steps)):
            metrics.enrich_seconds.labels(step)  # zero series: panels evaluable from start

    def refresh(self) -> None:
        """Between batches, idle or not: take a newer enricher if one was published (taxonomy
        hot reload). Cheap when nothing changed: the source rate-limits its own checks."""
        if self._refresh is not None:
            self.enricher = self._refresh(self.enricher) or self.enricher

    def process(
        self, records: Sequence[InRecord], in_flight: BatchResult | None = None
    ) -> BatchResult:
        """`in_flight`: the result of the batch whose commit is still under way (the worker
        processes the next batch meanwhile). Redis does not know its states and cache entries
        yet (the committer saves them after the commit), so they are read from it instead: a
        posting re-scraped in the next batch compares against the version in flight. If
        that commit fails, the caller discards this result too and re-consumes both."""
        # The budget's signal handler is installed once per batch; `_compute` restarts the
        # timer for each message, so each still gets the whole budget (docs/guarantees.md).
        try:
            with MessageBudget(self._settings.worker.message_budget_s) as budget:
                return self._process(records, in_flight, budget)
        finally:
            self._observer.flush()  # the batch's step timings, whatever became of it

    def _process(
        self, records: Sequence[InRecord], in_flight: BatchResult | None, budget: MessageBudget
    ) -> BatchResult:
        outcomes: list[Outcome | None] = [None] * len(records)
        pending = self._decode_all(records, outcomes)
        prefix = self._settings.redis.key_prefix
        namespace = self._state_namespace
        state_keys = [state_key(prefix, namespace, item.posting_id) for item in pending]
        lookup = self._store.lookup(
            [item.cache_key for item in pending], state_keys if self._detect_changes else []
        )
        states = lookup.states if self._detect_changes else None
        cached_values: list[bytes | str | None] = list(lookup.enrichments)
        if in_flight is not None:
            # Unknown states (Redis did not answer) stay unknown, as they would after the
            # in-flight batch's save had failed too: the postings are published as new.
            if states is not None and in_flight.states:
                overlay = in_flight.states
                states = [
                    overlay.get(key, state) for key, state in zip(state_keys, states, strict=True)
                ]
            if in_flight.cache_writes:
                entries = in_flight.cache_writes
                cached_values = [
                    entries.get(item.cache_key) if value is None else value
                    for item, value in zip(pending, cached_values, strict=True)
                ]
        result = BatchResult(
            outcomes=[], state_known=states is not None or not self._detect_changes
        )
        # Later versions of a posting in this batch compare against earlier ones.
        latest: dict[str, PostingState | None] = {}
        now = self._clock()
        enricher = self.enricher
        computed: dict[str, Enrichment] = {}  # duplicates within the batch are computed once
        variant = enricher.cache_variant
        taxonomy_version = enricher.taxonomy_version
        splices = enricher.splices and enricher.posting_model is EnrichedPosting
        ready = self._compute_misses(pending, states, cached_values, budget)
        for position, item in enumerate(pending):
            if item.posting_id in latest:
                previous = latest[item.posting_id]
            else:
                previous = states[position] if states is not None else None
            # An unchanged re-scrape is known from the digest and the versions alone (what
            # `is_unchanged` compares): no cache decode, no enrichment, no assembly.
            if previous is not None and unchanged_since(
                previous, item.digests.content, ENRICHER_VERSION, taxonomy_version, variant
            ):
                outcomes[item.index] = Unchanged(item.posting_id)
                continue
            cached = cached_values[position]
            hit = computed.get(item.cache_key) or (
                enricher.decode(cached) if cached is not None else None
            )
            enrichment = hit or self._compute(item, outcomes, budget, ready)
            if enrichment is None:
                continue  # dead-lettered by _compute
            if hit is None:
                computed[item.cache_key] = enrichment
                result.cache_writes[item.cache_key] = enricher.encode_entry(enrichment)
            try:
                posting = enricher.assemble(item.raw, enrichment, item.digests.content, now)
                current = state_of(posting, item.digests.description, variant)
            except Exception as exc:  # one message, not the batch
                outcomes[item.index] = _unexpected(
                    exc, "assembly failed", posting_id=item.posting_id
                )
                continue
            latest[item.posting_id] = current
            if self._detect_changes:  # offline, state belongs to the stream: never written
                result.states[state_key(prefix, self._state_namespace, item.posting_id)] = current
            event = change_event(posting, previous, current)
            # This batch's own entry (computed here, or a duplicate of one computed here):
            # its bytes are the posting's tail when the enricher splices.
            tail = result.cache_writes.get(item.cache_key) if splices else None
            outcomes[item.index] = Published(posting, event, hit is not None, tail)
        result.outcomes = [outcome for outcome in outcomes if outcome is not None]
        assert len(result.outcomes) == len(records), "every record must have an outcome"
        return result

    def _decode_all(
        self, records: Sequence[InRecord], outcomes: list[Outcome | None]
    ) -> list[_Pending]:
        pending: list[_Pending] = []
        max_bytes = self._settings.worker.max_message_bytes
        prefix = self._settings.redis.key_prefix
        variant = self.enricher.cache_variant  # a join over the steps: once per batch
        for index, record in enumerate(records):
            try:
                raw = codecs.decode_raw_posting(record.value, max_bytes)
            except InvalidMessage as error:
                outcomes[index] = error
                continue
            try:
                digests = content_digests(raw)
                key = cache_key(prefix, ENRICHER_VERSION, variant, digests.content)
                posting_id = posting_id_of(raw)
            except Exception as exc:  # valid yet unusable: one message, not the batch
                outcomes[index] = _unexpected(
                    exc, "hashing failed", topic=record.topic, offset=record.offset
                )
                continue
            pending.append(_Pending(index, raw, posting_id, digests, key))
        return pending

    def _compute_misses(
        self,
        pending: list[_Pending],
        states: Sequence[PostingState | None] | None,
        cached_values: list[bytes | str | None],
        budget: MessageBudget,
    ) -> dict[str, Enrichment | Exception]:
        """Enrich, step by step over the batch (`Enricher.compute_batch`: each step's tables
        stay in cache), every posting the loop in `_process` will want computed: no cache
        entry, not an unchanged re-scrape by its stored state, once per cache key. By cache
        key, the enrichment or the exception `compute` would have raised. A posting the loop
        decides otherwise (a cache entry that no longer decodes, a state changed by an
        earlier version in the batch) is computed there alone; one computed here and then not
        wanted costs time only. Each posting keeps its whole time budget."""
        enricher = self.enricher
        variant, taxonomy_version = enricher.cache_variant, enricher.taxonomy_version
        misses: dict[str, RawPosting] = {}
        for position, item in enumerate(pending):
            if cached_values[position] is not None or item.cache_key in misses:
                continue
            previous = states[position] if states is not None else None
            if previous is not None and unchanged_since(
                previous, item.digests.content, ENRICHER_VERSION, taxonomy_version, variant
            ):
                continue
            misses[item.cache_key] = item.raw
        if not misses:
            return {}
        results = enricher.compute_batch(list(misses.values()), self._observer, budget)
        return dict(zip(misses, results, strict=True))

    def _compute(
        self,
        item: _Pending,
        outcomes: list[Outcome | None],
        budget: MessageBudget,
        ready: dict[str, Enrichment | Exception],
    ) -> Enrichment | None:
        """Enrich within the time budget (taken from `ready` when computed with the batch);
        on failure record the DLQ outcome, return None."""
        try:
            done = ready.pop(item.cache_key, None)
            if isinstance(done, Exception):
                raise done  # handled below exactly as if `compute` had raised it here
            if done is not None:
                return done
            budget.start()
            try:
                return self.enricher.compute(item.raw, self._observer)
            finally:
                budget.stop()
        except BudgetExceeded as exc:
            self._metrics.enrichment_timeouts.inc()
            outcomes[item.index] = InvalidMessage("enrichment_timeout", str(exc))
        except Exception as exc:  # a bug on one posting must not stop the stream
            outcomes[item.index] = _unexpected(exc, "enrichment failed", posting_id=item.posting_id)
        return None


def _unexpected(exc: Exception, what: str, **where: object) -> InvalidMessage:
    """A bug met on one message (hashing, enriching or assembling it) becomes its dead
    letter: the worker would otherwise fail the whole batch, and fail it again after every
    restart (a poison pill). `where` goes into the log line."""
    log.exception(what, extra=where)
    return InvalidMessage("enrichment_error", f"{what}: {type(exc).__name__}: {exc}")
