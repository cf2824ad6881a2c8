"""Every Prometheus metric of the service, declared in one place.

Naming: `stream_` prefix, base units (`_seconds`, `_bytes`), `_total` for counters, and only
bounded labels (topic names, error kinds, cache outcomes: never ids or free text). Metrics
take a registry so tests can use a fresh `CollectorRegistry()`.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    disable_created_metrics,
)

from stream import __version__

# Enrichment is sub-millisecond; a batch is tens of milliseconds; end-to-end can be minutes.
_FAST_BUCKETS = (0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1)
_BATCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_E2E_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0)


class Metrics:
    """The service's metrics, registered on one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        # `*_created` series double the exposition and no dashboard uses them.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = registry
        # Build and version labels, constant for the life of the process.
        self.build_info = Info("stream_build", "Build and version information.", registry=registry)
        self.build_info.info({"version": __version__})
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
        # Enrichment cache lookups by outcome: hit, miss, error.
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
        # Postings whose salary was found, and of those the ones converted to USD.
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
