"""`stream trends --processes N`: N instances of the trends app on one host.

Each child is a whole instance (`app.Trends`) in the same Faust consumer group, so Kafka
spreads the source partitions over them exactly as it does over replicas on several hosts:
each applies and closes its own partitions, and each follows the whole changelog, so any
of them answers any query and the owner of partition 0 publishes. Child i serves its web
port as `web_port + i` (queries and /metrics: Prometheus scrapes each) and keeps its data
under `data_dir/i`.

The parent only supervises, like `stream run --processes` (stream/runtime/supervisor.py):
SIGTERM/SIGINT go to the children; when one child fails, the others are stopped and the
parent exits non-zero, so that the orchestrator restarts the unit.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import signal
import time
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType

from stream.config import Settings

log = logging.getLogger(__name__)


def child_settings(settings: Settings, index: int) -> Settings:
    """Settings of child `index`: its own web port and its own data directory."""
    t = settings.trends
    update = {"web_port": t.web_port + index, "data_dir": str(Path(t.data_dir) / str(index))}
    return settings.model_copy(update={"trends": t.model_copy(update=update)})


def _child_main(settings: Settings, index: int) -> None:
    from stream.trends.app import Trends

    mine = child_settings(settings, index)
    Path(mine.trends.data_dir).mkdir(parents=True, exist_ok=True)  # Faust makes one level
    Trends(mine).run()


def supervise(settings: Settings, processes: int) -> int:
    """Run `processes` instances until they stop; returns the exit code for the parent."""
    context = mp.get_context("spawn")  # a clean interpreter: no inherited Kafka state
    children: list[BaseProcess] = []
    for index in range(processes):
        process = context.Process(
            target=_child_main, args=(settings, index), name=f"trends-{index}"
        )
        process.start()
        children.append(process)
    log.info("supervising trends instances: pids %s", [c.pid for c in children])

    stopping = False

    def _forward(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.is_alive():
                child.terminate()  # SIGTERM: Faust finishes its batch, commits, leaves

    signal.signal(signal.SIGTERM, _forward)
    signal.signal(signal.SIGINT, _forward)
    exit_code = 0
    while any(child.is_alive() for child in children):
        for child in children:
            if child.exitcode not in (None, 0) and not stopping:
                log.error(
                    "trends instance %s exited %s: stopping the others", child.name, child.exitcode
                )
                exit_code = 1
                _forward(signal.SIGTERM, None)
        time.sleep(0.2)
    codes = [child.exitcode or 0 for child in children]
    return exit_code or (1 if any(codes) else 0)
