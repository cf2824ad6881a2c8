"""The trends app's Prometheus metrics, declared in one place (served on its web port)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class TrendsMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Change events by what became of them: counted, duplicate (lost a dedup claim),
        # late (their day had closed), unreadable, replayed (applied before a restart).
        self.events = Counter(
            "stream_trends_events_total",
            "Change events read by the trends app, by outcome.",
            ["outcome"],
            registry=registry,
        )
        # Daily windows published to skills.trends.
        self.windows = Counter(
            "stream_trends_windows_published_total",
            "Daily windows published to skills.trends.",
            registry=registry,
        )
        # Rising events published to skills.rising.
        self.rising = Counter(
            "stream_trends_rising_total", "Events published to skills.rising.", registry=registry
        )
        # Cells (partition x day x country x skill) held by this instance, counted at most
        # every 10 s, and the table records (partition x day x skill shard) that hold them.
        self.cells = Gauge(
            "stream_trends_cells", "Cells in the trend table on this instance.", registry=registry
        )
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
        # The top skills of the newest published day, all countries: one series per rank
        # (1..top_n), the skill named in a label; cleared at each publication, so the
        # cardinality stays top_n however large the taxonomy grows.
        self.top_skills = Gauge(
            "stream_trends_top_skill_postings",
            "Postings of the top skills on the newest published day, by rank.",
            ["rank", "skill"],
            registry=registry,
        )
        # Newest closed day (Unix time of its start).
        self.closed_day = Gauge(
            "stream_trends_last_published_day_timestamp_seconds",
            "Start of the newest daily window published.",
            registry=registry,
        )
