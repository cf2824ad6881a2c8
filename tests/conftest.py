"""Shared fixtures: paths, and the reference data in ../shared/data (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or a skip: the reference data is not part of the repository."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not present at {SHARED_DATA} (it lives beside the repo)")
    return SHARED_DATA
