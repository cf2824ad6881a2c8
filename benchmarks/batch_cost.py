"""CPU per posting of the worker's batch path without Kafka, against enrichment alone.

    bash deploy/local/stack.sh start redis
    .venv/bin/python benchmarks/batch_cost.py [--rounds 3] [--batch 200]

What `stream run` does per batch, minus the Kafka client: decode the raw bytes, one Redis
lookup, enrich the misses, assemble, change detection, encode the outputs (enriched posting,
change event), save cache entries and states to Redis, metrics. The sink writes nothing. It
runs in this process on the LinkedIn sample postings (new ids each round, so every posting
is a cache miss, as in the worker benchmark's cold pass) and reports CPU time (process_time:
steadier than wall time on a shared machine) per posting for:
  enrichment alone   Enricher.compute on decoded postings, one by one: the baseline
  batch path         BatchProcessor.process + Committer.commit
and their ratio, which bounds what the worker can reach against enrichment alone before
Kafka costs anything. Each figure is the best of --rounds. On a shared machine the
difference of two separately measured figures is noisy, so the batch path also times its
own `Enricher.compute` calls (CPU time around each, metrics observer included) and reports
what it spent outside them in the same pass: "outside enrichment, same pass". Runs on any
commit that has stream.processing.BatchProcessor and stream.committer.Committer (for
before/after runs: run this file with the other commit's tree first on sys.path).
Exits 0 with a message when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from prometheus_client import CollectorRegistry  # noqa: E402

from stream import codecs  # noqa: E402
from stream.cli.samples import default_data_dir, linkedin_postings  # noqa: E402
from stream.committer import Committer  # noqa: E402
from stream.config import load_settings  # noqa: E402
from stream.enrich.pipeline import Enricher, Enrichment, PostingBudget  # noqa: E402
from stream.enrich.skills.taxonomy import Taxonomy  # noqa: E402
from stream.enrich.step import EnrichmentObserver  # noqa: E402
from stream.models import RawPosting  # noqa: E402
from stream.ops.metrics import Metrics  # noqa: E402
from stream.processing import BatchProcessor, InRecord  # noqa: E402
from stream.stores.cache import RedisStore  # noqa: E402
from stream.stores.client import redis_client  # noqa: E402


class NullSink:
    """Accepts every batch: the Kafka transaction is not part of this measurement."""

    def write(self, records: Sequence[InRecord], outputs: Sequence[object]) -> bool:
        return True


def records_of(postings: list[RawPosting], tag: str) -> list[InRecord]:
    now_ms = int(time.time() * 1000)
    out = []
    for offset, posting in enumerate(postings):
        # New id and new content: every posting misses the cache (keyed by content).
        fresh = posting.model_copy(
            update={"source_id": f"{tag}-{posting.source_id}", "title": f"{posting.title} {tag}"}
        )
        value = fresh.model_dump_json().encode()
        out.append(InRecord("raw", 0, offset, fresh.source_id.encode(), value, now_ms))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    data = default_data_dir()
    if data is None:
        print("skipped: ../shared/data is absent (the LinkedIn sample postings are read from it)")
        return
    postings = list(linkedin_postings(data))
    run = uuid.uuid4().hex[:8]
    base = load_settings()
    settings = base.model_copy(
        update={"redis": base.redis.model_copy(update={"key_prefix": f"batchcost-{run}"})}
    )
    enricher = Enricher.build(Taxonomy.bundled())
    metrics = Metrics(CollectorRegistry())
    client = redis_client(settings.redis)
    # Its keys (own prefix) expire after five minutes: no keyspace-wide SCAN to clean up.
    store = RedisStore(client, metrics, 300, 300)
    processor = BatchProcessor(settings, enricher, store, metrics)
    committer = Committer(settings, NullSink(), store, metrics)

    def alone(tag: str) -> float:
        decoded = [codecs.decode_raw_posting(r.value, 10**7) for r in records_of(postings, tag)]
        started = time.process_time()
        for raw in decoded:
            enricher.compute(raw)
        return (time.process_time() - started) / len(decoded)

    inside = [0.0]  # CPU seconds in Enricher.compute(_batch) during the batch path
    compute = Enricher.compute
    # The processor enriches a batch's misses with compute_batch (compute only for a miss
    # it did not foresee); a commit without compute_batch has nothing to wrap there.
    compute_batch: Callable[..., list[Enrichment | Exception]] | None = getattr(
        Enricher, "compute_batch", None
    )

    def timed_compute(self: Enricher, raw: RawPosting, observer: Any = None) -> Any:
        began = time.process_time()
        try:
            return compute(self, raw, observer)
        finally:
            inside[0] += time.process_time() - began

    def timed_compute_batch(
        self: Enricher,
        raws: Sequence[RawPosting],
        observer: EnrichmentObserver | None = None,
        budget: PostingBudget | None = None,
    ) -> list[Enrichment | Exception]:
        began = time.process_time()
        try:
            assert compute_batch is not None
            return compute_batch(self, raws, observer, budget)
        finally:
            inside[0] += time.process_time() - began

    def batch_path(tag: str) -> tuple[float, float]:
        """CPU seconds per posting: the whole path, and the part outside compute."""
        records = records_of(postings, tag)
        inside[0] = 0.0
        Enricher.compute = timed_compute  # type: ignore[method-assign]
        if compute_batch is not None:
            Enricher.compute_batch = timed_compute_batch  # type: ignore[method-assign]
        try:
            started = time.process_time()
            for i in range(0, len(records), args.batch):
                chunk = records[i : i + args.batch]
                committer.commit(chunk, processor.process(chunk), time.perf_counter())
            total = time.process_time() - started
        finally:
            Enricher.compute = compute  # type: ignore[method-assign]
            if compute_batch is not None:
                Enricher.compute_batch = compute_batch  # type: ignore[method-assign]
        return total / len(records), (total - inside[0]) / len(records)

    batch_path("warm")  # first-use costs (lazy tables, connections) out of the figures
    # Alternated, so that a slow phase of the machine hits both.
    alone_runs, batch_runs = [], []
    for k in range(args.rounds):
        alone_runs.append(alone(f"a{k}"))
        batch_runs.append(batch_path(f"b{k}"))
    alone_s = min(alone_runs)
    batch_s = min(total for total, _ in batch_runs)
    outside_s = min(outside for _, outside in batch_runs)
    print(
        f"{len(postings)} LinkedIn sample postings, batches of {args.batch}, best of "
        f"{args.rounds} rounds, CPU time"
    )
    print(f"  enrichment alone {alone_s * 1e6:7.0f} µs/posting")
    print(
        f"  batch path       {batch_s * 1e6:7.0f} µs/posting "
        f"(outside enrichment: {(batch_s - alone_s) * 1e6:.0f} µs)"
    )
    print(f"  ratio            {alone_s / batch_s:7.2f} (enrichment alone / batch path)")
    print(
        f"  outside enrichment, same pass {outside_s * 1e6:5.0f} µs/posting "
        f"(rounds: {', '.join(f'{o * 1e6:.0f}' for _, o in batch_runs)})"
    )


if __name__ == "__main__":
    main()
