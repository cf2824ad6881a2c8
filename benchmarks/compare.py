"""One table: the worker against enrichment alone, the frameworks a user would pick instead,
and the broker's copy ceiling; same input, same broker, one run, back to back.

    bash deploy/local/stack.sh start kafka redis      # the shared stack, 9092 / 6379
    .venv/bin/python benchmarks/compare.py [--postings 5000]
    .venv/bin/python benchmarks/compare.py --latency 60     # seconds at half the max rate
    .venv/bin/python benchmarks/compare.py --memory 10      # minutes at half the max rate

Rows (each on topics, a consumer group and a Redis prefix of its own, 6 partitions):
  enrichment alone   Enricher.compute on every posting in this process: the baseline
  copy loop          confluent-kafka consume -> produce, no enrichment (peers/copy_peer.py),
                     plain and with a transaction per 500 messages: the ceilings
  stream run         the worker as shipped (exactly-once): cold (every posting new),
                     rescrape (the same postings again: unchanged, nothing produced),
                     duplicate (same content under new ids: cache hits); --processes 2 cold
  quix-streams       peers/quix_peer.py (exactly-once), in .venv-peers (made on demand)
  faust-streaming    peers/faust_peer.py (exactly-once; at-least-once if that fails)
Each system is started and waited on until its group is stable with every member (both
processes of --processes 2) owning part of the input and every partition owned, then the
postings are published (as fast as the producer goes) and the pass ends when a
read_committed reader of the output has seen every posting's key (a rescrape produces
nothing: it ends when the group's committed offsets reach the end of the input). Rate is
postings / (last output seen - first publish). Latency is, per posting, the time the reader
first saw its output minus the time it was handed to the producer: real timestamps, no
histogram buckets; in a max-rate pass it is mostly queueing, --latency measures it at half
load. CPU is utime+stime of the system's processes (/proc) over the pass, also by thread in
the note (each process's main thread, librdkafka's rdk:* threads, the other Python threads:
the committer's, in the worker); RSS is their sum,
sampled every 0.25 s: the peak, and the median of the pass's second half ("steady").
Postings: the LinkedIn sample from ../shared/data, each with a unique id and a unique line
(so every one is new); synthetic postings when ../shared is absent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import redis
from confluent_kafka import Consumer, ConsumerGroupState, TopicPartition
from confluent_kafka.admin import AdminClient
from harness import REPO, Publisher, Reader, SharedStack, Worker, World
from measures import (
    cpu_ticks,
    descendants,
    fmt,
    group_settled,
    is_stack_process,
    machine_jiffies,
    parent_pid,
    percentile,
    rss_bytes,
    slope,
    steady_rate,
    table,
)
from worker_throughput import postings

from stream.cli.samples import default_data_dir
from stream.enrich.pipeline import Enricher
from stream.enrich.skills.taxonomy import Taxonomy
from stream.runtime.kafka import client_config

PEERS = Path(__file__).resolve().parent / "peers"
PEERS_PYTHON = REPO / ".venv-peers" / "bin" / "python"
TICKS = os.sysconf("SC_CLK_TCK")
Item = tuple[bytes, bytes]


# --- the input ------------------------------------------------------------------------


class Postings:
    """Encoded postings made on demand: item i is template i % n with id suffix and a
    "Ref" line of its own, so every index is a new posting (a long --memory run needs
    hundreds of thousands; they are never all held)."""

    def __init__(self, count: int) -> None:
        self._templates = [json.loads(p.model_dump_json()) for p in postings(min(count, 500))]

    def item(self, index: int, id_prefix: str = "", same_content_as: int | None = None) -> Item:
        content = index if same_content_as is None else same_content_as
        template = self._templates[content % len(self._templates)]
        posting = {
            **template,
            "source_id": f"{id_prefix}{template['source_id']}-{index}",
            "description": f"{template['description']}\n\nRef {content}",
        }
        key = f"{posting['source']}:{posting['source_id']}".encode()
        return key, json.dumps(posting).encode()


# --- processes: CPU and memory from /proc ----------------------------------------------------


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def process_tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _read(f"/proc/{entry}/stat")) is not None:
            parents[int(entry)] = parent_pid(stat)
    return descendants(parents, root)


def stack_cpu_seconds() -> float:
    """CPU seconds so far of the Kafka broker(s) and Redis server(s) on this machine."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if is_stack_process(cmdline) and (stat := _read(f"/proc/{entry}/stat")) is not None:
            total += cpu_ticks(stat)
    return total / TICKS


