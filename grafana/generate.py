"""Generate the Grafana dashboards in grafana/dashboards/ from this file.

    .venv/bin/python grafana/generate.py          # write the JSON
    .venv/bin/python grafana/generate.py --check  # exit 1 if the committed JSON differs

Plain dicts (no grafanalib: it lags behind Grafana's schema and adds a dependency for three
dashboards; grafana-foundation-sdk was considered and not taken, see docs/trends.md). What
keeps the dashboards consistent is here: one selector for every query
(`job="stream-worker", instance=~"$instance"`), the same template variables, and every panel
built by `panel()`, which requires a description, a unit and thresholds. The committed JSON
is what Grafana loads (grafana/provisioning/dashboards/postings-stream.yaml).

The Market trends dashboard reads the trends app (`stream trends`, job `stream-trends`,
`/metrics` on its web port) with the same rules and its own selector `TSEL`.

Each worker *process* is a Prometheus target (`stream run --processes N` serves metrics_port
+ i), so `instance` selects processes; panels aggregate with `sum` unless they show one line
per instance on purpose.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "dashboards"
JOB = 'job="stream-worker"'
SEL = f'{JOB}, instance=~"$instance"'
TOPIC = f'{SEL}, topic=~"$topic"'
RATE = "$__rate_interval"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
CURRENCY = "stream_salary_currency_resolution_total"
TJOB = 'job="stream-trends"'
TSEL = f'{TJOB}, instance=~"$instance"'
# Title and uid of each dashboard, for the links between them.
BOARDS = {
    "stream-ops": "Operations",
    "stream-quality": "Data quality",
    "stream-trends": "Market trends",
}

Step = tuple[str, float | None]
GREEN_ONLY: list[Step] = [("green", None)]


def thresholds(*steps: Step) -> dict[str, Any]:
    return {
        "mode": "absolute",
        "steps": [{"color": color, "value": value} for color, value in steps],
    }


def panel(
    title: str,
    description: str,
    exprs: list[tuple[str, str]],
    *,
    unit: str,
    steps: list[Step],
    kind: str = "timeseries",
    width: int = 12,
    height: int = 8,
    options: dict[str, Any] | None = None,
    fmt: str = "time_series",
    instant: bool = False,
) -> dict[str, Any]:
    """One panel; `exprs` are (PromQL, legend) pairs. gridPos/id are set by `layout`."""
    defaults: dict[str, Any] = {"unit": unit, "thresholds": thresholds(*steps)}
    if kind == "timeseries":
        defaults["custom"] = {"thresholdsStyle": {"mode": "line"}, "fillOpacity": 10}
        defaults["color"] = {"mode": "palette-classic"}
    else:
        defaults["color"] = {"mode": "thresholds"}
    targets = [
        {
            "refId": chr(ord("A") + i),
            "datasource": DATASOURCE,
            "expr": expr,
            "legendFormat": legend,
            "format": fmt,
            "instant": instant,
            "range": not instant,
        }
        for i, (expr, legend) in enumerate(exprs)
    ]
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": options or {},
        "targets": targets,
        "_size": (width, height),
    }


def stat(title: str, description: str, expr: str, unit: str, steps: list[Step]) -> dict[str, Any]:
    return panel(
        title,
        description,
        [(expr, title)],
        unit=unit,
        steps=steps,
        kind="stat",
        width=4,
        height=4,
        options={"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background"},
    )


def row(title: str) -> dict[str, Any]:
    return {"type": "row", "title": title, "collapsed": False, "panels": [], "_size": (24, 1)}


def layout(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flow panels left to right, wrapping at 24 columns; number them."""
    x = y = row_height = 0
    for number, item in enumerate(panels, start=1):
        width, height = item.pop("_size")
        if x + width > 24 or item["type"] == "row":
            x, y, row_height = 0, y + row_height, 0
        item["id"] = number
        item["gridPos"] = {"x": x, "y": y, "w": width, "h": height}
        x += width
        row_height = max(row_height, height)
        if item["type"] == "row":
            x, y, row_height = 0, y + height, 0
    return panels


