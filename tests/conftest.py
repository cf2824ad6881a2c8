"""Shared fixtures: paths, and the reference data in ../shared/data (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# No per-example time limit for property tests: Hypothesis's default (200 ms) is a timing
# assertion, and a loaded CI machine can stall any one example past it. Examples are
# bounded by their count (`max_examples`), never by the clock.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or a skip: the reference data is not part of the repository."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not present at {SHARED_DATA} (it lives beside the repo)")
    return SHARED_DATA
