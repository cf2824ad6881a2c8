"""The `window` parameter of the query views."""

from __future__ import annotations

import pytest

from stream.trends.web import answer, query_days


def test_windows_named_by_the_query() -> None:
    assert query_days("day", 20_001) == range(20_001, 20_002)
    assert query_days("7d", 20_001) == range(19_995, 20_002)
    assert query_days("open", 20_001).start == 20_002
    assert query_days("2024-10-04", 20_001) == range(20_000, 20_001)
    assert answer(range(19_995, 20_002), [])["to"] == "2024-10-05"
    with pytest.raises(ValueError, match="isoformat"):
        query_days("last-week", 20_001)