def variables(job: str = JOB, with_topic: bool = True) -> dict[str, Any]:
    found = [
        {
            "name": "datasource",
            "label": "Data source",
            "type": "datasource",
            "query": "prometheus",
            "current": {"text": "Prometheus", "value": "prometheus"},
        },
        {
            "name": "instance",
            "label": "Worker process" if job == JOB else "Trends instance",
            "description": "One per `stream run` process (metrics_port + i)."
            if job == JOB
            else "One per `stream trends` process (its web port).",
            "type": "query",
            "datasource": DATASOURCE,
            "query": {"query": f"label_values(up{{{job}}}, instance)", "refId": "instance"},
            "definition": f"label_values(up{{{job}}}, instance)",
            "refresh": 2,
            "includeAll": True,
            "multi": True,
            "allValue": ".*",
            "current": {"text": "All", "value": "$__all"},
            "sort": 1,
        },
    ]
    if with_topic:
        query = f"label_values(stream_messages_consumed_total{{{JOB}}}, topic)"
        found.append(
            {
                "name": "topic",
                "label": "Input topic",
                "type": "query",
                "datasource": DATASOURCE,
                "query": {"query": query, "refId": "topic"},
                "definition": query,
                "refresh": 2,
                "includeAll": True,
                "multi": True,
                "allValue": ".*",
                "current": {"text": "All", "value": "$__all"},
                "sort": 1,
            }
        )
    return {"list": found}


def dashboard(
    uid: str,
    title: str,
    description: str,
    panels: list[dict[str, Any]],
    *,
    job: str = JOB,
    with_topic: bool = True,
) -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["postings-stream"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "graphTooltip": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": variables(job, with_topic),
        "annotations": {"list": []},
        "links": [
            {"title": name, "type": "link", "url": f"/d/{other}"}
            for other, name in BOARDS.items()
            if other != uid
        ],
        "panels": layout(panels),
    }


def q(quantile: float, metric: str, by: str = "", selector: str = SEL) -> str:
    group = f"{by}, le" if by else "le"
    return (
        f"histogram_quantile({quantile}, sum by ({group}) "
        f"(rate({metric}_bucket{{{selector}}}[{RATE}])))"
    )


def ratio(numerator: str, denominator: str) -> str:
    """A share that is 0, not NaN, when nothing happened."""
    return f"sum({numerator}) / clamp_min(sum({denominator}), 1e-9)"


