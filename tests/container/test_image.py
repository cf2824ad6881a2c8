"""The image, end to end: the worker container on the host network against the real local stack.

Run by `bash scripts/container.sh test` (and so by CI, `.ci/run`), which builds the image, starts
Kafka and Redis if they are not running and sets STREAM_CONTAINER_IMAGE (and the engine and the
flags this machine needs). Without it every test here is skipped, with that reason.

Each run has topics, a consumer group, a transactional id and a Redis prefix of its own, and an
ephemeral metrics port, so it can share a stack (and the host network) with anything else.
Every wait polls its condition against one deadline, STREAM_CONTAINER_WAIT seconds (default
180): nothing here assumes a quiet machine. Figures (start time, stop time) are printed, not
asserted.

Only the CLI in the image and confluent-kafka are used, not the package's internals: this checks
the artefact, as an operator would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition

from tests.conftest import REPO, SHARED_DATA

IMAGE = os.environ.get("STREAM_CONTAINER_IMAGE", "")  # the image id (or a name)
TAG = os.environ.get("STREAM_CONTAINER_TAG", IMAGE)  # the name:tag it was built as
ENGINE = shlex.split(os.environ.get("STREAM_CONTAINER_ENGINE", "podman"))
RUN_FLAGS = shlex.split(os.environ.get("STREAM_CONTAINER_RUN_FLAGS", "--network host"))
WAIT_S = float(os.environ.get("STREAM_CONTAINER_WAIT", "180"))
KAFKA_PORT = int(os.environ.get("STREAM_LOCAL_KAFKA_PORT", "9092"))
REDIS_PORT = int(os.environ.get("STREAM_LOCAL_REDIS_PORT", "6379"))
BOOTSTRAP = f"127.0.0.1:{KAFKA_PORT}"
SEED_ID = "builtin:poshmark-senior-ml-engineer"

pytestmark = [
    pytest.mark.container,
    pytest.mark.skipif(
        not IMAGE,
        reason="container test: run `bash scripts/container.sh test` (builds the image, sets "
        "STREAM_CONTAINER_IMAGE)",
    ),
]

T = TypeVar("T")


def wait_until(condition: Callable[[], T | None], what: str) -> T:
    """Poll `condition` until it returns something other than None/False, or fail at WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while True:
        result = condition()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_S:.0f} s (STREAM_CONTAINER_WAIT) for {what}")
        time.sleep(0.25)