class MachineLoad:
    """What a pass cost beyond the system's own processes: the broker's and Redis's CPU,
    and how many of the machine's cores were busy (anyone's work, other sessions' too)."""

    def __init__(self) -> None:
        self._stack = stack_cpu_seconds()
        self._busy, self._total = machine_jiffies(_read("/proc/stat") or "cpu 0 0 0 0 0")

    def note(self, count: int) -> str:
        stack = stack_cpu_seconds() - self._stack
        busy, total = machine_jiffies(_read("/proc/stat") or "cpu 0 0 0 0 0")
        cores = os.cpu_count() or 1
        share = (busy - self._busy) / max(1, total - self._total) * cores
        return (
            f"broker + Redis {stack / count * 1000:.2f} CPU s per 1,000;"
            f" {share:.1f} of {cores} cores busy (all processes)"
        )


class Watched:
    """A process and its children: CPU seconds on demand, RSS sampled by a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, int]] = []  # (monotonic, summed RSS bytes)
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def cpu_seconds(self) -> float:
        stats = (_read(f"/proc/{pid}/stat") for pid in process_tree(self.pid))
        return sum(cpu_ticks(s) for s in stats if s is not None) / TICKS

    def threads_cpu(self) -> dict[str, float]:
        """CPU seconds so far per kind of thread, over the process tree: each process's
        main thread ("main"), librdkafka's threads by name ("rdk:main", "rdk:broker" for
        all rdk:brokerN), and every other thread under "other Python" (the committer, the
        metrics server, the watchdog: Python 3.11 does not name OS threads)."""
        out: dict[str, float] = {}
        for pid in process_tree(self.pid):
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                stat = _read(f"/proc/{pid}/task/{tid}/stat")
                comm = (_read(f"/proc/{pid}/task/{tid}/comm") or "").strip()
                if stat is None:
                    continue
                if tid == str(pid):
                    label = "main"
                elif comm.startswith("rdk:"):
                    label = comm.rstrip("0123456789/-")
                else:
                    label = "other Python"
                out[label] = out.get(label, 0.0) + cpu_ticks(stat) / TICKS
        return out

    def rss(self) -> int:
        texts = (_read(f"/proc/{pid}/status") for pid in process_tree(self.pid))
        return sum(rss_bytes(t) for t in texts if t is not None)

    def _sample(self) -> None:
        while not self._halt.wait(0.25):
            self.samples.append((time.monotonic(), self.rss()))

    def memory(self, since: float) -> tuple[float, float]:
        """Peak and steady (median of the second half) RSS in MB from `since` to now (one
        sample taken now, so a pass shorter than the sampling period has one too)."""
        until = time.monotonic()
        self.samples.append((until, self.rss()))
        window = [rss for t, rss in self.samples if since <= t <= until]
        later = [rss for t, rss in self.samples if (since + until) / 2 <= t <= until]
        if not window:
            return float("nan"), float("nan")
        return max(window) / 2**20, percentile(later or window, 50) / 2**20

    def stop(self) -> None:
        self._halt.set()
        self._thread.join()


# --- one row -------------------------------------------------------------------------------


@dataclass
class Row:
    system: str
    pass_name: str
    count: int = 0
    seconds: float = float("nan")
    latencies: list[float] = field(default_factory=list)
    cpu_s: float = float("nan")
    rss_peak_mb: float = float("nan")
    rss_steady_mb: float = float("nan")
    note: str = ""

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else float("nan")


class RowError(Exception):
    """A system that did not finish its pass: its row says why, the others still run."""


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float, alive: Watched) -> None:
    """Poll until `condition` holds; fail the row when the deadline passes or the system's
    process is gone (a stuck or crashed peer must not hang the whole run)."""
    until = time.monotonic() + timeout_s
    while not condition():
        if not Path(f"/proc/{alive.pid}").exists() or _zombie(alive.pid):
            raise RowError(f"process exited while waiting for: {what}")
        if time.monotonic() > until:
            raise RowError(f"timed out after {timeout_s:.0f} s waiting for: {what}")
        time.sleep(0.1)


def _zombie(pid: int) -> bool:
    stat = _read(f"/proc/{pid}/stat")
    return stat is None or stat[stat.rindex(")") + 2] == "Z"


def group_ready(world: World, admin: AdminClient, members: int) -> bool:
    """The system's group is stable with `members` members, each owning part of the input
    topic, and every partition owned (measures.group_settled)."""
    group = world.settings.kafka.group_id
    try:
        description = admin.describe_consumer_groups([group])[group].result(timeout=10)
    except Exception:  # the group does not exist yet
        return False
    assignments = [
        [
            tp.partition
            for tp in (member.assignment.topic_partitions if member.assignment else [])
            if tp.topic == world.topic("raw")
        ]
        for member in description.members
    ]
    stable = description.state == ConsumerGroupState.STABLE
    return group_settled(stable, assignments, world.partitions, members)


def output_offsets(world: World) -> int:
    """The output topic's offsets (records and transaction markers), over all partitions."""
    consumer = Consumer({**client_config(world.settings, "consumer"), "group.id": world.run_id})
    try:
        parts = [TopicPartition(world.topic("enriched"), p) for p in range(world.partitions)]
        return sum(consumer.get_watermark_offsets(tp, timeout=10)[1] for tp in parts)
    finally:
        consumer.close()


