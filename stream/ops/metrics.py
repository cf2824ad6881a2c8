"""Every Prometheus metric of the service, declared in one place.

Naming: `stream_` prefix, base units (`_seconds`, `_bytes`), `_total` for counters, and only
bounded labels (topic names, error kinds, cache outcomes: never ids or free text). Metrics
take a registry so tests can use a fresh `CollectorRegistry()`.

Multi-process (`stream run --processes N`): no prometheus multiprocess mode and no
aggregation in the parent. Each child process builds its own `Metrics` on its own registry
and serves it on `metrics_port + index` (stream/ops/health.py); Prometheus scrapes every port as
its own target, so each series carries an `instance` label per process and dashboards
aggregate with `sum without (instance)` / `sum by (...)`. docs/metrics.md is generated from
this module (`python -m stream.ops.catalog`): keep one comment line above each metric.

Two classes: `Metrics` for the enrichment worker and `TrendsMetrics` for `stream trends`
(served on its web port). Counts per skill live in the trends app only, as top-N gauges:
a counter per skill in the worker would be one series per taxonomy entry (thousands),
rendered on every scrape; the worker keeps counts per skill category.
"""

from __future__ import annotations

import bisect
import collections
import platform
from typing import get_args

import confluent_kafka
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)

from stream import __version__
from stream.models import ErrorKind

# Enrichment is sub-millisecond; a batch is tens of milliseconds; end-to-end can be minutes.
_FAST_BUCKETS = (0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1)
_BATCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_E2E_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0)


MAX_SOURCES = 50
# The normalized fields whose resolution the quality metrics count (stream.ops.quality).
NORMALIZED_FIELDS = (
    "place",
    "work_mode",
    "seniority",
    "employment_types",
    "experience_years",
    "education_level",
    "occupation",
)


