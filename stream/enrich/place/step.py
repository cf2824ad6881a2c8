"""The place step: `place`, `places` and `work_mode` on the posting.

`places` is every place the location field names (`place` the first). When the location is
empty, a place stated plainly in the description ("based in Austin, TX", "Location: Berlin")
is read at lower confidence. `work_mode` comes from the location field, else the description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from pydantic import BaseModel, ConfigDict

from stream.enrich.place.gazetteer import Gazetteer
from stream.enrich.place.parse import (
    CACHED_LOCATIONS,
    MAX_LOCATION_CHARS,
    parse_one,
    parse_places,
)
from stream.enrich.place.work_mode import detect
from stream.enrich.step import EnrichmentObserver, PreparedPosting
from stream.models import Place, WorkMode

# Bump when the rules or the gazetteer data change what a cached result would be.
PLACE_RULES_VERSION = "1"
DESCRIPTION_CONFIDENCE: Final = 0.6
"""Scale of the confidence of a place read from the description."""
_DESCRIPTION_HEAD: Final = 20_000
_STATED: Final = re.compile(
    r"\b(?:located in|based in|based out of|office in|offices in|location: ?|"
    r"position is in|role is in|job location: ?|work location: ?)[ \t]?(?:the |our |)",
    re.IGNORECASE,
)
_NAME_WORDS: Final = re.compile(r"[^.;:!?()\n]{1,60}")
_LINKS: Final = frozenset(("of", "de", "am", "upon", "la", "del", "do", "da", "el"))


class PlacePart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    place: Place | None
    places: list[Place]
    work_mode: WorkMode | None


@dataclass(frozen=True, slots=True)
class PlaceStep:
    """Place(s) from the location (or the description) and the work mode."""

    gazetteer: Gazetteer
    name: str = "place"
    version: str = PLACE_RULES_VERSION

    @property
    def part(self) -> type[BaseModel]:
        return PlacePart

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> PlacePart:
        location = (posting.raw.location or "")[:MAX_LOCATION_CHARS]
        mode = detect(location, posting.description)
        if location.strip():
            return _located_part(location, mode, self.gazetteer)
        stated = stated_place(posting.description, self.gazetteer)
        places = [stated] if stated is not None else []
        return _built_part(places, mode)


def _built_part(places: list[Place], mode: WorkMode | None) -> PlacePart:
    return PlacePart.model_construct(
        place=places[0] if places else None, places=places, work_mode=mode
    )


@lru_cache(maxsize=CACHED_LOCATIONS)
def _located_part(location: str, mode: WorkMode | None, gaz: Gazetteer) -> PlacePart:
    # Locations repeat, and the part is frozen (`Enricher.assemble` validates its fields
    # into the posting, copying the list): one part per (location, work mode) saves
    # building a model per posting (~2 us), as the parsed places are kept per location.
    return _built_part(parse_places(location, gaz), mode)


def stated_place(description: str, gaz: Gazetteer) -> Place | None:
    """A place the description states plainly ("based in Austin, TX"), at lower confidence."""
    head = description[:_DESCRIPTION_HEAD]
    for m in _STATED.finditer(head):
        chunk = _NAME_WORDS.match(head, m.end())
        if chunk is None:
            continue
        words: list[str] = []
        for word in chunk.group().split():
            if not (word[:1].isupper() or word.lower() in _LINKS) or len(words) >= 6:
                break
            words.append(word)
        place = parse_one(" ".join(words), gaz) if words else None
        if place is not None:
            confidence = round(place.confidence * DESCRIPTION_CONFIDENCE, 2)
            return place.model_copy(update={"confidence": confidence})
    return None
