"""Throughput and recovery time of `stream trends` on the real local stack.

    bash deploy/local/stack.sh start kafka redis
    .venv/bin/python benchmarks/trends_throughput.py [--postings 30000] [--partitions 6]
    .venv/bin/python benchmarks/trends_throughput.py --processes 2   # two instances
    .venv/bin/python benchmarks/trends_throughput.py --transaction-size 200   # as exactly_once
    .venv/bin/python benchmarks/trends_throughput.py --recovery-cells 100000

Throughput: the LinkedIn sample from ../shared/data (or synthetic postings when absent) is
enriched in-process once, so every change event carries the skills, pay and location the
real enricher finds (the real skill counts). `--postings` change events (10% `updated`,
unique ids and hashes, event times in order over 3 days) are published to a topic of their
own first (`--transaction-size N`: in transactions of N events, as the enrichment worker
writes them in exactly_once mode, one per batch: a marker offset then follows each
transaction in each partition); then `stream trends` starts and reads them. Postings per
second is measured from the first counted event to the last event read (the app's
counters, polled on /metrics every 0.2 s), so start-up and rebalance are reported apart.

Recovery: `--recovery-cells N` writes N cells straight into the changelog topic of a fresh
app id (as the app itself would have), then starts `stream trends` and times it from
process start to the moment its table holds all N cells (/metrics `stream_trends_cells`,
counted again as soon as the table reports its recovery): the cold start. Then it kills
the app with SIGKILL and restarts it on the same data directory, timed the same way: the
restart after a crash. With `--store memory://` both read the whole changelog; with
`--store rocksdb://` (needs rocksdict: `uv sync --extra rocksdb`) the restart reads only
what the local store missed. The app's own `stream_trends_recovery_seconds` (rebalance to
table served) is printed beside each.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stream.cli.samples import default_data_dir, linkedin_postings  # noqa: E402
from stream.models import ChangeEvent, EnrichedPosting, RawPosting  # noqa: E402
from stream.trends.cells import SHARDS  # noqa: E402

BOOTSTRAP = os.environ.get("STREAM_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:9092")
STREAM = Path(sys.executable).parent / "stream"
DAY = 86_400.0


def enriched_templates() -> list[EnrichedPosting]:
    from stream.enrich.pipeline import Enricher, content_digests
    from stream.enrich.skills.taxonomy import Taxonomy

    data = default_data_dir()
    if data is not None:
        raws = list(linkedin_postings(data))
    else:
        from tests.integration.streams import synthetic_posting

        raws = [RawPosting.model_validate(synthetic_posting(i)) for i in range(500)]
    enricher = Enricher.build(Taxonomy.bundled())
    now = dt.datetime.now(dt.UTC)
    return [
        enricher.assemble(raw, enricher.compute(raw), content_digests(raw).content, now)
        for raw in raws
    ]


def change_events(count: int, templates: list[EnrichedPosting]) -> list[tuple[bytes, bytes]]:
    rng = random.Random(1)
    start = time.time() - 3 * DAY
    out = []
    for i in range(count):
        template = templates[i % len(templates)]
        at = start + 3 * DAY * i / count
        posting_id = f"bench:{i}"
        kind = "updated" if i % 10 == 9 else "new"
        if kind == "updated":
            posting_id = f"bench:{rng.randrange(max(1, i - 50), i)}"
        posting = template.model_copy(
            update={
                "posting_id": posting_id,
                "source_id": posting_id.split(":")[1],
                "content_hash": f"{i:016x}",
                "enriched_at": dt.datetime.fromtimestamp(at, dt.UTC),
                "posted_at": None,
            }
        )
        event = ChangeEvent(
            event_id=f"{posting_id}:{i:016x}",
            kind=kind,
            posting_id=posting_id,
            content_hash=posting.content_hash,
            previous_content_hash=None,
            changes={},
            posting=posting,
        )
        out.append((posting_id.encode(), event.model_dump_json().encode()))
    return out


def metrics(port: int) -> dict[str, float]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        if line.startswith("stream_trends_"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): on a machine shared with
    other work, CPU per posting is steadier than wall-clock rates."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its descendants (`--processes`: the instances)."""
    total = cpu_seconds(pid)
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # exited
                total += tree_cpu_seconds(int(child))
    return total


def read_total(values: dict[str, float]) -> float:
    """Events decided for the first time (every outcome but `replayed`): a replay after a
    rebalance (several instances) re-reads events already counted, and must count neither
    towards the end of the run nor towards the rate."""
    return sum(
        v
        for k, v in values.items()
        if k.startswith("stream_trends_events_total{") and 'outcome="replayed"' not in k
    )


def create(topic: str, partitions: int, config: dict[str, str] | None = None) -> None:
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    for future in admin.create_topics(
        [NewTopic(topic, partitions, 1, config=config or {})]
    ).values():
        future.result(30)


