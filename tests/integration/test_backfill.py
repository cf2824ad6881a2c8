"""Rebuilding a downstream index on the real stack: `stream backfill` replays the raw topic
into a new enriched topic while the live worker keeps running; every posting appears in
both, once, and the live outputs are left alone."""

from __future__ import annotations

import os
import subprocess
from collections import Counter

from stream.models import EnrichedPosting
from tests.deadlines import deadline
from tests.integration.conftest import STREAM_BIN, Env, Workers, produce, read_committed
from tests.integration.streams import collect
from tests.integration.test_faults import _publish


def _backfill(env: Env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(STREAM_BIN), "backfill", *args],
        env={**os.environ, **env.variables},
        capture_output=True,
        text=True,
        timeout=deadline(120),
    )


def _ids(env: Env, topic: str, expected: int) -> Counter[str]:
    return Counter(
        EnrichedPosting.model_validate_json(m.value() or b"").posting_id
        for m in read_committed(env, topic, expected, timeout_s=60)
    )


def test_a_backfill_rebuilds_every_posting_into_a_new_topic(env: Env, workers: Workers) -> None:
    workers.start("live")
    ids = _publish(env, 0, 60)
    produce(env, [(b"bad:1", b"{not json")])
    live = collect(env, len(ids), timeout_s=60, dlq_expected=1)
    assert sorted(live.enriched) == sorted(ids)

    rebuilt = env.topic("enriched-rebuilt")
    dry = _backfill(env, "--into", rebuilt, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"would replay {len(ids) + 1} raw messages into {rebuilt}" in dry.stdout

    done = _backfill(env, "--into", rebuilt)
    assert done.returncode == 0, done.stderr
    assert f"backfilled {rebuilt}: {len(ids)} postings written" in done.stdout
    assert _ids(env, rebuilt, len(ids)) == Counter(ids)  # every posting, once

    # The live outputs saw nothing of it: no second copy, no change event, no dead letter.
    again = collect(env, len(ids), timeout_s=30, dlq_expected=1)
    assert again.duplicates() == []
    assert again.dead_letters == 1
    assert sum(again.events.values()) == len(ids)

    # A rerun resumes after what it committed: nothing left to write.
    rerun = _backfill(env, "--into", rebuilt)
    assert rerun.returncode == 0, rerun.stderr
    assert f"backfilled {rebuilt}: 0 postings written" in rerun.stdout
    assert _ids(env, rebuilt, len(ids)) == Counter(ids)
