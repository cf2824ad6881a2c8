"""The deploy files name exactly the image scripts/container.sh builds from the Dockerfile.

The image itself is checked by tests/container (built and run); this keeps the Dockerfile,
deploy/compose.yaml and deploy/k8s/worker.yaml in agreement without a container engine: image
name and tag, entrypoint, port, probes, user, read-only root filesystem, grace period.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO


def text(path: str) -> str:
    return (REPO / path).read_text("utf-8")


def one(pattern: str, haystack: str) -> str:
    match = re.search(pattern, haystack, re.M)
    assert match, pattern
    return match.group(1)


VERSION = one(r'^version = "(.+)"', text("pyproject.toml"))
IMAGE = f"{one(r'STREAM_IMAGE:-([a-z0-9._-]+)', text('scripts/container.sh'))}:{VERSION}"
DOCKERFILE = text("Dockerfile")
COMPOSE = text("deploy/compose.yaml")
K8S = text("deploy/k8s/worker.yaml")


def test_the_dockerfile_is_the_contract() -> None:
    assert IMAGE.startswith("postings-stream:")
    assert re.search(r'^ENTRYPOINT \["stream"\]$', DOCKERFILE, re.M)
    assert re.search(r'^CMD \["run"\]$', DOCKERFILE, re.M)
    assert re.search(r"^USER 10001:10001$", DOCKERFILE, re.M)
    assert re.search(r"^EXPOSE 9108$", DOCKERFILE, re.M)
    assert "STREAM_WORKER__METRICS_PORT=9108" in DOCKERFILE
    assert "/healthz" in DOCKERFILE.split("HEALTHCHECK", 1)[1].split("\n\n", 1)[0]


@pytest.mark.parametrize(
    "expected",
    [
        f"image: {IMAGE}",
        'entrypoint: ["stream"]',
        'command: ["run"]',
        'user: "10001:10001"',
        "read_only: true",
        '"9108:9108"',
        "http://127.0.0.1:9108/healthz",
    ],
)
def test_compose_runs_that_image(expected: str) -> None:
    assert expected in COMPOSE


@pytest.mark.parametrize(
    "expected",
    [
        f"image: {IMAGE}",
        'command: ["stream"]',
        'args: ["run"]',
        "runAsNonRoot: true",
        "runAsUser: 10001",
        "runAsGroup: 10001",
        "readOnlyRootFilesystem: true",
        "containerPort: 9108",
        "httpGet: { path: /healthz, port: metrics }",
        "httpGet: { path: /readyz, port: metrics }",
        'prometheus.io/port: "9108"',
    ],
)
def test_kubernetes_runs_that_image(expected: str) -> None:
    assert expected in K8S


def test_the_same_grace_period_everywhere() -> None:
    grace = one(r"terminationGracePeriodSeconds: (\d+)", K8S)
    assert f"stop_grace_period: {grace}s" in COMPOSE


def test_kubernetes_keeps_each_workers_identity_across_restarts() -> None:
    """A StatefulSet whose pod name is the instance id: a crashed pod comes back under the
    same transactional.id and group.instance.id (stream/runtime/identity.py)."""
    assert re.search(r"^kind: StatefulSet$", K8S, re.M)
    assert not re.search(r"^kind: Deployment$", K8S, re.M)
    service = one(r"^  serviceName: (\S+)$", K8S)
    assert f"name: {service}" in K8S.split("kind: Service", 1)[1]
    assert "clusterIP: None" in K8S.split("kind: Service", 1)[1]
    env = K8S.split("env:", 1)[1]
    pod_name = r"valueFrom: \{ fieldRef: \{ fieldPath: metadata.name \} \}"
    assert re.search(r"- name: STREAM_WORKER__INSTANCE_ID\n\s+" + pod_name, env)
    scaler = text("deploy/k8s/autoscaling.yaml")
    assert "kind: StatefulSet, name: postings-enricher }" in scaler
