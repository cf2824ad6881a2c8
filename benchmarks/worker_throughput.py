"""Worker throughput on the real local stack, against an in-process enrichment baseline.

    bash deploy/local/stack.sh start kafka redis
    .venv/bin/python benchmarks/worker_throughput.py [--postings 5000] [--profile FILE]

Three passes through one `stream run` (exactly-once, batch 200):
  cold       every posting new: decode, Redis lookup (miss), enrich, transaction, state write
  rescrape   the same postings again: lookup finds state "unchanged", nothing is produced
  duplicate  the same contents under new ids: cache hits, nothing recomputed
Throughput is postings per second of wall time from the start of publishing to the commit
of the pass's last posting (the worker's counters, scraped from /metrics every 0.5 s, say
when it is done; its last-commit gauge says when that was). The baseline is Enricher.compute
alone, in this process, on the same postings: the ratio says what Kafka, Redis and the
envelope cost.
It is also timed with the Python skills engine (the reference), for the native one's share.
`--profile FILE` runs the worker under py-spy (sampling, 200 Hz, with native frames off) and
writes its collapsed stacks to FILE; `benchmarks/profile_summary.py FILE` reads them.
Postings are the LinkedIn sample from ../shared/data (each with a unique suffix) or, when
that is absent, synthetic ones.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from confluent_kafka import Producer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stream.cli.samples import default_data_dir, linkedin_postings  # noqa: E402
from stream.config import load_settings  # noqa: E402
from stream.enrich.pipeline import Enricher  # noqa: E402
from stream.enrich.skills.taxonomy import Taxonomy  # noqa: E402
from stream.models import RawPosting  # noqa: E402
from stream.runtime.kafka import client_config, create_topics  # noqa: E402


def postings(count: int) -> list[RawPosting]:
    data = default_data_dir()
    if data is not None:
        base = list(linkedin_postings(data))
    else:
        from tests.integration.streams import synthetic_posting

        base = [RawPosting.model_validate(synthetic_posting(i)) for i in range(500)]
    out = []
    for i in range(count):
        template = base[i % len(base)]
        out.append(
            template.model_copy(
                update={
                    "source_id": f"{template.source_id}-{i}",
                    "description": f"{template.description}\n\nRef {i}",
                }
            )
        )
    return out


def scrape(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            body: bytes = response.read()
    except OSError:
        return ""
    return body.decode()


def quantile(text: str, histogram: str, q: float) -> float:
    """Upper bound of the bucket holding quantile q (what histogram_quantile rounds up to)."""
    buckets = []
    for line in text.splitlines():
        if line.startswith(f"{histogram}_bucket{{"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            buckets.append(
                (float("inf") if le == "+Inf" else float(le), float(line.rsplit(" ", 1)[1]))
            )
    if not buckets or buckets[-1][1] == 0:
        return float("nan")
    total = buckets[-1][1]
    return next(bound for bound, count in sorted(buckets) if count >= q * total)


def metric(port: int, name: str) -> float:
    text = scrape(port)
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name) and line[len(name)] in " {"
    )


def publish(settings_env: dict[str, str], topic: str, items: list[RawPosting]) -> None:
    os.environ.update(settings_env)
    producer = Producer(client_config(load_settings(), "producer"))
    for posting in items:
        key = f"{posting.source}:{posting.source_id}".encode()
        while True:
            try:
                producer.produce(topic, posting.model_dump_json().encode(), key)
                break
            except BufferError:
                producer.poll(0.1)
    producer.flush(60)


def wait_until(port: int, names: tuple[str, ...], target: float, timeout_s: float) -> float:
    """Unix time of the commit that brought the sum of the counters to `target`.

    Polls every 0.5 s and reads the worker's last-commit gauge once the target is reached,
    so the end time is exact without a fast poll: each scrape renders every metric in the
    worker, and polling every 50 ms took about a quarter of the worker's CPU (py-spy).
    """
    started = time.monotonic()
    while sum(metric(port, n) for n in names) < target:
        if time.monotonic() - started > timeout_s:
            raise SystemExit(f"timed out: {names} did not reach {target}")
        time.sleep(0.5)
    return metric(port, "stream_last_commit_timestamp_seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=5000)
    parser.add_argument("--profile", type=Path, help="py-spy collapsed stacks of the worker")
    args = parser.parse_args()
    items = postings(args.postings)

    taxonomy = Taxonomy.bundled()
    rates: dict[str, float] = {}
    # The Python skills engine (the reference) too, for the native engine's share of the gain.
    for engine in ("python", "native"):
        enricher = Enricher.build(taxonomy, skill_engine=engine)
        started = time.perf_counter()
        for posting in items:
            enricher.compute(posting)
        rates[engine] = len(items) / (time.perf_counter() - started)
    baseline = rates["native"]

    run = f"bench-{uuid.uuid4().hex[:8]}"
    # A free port, not a fixed one: another session's benchmark on the same machine would
    # otherwise hold it, and this one would read the other worker's counters.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {
        "STREAM_TOPICS__RAW": f"{run}.raw",
        "STREAM_TOPICS__ENRICHED": f"{run}.enriched",
        "STREAM_TOPICS__CHANGES": f"{run}.changes",
        "STREAM_TOPICS__DLQ": f"{run}.dlq",
        "STREAM_TRENDS__TRENDS_TOPIC": f"{run}.skills.trends",
        "STREAM_TRENDS__OCCUPATIONS_TOPIC": f"{run}.occupations.trends",
        "STREAM_TRENDS__RISING_TOPIC": f"{run}.skills.rising",
        "STREAM_TOPICS__PARTITIONS": "6",
        "STREAM_KAFKA__GROUP_ID": f"{run}-enricher",
        "STREAM_KAFKA__TRANSACTIONAL_ID_PREFIX": run,
        "STREAM_REDIS__KEY_PREFIX": run,
        "STREAM_WORKER__METRICS_PORT": str(port),
        "STREAM_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    create_topics(load_settings())
    command = [str(REPO / ".venv/bin/stream"), "run"]
    if args.profile is not None:
        spy = [str(REPO / ".venv/bin/py-spy"), "record", "--rate", "200", "--format", "raw"]
        command = [*spy, "--output", str(args.profile), "--", *command]
    worker = subprocess.Popen(command, env={**os.environ, **env})
    try:
        while metric(port, "stream_assigned_partitions") < 6:
            time.sleep(0.1)
        rows = []
        passes = [
            ("cold", items, ("stream_postings_enriched_total",)),
            ("rescrape", items, ("stream_postings_unchanged_total",)),
            (
                "duplicate",
                [p.model_copy(update={"source_id": f"dup-{p.source_id}"}) for p in items],
                ("stream_postings_enriched_total",),
            ),
        ]
        for name, batch, counters in passes:
            before = sum(metric(port, c) for c in counters)
            started = time.time()  # wall clock: compared with the worker's commit stamp
            publish(env, env["STREAM_TOPICS__RAW"], batch)
            done = wait_until(port, counters, before + len(batch), timeout_s=600)
            rows.append((name, len(batch), done - started))
        text = scrape(port)
        batch_p50 = quantile(text, "stream_batch_duration_seconds", 0.5)
        batch_p99 = quantile(text, "stream_batch_duration_seconds", 0.99)
        e2e_p50 = quantile(text, "stream_end_to_end_latency_seconds", 0.5)
        e2e_p99 = quantile(text, "stream_end_to_end_latency_seconds", 0.99)
    finally:
        # py-spy writes its file on SIGINT (and passes it on to the worker, which stops
        # as on SIGTERM).
        worker.send_signal(signal.SIGINT if args.profile is not None else signal.SIGTERM)
        worker.wait(60)

    print(f"postings per pass: {len(items)}; enrichment baseline in-process: {baseline:,.0f}/s")
    print(
        f"  (with the Python skills engine: {rates['python']:,.0f}/s;"
        f" native / python {rates['native'] / rates['python']:.2f}x)"
    )
    for name, count, seconds in rows:
        rate = count / seconds
        ratio = rate / baseline
        print(f"  {name:<9} {rate:8,.0f} postings/s  ({seconds:.2f} s, {ratio:.2f}x baseline)")
    print(
        f"  batch time p50 <= {batch_p50 * 1000:.0f} ms, p99 <= {batch_p99 * 1000:.0f} ms"
        " (histogram bucket bounds)"
    )
    print(f"  publish-to-commit latency p50 <= {e2e_p50:.2f} s, p99 <= {e2e_p99:.2f} s")
    print(json.dumps({"baseline_per_s": round(baseline), "passes": rows}))


if __name__ == "__main__":
    main()