def wait_ready(
    name: str, world: World, admin: AdminClient, child: Child, timeout_s: float, members: int = 1
) -> float:
    """Until the system's group is settled: `members` members (the processes of
    `--processes N`), every input partition assigned, no rebalance under way. Returns the
    seconds that took from the child's start (start-up, joining, assignment)."""
    wait_for(
        lambda: group_ready(world, admin, members),
        f"{name}: its group of {members} owning all {world.partitions} partitions, stable",
        timeout_s,
        child.watched,
    )
    return time.monotonic() - child.started


def committed_total(world: World, consumer: Consumer) -> int:
    """Input messages the system's group has committed, over all partitions."""
    parts = [TopicPartition(world.topic("raw"), p) for p in range(world.partitions)]
    return sum(max(tp.offset, 0) for tp in consumer.committed(parts, timeout=10))


def run_pass(
    system: str,
    pass_name: str,
    world: World,
    watched: Watched,
    reader: Reader,
    items: list[Item],
    timeout_s: float,
    rate: float = 1e9,
    produces: bool = True,
    last_commit: Callable[[], float | None] | None = None,
) -> Row:
    """Publish `items`, wait until the system has handled them all, measure."""
    published: dict[bytes, float] = {}

    def next_item(index: int) -> tuple[bytes | None, bytes | None]:
        key, value = items[index]
        published[key] = time.monotonic()
        return key, value

    before = len(reader.first_seen)
    conf = client_config(world.settings, "consumer")  # the system's group: offsets only
    offsets = Consumer(conf)
    # What the group must have committed once the pass is done: all it had before, and
    # this pass's postings (read before publishing, so none of them is counted yet).
    target = committed_total(world, offsets) + len(items)
    cpu_before = watched.cpu_seconds()
    threads_before = watched.threads_cpu()
    machine = MachineLoad()
    started = time.monotonic()
    publisher = Publisher(world, rate, next_item, limit=len(items))
    publisher.start()
    try:
        if produces:
            # Every key of a pass is new, so the count of distinct keys read says when all
            # are there (a peer's at-least-once duplicates count once).
            wait_for(
                lambda: len(reader.first_seen) >= before + len(items),
                f"{len(items)} outputs of {system} {pass_name}",
                timeout_s,
                watched,
            )
            ended = max(reader.first_seen[k] for k in published)
        else:
            wait_for(
                lambda: committed_total(world, offsets) >= target,
                f"{system} {pass_name}: offsets committed to the end of the input",
                timeout_s,
                watched,
            )
            ended = time.monotonic()
            stamp = last_commit() if last_commit else None
            if stamp is not None and time.time() - stamp < ended - started:
                # The worker's own time of its last commit, not our poll's.
                ended = min(ended, time.monotonic() - (time.time() - stamp))
    finally:
        offsets.close()
        publisher.stop()
    peak, steady = watched.memory(started)
    threads = per_thread_note(threads_before, watched.threads_cpu(), len(items))
    latencies = [reader.first_seen[k] - t for k, t in published.items()] if produces else []
    full = ""
    if produces:
        # Beside the start-to-end rate: the rate once the pipeline is full. A pass of a few
        # seconds pays the first consume and transaction and the last commit in full.
        full = f"steady {steady_rate([reader.first_seen[k] for k in published]):,.0f}/s"
        full += " (10-90% of outputs); "
    return Row(
        system,
        pass_name,
        count=len(items),
        seconds=ended - min(published.values()),
        latencies=latencies,
        cpu_s=watched.cpu_seconds() - cpu_before,
        rss_peak_mb=peak,
        rss_steady_mb=steady,
        # How long handing the postings to the producer took: a ceiling row close to it
        # measures the benchmark's publisher, not the system.
        note=full
        + f"published in {max(published.values()) - min(published.values()):.1f} s; "
        + machine.note(len(items))
        + threads,
    )


