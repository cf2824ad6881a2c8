"""`places.country_of` (salary's currency and trends' country) answers from the place step's
gazetteer, so a posting's `place.country`, its pay currency and its trends cell agree."""

from __future__ import annotations

import pytest

from stream.enrich.place.gazetteer import gazetteer
from stream.enrich.place.step import PlaceStep
from stream.enrich.places import country_of
from stream.enrich.step import PreparedPosting
from stream.models import RawPosting


@pytest.mark.parametrize(
    ("location", "country"),
    [
        # the old hand-listed vocabulary got these wrong or not at all
        ("Hamburg, DE", "DE"),  # not Delaware
        ("Bremen", "DE"),
        ("Deutschland", "DE"),
        ("Genève, Suisse", "CH"),
        ("Greater Asheville", "US"),
        ("New York, NY | London, UK", "US"),  # the first place, as `place` reads it
        # and kept what it got right
        ("Perth, WA", "AU"),
        ("Vancouver, WA", "US"),
        ("Remote - US", "US"),
        ("Remote", None),
        ("See description", None),
    ],
)
def test_country_of_reads_the_gazetteer(location: str, country: str | None) -> None:
    assert country_of(location) == country


@pytest.mark.parametrize(
    "location",
    ["Toronto, ON", "London, KY", "London, Ontario", "IN Tamil Nadu (Chennai) - Office",
     "München, Bayern, Deutschland", "Sydney NSW 2000", "Chicago, IL; Denver, CO", "Singapore"],
)  # fmt: skip
def test_country_of_is_the_place_steps_country(location: str) -> None:
    raw = RawPosting(source="t", source_id="1", title="x", description="x", location=location)
    part = PlaceStep(gazetteer()).run(PreparedPosting(raw, "x", "x"), None)
    assert part.place is not None
    assert country_of(location) == part.place.country
