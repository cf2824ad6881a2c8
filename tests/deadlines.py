"""Every wait in the tests takes its deadline from here, so a loaded machine gets more time
from one setting instead of flaking.

A test states the time something takes on a quiet machine; `deadline(seconds)` scales it by
`STREAM_TEST_DEADLINE_SCALE` (default 3: generous, because CI runs on a loaded 2-core
machine). Waits poll their condition and return as soon as it holds, so a generous deadline
costs nothing when things go well; it only bounds how long a real failure takes to report.
Quiet periods ("nothing more arrives for 3 s") are not deadlines and are not scaled.
"""

from __future__ import annotations

import os

SCALE = float(os.environ.get("STREAM_TEST_DEADLINE_SCALE", "3"))


def deadline(seconds: float) -> float:
    """Seconds to wait for something that takes `seconds` on a quiet machine."""
    return seconds * SCALE