def operations() -> dict[str, Any]:
    consumed = f"rate(stream_messages_consumed_total{{{TOPIC}}}[{RATE}])"
    dlq = f"rate(stream_dlq_messages_total{{{SEL}}}[{RATE}])"
    lag = f"stream_consumer_lag_messages{{{TOPIC}}}"
    panels = [
        row("Overview"),
        stat(
            "Consumed",
            "Messages consumed per second from the selected input topics, all selected "
            "processes together.",
            f"sum({consumed})",
            "cps",
            GREEN_ONLY,
        ),
        stat(
            "Consumer lag",
            "Messages waiting in the selected topics (log-stable end offset minus position), "
            "summed over assigned partitions. Alert StreamConsumerLagGrowing above 1000 "
            "and rising.",
            f"sum({lag})",
            "short",
            [("green", None), ("orange", 1000), ("red", 10000)],
        ),
        stat(
            "DLQ share",
            "Share of consumed messages sent to the dead-letter topic. "
            "Alert StreamDeadLetterRateHigh above 5%.",
            ratio(dlq, f"rate(stream_messages_consumed_total{{{SEL}}}[{RATE}])"),
            "percentunit",
            [("green", None), ("orange", 0.01), ("red", 0.05)],
        ),
        stat(
            "End-to-end p99",
            "99th percentile of scrape (scraped_at, else message timestamp) to publish. "
            "SLO: 120 s (alert StreamEndToEndLatencyHigh).",
            q(0.99, "stream_end_to_end_latency_seconds"),
            "s",
            [("green", None), ("orange", 60), ("red", 120)],
        ),
        stat(
            "Processes up",
            "Worker processes Prometheus can scrape (one target per process and port). "
            "Alert StreamWorkerDown when a target fails.",
            f"sum(up{{{SEL}}})",
            "short",
            [("red", None), ("green", 1)],
        ),
        stat(
            "Processes ready",
            "Processes whose /readyz is 200: subscribed, Kafka and Redis reachable.",
            f"sum(stream_ready{{{SEL}}})",
            "short",
            [("red", None), ("green", 1)],
        ),
        row("Throughput"),
        panel(
            "Messages per topic",
            "Consumed (input) and produced (committed outputs: enriched, changes, DLQ) per "
            "second, by topic.",
            [
                (f"sum by (topic) ({consumed})", "consumed {{topic}}"),
                (
                    f"sum by (topic) (rate(stream_messages_produced_total{{{SEL}}}[{RATE}]))",
                    "produced {{topic}}",
                ),
            ],
            unit="cps",
            steps=GREEN_ONLY,
        ),
        panel(
            "Consumed per process",
            "Messages consumed per second by each worker process: an idle one holds no "
            "partitions, a slow one shows lag on its partitions.",
            [(f"sum by (instance) ({consumed})", "{{instance}}")],
            unit="cps",
            steps=GREEN_ONLY,
        ),
        panel(
            "Outcomes",
            "Postings enriched (computed = cache miss, or served from the cache), unchanged "
            "re-scrapes skipped, and change events published.",
            [
                (
                    f"sum by (cache) (rate(stream_postings_enriched_total{{{SEL}}}[{RATE}]))",
                    "enriched ({{cache}})",
                ),
                (f"sum(rate(stream_postings_unchanged_total{{{SEL}}}[{RATE}]))", "unchanged"),
                (
                    f"sum by (kind) (rate(stream_change_events_total{{{SEL}}}[{RATE}]))",
                    "change event {{kind}}",
                ),
            ],
            unit="cps",
            steps=GREEN_ONLY,
        ),
        panel(
            "Dead letters by reason",
            "Messages per second sent to the DLQ, by error kind. schema_violation / "
            "invalid_json: a scraper changed; enrichment_*: our code.",
            [(f"sum by (error_kind) ({dlq})", "{{error_kind}}")],
            unit="cps",
            steps=[("green", None), ("red", 1)],
        ),
        row("Latency"),
        panel(
            "End-to-end latency",
            "Scrape to publish: p50, p90, p99 over all selected processes. The red line is "
            "the 120 s SLO.",
            [
                (q(p, "stream_end_to_end_latency_seconds"), f"p{int(p * 100)}")
                for p in (0.5, 0.9, 0.99)
            ],
            unit="s",
            steps=[("green", None), ("red", 120)],
        ),
        panel(
            "Batch and commit latency",
            "Per-batch processing time (decode to commit) and Kafka transaction commit "
            "time, p50 and p99.",
            [
                (q(0.5, "stream_batch_duration_seconds"), "batch p50"),
                (q(0.99, "stream_batch_duration_seconds"), "batch p99"),
                (q(0.99, "stream_transaction_commit_duration_seconds"), "commit p99"),
            ],
            unit="s",
            steps=[("green", None), ("orange", 1), ("red", 5)],
        ),
        panel(
            "Enricher latency p99",
            "Time to enrich one posting, by enricher (normalize, skills, salary): "
            "cache misses only.",
            [(q(0.99, "stream_enrich_duration_seconds", "enricher"), "{{enricher}}")],
            unit="s",
            steps=[("green", None), ("orange", 0.01), ("red", 0.1)],
        ),
        panel(
            "Redis round trip p99",
            "Redis latency by operation; over the socket timeout (0.25 s) it is an error.",
            [(q(0.99, "stream_redis_duration_seconds", "operation"), "{{operation}}")],
            unit="s",
            steps=[("green", None), ("orange", 0.05), ("red", 0.25)],
        ),
        row("Kafka"),
        panel(
            "Lag per partition",
            "Consumer lag of each assigned partition (from librdkafka statistics).",
            [(f"sum by (topic, partition) ({lag})", "{{topic}}/{{partition}}")],
            unit="short",
            steps=[("green", None), ("orange", 1000), ("red", 10000)],
        ),
        panel(
            "Assigned partitions and rebalances",
            "Partitions held by each process, and rebalance callbacks (assign, revoke, lost) "
            "per interval: many in a row means a crash loop or max.poll.interval exceeded.",
            [
                (f"sum by (instance) (stream_assigned_partitions{{{SEL}}})", "{{instance}}"),
                (
                    f"sum by (kind) (increase(stream_rebalances_total{{{SEL}}}[{RATE}]))",
                    "rebalance {{kind}}",
                ),
            ],
            unit="short",
            steps=GREEN_ONLY,
        ),
        panel(
            "Client queues",
            "Producer local queue (messages not yet acknowledged) and consumer prefetch "
            "queue, per process. A growing producer queue means the broker is slow.",
            [
                (
                    f"sum by (instance) (stream_producer_queue_messages{{{SEL}}})",
                    "producer {{instance}}",
                ),
                (
                    f"sum by (instance) (stream_consumer_fetch_queue_messages{{{SEL}}})",
                    "prefetched {{instance}}",
                ),
            ],
            unit="short",
            steps=[("green", None), ("orange", 10000)],
        ),
        panel(
            "Transaction aborts and brokers",
            "Kafka transactions aborted per interval (each batch is re-consumed: no loss, "
            "no duplicate), and brokers each client is connected to.",
            [
                (f"sum(increase(stream_transaction_aborts_total{{{SEL}}}[{RATE}]))", "aborts"),
                (f"min by (client) (stream_kafka_brokers_up{{{SEL}}})", "brokers up ({{client}})"),
            ],
            unit="short",
            steps=[("green", None), ("red", 3)],
        ),
        row("Cache and Redis"),
        panel(
            "Cache hit ratio",
            "Share of enrichment cache lookups that hit. Duplicates and re-scrapes hit; "
            "a version bump starts at 0.",
            [
                (
                    ratio(
                        f'rate(stream_cache_requests_total{{{SEL}, outcome="hit"}}[{RATE}])',
                        f"rate(stream_cache_requests_total{{{SEL}}}[{RATE}])",
                    ),
                    "hit ratio",
                )
            ],
            unit="percentunit",
            steps=[("red", None), ("orange", 0.1), ("green", 0.3)],
            width=8,
        ),
        panel(
            "Cache lookups by outcome",
            "hit, miss, error (Redis failed), skipped (circuit breaker open).",
            [
                (
                    f"sum by (outcome) (rate(stream_cache_requests_total{{{SEL}}}[{RATE}]))",
                    "{{outcome}}",
                )
            ],
            unit="cps",
            steps=GREEN_ONLY,
            width=8,
        ),
        panel(
            "Redis errors and circuit breaker",
            "Redis errors per second by operation, writes skipped, and the breaker state per "
            "process (1 = open: Redis kept out of the hot path).",
            [
                (
                    f"sum by (operation) (rate(stream_redis_errors_total{{{SEL}}}[{RATE}]))",
                    "errors {{operation}}",
                ),
                (
                    f"sum(rate(stream_redis_skipped_writes_total{{{SEL}}}[{RATE}]))",
                    "skipped writes",
                ),
                (f"max by (instance) (stream_redis_circuit_open{{{SEL}}})", "open {{instance}}"),
            ],
            unit="short",
            steps=[("green", None), ("red", 1)],
            width=8,
        ),
        row("Processes"),
        panel(
            "CPU",
            "CPU seconds per second of each worker process (1 = one full core).",
            [
                (
                    f"sum by (instance) (rate(process_cpu_seconds_total{{{SEL}}}[{RATE}]))",
                    "{{instance}}",
                )
            ],
            unit="percentunit",
            steps=[("green", None), ("orange", 0.8), ("red", 0.95)],
            width=8,
        ),
        panel(
            "Resident memory",
            "Resident set size of each worker process.",
            [(f"sum by (instance) (process_resident_memory_bytes{{{SEL}}})", "{{instance}}")],
            unit="bytes",
            steps=[("green", None), ("orange", 1e9), ("red", 2e9)],
            width=8,
        ),
        panel(
            "Since last poll",
            "Seconds since each process's loop last polled Kafka; /healthz fails above 60 s, "
            "alert StreamWorkerStalled above 120 s.",
            [
                (
                    f"time() - max by (instance) (stream_last_poll_timestamp_seconds{{{SEL}}})",
                    "{{instance}}",
                )
            ],
            unit="s",
            steps=[("green", None), ("orange", 60), ("red", 120)],
            width=8,
        ),
        panel(
            "Builds running",
            "Version, Python, confluent-kafka and librdkafka of each process "
            "(stream_build_info): which build runs where during a rollout.",
            [(f"stream_build_info{{{SEL}}}", "")],
            unit="none",
            steps=GREEN_ONLY,
            kind="table",
            width=24,
            height=6,
            fmt="table",
            instant=True,
        ),
    ]
    return dashboard(
        "stream-ops",
        "Postings stream: operations",
        "Throughput, lag, latency, errors, DLQ, cache and per-process health of the "
        "enrichment workers (stream run).",
        panels,
    )


