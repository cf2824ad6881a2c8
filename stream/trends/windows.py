"""Daily tumbling windows on event time, and which events are too late for theirs.

A window is a UTC day, named by its index (days since 1970-01-01). The event time of a
change is when the change happened as far as the market is concerned:
- `new`: the posting's `posted_at` when it is known and recent (no earlier than
  `enriched_at - backdate_s`, no later than `enriched_at` plus an hour of clock skew),
  else `enriched_at` (when we first saw it): a back-fill of months-old postings counts on
  the day we saw them, instead of being dropped as late into long-closed windows;
- `updated`: `enriched_at`, the moment we saw the change.

Each source partition keeps a watermark, the highest event time it has applied. A day is
closed on a partition once the watermark passes its end plus `grace_s`; later events for
it are late: counted in a metric and dropped, never applied to a window already published.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

DAY_S: Final = 86_400
SKEW_S: Final = 3_600


def day_of(timestamp: float) -> int:
    """The window (UTC day index) holding a Unix timestamp."""
    return int(timestamp // DAY_S)


def day_start(day: int) -> float:
    return float(day * DAY_S)


def day_end(day: int) -> float:
    """Exclusive end of the window."""
    return float((day + 1) * DAY_S)


def day_date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=day)


def day_from_date(date: dt.date) -> int:
    return (date - dt.date(1970, 1, 1)).days


def event_time(kind: str, posted_at: float | None, enriched_at: float, backdate_s: float) -> float:
    """The event time of a change (see the module docstring)."""
    if (
        kind == "new"
        and posted_at is not None
        and enriched_at - backdate_s <= posted_at <= enriched_at + SKEW_S
    ):
        return posted_at
    return enriched_at


def is_closed(day: int, watermark: float | None, grace_s: float) -> bool:
    """True once a watermark has passed the day's end plus the grace period."""
    return watermark is not None and watermark >= day_end(day) + grace_s


def last_closed_day(watermark: float | None, grace_s: float) -> int | None:
    """The newest day that a watermark closes, or None before the first close."""
    if watermark is None:
        return None
    day = day_of(watermark - grace_s) - 1
    return day if is_closed(day, watermark, grace_s) else None
