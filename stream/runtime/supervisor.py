"""`stream run --processes N`: N workers in one consumer group on one host.

Python enriches on one core per process, so scale-up on a host is more processes, exactly
like scale-out is more pods: each child is a full worker (own consumer, own transactional
producer, own Redis client) in the same consumer group, and Kafka spreads the partitions.
Child i serves its metrics on `metrics_port + i` under instance id `{base}-{i}`; Prometheus
scrapes each, and dashboards sum over instances (no multiprocess registry to get wrong).

The parent only supervises: SIGTERM/SIGINT are forwarded to the children, and when one
child exits with an error the others are stopped and the parent exits non-zero, so the
orchestrator (systemd, Kubernetes) restarts the whole unit.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import signal
import socket
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from types import FrameType

from stream.config import Settings
from stream.runtime import identity

log = logging.getLogger(__name__)


def child_settings(settings: Settings, index: int) -> Settings:
    """Settings of child `index`: its own metrics port and its own stable instance id."""
    worker = settings.worker
    port = worker.metrics_port + index if worker.metrics_port else 0
    base = worker.instance_id or socket.gethostname()
    update = {"metrics_port": port, "instance_id": f"{base}-{index}"}
    return settings.model_copy(update={"worker": worker.model_copy(update=update)})


def _child_main(settings: Settings, index: int) -> None:
    from stream.runtime.service import run_worker

    run_worker(child_settings(settings, index))


def supervise(settings: Settings, processes: int) -> int:
    """Run `processes` workers until they stop; returns the exit code for the parent."""
    # Decided once, from the settings as given: each child's id is explicit ("{base}-{i}"),
    # but it is only as stable as the base (an explicit id, or the host's name).
    return run_children(_child_main, identity.resolve(settings), processes, "worker")


def run_children(
    target: Callable[[Settings, int], None], settings: Settings, processes: int, kind: str
) -> int:
    """Start `target(settings, i)` in `processes` spawned children and supervise them:
    SIGTERM/SIGINT go to every child; when one exits with an error the others are stopped.
    Returns the parent's exit code. Shared by `stream run` and `stream trends`
    (stream/trends/processes.py); `target` must be a module-level function (spawn pickles it)."""
    context = mp.get_context("spawn")  # a clean interpreter: no inherited librdkafka state
    children: list[BaseProcess] = []
    for index in range(processes):
        process = context.Process(target=target, args=(settings, index), name=f"{kind}-{index}")
        process.start()
        children.append(process)
    log.info("supervising processes", extra={"kind": kind, "pids": [c.pid for c in children]})

    stopping = False

    def _forward(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.is_alive():
                child.terminate()  # SIGTERM: each child finishes its batch and exits 0

    signal.signal(signal.SIGTERM, _forward)
    signal.signal(signal.SIGINT, _forward)
    exit_code = 0
    while any(child.is_alive() for child in children):
        for child in children:
            if child.exitcode not in (None, 0) and not stopping:
                log.error(
                    "a child process exited, stopping the others",
                    extra={"process": child.name, "exitcode": child.exitcode},
                )
                exit_code = 1
                _forward(signal.SIGTERM, None)
        time.sleep(0.2)
    codes = [child.exitcode or 0 for child in children]
    return exit_code or (1 if any(codes) else 0)
