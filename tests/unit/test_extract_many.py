"""`SkillExtractor.extract_many` and `SkillScanner.tally_many`: a list of postings in one
call (the native scan releases the GIL once for all of them) gives exactly what one
`extract` / `tally` call per posting gives, and a posting that fails is that posting's
error alone."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import pytest

from stream.enrich.skills.extract import SkillExtractor
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.text import normalize_text
from tests.unit.test_native_scan import HANDPICKED


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.bundled()


@pytest.mark.parametrize("engine", ["native", "python"])
@pytest.mark.parametrize("evidence", [False, True])
def test_extract_many_is_extract_per_posting(
    taxonomy: Taxonomy, engine: Any, evidence: bool
) -> None:
    extractor = SkillExtractor(taxonomy, evidence=evidence, engine=engine)
    expected = [extractor.extract(title, text) for title, text in HANDPICKED]
    assert any(expected)  # the texts do tag skills
    assert extractor.extract_many(HANDPICKED) == expected
    assert extractor.extract_many([]) == []


@pytest.mark.parametrize("evidence", [False, True])
def test_tally_many_is_tally_per_posting(taxonomy: Taxonomy, evidence: bool) -> None:
    scanner = SkillExtractor(taxonomy)._native
    assert scanner is not None
    expected = [scanner.tally(title, text, evidence) for title, text in HANDPICKED]
    # Any iterable of pairs: a generator too.
    assert scanner.tally_many(iter(HANDPICKED), evidence) == expected


@pytest.mark.parametrize("engine", ["native", "python"])
def test_a_failing_posting_is_its_own_error(taxonomy: Taxonomy, engine: Any) -> None:
    extractor = SkillExtractor(taxonomy, engine=engine)
    good = ("Python Developer", "Requirements: SQL and Kafka")
    pairs: list[Any] = [good, (5, "Python"), good, ("title", 7), good]
    results = extractor.extract_many(pairs)
    assert len(results) == 5
    assert isinstance(results[1], Exception)
    assert isinstance(results[3], Exception)
    expected = extractor.extract(*good)
    assert expected
    assert [results[0], results[2], results[4]] == [expected] * 3


def test_a_malformed_item_is_its_own_error(taxonomy: Taxonomy) -> None:
    scanner = SkillExtractor(taxonomy)._native
    assert scanner is not None
    pairs: list[Any] = [("", "Python"), "not a pair", ("a", "b", "c"), ("", "Python")]
    results = scanner.tally_many(pairs, False)
    assert isinstance(results[1], TypeError | ValueError)
    assert isinstance(results[2], TypeError | ValueError)
    assert results[0] == results[3] == scanner.tally("", "Python", False)
    assert results[0]  # Python is tagged


@pytest.mark.shared_data
def test_extract_many_on_real_postings(taxonomy: Taxonomy, shared_data: Path) -> None:
    csv.field_size_limit(sys.maxsize)
    path = shared_data / "salary" / "linkedin_postings_sample500.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        pairs = [
            (row.get("title") or "", normalize_text(row.get("description") or ""))
            for row in csv.DictReader(handle)
        ]
    assert len(pairs) == 500
    for evidence in (False, True):
        extractor = SkillExtractor(taxonomy, evidence=evidence)
        assert extractor.extract_many(pairs) == [extractor.extract(t, d) for t, d in pairs]
