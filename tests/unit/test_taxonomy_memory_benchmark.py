"""benchmarks/taxonomy_memory.py still runs against the current code (no figure asserted:
the script is for reading them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.deadlines import deadline

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "taxonomy_memory.py"


def test_taxonomy_memory_benchmark_prints_its_report() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        check=True,
        timeout=deadline(100),
    )
    for expected in ("skills,", "rss before load:", "taxonomy loaded: +", "extractor built: +"):
        assert expected in done.stdout
