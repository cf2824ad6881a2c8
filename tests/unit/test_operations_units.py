"""Small pure pieces of the operator paths: replay filters, per-child settings."""

from __future__ import annotations

import base64
import datetime as dt

from stream.cli.dlq import ReplayFilter
from stream.codecs import original_key
from stream.config import load_settings
from stream.models import DeadLetter, ErrorKind
from stream.runtime.supervisor import child_settings

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def _letter(
    kind: ErrorKind = "invalid_json", key: str | None = "b:1", hours: int = 0
) -> DeadLetter:
    return DeadLetter(
        error_kind=kind,
        error="x",
        topic="postings.raw",
        partition=0,
        offset=1,
        failed_at=T0 + dt.timedelta(hours=hours),
        key=key,
        value_b64=base64.b64encode(b"{").decode(),
    )


def test_replay_filter_combines_kind_key_and_time() -> None:
    selection = ReplayFilter(
        frozenset({"schema_violation"}), "board:", since=T0, until=T0 + dt.timedelta(hours=2)
    )
    assert selection.matches(_letter("schema_violation", "board:7", hours=1))
    assert not selection.matches(_letter("invalid_json", "board:7", hours=1))
    assert not selection.matches(_letter("schema_violation", "other:7", hours=1))
    assert not selection.matches(_letter("schema_violation", "board:7", hours=2))
    assert ReplayFilter().matches(_letter(key=None))


def test_original_key_prefers_the_raw_bytes() -> None:
    letter = _letter(key=None).model_copy(update={"key_b64": base64.b64encode(b"\xff").decode()})
    assert original_key(letter) == b"\xff"
    assert original_key(_letter(key="b:1")) == b"b:1"
    assert original_key(_letter(key=None)) is None


def test_children_get_their_own_port_and_stable_instance_id() -> None:
    settings = load_settings(worker={"metrics_port": 9108, "instance_id": "host-a"})
    first, second = child_settings(settings, 0), child_settings(settings, 1)
    assert (first.worker.metrics_port, second.worker.metrics_port) == (9108, 9109)
    assert (first.worker.instance_id, second.worker.instance_id) == ("host-a-0", "host-a-1")
    disabled = child_settings(load_settings(worker={"metrics_port": 0}), 3)
    assert disabled.worker.metrics_port == 0