class Metrics:
    """The service's metrics, registered on one registry."""

    def __init__(self, registry: CollectorRegistry, *, process: bool = True) -> None:
        # `*_created` series double the exposition and no dashboard uses them.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = registry
        if process and registry is not REGISTRY:
            # process_* (CPU, RSS, fds, start time), python_info and python_gc_*: the default
            # registry has them already, a fresh one needs them registered.
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
            GCCollector(registry=registry)
        # Build and version labels, constant for the life of the process.
        self.build_info = Info("stream_build", "Build and version information.", registry=registry)
        self.build_info.info(build_labels())
        # Messages read from a topic (before validation).
        self.consumed = Counter(
            "stream_messages_consumed_total", "Messages consumed.", ["topic"], registry=registry
        )
        # Messages written to an output topic, counted when the transaction commits.
        self.produced = Counter(
            "stream_messages_produced_total", "Messages produced.", ["topic"], registry=registry
        )
        # Postings enriched (computed or served from cache).
        self.enriched = Counter(
            "stream_postings_enriched_total", "Postings enriched.", ["cache"], registry=registry
        )
        # Messages sent to the DLQ, by why.
        self.dead_lettered = Counter(
            "stream_dlq_messages_total",
            "Messages dead-lettered.",
            ["error_kind"],
            registry=registry,
        )
        # Time to enrich one posting, by enricher.
        self.enrich_seconds = Histogram(
            "stream_enrich_duration_seconds",
            "Time to enrich one posting.",
            ["enricher"],
            buckets=_FAST_BUCKETS,
            registry=registry,
        )
        # Time to process a consumed batch end to end (decode .. transaction commit).
        self.batch_seconds = Histogram(
            "stream_batch_duration_seconds",
            "Time to process one batch.",
            buckets=_BATCH_BUCKETS,
            registry=registry,
        )
        # Messages per consumed batch.
        self.batch_size = Histogram(
            "stream_batch_size_messages",
            "Messages per batch.",
            buckets=(1, 5, 10, 25, 50, 100, 200, 500, 1000),
            registry=registry,
        )
        # From scraped_at (or the message timestamp) to the commit of the enriched record.
        self.end_to_end_seconds = Histogram(
            "stream_end_to_end_latency_seconds",
            "Scrape (or publish) to enriched output.",
            buckets=_E2E_BUCKETS,
            registry=registry,
        )
        # Enrichment cache lookups by outcome: hit, miss, error, skipped (breaker open).
        self.cache_requests = Counter(
            "stream_cache_requests_total", "Cache lookups.", ["outcome"], registry=registry
        )
        # Redis round trips, by operation.
        self.redis_seconds = Histogram(
            "stream_redis_duration_seconds",
            "Redis round trip time.",
            ["operation"],
            buckets=_FAST_BUCKETS,
            registry=registry,
        )
        # Redis operations that failed (timeouts, connection errors).
        self.redis_errors = Counter(
            "stream_redis_errors_total", "Redis errors.", ["operation"], registry=registry
        )
        # Transaction commit time.
        self.transaction_seconds = Histogram(
            "stream_transaction_commit_duration_seconds",
            "Kafka transaction commit time.",
            buckets=_BATCH_BUCKETS,
            registry=registry,
        )
        # Transactions aborted (the batch is re-consumed).
        self.transaction_aborts = Counter(
            "stream_transaction_aborts_total", "Kafka transactions aborted.", registry=registry
        )
        # Partitions currently assigned to this worker.
        self.assigned_partitions = Gauge(
            "stream_assigned_partitions", "Partitions assigned.", registry=registry
        )
        # Rebalance callbacks, by kind (assign, revoke, lost).
        self.rebalances = Counter(
            "stream_rebalances_total", "Rebalance events.", ["kind"], registry=registry
        )
        # Postings published with a salary, by ISO currency ("unknown" when not known).
        self.salary_found = Counter(
            "stream_salary_found_total", "Postings with a salary.", ["currency"], registry=registry
        )
        # Skill tags per enriched posting.
        self.skills_per_posting = Histogram(
            "stream_skills_per_posting",
            "Skill tags per posting.",
            buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55),
            registry=registry,
        )
        # Version of the taxonomy in use (value 1 on the current version's label).
        self.taxonomy_info = Info("stream_taxonomy", "Taxonomy in use.", registry=registry)
        # Taxonomy hot-reload attempts by outcome (ok: swapped in; error: kept the old one).
        self.taxonomy_reloads = Counter(
            "stream_taxonomy_reloads_total", "Taxonomy reloads.", ["outcome"], registry=registry
        )
        # Re-scrapes whose content, enricher and taxonomy were unchanged: nothing published.
        self.unchanged = Counter(
            "stream_postings_unchanged_total", "Unchanged re-scrapes skipped.", registry=registry
        )
        # Change events published for alerting, by kind (new, updated).
        self.change_events = Counter(
            "stream_change_events_total", "Change events published.", ["kind"], registry=registry
        )
        # Postings whose previous state could not be read (Redis down): treated as new.
        self.state_unknown = Counter(
            "stream_posting_state_unknown_total",
            "Postings processed without their previous state.",
            registry=registry,
        )
        # Cache entries and states not written because Redis was down or slow.
        self.redis_skipped_writes = Counter(
            "stream_redis_skipped_writes_total", "Redis writes skipped.", registry=registry
        )
        # 1 while the Redis circuit breaker is open (Redis calls skipped), else 0.
        self.redis_breaker_open = Gauge(
            "stream_redis_circuit_open", "Redis circuit breaker open.", registry=registry
        )
        # Messages whose enrichment exceeded the per-message time budget (sent to the DLQ).
        self.enrichment_timeouts = Counter(
            "stream_enrichment_timeouts_total", "Enrichments over budget.", registry=registry
        )
        # Sources given their own label so far (see postings_by_source).
        self.sources: set[str] = set()
        # Label sets of stream_consumer_lag_messages currently exported (kafka_stats.py).
        self.lag_series: set[tuple[str, str]] = set()
        self._declare_operational(registry)
        self._declare_quality(registry)
        self._initialize_series()

    def _declare_operational(self, registry: CollectorRegistry) -> None:
        # Consumer lag per assigned partition (log-stable end offset minus position), from
        # librdkafka statistics; series of partitions no longer assigned are removed.
        self.consumer_lag = Gauge(
            "stream_consumer_lag_messages",
            "Consumer lag per assigned partition.",
            ["topic", "partition"],
            registry=registry,
        )
        # Messages fetched by librdkafka but not yet handed to the worker (prefetch queue).
        self.consumer_fetch_queue = Gauge(
            "stream_consumer_fetch_queue_messages",
            "Messages prefetched, not yet consumed.",
            registry=registry,
        )
        # Messages waiting in the producer's local queue (not yet acknowledged by the broker).
        self.producer_queue_messages = Gauge(
            "stream_producer_queue_messages", "Producer queue depth.", registry=registry
        )
        # Bytes waiting in the producer's local queue.
        self.producer_queue_bytes = Gauge(
            "stream_producer_queue_bytes", "Producer queue size in bytes.", registry=registry
        )
        # Brokers this process's Kafka client (consumer, producer) has a connection up to.
        self.kafka_brokers_up = Gauge(
            "stream_kafka_brokers_up", "Brokers connected.", ["client"], registry=registry
        )
        # librdkafka statistics callbacks received, by client (consumer, producer).
        self.kafka_stats = Counter(
            "stream_kafka_stats_total",
            "librdkafka statistics received.",
            ["client"],
            registry=registry,
        )
        # Unix time of the worker loop's last poll of the consumer (progress, for /healthz).
        self.last_poll = Gauge(
            "stream_last_poll_timestamp_seconds",
            "Last consumer poll (unix time).",
            registry=registry,
        )
        # Unix time of the last committed batch (transaction or offset commit): how fresh the
        # outputs are, and when a benchmark's last posting was done without polling fast.
        self.last_commit = Gauge(
            "stream_last_commit_timestamp_seconds",
            "Last committed batch (unix time).",
            registry=registry,
        )
        # 1 when /readyz answers ready (assigned or waiting for assignment, deps reachable).
        self.ready = Gauge("stream_ready", "Ready (1) or not (0).", registry=registry)

    def _declare_quality(self, registry: CollectorRegistry) -> None:
        # Postings with a salary converted to USD (a dated FX rate was found), by currency.
        self.salary_usd = Counter(
            "stream_salary_usd_converted_total",
            "Postings whose salary was converted to USD.",
            ["currency"],
            registry=registry,
        )
        # Postings whose salary_text was non-empty but yielded no salary (parse failure).
        self.salary_parse_failures = Counter(
            "stream_salary_parse_failures_total",
            "Postings with a pay line but no parsed salary.",
            registry=registry,
        )
        # Salaries found, by how the currency was resolved: explicit (ISO code or unique
        # symbol), ambiguous ($, ¥, kr, Rs resolved from the location or by policy), unknown.
        self.salary_currency = Counter(
            "stream_salary_currency_resolution_total",
            "Salaries by currency resolution.",
            ["resolution"],
            registry=registry,
        )
        # Pay candidates dropped by the per-period sanity bounds (USD-equivalent), by currency
        # ("unknown" when none); counted when enrichment is computed, not on cache hits.
        self.salary_dropped = Counter(
            "stream_salary_dropped_total",
            "Pay candidates dropped as implausible.",
            ["reason", "currency"],
            registry=registry,
        )
        # Postings published, by source (board or scraper). Bounded: a process labels the
        # first MAX_SOURCES sources it sees and counts the rest as "other".
        self.postings_by_source = Counter(
            "stream_postings_by_source_total",
            "Postings published, by source.",
            ["source"],
            registry=registry,
        )
        # Published postings whose normalized field (NORMALIZED_FIELDS) was resolved (not
        # null or empty), by field: over stream_postings_enriched_total, the share resolved.
        self.field_resolved = Counter(
            "stream_field_resolved_total",
            "Postings with a normalized field resolved, by field.",
            ["field"],
            registry=registry,
        )
        # The same by source too, for the share per board (series appear with their source).
        self.field_resolved_by_source = Counter(
            "stream_field_resolved_by_source_total",
            "Postings with a normalized field resolved, by field and source.",
            ["field", "source"],
            registry=registry,
        )
        # Skill tags published, by skill category (bounded by the taxonomy).
        self.skill_tags = Counter(
            "stream_skill_tags_total",
            "Skill tags published, by category.",
            ["category"],
            registry=registry,
        )

    def _initialize_series(self) -> None:
        """Zero-valued series for the label values known up front, so that rate() answers 0
        instead of "no data" before the first event (alerts and panels stay evaluable)."""
        for kind in get_args(ErrorKind):
            self.dead_lettered.labels(kind)
        for outcome in ("hit", "miss", "error", "skipped"):
            self.cache_requests.labels(outcome)
        for cache in ("hit", "miss"):
            self.enriched.labels(cache)
        for kind in ("assign", "revoke", "lost"):
            self.rebalances.labels(kind)
        for resolution in ("explicit", "ambiguous", "unknown"):
            self.salary_currency.labels(resolution)
        for kind in ("new", "updated"):
            self.change_events.labels(kind)
        for enricher in ("normalize", "skills", "salary"):
            self.enrich_seconds.labels(enricher)
        for operation in ("lookup", "save"):
            self.redis_errors.labels(operation)
        for outcome in ("ok", "error"):
            self.taxonomy_reloads.labels(outcome)
        self.salary_dropped.labels("out_of_bounds", "unknown")
        for field in NORMALIZED_FIELDS:
            self.field_resolved.labels(field)
        self.redis_breaker_open.set(0)