def quality() -> dict[str, Any]:
    enriched = f"rate(stream_postings_enriched_total{{{SEL}}}[{RATE}])"
    found = f"rate(stream_salary_found_total{{{SEL}}}[{RATE}])"
    panels = [
        row("Salary"),
        stat(
            "Salary coverage",
            "Share of published postings that carry a salary. Alert "
            "StreamSalaryCoverageDrop when it falls below 70% of its 6 h baseline.",
            ratio(found, enriched),
            "percentunit",
            [("red", None), ("orange", 0.2), ("green", 0.3)],
        ),
        stat(
            "Converted to USD",
            "Share of salaries converted to USD with a dated FX rate (needs a known currency).",
            ratio(f"rate(stream_salary_usd_converted_total{{{SEL}}}[{RATE}])", found),
            "percentunit",
            [("red", None), ("orange", 0.7), ("green", 0.9)],
        ),
        stat(
            "Pay line not parsed",
            "Share of published postings whose salary_text was non-empty but gave no salary.",
            ratio(f"rate(stream_salary_parse_failures_total{{{SEL}}}[{RATE}])", enriched),
            "percentunit",
            [("green", None), ("orange", 0.05), ("red", 0.15)],
        ),
        stat(
            "Unknown currency",
            "Share of salaries whose currency could not be known (no marker, or ¥/kr with no "
            "deciding location).",
            ratio(
                f'rate({CURRENCY}{{{SEL}, resolution="unknown"}}[{RATE}])',
                f"rate({CURRENCY}{{{SEL}}}[{RATE}])",
            ),
            "percentunit",
            [("green", None), ("orange", 0.1), ("red", 0.25)],
        ),
        stat(
            "Skills per posting",
            "Mean number of skill tags per published posting.",
            f"sum(rate(stream_skills_per_posting_sum{{{SEL}}}[{RATE}])) / "
            f"clamp_min(sum(rate(stream_skills_per_posting_count{{{SEL}}}[{RATE}])), 1e-9)",
            "short",
            [("red", None), ("orange", 1), ("green", 3)],
        ),
        stat(
            "Published",
            "Postings published per second (enriched, computed or from cache), selected "
            "input topics.",
            f'sum(rate(stream_messages_consumed_total{{{SEL}, topic=~"$topic"}}[{RATE}]))',
            "cps",
            GREEN_ONLY,
        ),
        panel(
            "Salary coverage: now vs 6 h baseline",
            "Coverage over 30 min against the 6 h baseline (recording rules, all processes): "
            "the alert fires when now < 70% of the baseline.",
            [
                ("stream:salary_coverage:ratio_rate30m", "30 min"),
                ("stream:salary_coverage:ratio_rate6h", "6 h baseline"),
                ("0.7 * stream:salary_coverage:ratio_rate6h", "alert threshold"),
            ],
            unit="percentunit",
            steps=[("red", None), ("green", 0.2)],
        ),
        panel(
            "Currency mix",
            "Salaries by currency over the dashboard's time range (unknown = not knowable).",
            [
                (
                    f"sum by (currency) (increase(stream_salary_found_total{{{SEL}}}[$__range]))",
                    "{{currency}}",
                )
            ],
            unit="short",
            steps=GREEN_ONLY,
            kind="piechart",
            options={
                "reduceOptions": {"calcs": ["lastNotNull"]},
                "legend": {"displayMode": "table"},
            },
            instant=True,
        ),
        panel(
            "Currency resolution",
            "How currencies were decided: explicit (ISO code, €, £...), ambiguous ($, ¥, kr, "
            "Rs resolved by location or policy), unknown.",
            [
                (
                    f"sum by (resolution) (rate({CURRENCY}{{{SEL}}}[{RATE}]))",
                    "{{resolution}}",
                )
            ],
            unit="cps",
            steps=GREEN_ONLY,
        ),
        panel(
            "Implausible amounts dropped",
            "Pay candidates rejected by the per-period sanity bounds, by currency: a rise "
            "means a wrong currency or period is being guessed.",
            [
                (
                    f"sum by (currency) (rate(stream_salary_dropped_total{{{SEL}}}[{RATE}]))",
                    "{{currency}}",
                ),
                (
                    f"sum(rate(stream_salary_parse_failures_total{{{SEL}}}[{RATE}]))",
                    "pay line not parsed",
                ),
            ],
            unit="cps",
            steps=[("green", None), ("orange", 0.1)],
        ),
        row("Skills"),
        panel(
            "Skill tags by category",
            "Skill tags published per second, by taxonomy category. Counts per skill are "
            "on the Market trends dashboard (the trends app's top-N gauges).",
            [
                (
                    f"sum by (category) (rate(stream_skill_tags_total{{{SEL}}}[{RATE}]))",
                    "{{category}}",
                )
            ],
            unit="cps",
            steps=GREEN_ONLY,
            height=12,
        ),
        panel(
            "Skills per posting (distribution)",
            "Median and 90th percentile of skill tags per posting.",
            [
                (q(0.5, "stream_skills_per_posting"), "p50"),
                (q(0.9, "stream_skills_per_posting"), "p90"),
            ],
            unit="short",
            steps=[("red", None), ("green", 1)],
        ),
        panel(
            "Taxonomy reload errors",
            "Failed hot reloads of the taxonomy over the dashboard's time range (the old "
            "version was kept; see the worker log). Successful reloads show in the table.",
            [
                (
                    "sum(increase(stream_taxonomy_reloads_total"
                    f'{{{SEL}, outcome="error"}}[$__range]))',
                    "errors",
                )
            ],
            unit="short",
            steps=[("green", None), ("red", 1)],
            kind="stat",
            width=6,
            options={"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "value"},
            instant=True,
        ),
        panel(
            "Taxonomy and builds",
            "Taxonomy version each process uses (stream_taxonomy_info): during a taxonomy "
            "rollout, postings are tagged by both versions.",
            [(f"stream_taxonomy_info{{{SEL}}}", "")],
            unit="none",
            steps=GREEN_ONLY,
            kind="table",
            fmt="table",
            instant=True,
        ),
        row("Normalized fields"),
        panel(
            "Share resolved, by field",
            "Share of published postings whose normalized field (place, work_mode, "
            "seniority, employment_types, experience_years, education_level, occupation) "
            "was resolved, i.e. not null or empty. A drop for one field after a deploy or a "
            "scraper change points at that field's step (docs/normalization.md).",
            [
                (
                    f"sum by (field) (rate(stream_field_resolved_total{{{SEL}}}[{RATE}]))"
                    " / ignoring(field) group_left "
                    f"sum(rate(stream_postings_enriched_total{{{SEL}}}[{RATE}]))",
                    "{{field}}",
                )
            ],
            unit="percentunit",
            steps=GREEN_ONLY,
        ),
        panel(
            "Share resolved, by source and field",
            "The same share per board or scraper, since each worker process started (a "
            "source's series appear with its first posting, so a rate would miss that "
            "first batch): a source whose location or title format the normalizers do not "
            "read shows here.",
            [
                (
                    "sum by (source, field) (stream_field_resolved_by_source_total"
                    f"{{{SEL}}}) / ignoring(field) group_left sum by (source) "
                    f"(stream_postings_by_source_total{{{SEL}}})",
                    "{{source}} {{field}}",
                )
            ],
            unit="percentunit",
            steps=GREEN_ONLY,
            kind="table",
            fmt="table",
            instant=True,
        ),
    ]
    return dashboard(
        "stream-quality",
        "Postings stream: data quality",
        "Business view of the enriched postings: salary coverage, USD conversion, currency "
        "mix, parse failures, skills and the normalized fields.",
        panels,
    )


def bars(title: str, description: str, expr: str, legend: str, unit: str) -> dict[str, Any]:
    """A ranked bar chart of one instant vector (the trends app's top-N gauges)."""
    return panel(
        title,
        description,
        [(expr, legend)],
        unit=unit,
        steps=GREEN_ONLY,
        kind="bargauge",
        options={
            "orientation": "horizontal",
            "displayMode": "gradient",
            "reduceOptions": {"calcs": ["lastNotNull"]},
        },
        width=8,
        height=10,
        instant=True,
    )


def trends() -> dict[str, Any]:
    # The ranked gauges hold the newest published day. `max by` rather than `sum by`: with
    # several instances, each would export the figures of the same day (docs/trends.md).
    pay = "stream_trends_top_skill_pay_usd"
    events = f"rate(stream_trends_events_total{{{TSEL}}}[{RATE}])"
    panels = [
        row("Demand on the newest published day"),
        stat(
            "Postings",
            "New or changed postings counted on the newest published day, deduplicated "
            "(an update counts once a day; the same content on two boards once).",
            f'max(stream_trends_country_postings{{{TSEL}, country="*"}})',
            "short",
            GREEN_ONLY,
        ),
        stat(
            "Newest published day",
            "Age of the start of the newest day published to skills.trends. Over 2 days: "
            "the app is stuck or a source partition holds publication back (docs/trends.md).",
            f"time() - max(stream_trends_last_published_day_timestamp_seconds{{{TSEL}}})",
            "s",
            [("green", None), ("orange", 2 * 86400), ("red", 3 * 86400)],
        ),
        stat(
            "Rising skills",
            "Skills published to skills.rising for the newest day (count above "
            "rising_factor x trailing mean and at least rising_min_postings).",
            f"count(stream_trends_rising_skill_postings{{{TSEL}}}) or vector(0)",
            "short",
            GREEN_ONLY,
        ),
        stat(
            "Counted per second",
            "Change events counted per second (not duplicate, late, replayed or unreadable).",
            f'sum(rate(stream_trends_events_total{{{TSEL}, outcome="counted"}}[{RATE}]))',
            "cps",
            GREEN_ONLY,
        ),
        stat(
            "Last recovery",
            "Seconds the last table recovery took (rebalance to serving). Memory store: the "
            "whole changelog is read at every start (docs/trends.md, Recovery).",
            f"max(stream_trends_recovery_seconds{{{TSEL}}})",
            "s",
            [("green", None), ("orange", 60), ("red", 300)],
        ),
        stat(
            "Cells",
            "Cells (partition x day x country x skill or occupation group) in the table.",
            f"sum(stream_trends_cells{{{TSEL}}})",
            "short",
            GREEN_ONLY,
        ),
        bars(
            "Top skills",
            "The 10 skills on the most postings on the newest published day, all countries "
            "(stream_trends_top_skill_postings; the worker no longer counts per skill).",
            f"max by (skill) (stream_trends_top_skill_postings{{{TSEL}}})",
            "{{skill}}",
            "short",
        ),
        bars(
            "Rising skills",
            "Skills that rose on the newest published day: their count over their trailing "
            "mean daily count (0: never seen before).",
            f"max by (skill) (stream_trends_rising_skill_factor{{{TSEL}}})",
            "{{skill}}",
            "none",
        ),
        bars(
            "Top occupations",
            "The 10 ISCO-08 unit groups on the most postings on the newest published day.",
            f"max by (isco_code, isco_label) (stream_trends_top_occupation_postings{{{TSEL}}})",
            "{{isco_code}} {{isco_label}}",
            "short",
        ),
        bars(
            "Postings by country",
            "The countries with most postings on the newest published day (a posting with "
            "no known country counts in the total only).",
            f'max by (country) (stream_trends_country_postings{{{TSEL}, country!="*"}})',
            "{{country}}",
            "short",
        ),
        row("Pay"),
        bars(
            "Median pay of the top skills",
            "Median annual pay in USD (midpoint of each posting's range) of the top skills "
            "on the newest published day, all countries; within 1% (the pay sketch).",
            f'max by (skill) ({pay}{{{TSEL}, country="*", quantile="p50"}})',
            "{{skill}}",
            "currencyUSD",
        ),
        panel(
            "Pay by skill and country",
            "Annual pay in USD of each top skill, all countries (*) and in the day's top "
            "countries, by quantile (p25, p50, p75, p90). A skill with no stated pay in a "
            "country has no row there.",
            [(f"max by (skill, country, quantile) ({pay}{{{TSEL}}})", "")],
            unit="currencyUSD",
            steps=GREEN_ONLY,
            kind="table",
            fmt="table",
            instant=True,
            width=16,
            height=10,
        ),
        row("Operations"),
        panel(
            "Change events by outcome",
            "Change events per second: counted, duplicate (lost a dedup claim), late (day "
            "closed), replayed (applied before a restart), unreadable.",
            [(f"sum by (outcome) ({events})", "{{outcome}}")],
            unit="cps",
            steps=GREEN_ONLY,
        ),
        panel(
            "Lag",
            "Change events in postings.changes not yet applied (the consumer's end offsets "
            "minus the offsets the table is applied through). Growing: the app does not "
            "keep up (one instance only, docs/trends.md); days publish late.",
            [(f"sum(stream_trends_lag_messages{{{TSEL}}})", "lag")],
            unit="short",
            steps=[("green", None), ("orange", 10000), ("red", 100000)],
            width=6,
        ),
        panel(
            "Table and Redis",
            "Cells and table records held, and failed Redis round trips for the dedup "
            "claims per second (each retried; the app does not count without its dedup).",
            [
                (f"sum(stream_trends_table_records{{{TSEL}}})", "records"),
                (
                    f"sum(rate(stream_trends_redis_errors_total{{{TSEL}}}[{RATE}]))",
                    "Redis errors/s",
                ),
            ],
            unit="short",
            steps=GREEN_ONLY,
            width=6,
        ),
    ]
    return dashboard(
        "stream-trends",
        "Postings stream: market trends",
        "Skill and occupation demand and pay per day, from the trends app (stream trends): "
        "top skills, rising skills, pay by skill and country.",
        panels,
        job=TJOB,
        with_topic=False,
    )


DASHBOARDS = {
    "stream-operations.json": operations,
    "stream-quality.json": quality,
    "stream-trends.json": trends,
}


def render(name: str) -> str:
    return json.dumps(DASHBOARDS[name](), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    stale = []
    for name in DASHBOARDS:
        path = OUT / name
        text = render(name)
        if "--check" in argv:
            if not path.exists() or path.read_text("utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, "utf-8")
            print(f"wrote {path}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python grafana/generate.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
