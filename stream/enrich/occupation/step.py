"""The occupation enrichment step: `occupation` on the posting, from its title alone."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from stream.enrich.occupation.match import code_title
from stream.enrich.occupation.table import data_digest
from stream.enrich.step import EnrichmentObserver, PreparedPosting
from stream.models import Occupation

# Bump when the matching rules or word tables change what a cached result would be without
# a new release; the data file's digest is appended, so a rebuilt table misses too.
OCCUPATION_RULES_VERSION = "1"


class OccupationPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    occupation: Occupation | None


_NO_OCCUPATION = OccupationPart(occupation=None)
# Parts by answer: answers are built once per code (`table.Index.built`), so the same
# object comes back for every title with that code; keyed by identity, it stays alive here.
_PARTS: dict[int, tuple[Occupation, OccupationPart]] = {}


def _part(occupation: Occupation | None) -> OccupationPart:
    if occupation is None:
        return _NO_OCCUPATION
    held = _PARTS.get(id(occupation))
    if held is None or held[0] is not occupation:
        held = _PARTS[id(occupation)] = (
            occupation,
            OccupationPart.model_construct(occupation=occupation),
        )
    return held[1]


def _version() -> str:
    return f"{OCCUPATION_RULES_VERSION}-{data_digest()}"


@dataclass(frozen=True, slots=True)
class OccupationStep:
    """The title coded to an ESCO occupation and its ISCO-08 unit group (docs/normalization.md,
    "Occupation"). Reads only the title: a few dictionary lookups per posting. The ESCO table
    loads on the first posting, once per process."""

    name: str = "occupation"
    version: str = field(default_factory=_version)

    @property
    def part(self) -> type[BaseModel]:
        return OccupationPart

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> OccupationPart:
        return _part(code_title(posting.title))