def per_thread_note(before: dict[str, float], after: dict[str, float], count: int) -> str:
    """'; threads, CPU µs per posting: main 410, other Python 60, rdk:broker 35, ...' (the
    steadier figure on a shared machine: what each thread itself spent on the pass)."""
    spent = {name: after[name] - before.get(name, 0.0) for name in after}
    parts = [
        f"{name} {seconds / count * 1e6:,.0f}"
        for name, seconds in sorted(spent.items(), key=lambda item: -item[1])
        if seconds > 0
    ]
    return "; threads, CPU µs per posting: " + ", ".join(parts) if parts else ""


# --- the systems ---------------------------------------------------------------------------


@contextmanager
def world_on_shared_stack() -> Iterator[World]:
    """Topics, group and Redis prefix of one system's own; deleted afterwards (never the
    shared stack's other data: no FLUSHALL, only this prefix's keys)."""
    world = World(SharedStack())
    world.create()
    try:
        yield world
    finally:
        admin = AdminClient(client_config(world.settings, "admin"))
        topics = [world.topic(n) for n in ("raw", "enriched", "changes", "dlq")]
        for future in admin.delete_topics(topics, operation_timeout=30).values():
            with suppress(Exception):
                future.result(timeout=30)
        client = redis.Redis(port=world.stack.redis_port)
        for batch in _chunks(client.scan_iter(match=f"{world.run_id}:*", count=1000), 500):
            client.delete(*batch)


def _chunks(keys: Iterator[bytes], size: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for key in keys:
        batch.append(key)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Child:
    """A system under test as a child process, its output in a log file."""

    def __init__(self, command: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        self._handle = log.open("ab")
        self.process = subprocess.Popen(
            command, stdout=self._handle, stderr=subprocess.STDOUT, env=env or dict(os.environ)
        )
        self.watched = Watched(self.process.pid)
        self.started = time.monotonic()
        self.members = 1  # consumer-group members it runs (stream run --processes N: N)

    def stop(self) -> None:
        self.watched.stop()
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(30)
        self._handle.close()

    def tail(self, lines: int = 8) -> str:
        return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])


def peer_command(world: World, python: Path, script: str, *extra: str) -> list[str]:
    return [
        str(python),
        str(PEERS / script),
        "--bootstrap",
        f"127.0.0.1:{world.stack.kafka_port}",
        "--input",
        world.topic("raw"),
        "--output",
        world.topic("enriched"),
        "--group",
        world.settings.kafka.group_id,
        *extra,
    ]


def redis_args(world: World) -> list[str]:
    return [
        "--redis-url",
        f"redis://127.0.0.1:{world.stack.redis_port}/0",
        "--prefix",
        world.run_id,
    ]


def ensure_peers_env() -> str | None:
    """The quix-streams environment (its pins differ from the project's), synced with uv on
    every run: the peer imports the project's enrichment, so a stale build of the native
    extension there (made before a native change) fails on import. Returns why it could
    not be made, or None."""
    uv = shutil.which("uv") or str(Path.home() / ".cargo/bin/uv")
    command = [uv, "sync", "--frozen", "--quiet", "--no-default-groups", "--group", "peers"]
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(PEERS_PYTHON.parents[1])}
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return f"`UV_PROJECT_ENVIRONMENT=.venv-peers {' '.join(command)}` failed"
    return None


