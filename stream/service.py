"""Wiring: build the long-lived objects from the settings, once, at process start."""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, start_http_server

from stream.cache import EnrichmentCache, NullCache, RedisEnrichmentCache, redis_client
from stream.config import Settings
from stream.enrich.pipeline import Enricher
from stream.metrics import Metrics
from stream.processing import BatchProcessor
from stream.taxonomy import Taxonomy
from stream.worker import Worker

log = logging.getLogger(__name__)


def build_cache(settings: Settings, metrics: Metrics) -> EnrichmentCache:
    if not settings.redis.enabled:
        return NullCache()
    client = redis_client(settings.redis.url.get_secret_value(), settings.redis.socket_timeout_s)
    return RedisEnrichmentCache(client, metrics, ttl_s=settings.redis.cache_ttl_s)


def build_processor(settings: Settings, metrics: Metrics, *, use_cache: bool) -> BatchProcessor:
    taxonomy = Taxonomy.bundled()
    metrics.taxonomy_info.info({"version": taxonomy.version})
    enricher = Enricher.build(taxonomy)
    cache = build_cache(settings, metrics) if use_cache else NullCache()
    return BatchProcessor(settings, enricher, cache, metrics)


def build_worker(settings: Settings) -> tuple[Worker, Metrics]:
    metrics = Metrics(CollectorRegistry())
    processor = build_processor(settings, metrics, use_cache=settings.redis.enabled)
    return Worker(settings, processor, metrics), metrics


def serve_metrics(settings: Settings, metrics: Metrics) -> None:
    """Serve /metrics on a daemon thread (port 0 in the settings disables it)."""
    port = settings.worker.metrics_port
    if port == 0:
        return
    start_http_server(port, addr=settings.worker.metrics_host, registry=metrics.registry)
    log.info(
        "metrics served", extra={"url": f"http://{settings.worker.metrics_host}:{port}/metrics"}
    )
