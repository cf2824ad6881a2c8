"""Taxonomy hot reload: running workers follow the version published with
`stream taxonomy push`, without a restart.

Between batches (idle or not), at most every `taxonomy_poll_s`, the processor asks the
watcher (`BatchProcessor(refresh=watcher.maybe_reload)`); the watcher reads the current version
pointer from Redis (one GET). When it differs from the running one it fetches and validates
that taxonomy and rebuilds the enricher's steps over it (`Enricher.with_taxonomy`: the
skill automaton), which the processor uses from that batch on. The version is part of the
cache key and the posting state, so tags from the old taxonomy are never served for the new
one. Any failure (Redis down, an invalid document) keeps the running taxonomy and is
retried at the next poll: a bad push can never stop the stream.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis

from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy, TaxonomyError
from stream.ops.metrics import Metrics
from stream.stores.taxonomy import current_version, fetch_version

log = logging.getLogger(__name__)


class TaxonomyWatcher:
    def __init__(
        self,
        client: redis.Redis,
        key_prefix: str,
        metrics: Metrics,
        poll_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._prefix = key_prefix
        self._metrics = metrics
        self._poll_s = poll_s
        self._clock = clock
        self._next_poll = 0.0

    def initial(self, fallback: Taxonomy) -> Taxonomy:
        """The published taxonomy if there is one (and it is valid), else the bundled one."""
        return self._fetch_newer(fallback.version) or fallback

    def maybe_reload(self, enricher: Enricher) -> Enricher | None:
        """A new Enricher when a new version was published since the last poll, else None."""
        now = self._clock()
        if now < self._next_poll:
            return None
        self._next_poll = now + self._poll_s
        taxonomy = self._fetch_newer(enricher.taxonomy_version)
        if taxonomy is None:
            return None
        started = time.perf_counter()
        rebuilt = enricher.with_taxonomy(taxonomy)
        log.info(
            "taxonomy reloaded",
            extra={
                "from": enricher.taxonomy_version,
                "to": taxonomy.version,
                "build_seconds": round(time.perf_counter() - started, 3),
            },
        )
        self._metrics.taxonomy_info.info({"version": taxonomy.version})
        self._metrics.taxonomy_reloads.labels("ok").inc()
        return rebuilt

    def _fetch_newer(self, running: str) -> Taxonomy | None:
        try:
            published = current_version(self._client, self._prefix)
            if published is None or published == running:
                return None
            return fetch_version(self._client, self._prefix, published)
        except (redis.RedisError, TaxonomyError) as exc:
            log.warning(
                "taxonomy check failed, keeping the running version", extra={"error": str(exc)}
            )
            self._metrics.taxonomy_reloads.labels("error").inc()
            return None