@dataclass
class Bench:
    """The shared pieces of one run: input, deadlines, where logs go, settings printed."""

    source: Postings
    count: int
    timeout_s: float
    logs: Path
    settings: list[str] = field(default_factory=list)

    def items(self, id_prefix: str, start: int = 0, same_content: bool = False) -> list[Item]:
        return [
            self.source.item(start + i, id_prefix, same_content_as=i if same_content else None)
            for i in range(self.count)
        ]

    def system(
        self,
        name: str,
        passes: list[tuple[str, list[Item], bool]],
        start: Callable[[World, Path], Child],
    ) -> list[Row]:
        """Start a system on a world of its own, run its passes; a failure fails its rows."""
        rows: list[Row] = []
        with world_on_shared_stack() as world:
            log = self.logs / f"{name.replace(' ', '_')}-{world.run_id}.log"
            child = start(world, log)
            reader = Reader(world, world.topic("enriched"))
            reader.start()
            try:
                admin = AdminClient(client_config(world.settings, "admin"))
                ready_s = wait_ready(name, world, admin, child, self.timeout_s, child.members)
                port = getattr(child, "metrics_port", None)
                for pass_name, items, produces in passes:
                    rows.append(
                        run_pass(
                            name,
                            pass_name,
                            world,
                            child.watched,
                            reader,
                            items,
                            self.timeout_s,
                            produces=produces,
                            last_commit=(lambda: last_commit_stamp(port)) if port else None,
                        )
                    )
                # Transactions leave a commit marker per partition in the output topic:
                # offsets the reader never sees. None means no transaction committed.
                markers = output_offsets(world) - reader.count()
                for row in rows:
                    row.note += (
                        f"; {markers:,} transaction markers in the output topic"
                        f"; started and assigned {ready_s:.0f} s before the first pass"
                    )
                    if markers == 0 and name != "copy loop (plain)":
                        row.note += ": its output was NOT written in transactions"
            except RowError as failure:
                done = {r.pass_name for r in rows}
                rows += [
                    Row(name, p, note=f"FAILED: {failure}; log: {log}")
                    for p, _, _ in passes
                    if p not in done
                ]
                print(f"{name}: {failure}\n{child.tail()}", file=sys.stderr)
            finally:
                reader.stop()
                child.stop()
            self.settings += [
                f"{name}: {line.strip()}"
                for line in log.read_text("utf-8", "replace").splitlines()
                if "settings:" in line or line.startswith("copy loop:")
            ]
        return rows


