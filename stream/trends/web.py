"""The query views on Faust's web server: `/trends/top`, `/trends/skills/{id}`,
`/trends/occupations` and `/metrics`. Answers merge every partition's records at read time,
from the changelog view (`view`) that every instance keeps: any instance answers any query,
so none is routed. Until the view has read the changelog as far as it reached when the
instance started, the answers would be partial: they are 503 instead."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from typing import Any

import faust
from prometheus_client import CollectorRegistry, generate_latest

from stream.trends import report
from stream.trends.facts import is_group
from stream.trends.view import ChangelogView
from stream.trends.windows import DAY_S, day_date, day_from_date

MAX_N = 1000


class UnavailableError(Exception):
    """Answered 503: this instance's view is not complete yet."""


def query_days(window: str, newest: int | None) -> range:
    """The days a `window` parameter names; `newest` is the newest published day.

    `day` (default): the newest published day; `7d`: the 7 days ending there; `open`: the
    days after it (not yet published); `YYYY-MM-DD`: that day. Raises ValueError.
    """
    if newest is None:
        newest = int(time.time() // DAY_S) - 1
    if window == "day":
        return range(newest, newest + 1)
    if window == "7d":
        return range(newest - 6, newest + 1)
    if window == "open":
        return range(newest + 1, newest + 1_000)
    day = day_from_date(dt.date.fromisoformat(window))
    return range(day, day + 1)


def answer(days: range, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "from": day_date(days.start).isoformat(),
        "to": day_date(days.stop - 1).isoformat(),
        "rows": rows,
    }


def register(
    app: faust.App,
    view: ChangelogView,
    newest_published: Callable[[], int | None],
    registry: CollectorRegistry,
    before_scrape: Callable[[], None],
) -> None:
    def parse(query: Mapping[str, str]) -> tuple[range, str, int]:
        if not view.caught_up:
            raise UnavailableError("catching up with the changelog")
        days = query_days(query.get("window", "day"), newest_published())
        n = int(query.get("n", "10"))
        if not 1 <= n <= MAX_N:
            raise ValueError(f"n must be 1..{MAX_N}")
        return days, query.get("country", "*"), n

    @app.page("/metrics")
    async def metrics(web: Any, request: Any) -> Any:
        before_scrape()
        return web.bytes(generate_latest(registry), content_type="text/plain")

    @app.page("/trends/top")
    async def top(web: Any, request: Any) -> Any:
        try:
            days, country, n = parse(request.query)
        except ValueError as exc:
            return web.json({"error": str(exc)}, status=400)
        except UnavailableError as exc:
            return web.json({"error": str(exc)}, status=503)
        merged = report.merge_cells(view.records.items(), days, country)
        return web.json(answer(days, report.top_skills(merged, n)))

    @app.page("/trends/occupations")
    async def occupations(web: Any, request: Any) -> Any:
        # ISCO-08 unit groups by postings; "*" is every posting (the per-country count).
        try:
            days, country, n = parse(request.query)
        except ValueError as exc:
            return web.json({"error": str(exc)}, status=400)
        except UnavailableError as exc:
            return web.json({"error": str(exc)}, status=503)
        merged = report.merge_cells(view.records.items(), days, country, subjects=is_group)
        return web.json(answer(days, report.top_groups(merged, n)))

    @app.page("/trends/skills/{skill}")
    async def skill(web: Any, request: Any, skill: str) -> Any:
        try:
            days, country, _ = parse(request.query)
        except ValueError as exc:
            return web.json({"error": str(exc)}, status=400)
        except UnavailableError as exc:
            return web.json({"error": str(exc)}, status=503)
        wanted = None if "country" not in request.query else country
        merged = report.merge_cells(view.records.items(), days, wanted)
        rows = [report.figures_row(s, c, f) for (s, c), f in sorted(merged.items()) if s == skill]
        return web.json(answer(days, rows))
