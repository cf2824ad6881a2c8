"""`stream trends --processes N`: N instances of the trends app on one host.

Each child is a whole instance (`app.Trends`) in the same Faust consumer group, so Kafka
spreads the source partitions over them exactly as it does over replicas on several hosts:
each applies and closes its own partitions, and each follows the whole changelog, so any
of them answers any query and the owner of partition 0 publishes. Child i serves its web
port as `web_port + i` (queries and /metrics: Prometheus scrapes each) and keeps its data
under `data_dir/i`.

The parent only supervises, with the supervisor of `stream run --processes`
(stream/runtime/supervisor.py `run_children`):
SIGTERM/SIGINT go to the children; when one child fails, the others are stopped and the
parent exits non-zero, so that the orchestrator restarts the unit.
"""

from __future__ import annotations

from pathlib import Path

from stream.config import Settings
from stream.runtime.supervisor import run_children


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
    return run_children(_child_main, settings, processes, "trends")
