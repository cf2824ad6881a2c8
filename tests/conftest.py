"""Shared fixtures: paths, and the reference data in ../shared/data (skipped when absent)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

from stream.enrich.text import normalize_text

# No per-example time limit for property tests: Hypothesis's default (200 ms) is a timing
# assertion, and a loaded CI machine can stall any one example past it. Examples are
# bounded by their count (`max_examples`), never by the clock.
# And the same examples on every run (`derandomize`): a property test that draws new ones
# each run can fail a submission on a case no change brought (CI drew "<A>" for
# test_text_fast.py on 2026-12-07, a test bug as old as the test). To search afresh, run
# with STREAM_HYPOTHESIS_PROFILE=explore and add what it finds as an `@example`.
settings.register_profile("no-deadline", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("STREAM_HYPOTHESIS_PROFILE", "no-deadline"))

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or a skip: the reference data is not part of the repository."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not present at {SHARED_DATA} (it lives beside the repo)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def real_descriptions(shared_data: Path) -> list[str]:
    """Every real description, normalized as the pipeline normalizes it: the LinkedIn
    sample's 500 and SkillSpan's dev postings (for tests that run a reader over real text)."""
    texts: list[str] = []
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        texts += [normalize_text(row.get("description") or "") for row in csv.DictReader(handle)]
    with (shared_data / "skills" / "skillspan_dev_postings.jsonl").open(encoding="utf-8") as f:
        texts += [normalize_text(json.loads(line).get("description") or "") for line in f]
    return texts
