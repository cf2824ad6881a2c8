"""Instance identity: static membership is on by default exactly when the instance id is
stable, and the librdkafka dicts follow the choice and the group protocol."""

from __future__ import annotations

import pytest

from stream.config import load_settings
from stream.runtime import identity
from stream.runtime.kafka import client_config
from stream.runtime.supervisor import child_settings

POD = {"KUBERNETES_SERVICE_HOST": "10.0.0.1"}


def test_shipped_default_leaves_the_choice_to_the_identity() -> None:
    assert load_settings().kafka.static_membership is None
    assert load_settings().kafka.group_protocol == "classic"


def test_an_explicit_instance_id_is_stable_even_in_a_pod() -> None:
    settings = load_settings(worker={"instance_id": "postings-enricher-2"})
    enabled, why = identity.static_membership(settings, POD)
    assert enabled, why


def test_a_host_name_outside_kubernetes_is_stable() -> None:
    # A machine keeps its name; so does a container restarted by its restart policy.
    assert identity.static_membership(load_settings(), {})[0]


def test_a_pod_name_without_an_explicit_id_is_not() -> None:
    # A Deployment's pod gets a new random name on every restart.
    enabled, why = identity.static_membership(load_settings(), POD)
    assert not enabled
    assert "StatefulSet" in why


@pytest.mark.parametrize("chosen", [True, False])
def test_the_setting_overrides_the_choice(chosen: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_KAFKA__STATIC_MEMBERSHIP", str(chosen).lower())
    settings = load_settings()
    assert identity.static_membership(settings, POD)[0] is chosen
    assert identity.static_membership(settings, {})[0] is chosen


def test_resolve_decides_once_and_children_inherit_it() -> None:
    # `--processes`: the children's ids are explicit ("{base}-{i}") but only as stable as
    # the base, so the parent's decision (here: a Deployment pod, off) must stand.
    parent = identity.resolve(load_settings(), POD)
    assert parent.kafka.static_membership is False
    child = child_settings(parent, 1)
    assert child.worker.instance_id is not None
    assert identity.resolve(child, POD).kafka.static_membership is False
    assert "group.instance.id" not in client_config(child, "consumer", "x-1")


def test_static_membership_uses_the_instance_id_for_both_ids() -> None:
    settings = identity.resolve(load_settings(worker={"instance_id": "pod-3"}), POD)
    consumer = client_config(settings, "consumer", "pod-3")
    producer = client_config(settings, "transactional_producer", "pod-3")
    assert consumer["group.instance.id"] == "pod-3"
    assert producer["transactional.id"] == "postings-enricher-pod-3"
    assert consumer["session.timeout.ms"] == 30_000
    assert consumer["partition.assignment.strategy"] == "cooperative-sticky"


def test_kip_848_leaves_session_and_assignment_to_the_broker() -> None:
    settings = load_settings(kafka={"group_protocol": "consumer"})
    consumer = client_config(settings, "consumer", "w0")
    assert consumer["group.protocol"] == "consumer"
    for classic_only in ("session.timeout.ms", "heartbeat.interval.ms"):
        assert classic_only not in consumer
    assert "partition.assignment.strategy" not in consumer
