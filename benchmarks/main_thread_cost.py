"""Main-thread CPU per posting of the worker's batch path outside enrichment.

    bash deploy/local/stack.sh start redis
    .venv/bin/python benchmarks/main_thread_cost.py [--rounds 10] [--batch 200] [--tree DIR]

What the worker's main thread does per batch, minus the Kafka client: `BatchProcessor.process`
(decode, content digests, one Redis lookup, enrich the misses, cache entries, assemble,
states, change events). Its thread CPU time (`time.thread_time`: this thread only, so the
machine's other load costs it less than wall time) less the thread CPU spent inside
`Enricher.compute_batch` (and `compute`), per posting, on the 500 LinkedIn sample postings,
new ids and content each round (every posting a cache miss and new, as in the worker
benchmark's cold pass). The committer's part (output records, Redis save) is not in it: it
runs on its own thread. Prints the best round and every round (a round now and then takes
twice as long: the garbage collector). `--tree DIR`: import `stream` from DIR instead (a
directory holding another commit's `stream/`, e.g. from `git archive`), for before/after
runs. Exits 0 with a message when ../shared/data is absent.

`--committer`: also commit each batch as the worker's committer thread does (`Committer.
commit`: output records, the Redis save, the metrics) into a sink that drops the records,
and print that thread CPU per posting too: the committer's part but for the Kafka producer
and transaction (compare.py's per-thread note has those).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--committer", action="store_true", help="also time Committer.commit")
    args = parser.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    # Imported here: from --tree.
    from prometheus_client import CollectorRegistry

    from stream.cli.samples import default_data_dir, linkedin_postings
    from stream.committer import Committer
    from stream.config import load_settings
    from stream.enrich.pipeline import Enricher
    from stream.enrich.skills.taxonomy import Taxonomy
    from stream.models import RawPosting
    from stream.ops.metrics import Metrics
    from stream.processing import BatchProcessor, InRecord
    from stream.stores.cache import RedisStore
    from stream.stores.client import redis_client

    data = default_data_dir()
    if data is None:
        print("skipped: ../shared/data is absent (the LinkedIn sample postings are read from it)")
        return
    postings = list(linkedin_postings(data))
    base = load_settings()
    prefix = f"mainthread-{uuid.uuid4().hex[:8]}"  # its keys expire after five minutes
    settings = base.model_copy(
        update={"redis": base.redis.model_copy(update={"key_prefix": prefix})}
    )
    enricher = Enricher.build(Taxonomy.bundled())
    metrics = Metrics(CollectorRegistry())
    store = RedisStore(redis_client(settings.redis), metrics, 300, 300)
    processor = BatchProcessor(settings, enricher, store, metrics)

    class DroppingSink:
        def write(self, records: Sequence[InRecord], outputs: Sequence[Any]) -> bool:
            return True

    committer = Committer(settings, DroppingSink(), store, metrics)

    inside = [0.0]  # thread CPU seconds inside enrichment in the current round

    def timed(method: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            began = time.thread_time()
            try:
                return method(*a, **k)
            finally:
                inside[0] += time.thread_time() - began

        return wrapper

    Enricher.compute = timed(Enricher.compute)  # type: ignore[method-assign]
    if hasattr(Enricher, "compute_batch"):
        Enricher.compute_batch = timed(Enricher.compute_batch)  # type: ignore[method-assign]

    def records_of(tag: str) -> Sequence[InRecord]:
        now_ms = int(time.time() * 1000)
        out = []
        for offset, posting in enumerate(postings):
            fresh: RawPosting = posting.model_copy(
                update={
                    "source_id": f"{tag}-{posting.source_id}",
                    "title": f"{posting.title} {tag}",
                }
            )
            value = fresh.model_dump_json().encode()
            out.append(InRecord("raw", 0, offset, fresh.source_id.encode(), value, now_ms))
        return out

    rounds: list[float] = []
    commits: list[float] = []
    for number in range(args.rounds + 1):  # the first warms up
        records = records_of(f"m{number}-{uuid.uuid4().hex[:6]}")
        inside[0] = 0.0
        committing = 0.0
        started = time.thread_time()
        for i in range(0, len(records), args.batch):
            batch = records[i : i + args.batch]
            result = processor.process(batch)
            if args.committer:
                began = time.thread_time()
                committer.commit(batch, result, time.perf_counter())
                committing += time.thread_time() - began
        spent = time.thread_time() - started - committing
        if number:
            rounds.append((spent - inside[0]) / len(records))
            commits.append(committing / len(records))
    shown = ", ".join(f"{r * 1e6:.0f}" for r in rounds)
    print(
        f"{len(postings)} LinkedIn sample postings, batches of {args.batch},"
        f" stream from {args.tree}"
    )
    print(
        f"  main thread outside enrichment {min(rounds) * 1e6:6.1f} µs/posting"
        f" (best of {len(rounds)})"
    )
    print(f"  rounds: {shown}")
    if args.committer:
        print(
            f"  committer (no Kafka) {min(commits) * 1e6:6.1f} µs/posting (best of {len(commits)})"
        )
        print(f"  rounds: {', '.join(f'{c * 1e6:.0f}' for c in commits)}")


if __name__ == "__main__":
    main()