def last_commit_stamp(port: int) -> float | None:
    """The worker's `stream_last_commit_timestamp_seconds` (unix time of its last commit)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("stream_last_commit_timestamp_seconds "):
            return float(line.split()[1])
    return None


def free_ports(count: int) -> int:
    """A port p with p .. p + count - 1 all free (bound and released together)."""
    for _ in range(100):
        sockets: list[socket.socket] = []
        try:
            first = socket.socket()
            sockets.append(first)
            first.bind(("127.0.0.1", 0))
            base: int = first.getsockname()[1]
            for offset in range(1, count):
                sockets.append(socket.socket())
                sockets[-1].bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports")


class WorkerChild(Child):
    """`stream run` with shipped defaults (harness.Worker builds its environment)."""

    def __init__(self, world: World, log: Path, *args: str) -> None:
        # `--processes N` serves child i's metrics on port + i: all N must be free (a
        # taken port + 1 ended a run's child with "Address already in use").
        port = free_ports(int(args[args.index("--processes") + 1]) if args else 1)
        extra = {"STREAM_LOG_LEVEL": "WARNING", "STREAM_WORKER__METRICS_PORT": str(port)}
        worker = Worker(world, log, extra, args)
        worker.log.close()  # Child keeps its own handle on the same file
        self.metrics_port = port
        self.log = log
        self._handle = log.open("ab")
        self.process = worker.process
        self.watched = Watched(self.process.pid)
        self.started = time.monotonic()
        self.members = int(args[args.index("--processes") + 1]) if args else 1


# --- the rows ------------------------------------------------------------------------------


def baseline(source: Postings, count: int) -> tuple[Row, list[float]]:
    """Enricher.compute on every posting, in this process; also per-posting times (µs)."""
    from stream.models import RawPosting

    raws = [RawPosting.model_validate_json(source.item(i)[1]) for i in range(count)]
    enricher = Enricher.build(Taxonomy.bundled())
    watched = Watched(os.getpid())
    try:
        times = []
        cpu_before = time.process_time()
        started = time.monotonic()
        for raw in raws:
            clock = time.perf_counter()
            enricher.compute(raw)
            times.append((time.perf_counter() - clock) * 1e6)
        ended = time.monotonic()
        cpu = time.process_time() - cpu_before
    finally:
        watched.stop()
    peak, steady = watched.memory(started)
    note = (
        f"median {percentile(times, 50):.0f} µs, p99 {percentile(times, 99):.0f} µs per posting;"
        " RSS of the benchmark process"
    )
    return Row(
        "enrichment alone",
        "in process",
        count,
        ended - started,
        cpu_s=cpu,
        rss_peak_mb=peak,
        rss_steady_mb=steady,
        note=note,
    ), times


def all_rows(bench: Bench, skip: set[str]) -> list[Row]:
    first, _ = baseline(bench.source, bench.count)
    out = [first]
    py = Path(sys.executable)
    if "copy" not in skip:
        for every, label in ((0, "plain"), (500, "transaction per 500")):

            def copy_peer(w: World, log: Path, e: int = every) -> Child:
                return Child(
                    peer_command(w, py, "copy_peer.py", "--transaction-every", str(e)), log
                )

            out += bench.system(
                f"copy loop ({label})", [("copy", bench.items(f"copy{every}-"), True)], copy_peer
            )
    if "worker" not in skip:
        cold = bench.items("w1-")
        out += bench.system(
            "stream run",
            [
                ("cold", cold, True),
                ("rescrape", cold, False),
                ("duplicate", bench.items("w1dup-", same_content=True), True),
            ],
            lambda w, log: WorkerChild(w, log),
        )
    if "worker" not in skip and "processes" not in skip:
        out += bench.system(
            "stream run --processes 2",
            [("cold", bench.items("w2-"), True)],
            lambda w, log: WorkerChild(w, log, "--processes", "2"),
        )
    if "quix" not in skip:
        problem = ensure_peers_env()
        if problem:
            out.append(Row("quix-streams", "cold", note=f"FAILED: {problem}"))
        else:
            out += bench.system(
                "quix-streams",
                [("cold", bench.items("quix-"), True)],
                lambda w, log: Child(
                    peer_command(w, PEERS_PYTHON, "quix_peer.py", *redis_args(w)), log
                ),
            )
    if "faust" not in skip:
        for guarantee in ("exactly_once", "at_least_once"):

            def faust_peer(w: World, log: Path, g: str = guarantee) -> Child:
                return Child(
                    peer_command(w, py, "faust_peer.py", *redis_args(w), "--guarantee", g), log
                )

            faust_rows = bench.system(
                f"faust-streaming ({guarantee.replace('_', '-')})",
                [("cold", bench.items(f"faust-{guarantee[:2]}-"), True)],
                faust_peer,
            )
            out += faust_rows
            if not faust_rows[0].note.startswith("FAILED"):
                break  # at-least-once only when exactly-once did not work
    return out


# --- the table -----------------------------------------------------------------------------


def render(rows: list[Row]) -> str:
    base = rows[0].rate
    ceilings = [r.rate for r in rows if r.system == "copy loop (transaction per 500)"]
    ceiling = ceilings[0] if ceilings else float("nan")
    header = [
        "system",
        "pass",
        "postings/s",
        "vs enrichment alone",
        "vs EOS copy",
        "publish-to-commit p50 / p99",
        "CPU s per 1,000",
        "RSS peak / steady MB",
        "note",
    ]
    body = []
    for r in rows:
        p50, p99 = percentile(r.latencies, 50), percentile(r.latencies, 99)
        body.append(
            [
                r.system,
                r.pass_name,
                fmt(r.rate, ",.0f"),
                fmt(r.rate / base, ".2f", "x"),
                fmt(r.rate / ceiling, ".2f", "x"),
                f"{fmt(p50 * 1000, ',.0f')} / {fmt(p99 * 1000, ',.0f')} ms" if r.latencies else "-",
                fmt(r.cpu_s / r.count * 1000 if r.count else None, ".2f"),
                f"{fmt(r.rss_peak_mb, '.0f')} / {fmt(r.rss_steady_mb, '.0f')}",
                r.note,
            ]
        )
    return table(header, body)


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the half-load modes --------------------------------------------------------------------


def half_load(bench: Bench, seconds: float, memory: bool) -> list[Row]:
    """The worker's maximum rate (a cold pass), then new postings at half of it for
    `seconds`: publish-to-commit p50/p99 and RSS over time (steady level and slope)."""
    rows: list[Row] = []
    with world_on_shared_stack() as world:
        log = bench.logs / f"worker-half-{world.run_id}.log"
        child = WorkerChild(world, log)
        reader = Reader(world, world.topic("enriched"))
        reader.start()
        try:
            admin = AdminClient(client_config(world.settings, "admin"))
            wait_ready("stream run", world, admin, child, bench.timeout_s, child.members)
            full = run_pass(
                "stream run", "cold, max rate", world, child.watched, reader,
                bench.items("max-"), bench.timeout_s,
            )  # fmt: skip
            rows.append(full)
            rate = full.rate / 2
            total = int(rate * seconds)
            # Items made as they are published: a long run never holds them all.
            lazy = _LazyItems(bench.source, total, "half-", start=bench.count)
            half_started = time.monotonic()
            half = run_pass(
                "stream run", f"half load ({rate:,.0f}/s, {seconds:.0f} s)", world,
                child.watched, reader, lazy, bench.timeout_s + seconds, rate=rate,
            )  # fmt: skip
            if memory:
                # RSS over the half-load stretch, minutes from its start; the first fifth
                # (caches and allocator arenas filling) is left out of the slope.
                points = [
                    ((t - half_started) / 60, rss / 2**20)
                    for t, rss in child.watched.samples
                    if t >= half_started
                ]
                growth = slope(points[len(points) // 5 :])
                half.note = (
                    f"RSS slope {growth:+.3f} MB/min over the last four fifths"
                    f" ({len(points)} samples)"
                )
            rows.append(half)
        except RowError as failure:
            rows.append(Row("stream run", "half load", note=f"FAILED: {failure}; log: {log}"))
        finally:
            reader.stop()
            child.stop()
    return rows


class _LazyItems(list[Item]):
    """A list-like view whose items are made when read (len and keys for the pass)."""

    def __init__(self, source: Postings, count: int, prefix: str, start: int) -> None:
        super().__init__()
        self._source, self._count, self._prefix, self._start = source, count, prefix, start

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> Item:  # type: ignore[override]
        return self._source.item(self._start + index, self._prefix)

    def __iter__(self) -> Iterator[Item]:
        return (self[i] for i in range(self._count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=5000, help="per pass")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per pass")
    parser.add_argument(
        "--skip", action="append", default=[], help="copy worker processes quix faust"
    )
    parser.add_argument("--latency", type=float, metavar="SECONDS", help="half-load latency")
    parser.add_argument("--memory", type=float, metavar="MINUTES", help="half-load RSS")
    args = parser.parse_args()

    started = dt.datetime.now(dt.UTC)
    print(f"started {started:%Y-%m-%d %H:%M} UTC, load average {load()}", flush=True)
    data = default_data_dir()
    source = f"the LinkedIn sample in {data}" if data else "synthetic (../shared/data absent)"
    print(f"input: {args.postings} postings per pass, {source}", flush=True)
    with tempfile.TemporaryDirectory(prefix="compare-") as directory:
        logs = Path(os.environ.get("COMPARE_LOGS", directory))
        logs.mkdir(parents=True, exist_ok=True)
        bench = Bench(Postings(args.postings), args.postings, args.timeout, logs)
        if args.latency or args.memory:
            seconds = args.latency if args.latency else args.memory * 60
            first, _ = baseline(bench.source, bench.count)  # the ratio column's base
            rows = [first, *half_load(bench, seconds, memory=bool(args.memory))]
        else:
            rows = all_rows(bench, set(args.skip))
        print(render(rows))
        for line in bench.settings:
            print(f"  {line}")
    ended = dt.datetime.now(dt.UTC)
    print(f"{args.postings} postings per pass; ended {ended:%H:%M} UTC, load average {load()}")


if __name__ == "__main__":
    main()
