"""Daily windows on event time: boundaries, event-time rules, closing."""

from __future__ import annotations

import datetime as dt

from stream.trends.windows import (
    day_date,
    day_end,
    day_from_date,
    day_of,
    event_time,
    is_closed,
    last_closed_day,
)
from tests.unit.trends_fakes import D0, DAY

H = 3600.0


def test_day_boundaries() -> None:
    assert day_of(D0) == 20_000
    assert day_of(D0 - 0.001) == 19_999
    assert day_of(D0 + DAY - 0.001) == 20_000
    assert day_end(20_000) == D0 + DAY
    assert day_date(20_000) == dt.date(2024, 10, 4)
    assert day_from_date(dt.date(2024, 10, 4)) == 20_000


def test_new_counts_on_recent_posted_at_else_when_seen() -> None:
    seen = D0 + 2 * H
    assert event_time("new", D0 - 3 * H, seen, backdate_s=6 * H) == D0 - 3 * H
    # Posted months ago (a back-fill): counts when we saw it, never as late.
    assert event_time("new", D0 - 90 * DAY, seen, backdate_s=6 * H) == seen
    # posted_at in the future beyond clock skew: not trusted.
    assert event_time("new", seen + 5 * H, seen, backdate_s=6 * H) == seen
    assert event_time("new", None, seen, backdate_s=6 * H) == seen


def test_updated_counts_when_seen() -> None:
    assert event_time("updated", D0 - H, D0 + H, backdate_s=6 * H) == D0 + H


def test_closing() -> None:
    grace = 6 * H
    assert not is_closed(20_000, None, grace)
    assert not is_closed(20_000, D0 + DAY + grace - 1, grace)
    assert is_closed(20_000, D0 + DAY + grace, grace)
    assert last_closed_day(None, grace) is None
    assert last_closed_day(D0 + DAY + grace - 1, grace) == 19_999
    assert last_closed_day(D0 + DAY + grace, grace) == 20_000