def start_app(
    run: str, source: str, port: int, log: Path, store: str = "memory://", processes: int = 1
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "STREAM_REDIS__KEY_PREFIX": run,
        "STREAM_TRENDS__APP_ID": f"{run}-trends",
        "STREAM_TRENDS__SOURCE_TOPIC": source,
        "STREAM_TRENDS__TRENDS_TOPIC": f"{run}.skills.trends",
        "STREAM_TRENDS__RISING_TOPIC": f"{run}.skills.rising",
        "STREAM_TRENDS__OCCUPATIONS_TOPIC": f"{run}.occupations.trends",
        "STREAM_TRENDS__WEB_PORT": str(port),
        "STREAM_TRENDS__DATA_DIR": f"/tmp/{run}",
        "STREAM_TRENDS__STORE": store,
        "STREAM_LOG_LEVEL": "WARNING",
    }
    args = ["--processes", str(processes)] if processes > 1 else []
    return subprocess.Popen(
        [str(STREAM), "trends", *args], env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(120)


def throughput(
    count: int,
    partitions: int,
    compression: str,
    store: str,
    processes: int,
    transaction_size: int = 0,
) -> None:
    templates = enriched_templates()
    skills = sum(len(t.skills) for t in templates) / len(templates)
    paid = sum(1 for t in templates if t.salary and t.salary.annual_max_usd) / len(templates)
    items = change_events(count, templates)
    run = f"bench-trends-{uuid.uuid4().hex[:8]}"
    source = f"{run}.postings.changes"
    create(source, partitions)
    # zstd by default, as the enrichment worker produces postings.changes.
    config = {"bootstrap.servers": BOOTSTRAP, "linger.ms": 20, "compression.type": compression}
    if transaction_size:
        config["transactional.id"] = f"{run}-tx"
    producer = Producer(config)
    if transaction_size:
        producer.init_transactions(30)
    for index, (key, value) in enumerate(items):
        if transaction_size and index % transaction_size == 0:
            if index:
                producer.commit_transaction(60)
            producer.begin_transaction()
        while True:
            try:
                producer.produce(source, value, key)
                break
            except BufferError:
                producer.poll(0.1)
    if transaction_size:
        producer.commit_transaction(60)
    assert producer.flush(60) == 0
    port = 16100 + os.getpid() % 500
    log = Path(f"/tmp/{run}.log")
    started = time.perf_counter()
    process = start_app(run, source, port, log, store, processes)
    ports = [port + i for i in range(processes)]
    first_at = first_read = first_cpu = None
    while True:
        each = [metrics(p) for p in ports]
        values = {k: sum(v.get(k, 0.0) for v in each) for k in set().union(*each)}
        total = read_total(values)
        now = time.perf_counter()
        # Measured from when every instance owns its share of the partitions (the group
        # has settled: with --processes the first instance may start alone, then hand
        # partitions over) and events are counted.
        owning = [v.get("stream_trends_partitions", 0) for v in each]
        settled = all(n > 0 for n in owning) and sum(owning) == partitions
        if first_at is None and total > 0 and settled:
            first_at, first_read, first_cpu = now, total, tree_cpu_seconds(process.pid)
        if total >= count:
            cpu = tree_cpu_seconds(process.pid)
            break
        if now - started > 900 or process.poll() is not None:
            raise SystemExit(f"stalled at {total}/{count}; see {log}")
        time.sleep(0.2)
    done = time.perf_counter()
    if first_at is None or first_read is None or first_cpu is None:
        raise SystemExit("the backlog was read before the group settled: more --postings")
    rate = (count - first_read) / (done - first_at)
    per_cpu = (count - first_read) / max(cpu - first_cpu, 1e-9)
    counted = values.get('stream_trends_events_total{outcome="counted"}', 0)
    replayed = values.get('stream_trends_events_total{outcome="replayed"}', 0)
    print(
        f"change events: {count} over {partitions} partitions ({compression}), "
        f"{len(templates)} real templates, store {store}, {processes} process(es), "
        + (f"in transactions of {transaction_size}" if transaction_size else "no transactions")
    )
    print(f"  load average at the end: {os.getloadavg()[0]:.2f} (1 min)")
    print(f"  skills per posting {skills:.1f}, with USD pay {paid:.0%}")
    print(
        f"  counted {counted:.0f}, replayed {replayed:.0f}, "
        f"cells {values.get('stream_trends_cells', 0):.0f}"
    )
    reads = {
        found: values.get(f'stream_trends_hole_reads_total{{found="{found}"}}', 0)
        for found in ("empty", "messages")
    }
    print(
        f"  broker reads of offsets missing from a batch: {reads['empty']:.0f} found empty, "
        f"{reads['messages']:.0f} found messages"
    )
    print(f"  start-up to the measured stretch: {first_at - started:.1f} s")
    print(f"  measured: {count - first_read:.0f} events in {done - first_at:.1f} s")
    print(f"  throughput: {rate:,.0f} postings/s (floor 1,500)")
    print(
        f"  CPU: {cpu - first_cpu:.1f} s for {count - first_read:.0f} postings = "
        f"{per_cpu:,.0f} postings per CPU-second (the rate with one core to itself)"
    )
    print(f"  SIGTERM exit code: {stop(process)}")
    messages, size = changelog_volume(f"{run}-trends-cells-changelog")
    print(
        f"  changelog written: {messages:,} messages, {size / 1e6:.1f} MB "
        f"({size / count / 1e3:.1f} kB per posting)"
    )


def changelog_volume(topic: str) -> tuple[int, int]:
    """Messages and value bytes in a topic, read from its start to its end."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer(
        {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": f"volume-{uuid.uuid4().hex[:6]}",
            "enable.auto.commit": False,
        }
    )
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    ends = {
        p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
        for p in partitions
    }
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
    left, messages, size = sum(ends.values()), 0, 0
    while left > 0:
        message = consumer.poll(5)
        if message is None:
            break
        if message.error() is None:
            left -= 1
            messages += 1
            size += len(message.value() or b"")
    consumer.close()
    return messages, size


def recovery(cells: int, partitions: int, store: str) -> None:
    run = f"bench-trends-{uuid.uuid4().hex[:8]}"
    source = f"{run}.postings.changes"
    create(source, partitions)
    changelog = f"{run}-trends-cells-changelog"
    create(changelog, partitions, {"cleanup.policy": "compact"})
    producer = Producer({"bootstrap.servers": BOOTSTRAP, "linger.ms": 50})
    rng = random.Random(2)
    # As the app stores them: one record per (partition, day, skill shard), 90 days of 16
    # shards per partition, each holding skills x 4 countries ("*", US, GB, DE) cells.
    records = partitions * 90 * SHARDS
    per_record = max(1, -(-cells // (records * 4)))
    written = 0
    for index in range(records):
        partition, rest = index % partitions, index // partitions
        day, shard = 20_000 + rest % 90, rest // 90
        skills = {}
        for s in range(per_record):
            skill = f"skill{shard}-{s}"
            countries = {}
            for country in ("*", "US", "GB", "DE"):
                buckets = {str(rng.randrange(200, 300)): rng.randint(1, 5) for _ in range(8)}
                countries[country] = {
                    "n": rng.randint(1, 50),
                    "pay": {"count": sum(buckets.values()), "total": 1e6, "buckets": buckets},
                }
                written += 1
            skills[skill] = {"name": skill, "c": countries}
        key = json.dumps(f"{partition}|{day}|{shard}")
        value = json.dumps({"offset": index, "skills": skills})
        while True:
            try:
                producer.produce(changelog, value, key, partition=partition)
                break
            except BufferError:
                producer.poll(0.1)
    assert producer.flush(120) == 0
    port = 16600 + os.getpid() % 300
    log = Path(f"/tmp/{run}.log")
    print(f"{written:,} cells in {records:,} records, {partitions} partitions, store {store}")
    for phase in ("cold start", "restart after kill -9"):
        started = time.perf_counter()
        process = start_app(run, source, port, log, store)
        while (values := metrics(port)).get("stream_trends_cells", 0) < written:
            if time.perf_counter() - started > 1800 or process.poll() is not None:
                raise SystemExit(f"recovery did not finish; see {log}")
            time.sleep(0.2)
        took = time.perf_counter() - started
        own = values.get("stream_trends_recovery_seconds", float("nan"))
        print(
            f"  {phase}: {took:.1f} s from process start to all cells served "
            f"(table recovery itself: {own:.1f} s)"
        )
        if phase == "cold start":
            process.send_signal(signal.SIGKILL)
            process.wait(60)
        else:
            print(f"  SIGTERM exit code: {stop(process)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=30_000)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--recovery-cells", type=int, default=0)
    parser.add_argument("--compression", default="zstd", help="of the published change events")
    parser.add_argument("--store", default="memory://", help="memory:// or rocksdb://")
    parser.add_argument("--processes", type=int, default=1, help="stream trends --processes")
    parser.add_argument(
        "--transaction-size", type=int, default=0, help="publish in transactions of N events"
    )
    args = parser.parse_args()
    if args.recovery_cells:
        recovery(args.recovery_cells, args.partitions, args.store)
    else:
        throughput(
            args.postings,
            args.partitions,
            args.compression,
            args.store,
            args.processes,
            args.transaction_size,
        )


if __name__ == "__main__":
    main()
