"""FX rates through the real Redis: publish a day's rates, fetch them back, convert with them.

Uses the project's local stack (the `stack` fixture: deploy/local/stack.sh; never stopped
here) and a key prefix of its own, deleted at the end, so it can share a developer's Redis.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
import redis

from stream.enrich.fx import FxRates
from stream.enrich.salary.extract import extract_salary
from stream.stores.fx import fetch, publish, rates_on
from tests.integration.conftest import SCAN_COUNT

REDIS_PORT = int(os.environ.get("STREAM_LOCAL_REDIS_PORT", "6379"))


@pytest.fixture
def client(stack: None) -> Iterator[redis.Redis]:
    conn = redis.Redis(host="127.0.0.1", port=REDIS_PORT, decode_responses=True)
    conn.ping()
    yield conn
    conn.close()


@pytest.fixture
def prefix(client: redis.Redis) -> Iterator[str]:
    name = f"test-fx-{uuid.uuid4().hex[:12]}"
    yield name
    keys = list(client.scan_iter(match=f"{name}:*", count=SCAN_COUNT))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="module")
def fx() -> FxRates:
    return FxRates.bundled()


def test_publish_then_fetch_round_trip(client: redis.Redis, prefix: str, fx: FxRates) -> None:
    day = dt.date(2024, 3, 15)
    rates = rates_on(fx, day)
    assert {"EUR", "GBP", "INR", "AED", "USD"} <= set(rates)
    count = publish(client, prefix, day, rates, dt.date(2025, 6, 30), ttl_s=600)
    assert count == len(rates)
    assert fetch(client, prefix, day) == rates
    assert fetch(client, prefix) == rates  # latest published day
    assert fetch(client, prefix, dt.date(2024, 3, 16)) is None  # never published
    assert 0 < client.ttl(f"{prefix}:fx:{day.isoformat()}") <= 600
    assert rates["EUR"].source == "ecb"
    assert rates["EUR"].rate_date == day
    assert rates["AED"].source == "supplement"


def test_pinned_rates_drive_conversion(client: redis.Redis, prefix: str, fx: FxRates) -> None:
    """A worker pins what Redis holds: a (deliberately odd) published GBP rate wins."""
    day = dt.date(2024, 3, 15)
    rates = rates_on(fx, day)
    rates["GBP"] = type(rates["GBP"])(2.0, day, "ecb")
    publish(client, prefix, day, rates, dt.date(2025, 6, 30), ttl_s=600)
    fetched = fetch(client, prefix, day)
    assert fetched is not None
    local = FxRates.bundled()
    local.pin(day, {c: (r.usd_per_unit, r.rate_date) for c, r in fetched.items()})
    s = extract_salary("£50,000 per annum", "", "London", local, on=day)
    assert s is not None
    assert (s.annual_min_usd, s.fx_rate_date) == (100000.0, day)


def test_cli_push_and_show(client: redis.Redis, prefix: str) -> None:
    env = {**os.environ, "STREAM_REDIS__KEY_PREFIX": prefix}
    env["STREAM_REDIS__URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
    stream = [sys.executable, "-m", "stream.cli.fx"]
    pushed = subprocess.run(
        [*stream, "push", "--day", "2024-03-15"], env=env, capture_output=True, text=True
    )
    assert pushed.returncode == 0, pushed.stderr
    shown = subprocess.run(
        [*stream, "show", "--from-redis", "--day", "2024-03-15", "EUR", "AED"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0, shown.stderr
    assert "EUR" in shown.stdout
    assert "supplement" in shown.stdout