class Tally:
    """Counter increments gathered over a batch, applied once per series by `flush`: one
    `labels()` lookup and one lock per series instead of one per event."""

    def __init__(self) -> None:
        self._counts: collections.Counter[tuple[Counter, tuple[str, ...]]] = collections.Counter()

    def add(self, counter: Counter, *labels: str, amount: int = 1) -> None:
        self._counts[counter, labels] += amount

    def flush(self) -> None:
        for (counter, labels), amount in self._counts.items():
            (counter.labels(*labels) if labels else counter).inc(amount)
        self._counts.clear()


class HistogramTally:
    """Histogram observations gathered over a batch, applied once per child by `flush`:
    `Histogram.observe` takes two locks and walks the buckets in Python (~1.5 µs), and the
    enrichment steps made six or seven of them per posting. The exposition is the same as
    one `observe` per value (tests/unit/test_metrics.py); only when it is visible changes."""

    def __init__(self) -> None:
        self._values: dict[Histogram, list[float]] = {}

    def add(self, child: Histogram, value: float) -> None:
        values = self._values.get(child)
        if values is None:
            values = self._values[child] = []
        values.append(value)

    def flush(self) -> None:
        for child, values in self._values.items():
            observe_many(child, values)
        self._values.clear()


def observe_many(child: Histogram, values: list[float]) -> None:
    """`child.observe(v)` for each v, with one increment per bucket touched. It reads the
    child's `_upper_bounds`, `_sum` and `_buckets`, what `observe` itself uses
    (prometheus_client is pinned in uv.lock; the test compares the two expositions)."""
    if not values:
        return
    bounds: list[float] = child._upper_bounds
    # observe() counts a value in the first bucket whose bound is >= it: bisect_left.
    counts = collections.Counter(bisect.bisect_left(bounds, value) for value in values)
    child._sum.inc(sum(values))
    buckets = child._buckets
    for index, count in counts.items():
        if index < len(buckets):  # a NaN is counted in no bucket by observe() either
            buckets[index].inc(count)


