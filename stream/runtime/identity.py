"""Who a worker is to Kafka: its instance id, and whether that id is stable enough for
static group membership.

The instance id names the worker twice: `transactional.id = {prefix}-{instance}` (a restart
under the same id fences the dead incarnation's open transaction at once) and, with static
membership, `group.instance.id` (a restart under the same id takes its partitions back at
once, instead of waiting for the dead member's session to time out). Both pay off only if
a restarted worker comes back under the same id, and both break if two live workers share
one. So static membership is on by default exactly when the id is stable:

* set explicitly (`STREAM_WORKER__INSTANCE_ID`): the operator vouches for it. The shipped
  StatefulSet (deploy/k8s/worker.yaml) sets it to the pod name, `postings-enricher-<ordinal>`,
  which Kubernetes gives to at most one live pod at a time;
* derived from the host name (`{hostname}-{process index}`) anywhere but in a Kubernetes
  pod: a machine keeps its name across restarts, and so does a container restarted by its
  restart policy (one that is *recreated*, e.g. by a deploy, gets a new name: its new
  member then waits, once, for the old one's session to time out, since static members do
  not leave the group on a clean stop).

It is off when the id comes from the host name of a Kubernetes pod without an explicit id:
that is a Deployment's random pod name, new on every restart, so every restart, even a
clean rollout, would leave a ghost member holding its partitions for the session timeout.
`STREAM_KAFKA__STATIC_MEMBERSHIP` overrides the choice either way. `stream run --processes N`
decides once, in the parent, from the settings it was given; each child then gets
`{id}-{index}` and the same choice.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping

from stream.config import Settings


def default_instance_id(index: int = 0) -> str:
    """Stable across restarts on the same host and slot: fences a crashed predecessor."""
    return f"{socket.gethostname()}-{index}"


def ephemeral_hostname(environ: Mapping[str, str] | None = None) -> str | None:
    """Why this host's name may change on a restart (None: it will not)."""
    environ = os.environ if environ is None else environ
    if "KUBERNETES_SERVICE_HOST" in environ:
        return "a Kubernetes pod name (stable only in a StatefulSet; set the instance id)"
    return None


def static_membership(
    settings: Settings,
    environ: Mapping[str, str] | None = None,
) -> tuple[bool, str]:
    """Whether to use static membership, and why (for the start-up log)."""
    chosen = settings.kafka.static_membership
    if chosen is not None:
        return chosen, "set by STREAM_KAFKA__STATIC_MEMBERSHIP"
    if settings.worker.instance_id:
        return True, "the instance id is set explicitly"
    reason = ephemeral_hostname(environ)
    if reason is not None:
        return False, f"the instance id would come from the host name, {reason}"
    return True, "the instance id comes from the host name, outside Kubernetes"


def resolve(settings: Settings, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings with `kafka.static_membership` decided (never None), at process start."""
    enabled, _ = static_membership(settings, environ)
    kafka = settings.kafka.model_copy(update={"static_membership": enabled})
    return settings.model_copy(update={"kafka": kafka})