def engine(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The container engine (podman or docker) with the flags the script chose."""
    result = subprocess.run(
        [*ENGINE, *args], capture_output=True, text=True, timeout=WAIT_S, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{shlex.join([*ENGINE, *args])} exited {result.returncode}:\n{result.stderr[-3000:]}"
        )
    return result


def read_only_flags() -> list[str]:
    """A read-only root filesystem; with podman also no tmpfs on /tmp, /run, /var/tmp, which is
    what Kubernetes' readOnlyRootFilesystem gives (docker adds none anyway)."""
    return ["--read-only", "--read-only-tmpfs=false"] if ENGINE[0] == "podman" else ["--read-only"]


def one_off(*args: str) -> str:
    """`stream ARGS` (or any command) in a throwaway container of the image: no health check."""
    return engine("run", "--rm", "--no-healthcheck", *read_only_flags(), *RUN_FLAGS, *args).stdout


def http_get(port: int, path: str) -> tuple[int, str] | None:
    """(status, body) from the container's metrics port, None while nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, OSError):
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Run:
    """One run's world on the shared stack."""

    run_id: str
    metrics_port: int

    def topic(self, name: str) -> str:
        return f"{self.run_id}.postings.{name}"

    @property
    def group(self) -> str:
        return f"{self.run_id}-enricher"

    def variables(self) -> dict[str, str]:
        return {
            "STREAM_KAFKA__BOOTSTRAP_SERVERS": BOOTSTRAP,
            "STREAM_KAFKA__GROUP_ID": self.group,
            "STREAM_KAFKA__TRANSACTIONAL_ID_PREFIX": self.run_id,
            "STREAM_REDIS__URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "STREAM_REDIS__KEY_PREFIX": self.run_id,
            "STREAM_TOPICS__RAW": self.topic("raw"),
            "STREAM_TOPICS__ENRICHED": self.topic("enriched"),
            "STREAM_TOPICS__CHANGES": self.topic("changes"),
            "STREAM_TOPICS__DLQ": self.topic("dlq"),
            "STREAM_TRENDS__TRENDS_TOPIC": f"{self.run_id}.skills.trends",
            "STREAM_TRENDS__OCCUPATIONS_TOPIC": f"{self.run_id}.occupations.trends",
            "STREAM_TRENDS__RISING_TOPIC": f"{self.run_id}.skills.rising",
            "STREAM_TOPICS__PARTITIONS": "3",
            "STREAM_WORKER__METRICS_PORT": str(self.metrics_port),
            "STREAM_WORKER__BATCH_TIMEOUT_S": "0.2",
        }

    def env_flags(self) -> list[str]:
        return [
            flag for key, value in self.variables().items() for flag in ("-e", f"{key}={value}")
        ]

    def stream(self, *args: str, mounts: tuple[str, ...] = ()) -> str:
        """`stream ARGS` in a throwaway container of the image (operator commands)."""
        volumes = [flag for mount in mounts for flag in ("-v", mount)]
        return one_off(*self.env_flags(), *volumes, IMAGE, *args)


@pytest.fixture
def run() -> Run:
    for name, port in (("Kafka", KAFKA_PORT), ("Redis", REDIS_PORT)):
        with socket.socket() as sock:
            sock.settimeout(2)
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                pytest.fail(
                    f"{name} is not up on 127.0.0.1:{port} (scripts/container.sh test starts it)"
                )
    return Run(run_id=f"ct-{uuid.uuid4().hex[:10]}", metrics_port=free_port())


class Worker:
    """`stream run` in a detached container, like an orchestrator would run it."""

    def __init__(self, run: Run) -> None:
        self.name = f"{run.run_id}-worker"
        self.port = run.metrics_port
        self.started = time.monotonic()
        engine("run", "-d", "--name", self.name, *read_only_flags(), *RUN_FLAGS,
               *run.env_flags(), IMAGE)  # fmt: skip

    def state(self) -> dict[str, Any]:
        out = engine("inspect", "--format", "{{json .State}}", self.name).stdout
        state: dict[str, Any] = json.loads(out)
        return state

    def logs(self) -> str:
        result = engine("logs", self.name, check=False)
        return (result.stdout + result.stderr)[-6000:]

    def remove(self) -> None:
        engine("rm", "-f", self.name, check=False)


@pytest.fixture
def worker(run: Run) -> Iterator[Worker]:
    run.stream("topics", "create")
    started = Worker(run)
    yield started
    print(f"\n---- worker container log (tail) ----\n{started.logs()}")
    started.remove()


def sample_postings(run: Run) -> list[dict[str, Any]]:
    """Real postings from ../shared/data, made by `stream samples` in the image (the seed and
    LinkedIn rows); the bundled example when ../shared is absent."""
    if SHARED_DATA.is_dir():
        out = run.stream(
            "samples", "--data-dir", "/data", "--linkedin", "5", mounts=(f"{SHARED_DATA}:/data:ro",)
        )
        postings = [json.loads(line) for line in out.splitlines() if line.strip()]
        assert any(f"{p['source']}:{p['source_id']}" == SEED_ID for p in postings), out[:2000]
        return postings
    print(f"\n{SHARED_DATA} is absent: publishing the bundled example posting only")
    example = json.loads((REPO / "schemas/examples/raw_posting.json").read_text("utf-8"))
    return [example]


def key_of(posting: dict[str, Any]) -> str:
    return f"{posting['source']}:{posting['source_id']}"


def publish(topic: str, postings: list[dict[str, Any]]) -> None:
    producer = Producer({"bootstrap.servers": BOOTSTRAP, "enable.idempotence": True})
    for posting in postings:
        producer.produce(topic, key=key_of(posting).encode(), value=json.dumps(posting).encode())
    assert producer.flush(WAIT_S) == 0, "publish: messages still unacknowledged"


def read_all(topic: str, partitions: int = 3) -> list[tuple[int, int, str, bytes | None]]:
    """Every committed record of `topic` as (partition, offset, key, value), read_committed,
    up to the end of each partition (call it once every writer is done)."""
    consumer = Consumer(
        {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": f"reader-{uuid.uuid4().hex[:8]}",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            # The end of a partition is an event, also past trailing transaction markers.
            "enable.partition.eof": True,
        }
    )
    try:
        consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        records: list[tuple[int, int, str, bytes | None]] = []  # None: a tombstone
        at_end: set[int] = set()

        def done() -> bool:
            for message in consumer.consume(500, timeout=0.5):
                error, partition = message.error(), message.partition()
                if error is None:
                    offset = message.offset()
                    assert partition is not None  # a record has both
                    assert offset is not None
                    key = (message.key() or b"").decode()
                    records.append((partition, offset, key, message.value()))
                elif error.code() == KafkaError._PARTITION_EOF:
                    assert partition is not None  # the event names the partition at its end
                    at_end.add(partition)
                else:
                    raise AssertionError(f"reading {topic}: {error}")
            return len(at_end) == partitions

        wait_until(done, f"reading {topic} to its end")
        return records
    finally:
        consumer.close()


def committed_offsets(run: Run, partitions: int = 3) -> dict[int, int]:
    consumer = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": run.group})
    try:
        committed = consumer.committed(
            [TopicPartition(run.topic("raw"), p) for p in range(partitions)], timeout=30
        )
        return {tp.partition: max(tp.offset, 0) for tp in committed}
    finally:
        consumer.close()


def grace_period_s() -> float:
    """terminationGracePeriodSeconds of the worker on Kubernetes: the time SIGTERM may take."""
    text = (REPO / "deploy/k8s/worker.yaml").read_text("utf-8")
    match = re.search(r"terminationGracePeriodSeconds:\s*(\d+)", text)
    assert match, "deploy/k8s/worker.yaml has no terminationGracePeriodSeconds"
    return float(match.group(1))


def test_image_is_what_the_manifests_say() -> None:
    """Non-root numeric user, one entrypoint, the metrics port, a HEALTHCHECK on /healthz, OCI
    labels with the package version and the source, and no compiler or build tool inside."""
    inspected = json.loads(engine("image", "inspect", IMAGE).stdout)[0]
    config = inspected["Config"]
    # docker keeps the health check in Config, podman beside it.
    healthcheck = config.get("Healthcheck") or inspected.get("Healthcheck") or {}
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == ["stream"]
    assert config["Cmd"] == ["run"]
    assert "9108/tcp" in config["ExposedPorts"]
    assert "/healthz" in " ".join(healthcheck.get("Test", [])), "no HEALTHCHECK on /healthz"
    labels = config["Labels"]
    version = re.search(r'^version = "(.+)"', (REPO / "pyproject.toml").read_text(), re.M)
    assert version
    assert labels["org.opencontainers.image.version"] == version.group(1)
    assert TAG.endswith(f":{version.group(1)}")
    for name in ("source", "revision", "created"):
        assert labels[f"org.opencontainers.image.{name}"] not in ("", "unknown"), name
    tools = "gcc cc c++ cpp ld as make cargo rustc rustup uv"
    script = f"for tool in {tools}; do command -v $tool || true; done; id -u"
    found = one_off("--entrypoint", "sh", IMAGE, "-c", script).split()
    assert found == ["10001"], f"build tools in the runtime image: {found[:-1]}"
    version_out = one_off(IMAGE, "--version")
    assert version_out.strip() == version.group(1)


def test_the_image_holds_this_source_tree() -> None:
    """The image's `stream` package is the tree it was built from, file for file. A cached
    wheel of the project (uv's cache mount keys it on pyproject.toml only) once put an older
    `stream` into the image beside a newer native extension; the other tests only failed
    when their APIs parted (2026-12-06)."""
    script = (
        "cd /opt/venv/lib/python3.11/site-packages && "
        "find stream -name '*.py' -o -name '*.json' -o -name '*.toml' | sort | xargs sha256sum"
    )
    inside: dict[str, str] = {}
    for line in one_off("--entrypoint", "sh", IMAGE, "-c", script).splitlines():
        digest, name = line.split(None, 1)  # sha256sum: "digest  path"
        inside[name] = digest
    here = {
        str(path.relative_to(REPO)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((REPO / "stream").rglob("*"))
        if path.suffix in (".py", ".json", ".toml") and "__pycache__" not in path.parts
    }
    differ = sorted(name for name in here if inside.get(name) != here[name])
    assert not differ, f"{len(differ)} files of stream/ differ in the image: {differ[:5]}"


def test_the_image_reads_places_and_occupations() -> None:
    """The data the normalizers need is in the image (the build removes data they never
    read, so this is what would catch removing too much): `stream enrich` in the image."""
    posting = {
        "source": "t",
        "source_id": "1",
        "title": "Elektriker (m/w/d)",
        "location": "München, Bayern, Deutschland",
        "description": "Vollzeit.",
    }
    line = shlex.quote(json.dumps(posting, ensure_ascii=False))
    out = one_off("--entrypoint", "sh", IMAGE, "-c", f"echo {line} | stream enrich")
    enriched = json.loads(out)
    assert enriched["place"]["country"] == "DE"
    assert enriched["place"]["region_code"] == "DE-BY"
    assert enriched["place"]["city"]
    assert enriched["occupation"]["isco_code"].startswith("74")  # electrical trades


def test_worker_container_end_to_end(run: Run, worker: Worker) -> None:
    """Ready, healthy and scraped from outside; enriches real postings exactly once; on SIGTERM
    commits the batch in hand and exits 0 within the grace period."""

    def ready() -> bool:
        if worker.state()["Status"] == "exited":
            pytest.fail(f"the worker exited before it was ready:\n{worker.logs()}")
        answer = http_get(worker.port, "/readyz")
        return answer is not None and answer[0] == 200

    wait_until(ready, "/readyz to answer 200")
    print(f"\nstart to ready (/readyz 200): {time.monotonic() - worker.started:.1f} s")
    wait_until(lambda: (http_get(worker.port, "/healthz") or (0,))[0] == 200, "/healthz 200")
    if ENGINE[0] == "podman":
        # The image's own HEALTHCHECK command, run inside the container by the engine (its 3 s
        # timeout includes a Python start: retried, as the engine itself would).
        wait_until(
            lambda: engine("healthcheck", "run", worker.name, check=False).returncode == 0,
            "the image's HEALTHCHECK to pass",
        )
    else:
        wait_until(
            lambda: worker.state().get("Health", {}).get("Status") == "healthy", "docker: healthy"
        )

    postings = sample_postings(run)
    publish(run.topic("raw"), postings)
    keys = {key_of(p) for p in postings}
    enriched: dict[str, dict[str, Any]] = {}
    reader = Consumer(
        {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": f"reader-{run.run_id}",
            "isolation.level": "read_committed",
            "auto.offset.reset": "earliest",
        }
    )
    reader.subscribe([run.topic("enriched")])
    try:

        def all_enriched() -> bool:
            for message in reader.consume(100, timeout=0.5):
                value = message.value()
                if message.error() is None:
                    assert value is not None, "an enriched posting is never a tombstone"
                    enriched[(message.key() or b"").decode()] = json.loads(value)
            return keys <= enriched.keys()

        wait_until(all_enriched, f"{len(keys)} enriched postings on {run.topic('enriched')}")
    finally:
        reader.close()
    for key, record in enriched.items():
        assert record["posting_id"] == key
        for field in ("content_hash", "taxonomy_version", "enricher_version"):
            assert record[field], (key, field)
    seed = enriched.get(SEED_ID) or enriched[key_of(postings[0])]
    assert seed["skills"], "the seed posting got no skills"
    salary = seed["salary"]
    assert salary, "the seed posting's salary was not parsed"
    assert salary["annual_min"], salary
    print(
        f"enriched {len(enriched)} postings; seed: {len(seed['skills'])} skills, "
        f"salary {salary['text']!r}"
    )

    def scraped() -> bool:
        metrics = http_get(worker.port, "/metrics")
        return (
            metrics is not None
            and metrics[0] == 200
            and re.search(r"^stream_postings_enriched_total\{[^}]*\} [1-9]", metrics[1], re.M)
            is not None
            and re.search(r"^stream_ready 1\.0$", metrics[1], re.M) is not None
        )

    wait_until(scraped, "/metrics with stream_postings_enriched_total > 0 and stream_ready 1")

    # A second wave of new postings (a few batches' worth of enriching), then SIGTERM at once:
    # whatever the worker has in hand must be committed with its outputs, and nothing else.
    wave = [{**p, "source_id": f"{p['source_id']}-wave2-{i}"} for i, p in enumerate(postings * 40)]
    publish(run.topic("raw"), wave)
    stop_at = time.monotonic()
    engine("kill", "--signal", "TERM", worker.name)
    grace = grace_period_s()
    state = wait_until(
        lambda: (s := worker.state())["Status"] == "exited" and s, "the worker to exit"
    )
    took = time.monotonic() - stop_at
    print(
        f"SIGTERM to exit: {took:.1f} s (grace period {grace:.0f} s), exit code {state['ExitCode']}"
    )
    assert state["ExitCode"] == 0, worker.logs()
    assert took < grace, f"took {took:.1f} s to stop, more than the grace period ({grace:.0f} s)"

    committed = committed_offsets(run)
    raw = read_all(run.topic("raw"))
    outputs = {key for _, _, key, _ in read_all(run.topic("enriched"))}
    done = {key for p, offset, key, _ in raw if offset < committed[p]}
    pending = {key for p, offset, key, _ in raw if offset >= committed[p]}
    assert keys <= done, "the first wave is not committed"
    assert done <= outputs, f"committed but not published: {sorted(done - outputs)[:5]}"
    assert not (pending & outputs), f"published but not committed: {sorted(pending & outputs)[:5]}"
    assert not read_all(run.topic("dlq")), "dead letters for real sample postings"
    print(
        f"at SIGTERM: {len(done) - len(keys)} of {len(wave)} second-wave postings in hand and "
        f"committed, {len(pending)} left for the next worker; committed offsets {committed}"
    )


def test_trends_app_container(run: Run, worker: Worker) -> None:
    """The trends app (`stream trends`) in its container, beside the worker's: it reads the
    worker's change events, answers its web view and /metrics from outside, and on SIGTERM
    exits 0 within the grace period. Read-only root, as the worker; its data directory is a
    tmpfs (an emptyDir on Kubernetes, deploy/k8s/trends.yaml)."""
    web_port = free_port()
    name = f"{run.run_id}-trends"
    variables = {
        "STREAM_TRENDS__APP_ID": f"{run.run_id}-trends",
        "STREAM_TRENDS__TRENDS_TOPIC": f"{run.run_id}.skills.trends",
        "STREAM_TRENDS__RISING_TOPIC": f"{run.run_id}.skills.rising",
        "STREAM_TRENDS__OCCUPATIONS_TOPIC": f"{run.run_id}.occupations.trends",
        "STREAM_TRENDS__WEB_PORT": str(web_port),
        "STREAM_TRENDS__DATA_DIR": "/tmp/trends",
    }
    flags = [flag for key, value in variables.items() for flag in ("-e", f"{key}={value}")]
    started = time.monotonic()
    tmpfs = ["--tmpfs", "/tmp/trends:rw,mode=1777"]
    engine("run", "-d", "--name", name, "--no-healthcheck", *read_only_flags(), *RUN_FLAGS,
           *tmpfs, *run.env_flags(), *flags, IMAGE, "trends")  # fmt: skip

    def logs() -> str:
        result = engine("logs", name, check=False)
        return (result.stdout + result.stderr)[-6000:]

    def status() -> dict[str, Any]:
        state: dict[str, Any] = json.loads(
            engine("inspect", "--format", "{{json .State}}", name).stdout
        )
        return state

    try:
        postings = sample_postings(run)
        publish(run.topic("raw"), postings)

        def top_skills() -> list[Any] | None:
            if status()["Status"] == "exited":
                pytest.fail(f"the trends app exited:\n{logs()}")
            answer = http_get(web_port, "/trends/top?window=open&n=5")
            if answer is None or answer[0] != 200:
                return None
            body = json.loads(answer[1])
            items = (
                body
                if isinstance(body, list)
                else next((v for v in body.values() if isinstance(v, list)), [])
            )
            return items or None

        top = wait_until(top_skills, "GET /trends/top to list skills from the worker's events")
        print(f"\ntrends: first answer {time.monotonic() - started:.1f} s after start: {top[:3]}")
        metrics = wait_until(lambda: http_get(web_port, "/metrics"), "the trends /metrics")
        assert metrics[0] == 200
        assert "# TYPE" in metrics[1]

        stop_at = time.monotonic()
        engine("kill", "--signal", "TERM", name)
        state = wait_until(lambda: (s := status())["Status"] == "exited" and s, "trends to exit")
        took = time.monotonic() - stop_at
        print(f"trends: SIGTERM to exit {took:.1f} s, exit code {state['ExitCode']}")
        assert state["ExitCode"] == 0, logs()
        assert took < grace_period_s(), f"took {took:.1f} s to stop"
    finally:
        print(f"\n---- trends container log (tail) ----\n{logs()}")
        engine("rm", "-f", name, check=False)
