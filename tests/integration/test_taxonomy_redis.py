"""The taxonomy store and `stream taxonomy push` against the real local Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from stream.enrich.skills.taxonomy import SkillEntry, Taxonomy
from stream.stores.taxonomy import current_version, fetch_current, publish_taxonomy
from tests.deadlines import deadline
from tests.integration.conftest import SCAN_COUNT

from .conftest import REDIS_PORT

STREAM_BIN = Path(sys.executable).parent / "stream"


@pytest.fixture
def prefix(stack: None) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    name = f"test-taxonomy-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis(port=REDIS_PORT)
    keys = list(client.scan_iter(f"{name}:*", count=SCAN_COUNT))
    if keys:
        client.delete(*keys)
    client.close()


def test_publish_fetch_and_poll_on_real_redis(prefix: str) -> None:
    client = redis.Redis(port=REDIS_PORT)
    assert current_version(client, prefix) is None
    bundled = Taxonomy.bundled()
    assert publish_taxonomy(client, bundled, prefix) == bundled.version
    assert current_version(client, prefix) == bundled.version
    assert fetch_current(client, prefix) == bundled
    entry = SkillEntry(id="python", name="Python", category="programming_language", group="g")
    smaller = Taxonomy.build("2026.1.0", [entry])
    publish_taxonomy(client, smaller, prefix)
    assert current_version(client, prefix) == smaller.version
    assert fetch_current(client, prefix) == smaller
    client.close()


def test_cli_push_publishes_the_bundled_taxonomy(prefix: str) -> None:
    env = {
        **os.environ,
        "STREAM_REDIS__URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "STREAM_REDIS__KEY_PREFIX": prefix,
    }
    command = [sys.executable, "-m", "stream.cli.taxonomy", "push"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=deadline(60))
    assert done.returncode == 0, done.stderr
    version = Taxonomy.bundled().version
    assert f"published {version}" in done.stdout
    assert current_version(redis.Redis(port=REDIS_PORT), prefix) == version
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=deadline(60))
    assert "unchanged" in again.stdout
