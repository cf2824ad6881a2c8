"""/healthz, /readyz and /metrics served by a real HTTP server on an ephemeral port."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from stream.config import load_settings
from stream.ops.health import Health, HealthServer, make_server, redis_check, serve
from stream.ops.metrics import Metrics


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def metrics() -> Metrics:
    return Metrics(CollectorRegistry(), process=False)


@pytest.fixture
def health(clock: Clock, metrics: Metrics) -> Health:
    return Health(metrics, max_poll_gap_s=30, startup_grace_s=60, report_ttl_s=20, clock=clock)


@pytest.fixture
def server(metrics: Metrics, health: Health) -> Iterator[HealthServer]:
    running = make_server("127.0.0.1", 0, metrics, health)
    yield running
    running.close()


def _get(server: HealthServer, path: str) -> tuple[int, str, Any]:
    url = f"http://127.0.0.1:{server.port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def _json(server: HealthServer, path: str) -> tuple[int, dict[str, Any]]:
    code, content_type, body = _get(server, path)
    assert content_type == "application/json"
    return code, json.loads(body)


def test_healthz_alive_while_starting_then_while_polling(
    server: HealthServer, health: Health, clock: Clock
) -> None:
    assert _json(server, "/healthz") == (200, {"ok": True, "reason": "starting", "starting_s": 0})
    clock.now += 61
    code, body = _json(server, "/healthz")
    assert (code, body["ok"]) == (503, False)
    assert body["reason"].startswith("never polled")
    health.polled()
    clock.now += 29
    assert _json(server, "/healthz")[0] == 200
    clock.now += 2
    code, body = _json(server, "/healthz")
    assert code == 503
    assert body["reason"] == "no poll for 31s"
    health.polled()
    assert _json(server, "/healthz")[0] == 200


def test_readyz_subscribed_assigned_and_dependencies(
    server: HealthServer, health: Health, clock: Clock
) -> None:
    code, body = _json(server, "/readyz")
    assert (code, body["reason"]) == (503, "not subscribed yet")
    health.subscribed()
    code, body = _json(server, "/readyz")
    assert (code, body["reason"]) == (200, "waiting for assignment")
    health.assigned(3)
    health.report("kafka_consumer", True, "1 broker(s) up")
    code, body = _json(server, "/readyz")
    assert (code, body["reason"], body["assigned_partitions"]) == (200, "assigned", 3)
    assert body["dependencies"]["kafka_consumer"] == {"ok": True, "detail": "1 broker(s) up"}
    clock.now += 21  # the report went stale: a silent client is not healthy
    code, body = _json(server, "/readyz")
    assert (code, body["reason"]) == (503, "unreachable: kafka_consumer")
    health.report("kafka_consumer", True)
    health.stopping()
    assert _json(server, "/readyz") == (503, _json(server, "/readyz")[1])
    assert _json(server, "/readyz")[1]["reason"] == "stopping"


class _Redis:
    def __init__(self) -> None:
        self.up = True
        self.pings = 0

    def ping(self) -> bool:
        self.pings += 1
        if not self.up:
            raise ConnectionError("Connection refused")
        return True


def test_pulled_checks_are_cached_and_failures_explained(
    server: HealthServer, health: Health, clock: Clock
) -> None:
    redis = _Redis()
    health.add_check("redis", redis_check(redis))
    health.subscribed()
    assert _json(server, "/readyz")[0] == 200
    assert _json(server, "/readyz")[0] == 200
    assert redis.pings == 1  # within check_ttl_s: cached
    redis.up = False
    clock.now += 6
    code, body = _json(server, "/readyz")
    assert (code, body["reason"]) == (503, "unreachable: redis")
    assert body["dependencies"]["redis"]["detail"] == "ConnectionError: Connection refused"


def test_metrics_exposition_and_ready_gauge(server: HealthServer, health: Health) -> None:
    health.subscribed()
    health.polled()
    code, content_type, body = _get(server, "/metrics")
    assert code == 200
    assert content_type.startswith("text/plain; version=0.0.4")
    assert "stream_ready 1.0" in body
    assert "stream_last_poll_timestamp_seconds 1." in body
    assert _get(server, "/nope")[0] == 404


def test_serve_uses_the_settings_port_or_an_override(metrics: Metrics, health: Health) -> None:
    assert serve(load_settings(worker={"metrics_port": 0}), metrics, health) is None
    settings = load_settings(worker={"metrics_port": 9108, "metrics_host": "127.0.0.1"})
    running = serve(settings, metrics, health, port=0)  # e.g. metrics_port + process index
    assert running is not None
    try:
        assert running.port not in (0, 9108)
        assert _get(running, "/metrics")[0] == 200
    finally:
        running.close()
