"""Scoring of the place step against its labelled dev set (`place_cases.jsonl`, its texts read
from ../shared/data through tests/normalization/cases.py).

Each case is a location (and optionally a short description) with the judged answer:
- `place`: {country, region_code, city} or null (garbage: no place may be produced);
  `city` is a name or a list of accepted spellings ("Munich", "München").
- `places`: the list, for locations naming several.
- `work_mode`: onsite | hybrid | remote | null, where judged.
A key that is absent is not judged. Shared by the unit tests and
benchmarks/normalization_place.py, so both report the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stream.enrich.place.gazetteer import fold, gazetteer
from stream.enrich.place.step import PlaceStep
from stream.enrich.step import PreparedPosting
from stream.enrich.text import normalize_text
from stream.models import Place, RawPosting
from tests.normalization import cases as case_files


def load_cases(data: Path = case_files.SHARED_DATA) -> list[dict[str, Any]]:
    """The dev set; raises cases.SharedDataAbsentError when ../shared/data is not there."""
    return case_files.load("place_cases.jsonl", data)


def posting(location: str | None, description: str = "") -> PreparedPosting:
    raw = RawPosting(
        source="dev",
        source_id="1",
        title="Engineer",
        description=description or "-",
        location=location or None,
    )
    return PreparedPosting(raw, "Engineer", normalize_text(description))


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, what: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(what)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Scores:
    country: Tally = field(default_factory=Tally)
    region: Tally = field(default_factory=Tally)
    city: Tally = field(default_factory=Tally)
    places: Tally = field(default_factory=Tally)
    work_mode: Tally = field(default_factory=Tally)
    garbage: Tally = field(default_factory=Tally)
    """Cases judged to name no place: right when none was produced."""


def _city_ok(got: str | None, want: str | list[str] | None) -> bool:
    if want is None:
        return got is None
    options = [want] if isinstance(want, str) else want
    return got is not None and fold(got) in {fold(o) for o in options}


def _judge_place(got: Place | None, want: dict[str, Any], s: Scores, label: str) -> None:
    country = got.country if got else None
    s.country.add(country == want["country"], f"{label}: country {country}")
    if want.get("region_code"):
        region = got.region_code if got else None
        s.region.add(region == want["region_code"], f"{label}: region {region}")
    if want.get("city"):
        city = got.city if got else None
        s.city.add(_city_ok(city, want["city"]), f"{label}: city {city}")


def score(cases: list[dict[str, Any]] | None = None) -> Scores:
    step = PlaceStep(gazetteer())
    s = Scores()
    for case in cases if cases is not None else load_cases():
        label = repr(case.get("location")) + (" +desc" if case.get("description") else "")
        part = step.run(posting(case.get("location"), case.get("description", "")), None)
        if "place" in case:
            if case["place"] is None:
                s.garbage.add(part.place is None, f"{label}: invented {part.place}")
            else:
                _judge_place(part.place, case["place"], s, label)
        if "places" in case:
            want = case["places"]
            ok = len(part.places) == len(want) and all(
                g.country == w["country"] and _city_ok(g.city, w["city"])
                for g, w in zip(part.places, want, strict=False)
            )
            s.places.add(ok, f"{label}: {[(p.country, p.city) for p in part.places]}")
            for g, w in zip(part.places, want, strict=False):
                _judge_place(g, w, s, label)
        if "work_mode" in case:
            mode = part.work_mode
            s.work_mode.add(mode == case["work_mode"], f"{label}: work_mode {mode}")
    return s
