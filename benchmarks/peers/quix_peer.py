"""The quix-streams peer: what a user would write to enrich postings with our enricher.

Per message: a Redis GET of the cached enrichment (keyed by a content digest), the
project's `Enricher.compute` on a miss and a Redis SET, then the enriched posting produced
to the output topic; exactly-once (one Kafka transaction per checkpoint).

Runs in its own environment, because quixstreams pins older confluent-kafka and pydantic
than the project ships (see pyproject.toml, group "peers"); benchmarks/compare.py starts it:
    .venv-peers/bin/python benchmarks/peers/quix_peer.py --input T --output T2 ...
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import tempfile
from typing import Any

import redis
from quixstreams import Application

from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy
from stream.models import RawPosting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--bootstrap", "--input", "--output", "--group", "--redis-url", "--prefix"):
        parser.add_argument(name, required=True)
    parser.add_argument("--commit-every", type=int, default=200)
    parser.add_argument("--commit-interval", type=float, default=0.5)
    args = parser.parse_args()

    enricher = Enricher.build(Taxonomy.bundled())
    cache = redis.Redis.from_url(args.redis_url)
    # The same producer settings as the worker's (stream.runtime.kafka.client_config).
    producer_config = {"linger.ms": 5, "compression.type": "zstd"}
    settings: dict[str, Any] = {
        "processing_guarantee": "exactly-once",
        "commit_every": args.commit_every,
        "commit_interval": args.commit_interval,
        "producer_extra_config": producer_config,
    }
    print(f"quix-streams peer settings: {json.dumps(settings)}", flush=True)
    app = Application(
        broker_address=args.bootstrap,
        consumer_group=args.group,
        auto_offset_reset="earliest",
        state_dir=tempfile.mkdtemp(prefix="quix-peer-"),
        loglevel="WARNING",
        **settings,
    )
    source = app.topic(args.input, value_deserializer="bytes", value_serializer="bytes")
    sink = app.topic(args.output, value_deserializer="bytes", value_serializer="bytes")

    def enrich(value: bytes) -> bytes:
        raw = RawPosting.model_validate_json(value)
        digest = hashlib.sha256(f"{raw.title}\n{raw.description}".encode()).hexdigest()
        key = f"{args.prefix}:quix:{digest}"
        cached = cache.get(key)
        enrichment = enricher.decode(cached) if cached is not None else None
        if enrichment is None:
            enrichment = enricher.compute(raw)
            cache.set(key, enricher.encode(enrichment))
        posting = enricher.assemble(raw, enrichment, digest, dt.datetime.now(dt.UTC))
        return posting.model_dump_json().encode()

    app.dataframe(source).apply(enrich).to_topic(sink)
    app.run()


if __name__ == "__main__":
    main()
