"""The faust-streaming peer: an agent that enriches postings with our enricher.

Per message: a Redis GET of the cached enrichment (keyed by a content digest), the
project's `Enricher.compute` on a miss and a Redis SET, then the enriched posting sent to
the output topic. `--guarantee exactly_once` (Faust's transactions through aiokafka) or
`at_least_once`; benchmarks/compare.py tries exactly-once first and says what happened.

    .venv/bin/python benchmarks/peers/faust_peer.py --input T --output T2 ...
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import faust
import redis.asyncio

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy
from stream.models import RawPosting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--bootstrap", "--input", "--output", "--group", "--redis-url", "--prefix"):
        parser.add_argument(name, required=True)
    parser.add_argument("--guarantee", default="exactly_once")
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--commit-every", type=int, default=200)
    parser.add_argument("--commit-interval", type=float, default=0.5)
    args = parser.parse_args()

    enricher = Enricher.build(Taxonomy.bundled())
    cache = redis.asyncio.Redis.from_url(args.redis_url)
    # The worker's batch and producer settings where Faust has them.
    settings = {
        "processing_guarantee": args.guarantee,
        "broker_commit_every": args.commit_every,
        "broker_commit_interval": args.commit_interval,
        "producer_linger_ms": 5,
        "producer_compression_type": "zstd",
        "topic_partitions": args.partitions,
    }
    print(f"faust peer settings: {json.dumps(settings)}", flush=True)
    app = faust.App(
        args.group,
        broker=f"kafka://{args.bootstrap}",
        store="memory://",
        datadir=tempfile.mkdtemp(prefix="faust-peer-"),
        web_enabled=False,
        consumer_auto_offset_reset="earliest",
        **settings,
    )
    source = app.topic(args.input, key_type=bytes, value_type=bytes, value_serializer="raw")
    sink = app.topic(args.output, key_type=bytes, value_type=bytes, value_serializer="raw")

    @app.agent(source)
    async def enrich(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for key, value in stream.items():
            raw = RawPosting.model_validate_json(value)
            digest = hashlib.sha256(f"{raw.title}\n{raw.description}".encode()).hexdigest()
            cache_key = f"{args.prefix}:faust:{digest}"
            cached = await cache.get(cache_key)
            enrichment = enricher.decode(cached) if cached is not None else None
            if enrichment is None:
                enrichment = enricher.compute(raw)
                await cache.set(cache_key, enricher.encode(enrichment))
            posting = enricher.assemble(raw, enrichment, digest, dt.datetime.now(dt.UTC))
            await sink.send(key=key, value=posting.model_dump_json().encode())
            yield None

    faust.Worker(app, loglevel="WARNING").execute_from_commandline()


if __name__ == "__main__":
    main()