def source_label(metrics: Metrics, source: str) -> str:
    """The `source` label for a posting's source: its own up to MAX_SOURCES distinct ones
    per process, then "other", so a misbehaving scraper cannot explode the series count."""
    if source in metrics.sources:
        return source
    if len(metrics.sources) < MAX_SOURCES:
        metrics.sources.add(source)
        return source
    return "other"


def build_labels() -> dict[str, str]:
    """The labels of stream_build_info: what is running, for "which version is where"."""
    return {
        "version": __version__,
        "python": platform.python_version(),
        "confluent_kafka": confluent_kafka.version()[0],
        "librdkafka": confluent_kafka.libversion()[0],
    }


# Ranked gauges of the trends app: how many ranks, and the countries whose pay is exported
# for each top skill ("*" = all countries, then the top countries of that day).
TOP_N = 10
TOP_COUNTRIES = 5
PAY_QUANTILES = ("p25", "p50", "p75", "p90")


class TrendsMetrics:
    """The metrics of `stream trends`, on its own registry (served on its web port).

    The ranked gauges (`*_top_*`, `*_rising_*`) hold the newest published day and are
    cleared and set again at each publication, so their cardinality is bounded by TOP_N
    (and TOP_COUNTRIES, PAY_QUANTILES) whatever the size of the taxonomy.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]
        # Change events by what became of them: counted, duplicate (lost a dedup claim),
        # late (their day had closed), unreadable, replayed (applied before a restart).
        self.events = Counter(
            "stream_trends_events_total",
            "Change events read by the trends app, by outcome.",
            ["outcome"],
            registry=registry,
        )
        # Daily windows published to skills.trends and occupations.trends.
        self.windows = Counter(
            "stream_trends_windows_published_total",
            "Daily windows published to skills.trends.",
            registry=registry,
        )
        # Rising events published to skills.rising.
        self.rising = Counter(
            "stream_trends_rising_total", "Events published to skills.rising.", registry=registry
        )
        # Cells (partition x day x country x subject: skill, occupation group or all postings)
        # held by this instance, counted at most every 10 s and right after a recovery.
        self.cells = Gauge(
            "stream_trends_cells", "Cells in the trend table on this instance.", registry=registry
        )
        # Table records (partition x day x subject shard) that hold the cells.
        self.records = Gauge(
            "stream_trends_table_records",
            "Records (partition x day x skill shard) in the trend table on this instance.",
            registry=registry,
        )
        # Redis errors while claiming (each retried).
        self.redis_errors = Counter(
            "stream_trends_redis_errors_total",
            "Failed Redis round trips for dedup claims (each is retried).",
            registry=registry,
        )
        # Source partitions this instance owns (applies and closes): with several
        # instances they sum to the source topic's partition count once the group settles.
        self.partitions = Gauge(
            "stream_trends_partitions",
            "Source partitions this trends instance owns.",
            registry=registry,
        )
        # Broker reads of source offsets a batch lacked (`stream/trends/holes.py`), by what
        # they found: "messages" Faust did not deliver (read and applied), or "empty"
        # (offsets without a record that no fetch of this instance had shown as such).
        self.hole_reads = Counter(
            "stream_trends_hole_reads_total",
            "Broker reads of source offsets missing from a batch, by what they found.",
            ["found"],
            registry=registry,
        )
        # Seconds the last table recovery took (from the rebalance that started it to the
        # table serving), so a slow restart shows without reading the log.
        self.recovery_seconds = Gauge(
            "stream_trends_recovery_seconds",
            "Duration of the last table recovery after a rebalance or start.",
            registry=registry,
        )
        # The top skills of the newest published day, all countries: one series per rank
        # (1..TOP_N), the skill named in a label. Replaces the worker's former per-skill
        # counter (stream_skill_postings_total), which had one series per taxonomy entry.
        self.top_skills = Gauge(
            "stream_trends_top_skill_postings",
            "Postings of the top skills on the newest published day, by rank.",
            ["rank", "skill"],
            registry=registry,
        )
        # Annual pay in USD of those top skills, all countries ("*") and in the day's
        # TOP_COUNTRIES countries with most postings, by quantile (p25..p90); a skill with
        # no stated pay in a country has no series there.
        self.top_skill_pay = Gauge(
            "stream_trends_top_skill_pay_usd",
            "Annual pay (USD) of the top skills on the newest published day, by country.",
            ["rank", "skill", "country", "quantile"],
            registry=registry,
        )
        # Skills that rose on the newest published day (skills.rising), the TOP_N with the
        # highest count: their postings that day.
        self.rising_skills = Gauge(
            "stream_trends_rising_skill_postings",
            "Postings of the skills that rose on the newest published day.",
            ["skill"],
            registry=registry,
        )
        # The same skills' daily count over their trailing mean (0 when that mean was 0).
        self.rising_factor = Gauge(
            "stream_trends_rising_skill_factor",
            "Daily count over trailing mean of the skills that rose on the newest day.",
            ["skill"],
            registry=registry,
        )
        # The top ISCO-08 unit groups of the newest published day, all countries.
        self.top_occupations = Gauge(
            "stream_trends_top_occupation_postings",
            "Postings of the top occupation groups on the newest published day, by rank.",
            ["rank", "isco_code", "isco_label"],
            registry=registry,
        )
        # Counted postings of the newest published day per country, the TOP_COUNTRIES with
        # most, and "*" for all of them.
        self.country_postings = Gauge(
            "stream_trends_country_postings",
            "Postings on the newest published day, by country (the top ones and '*').",
            ["country"],
            registry=registry,
        )
        # Change events not yet applied, all source partitions together: the consumer's
        # last known end offsets minus the offsets the table is applied through (updated
        # at each scrape; a partition whose end is not known yet counts 0).
        self.lag = Gauge(
            "stream_trends_lag_messages",
            "Change events in postings.changes not yet applied by this instance.",
            registry=registry,
        )
        # Newest closed day (Unix time of its start).
        self.closed_day = Gauge(
            "stream_trends_last_published_day_timestamp_seconds",
            "Start of the newest daily window published.",
            registry=registry,
        )
        for outcome in ("counted", "duplicate", "late", "unreadable", "replayed"):
            self.events.labels(outcome)
