"""Liveness, readiness and /metrics on the worker's metrics port.

    GET /metrics   Prometheus exposition of this process's registry
    GET /healthz   200 while alive and making progress: the loop polled Kafka within
                   `max_poll_gap_s` (or is still starting, within `startup_grace_s`); else 503
    GET /readyz    200 when subscribed (partitions assigned, or waiting for an assignment:
                   with more workers than partitions some legitimately get none), not
                   stopping, and every dependency is reachable; else 503

Both health answers are JSON: `{"ok": bool, "reason": str, ...details}`.

Dependencies come two ways. Pushed: `report(name, ok, detail)`, e.g. the broker state from
librdkafka statistics (stream/runtime/kafka_stats.py); a report older than `report_ttl_s`
counts as a failure, so a silent client is not "healthy". Pulled: `add_check(name, fn)`, e.g.
a Redis PING; run on the HTTP thread at most once per `check_ttl_s`, the result cached, so probes
cannot hammer Redis. Checks must be quick and bounded (client-side timeouts).

Thread-safety: the worker thread calls polled()/subscribed()/assigned()/report(); the HTTP
threads read. Plain attribute writes of immutable values are atomic under the GIL; the check
cache has a lock.

With `stream run --processes N`, child `index` serves on `metrics_port + index`
(`serve(..., port=...)`); Prometheus scrapes each port as its own target.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

from stream.config import Settings
from stream.ops.metrics import Metrics

log = logging.getLogger(__name__)

Check = Callable[[], bool]
"""A dependency check: True when reachable. May raise (counts as unreachable)."""


@dataclass(frozen=True, slots=True)
class Status:
    ok: bool
    reason: str
    details: dict[str, Any] = field(default_factory=dict)

    def body(self) -> bytes:
        return json.dumps({"ok": self.ok, "reason": self.reason, **self.details}).encode()


@dataclass(slots=True)
class _Dependency:
    ok: bool
    detail: str
    at: float


class Health:
    """What the worker tells about itself; what /healthz and /readyz answer from."""

    def __init__(
        self,
        metrics: Metrics | None = None,
        *,
        max_poll_gap_s: float = 60.0,
        startup_grace_s: float = 120.0,
        report_ttl_s: float = 60.0,
        check_ttl_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._metrics = metrics
        self._max_poll_gap_s = max_poll_gap_s
        self._startup_grace_s = startup_grace_s
        self._report_ttl_s = report_ttl_s
        self._check_ttl_s = check_ttl_s
        self._clock = clock
        self._started = clock()
        self._last_poll: float | None = None
        self._subscribed = False
        self._stopping = False
        self._assigned = 0
        self._reports: dict[str, _Dependency] = {}
        self._checks: dict[str, Check] = {}
        self._checked: dict[str, _Dependency] = {}
        self._lock = threading.Lock()

    # -- the worker side ------------------------------------------------------------------

    def polled(self) -> None:
        """The loop called consume()/poll(): it is making progress. Call once per loop."""
        self._last_poll = self._clock()
        if self._metrics is not None:
            self._metrics.last_poll.set_to_current_time()

    def subscribed(self) -> None:
        """subscribe() was called: from now on, waiting for (or holding) an assignment."""
        self._subscribed = True

    def assigned(self, partitions: int) -> None:
        """The number of partitions currently assigned (after each rebalance callback)."""
        self._assigned = partitions

    def stopping(self) -> None:
        """Shutdown began: not ready any more (still alive while draining)."""
        self._stopping = True

    def report(self, name: str, ok: bool, detail: str = "") -> None:
        """Push the state of a dependency (stale after `report_ttl_s`)."""
        self._reports[name] = _Dependency(ok, detail, self._clock())

    def add_check(self, name: str, check: Check) -> None:
        """Register a pulled dependency check, run by /readyz at most every `check_ttl_s`."""
        self._checks[name] = check

    # -- the probe side -------------------------------------------------------------------

    def liveness(self) -> Status:
        now = self._clock()
        if self._last_poll is None:
            starting = now - self._started
            if starting <= self._startup_grace_s:
                return Status(True, "starting", {"starting_s": round(starting, 1)})
            return Status(False, f"never polled in {starting:.0f}s", {})
        gap = now - self._last_poll
        details = {"last_poll_s_ago": round(gap, 1)}
        if gap > self._max_poll_gap_s:
            return Status(False, f"no poll for {gap:.0f}s", details)
        return Status(True, "polling", details)

    def readiness(self) -> Status:
        dependencies = self._dependencies()
        details: dict[str, Any] = {
            "assigned_partitions": self._assigned,
            "dependencies": {name: {"ok": d.ok, "detail": d.detail} for name, d in dependencies},
        }
        failing = [name for name, dep in dependencies if not dep.ok]
        if self._stopping:
            status = Status(False, "stopping", details)
        elif not self._subscribed:
            status = Status(False, "not subscribed yet", details)
        elif failing:
            status = Status(False, "unreachable: " + ", ".join(sorted(failing)), details)
        else:
            state = "assigned" if self._assigned > 0 else "waiting for assignment"
            status = Status(True, state, details)
        if self._metrics is not None:
            self._metrics.ready.set(1 if status.ok else 0)
        return status

    def _dependencies(self) -> list[tuple[str, _Dependency]]:
        now = self._clock()
        found: list[tuple[str, _Dependency]] = []
        for name, dep in list(self._reports.items()):
            if now - dep.at > self._report_ttl_s:
                dep = _Dependency(False, f"no report for {now - dep.at:.0f}s", dep.at)
            found.append((name, dep))
        for name, check in list(self._checks.items()):
            found.append((name, self._run_check(name, check, now)))
        return found

    def _run_check(self, name: str, check: Check, now: float) -> _Dependency:
        with self._lock:
            cached = self._checked.get(name)
            if cached is not None and now - cached.at < self._check_ttl_s:
                return cached
            try:
                ok = bool(check())
                detail = "reachable" if ok else "check failed"
            except Exception as exc:  # any failure of a dependency check means "unreachable"
                ok, detail = False, f"{type(exc).__name__}: {exc}"[:200]
            result = _Dependency(ok, detail, now)
            self._checked[name] = result
            return result


class _Pingable(Protocol):
    def ping(self) -> Any: ...


def redis_check(client: _Pingable) -> Check:
    """A readiness check for Redis: PING (bounded by the client's socket timeout)."""

    def check() -> bool:
        return bool(client.ping())

    return check


class HealthServer:
    """The HTTP server on its daemon thread; `close()` stops it."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="metrics-http", daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def make_server(host: str, port: int, metrics: Metrics, health: Health) -> HealthServer:
    """Serve /metrics, /healthz and /readyz on host:port (port 0: an ephemeral port)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                health.readiness()  # keeps stream_ready current at every scrape
                # 0.0.4: what every Prometheus 2.x parses (prometheus_client now says 1.0.0).
                body = generate_latest(metrics.registry)
                self._send(200, CONTENT_TYPE_PLAIN_0_0_4, body)
            elif path in ("/healthz", "/readyz"):
                status = health.liveness() if path == "/healthz" else health.readiness()
                self._send(200 if status.ok else 503, "application/json", status.body())
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found\n")

        def _send(self, code: int, content_type: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # stdlib name
            return None  # probes every few seconds would flood the log

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return HealthServer(server)


def serve(
    settings: Settings, metrics: Metrics, health: Health, *, port: int | None = None
) -> HealthServer | None:
    """Start the metrics/health server (replaces service.serve_metrics). `port` overrides
    settings.worker.metrics_port (child `index` of --processes N: metrics_port + index);
    port 0 in the settings disables the server and returns None."""
    chosen = settings.worker.metrics_port if port is None else port
    if settings.worker.metrics_port == 0:
        return None
    server = make_server(settings.worker.metrics_host, chosen, metrics, health)
    url = f"http://{settings.worker.metrics_host}:{server.port}"
    log.info("metrics and health served", extra={"url": url, "paths": "/metrics /healthz /readyz"})
    return server
