"""Wiring: build the long-lived objects from the settings, once, at process start."""

from __future__ import annotations

import faulthandler
import logging
import signal
import threading
from types import FrameType

import redis
from confluent_kafka import Consumer, Producer
from prometheus_client import CollectorRegistry

from stream.committer import Committer
from stream.config import Settings
from stream.enrich.fx import FxRates
from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy
from stream.ops.health import Health, redis_check, serve
from stream.ops.logs import configure_logging
from stream.ops.metrics import Metrics
from stream.processing import BatchProcessor
from stream.runtime import identity, memory
from stream.runtime.calls import KafkaCalls
from stream.runtime.kafka import Role, client_config
from stream.runtime.kafka_stats import record_librdkafka_stats
from stream.runtime.plan import ReadPlan
from stream.runtime.preflight import check_kafka, check_redis
from stream.runtime.sinks import AtLeastOnceSink, KafkaSink, TransactionalSink
from stream.runtime.watchdog import Watchdog
from stream.runtime.worker import Worker
from stream.stores import fx as fx_store
from stream.stores.cache import NullStore, RedisStore, Store
from stream.stores.client import redis_client
from stream.stores.taxonomy_reload import TaxonomyWatcher

log = logging.getLogger(__name__)


def build_fx(client: redis.Redis | None, key_prefix: str) -> FxRates:
    """Bundled rates, with the latest ones published by `stream fx push` pinned on top.
    Redis down or nothing published: the bundled rates alone (never a 1:1 guess)."""
    fx = FxRates.bundled()
    if client is None:
        return fx
    try:
        published = fx_store.fetch(client, key_prefix)
    except redis.RedisError as exc:
        log.warning(
            "FX rates not read from Redis, using the bundled ones", extra={"error": str(exc)}
        )
        return fx
    if published:
        fx.pin(None, {c: (rate.usd_per_unit, rate.rate_date) for c, rate in published.items()})
        log.info("FX rates pinned from Redis", extra={"currencies": len(published)})
    return fx


def build_store(settings: Settings, metrics: Metrics, client: redis.Redis | None) -> Store:
    rs = settings.redis
    if client is None:
        return NullStore()
    return RedisStore(client, metrics, cache_ttl_s=rs.cache_ttl_s, state_ttl_s=rs.state_ttl_s)


def build_processor(
    settings: Settings,
    metrics: Metrics,
    store: Store,
    *,
    client: redis.Redis | None,
    taxonomy: Taxonomy | None = None,
    detect_changes: bool = True,
    watcher: TaxonomyWatcher | None = None,
) -> BatchProcessor:
    """The processor; with a Redis client it caches and tracks posting state, and with a
    watcher it follows taxonomy pushes."""
    taxonomy = taxonomy or Taxonomy.bundled()
    metrics.taxonomy_info.info({"version": taxonomy.version})
    enricher = Enricher.build(
        taxonomy, build_fx(client, settings.redis.key_prefix), settings=settings.enrichment
    )
    return BatchProcessor(
        settings,
        enricher,
        store,
        metrics,
        detect_changes=detect_changes,
        refresh=watcher.maybe_reload if watcher is not None else None,
    )


def build_redis(settings: Settings) -> redis.Redis | None:
    return redis_client(settings.redis) if settings.redis.enabled else None


def build_worker(
    settings: Settings, plan: ReadPlan | None = None
) -> tuple[Worker, Metrics, Health]:
    metrics = Metrics(CollectorRegistry())
    health = Health(metrics)
    client = build_redis(settings)
    if client is not None:
        check_redis(client)  # refused login or TLS: stop now, with the reason
        health.add_check("redis", redis_check(client))  # PING, cached 5 s, on the HTTP thread
    watcher = None
    taxonomy = Taxonomy.bundled()
    if client is not None and settings.worker.taxonomy_poll_s > 0:
        watcher = TaxonomyWatcher(
            client, settings.redis.key_prefix, metrics, settings.worker.taxonomy_poll_s
        )
        taxonomy = watcher.initial(taxonomy)
    store = build_store(settings, metrics, client)
    processor = build_processor(
        settings, metrics, store, client=client, taxonomy=taxonomy, watcher=watcher
    )
    # The Kafka clients: librdkafka statistics (interval in the settings) feed lag and
    # queue metrics and the broker part of /readyz.
    check_kafka(settings)  # refused credentials or certificates: stop now, with the reason
    instance = settings.worker.instance_id or identity.default_instance_id()
    stats = {"stats_cb": lambda s: record_librdkafka_stats(metrics, s, health)}
    consumer = Consumer({**client_config(settings, "consumer", instance), **stats})
    exactly_once = settings.worker.delivery == "exactly_once"
    role: Role = "transactional_producer" if exactly_once else "producer"
    producer = Producer({**client_config(settings, role, instance), **stats})
    watchdog = Watchdog(settings.worker.stuck_call_s)
    calls = KafkaCalls(watchdog)
    sink: KafkaSink = (
        TransactionalSink(producer, consumer, calls, metrics)
        if exactly_once
        else AtLeastOnceSink(producer, consumer, calls)
    )
    committer = Committer(settings, sink, store, metrics)
    worker = Worker(settings, consumer, sink, processor, committer, metrics, health, watchdog, plan)
    return worker, metrics, health


def run_worker(settings: Settings, plan: ReadPlan | None = None) -> Metrics:
    """One worker process: logging, signals, metrics endpoint, then the loop until SIGTERM
    (or, with a plan, until its range is read). Returns the metrics, for a final report."""
    configure_logging(settings.log_level, settings.log_format)
    # Before any thread starts: librdkafka's and the committer's would each get an arena.
    memory.cap_malloc_arenas(settings.worker.malloc_arenas)
    memory.tune_gc(settings.worker.gc_threshold)
    # `kill -USR1 <pid>` prints every thread's stack to stderr: the first thing to look at
    # when a worker seems stuck.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    stop = threading.Event()

    def _request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("stop requested, finishing the current batch", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGTERM, _request_stop)
    signal.signal(signal.SIGINT, _request_stop)
    static, why = identity.static_membership(settings)
    settings = identity.resolve(settings)
    log.info(
        "kafka identity",
        extra={
            "instance_id": settings.worker.instance_id or identity.default_instance_id(),
            "static_membership": static,
            "why": why,
            "group_protocol": settings.kafka.group_protocol,
        },
    )
    worker, metrics, health = build_worker(settings, plan)
    serve(settings, metrics, health)  # /metrics /healthz /readyz on metrics_port (+ index)
    worker.run(stop)
    return metrics
