"""Free-text location -> places, against the gazetteer; null rather than a guess.

A location is cut into locations (";", "|", " / ", "•", " or "), each into parts (commas,
" - ", parentheses), each part cleaned of postcodes (any word with a digit: "EC2A", "2000"),
of work-mode words ("Remote", "Office") and of metro wrappers ("Greater X Area", "X
Metropolitan Area"). Every part is then read as a city, a region (name or code) and a
country (name in English or its own language, or ISO code), and one reading is chosen:

1. A city whose region and country agree with the other parts, most agreeing first, then
   the largest ("London, KY" is Kentucky's; "London, Ontario" Canada's; "London" alone the
   UK's). A stated country or region that disagrees with a city rules that city out; a
   code read both ways ("DE": Germany or Delaware) needs only one reading to agree.
   A name alone that is also a country is the country ("Canada", "Mexico") unless it is a
   metropolis's own name ("Singapore"); one that is also a region is the region
   ("Queensland", "Victoria") unless a metropolis of that region bears it ("New York") or
   the region is the city's own ("Berlin").
2. Else a region, kept only if it agrees with the stated country; alone, only regions of
   `LONE_REGION_COUNTRIES` ("Texas", "Bavaria"; not "Central", a region of Botswana).
3. Else a country.
A part the gazetteer does not know is a city only when a region code or name beside it
vouches for it ("Finksburg, MD"), at lower confidence. A lone city name must be a town of
at least `MIN_LONE_POPULATION` people: words that are also towns are not guessed.
Continents ("Europe") and acronyms ("APAC") name no place.

Confidence: 0.95 city confirmed by its region or country, or a country/region alone;
0.85 a lone city that dominates its namesakes (10x the next), else 0.6; 0.6 an unknown
city vouched for by its region. Places read from a description are scaled by 0.6.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from stream.enrich.place.gazetteer import (
    LONE_REGION_COUNTRIES,
    City,
    Gazetteer,
    Region,
    fold,
)
from stream.models import Place

MIN_LONE_POPULATION: Final = 50_000
MIN_METROPOLIS: Final = 1_000_000
MAX_LOCATION_CHARS: Final = 300
MAX_LOCATIONS: Final = 10
CACHED_LOCATIONS: Final = 8192

_LOCATIONS: Final = re.compile(r"[;|•\n]| / | or | and | & ")
_PARTS: Final = re.compile(r",|\s[-–—]\s|[()\[\]]|\s[-–—]$|^[-–—]\s")
# Work-mode and filler words a location carries beside the place.
_NOISE: Final = re.compile(
    r"\b(?:fully |100% )?(?:remote|hybrid|on[- ]?site|in[- ]office|office|work from home|"
    r"wfh|telecommute|anywhere|worldwide|global|flexible|headquarters|hq|based|"
    r"multiple locations?|locations?|various|nationwide|country|area|region|metroplex|"
    r"only|residents?|citizens?|eligible|preferred|"
    r"metropolitan|metro|greater|bay area)\b",
    re.IGNORECASE,
)
_LEADING: Final = frozenset(("in", "within", "from", "at", "near", "of", "the", "only"))
_ANY_DIGIT: Final = re.compile(r"\S*\d\S*")
_CODE: Final = re.compile(r"^[A-Z]{2,3}$")
_COUNTRY_WORDS: Final = frozenset(("UK", "USA", "UAE"))
_HAS_LETTER: Final = re.compile(r"[^\W\d_]")
# Words that make a part a county, district or the like: never a city of its own.
_NOT_CITY: Final = frozenset(("county", "parish", "district", "province", "state", "region"))


@dataclass(slots=True)
class _Part:
    text: str
    cities: tuple[City, ...]
    regions: tuple[Region, ...]
    countries: tuple[str, ...]


def parse_places(location: str | None, gaz: Gazetteer) -> list[Place]:
    """Every place a location names, in order; [] for none or garbage."""
    location = (location or "")[:MAX_LOCATION_CHARS]
    if not _HAS_LETTER.search(location):
        return []
    return list(_parse_cached(location, gaz))


@lru_cache(maxsize=CACHED_LOCATIONS)
def _parse_cached(location: str, gaz: Gazetteer) -> tuple[Place, ...]:
    # Pure, and locations repeat ("United States" is 13% of the LinkedIn sample): the
    # parsed places (frozen models) are kept for the most recent distinct strings.
    out: list[Place] = []
    for chunk in _LOCATIONS.split(location)[:MAX_LOCATIONS]:
        place = parse_one(chunk, gaz)
        if place is not None and not any(_same(place, seen) for seen in out):
            out.append(place)
    return tuple(out)


def _same(a: Place, b: Place) -> bool:
    return (a.country, a.region_code, a.city) == (b.country, b.region_code, b.city)


def parse_one(text: str, gaz: Gazetteer) -> Place | None:
    """The place one location names, or None."""
    parts = [_read(p, gaz) for p in _split_parts(text)]
    parts = [p for p in parts if p.text]
    if not parts:
        return None
    shown = text.strip()
    return _choose(parts, gaz, shown)


def _split_parts(text: str) -> list[str]:
    out: list[str] = []
    for raw in _PARTS.split(text):
        raw = _ANY_DIGIT.sub(" ", raw)
        raw = _NOISE.sub(" ", raw)
        words = raw.split()
        while len(words) > 1 and words[0] in _LEADING:  # "Remote in Texas", "within Germany"
            words = words[1:]
        if not words:
            continue
        # A code glued in front or behind ("IN Tamil Nadu", "Sydney NSW"): its own part.
        if len(words) > 1 and _CODE.match(words[0]):
            out.append(words[0])
            words = words[1:]
        if len(words) > 1 and _CODE.match(words[-1]):
            out += [" ".join(words[:-1]), words[-1]]
        else:
            out.append(" ".join(words))
    return out


def _read(text: str, gaz: Gazetteer) -> _Part:
    text = text.strip(" .'\"")
    key = fold(text)
    if key in gaz.continents:
        return _Part(text, (), (), ())  # "Europe", "Asia": region-wide, no country
    if _CODE.match(text):
        countries = _code_country(text, gaz)
        # "UK", "USA", "UAE" name a country, never a region (Uttarakhand is "UK" too).
        regions = () if text in _COUNTRY_WORDS else gaz.regions.get("code:" + text, ())
        return _Part(text, (), regions, countries)
    # An acronym is not a town ("APAC", "EMEA", "DACH"; "Apac" is in Uganda).
    cities = gaz.cities(key) if not (text.isupper() and len(text) <= 5) else ()
    if not cities and "-" in text and not key.endswith(("area",)):
        # "Raleigh-Durham-Chapel Hill", "Dallas-Fort Worth": the first city of a metro.
        cities = gaz.cities(fold(text.split("-")[0]))
    country = gaz.countries.get(key)
    return _Part(text, cities, gaz.regions.get(key, ()), (country,) if country else ())


def _code_country(code: str, gaz: Gazetteer) -> tuple[str, ...]:
    if code in gaz.alpha3:
        return (gaz.alpha3[code],)
    alias = gaz.countries.get(code.lower()) if code in _COUNTRY_WORDS else None
    if alias:
        return (alias,)
    return (code,) if code in gaz.country_codes else ()


def _choose(parts: list[_Part], gaz: Gazetteer, shown: str) -> Place | None:
    best: tuple[tuple[int, int, int], City, int] | None = None
    for i, part in enumerate(parts):
        if not part.cities or _region_first(i, part, parts):
            continue
        context = [p for j, p in enumerate(parts) if j != i and (p.regions or p.countries)]
        for city in part.cities:
            agree = _agreement(city, context)
            if agree is None:
                continue
            score = (agree, -i, city.population)
            if best is None or score > best[0]:
                best = (score, city, i)
    if best is not None:
        (agree, _, _), city, i = best
        part = parts[i]
        lone = agree == 0 and (
            city.population < MIN_LONE_POPULATION or _country_or_region_first(part, city)
        )
        if not lone:
            confidence = 0.95 if agree else _lone_confidence(part.cities, city)
            return _place(gaz, city.country, city.region_code, city.name, shown, confidence)
    return _region_or_country(parts, gaz, shown)


def _country_or_region_first(part: _Part, city: City) -> bool:
    """A lone name that is also a country or region ("Canada", "Mexico", "Queensland",
    "Washington", "Victoria") is the country or region, unless it is a metropolis's own
    name ("Singapore", "Delhi"), a metropolis of that region ("New York"), or the region
    is the city's own ("Bremen", "Berlin")."""
    metropolis = city.population >= MIN_METROPOLIS
    if part.countries:
        return not (metropolis and fold(city.name) == fold(part.text))
    regions = [r for r in part.regions if r.country in LONE_REGION_COUNTRIES]
    if not regions or any(r.code == city.region_code for r in regions):
        return False
    return not (metropolis and any(r.country == city.country for r in regions))


def _agreement(city: City, context: list[_Part]) -> int | None:
    """How well the other parts agree with a city (2 its region, 1 its country), or None
    when one of them rules it out (a region or country elsewhere)."""
    agree = 0
    for part in context:
        if city.region_code is not None and any(r.code == city.region_code for r in part.regions):
            agree += 2
        elif city.country in part.countries or (
            city.region_code is None and any(r.country == city.country for r in part.regions)
        ):
            agree += 1
        else:
            return None
    return agree


def _region_first(i: int, part: _Part, parts: list[_Part]) -> bool:
    """LinkedIn's "State, Country" ("New York, United States", "Washington, United
    States"): a US or Canadian state named like a city, followed by a country only, is read
    as the state."""
    if not part.regions or part.regions[0].country not in ("US", "CA"):
        return False
    rest = parts[i + 1 :]
    return bool(rest) and all(p.countries and not p.regions for p in rest)


def _lone_confidence(namesakes: tuple[City, ...], city: City) -> float:
    rivals = [c.population for c in namesakes if c.country != city.country]
    return 0.85 if not rivals or city.population >= 10 * max(rivals) else 0.6


def _region_or_country(parts: list[_Part], gaz: Gazetteer, shown: str) -> Place | None:
    # Countries by name only; then a name that is a country or a region is the country
    # ("Mexico", "Luxembourg") unless a named country holds the region ("Georgia, United
    # States"); a code that is also a region code ("DE" may be Delaware) comes last.
    pure = [c for p in parts if not p.regions for c in p.countries]

    def as_region(p: _Part) -> bool:
        return any(r.country in pure for r in p.regions)

    named = [p for p in parts if p.regions and p.countries and not _CODE.match(p.text)]
    countries = pure + [c for p in named if not as_region(p) for c in p.countries]
    coded = [c for p in parts for c in p.countries if p.regions and _CODE.match(p.text)]
    for i, part in enumerate(parts):
        if part in named and not as_region(part):
            continue
        for region in part.regions:
            if countries and region.country not in countries:
                continue
            if not countries and _CODE.match(part.text) and len(parts) == 1:
                continue  # a lone "CA" is a country code or a state: read as a country below
            if not countries and region.country not in LONE_REGION_COUNTRIES:
                continue  # "Central", "East", "West Coast" alone are words, not regions
            city = _vouched_city(parts, i)
            return _place(gaz, region.country, region.code, city, shown, 0.6 if city else 0.95)
    for country in (*countries, *coded):
        return _place(gaz, country, None, None, shown, 0.95 if countries else 0.6)
    return None


def _vouched_city(parts: list[_Part], region_at: int) -> str | None:
    """An unknown town just before its region ("Finksburg, MD"), read as written."""
    if region_at != 1 or parts[0].regions or parts[0].countries:
        return None
    text = parts[0].text
    words = text.split()
    if not 0 < len(words) <= 4 or any(fold(w) in _NOT_CITY for w in words):
        return None
    if not all(w[:1].isupper() for w in words if w.isalpha() and len(w) > 3):
        return None
    return text


def _place(
    gaz: Gazetteer,
    country: str,
    region_code: str | None,
    city: str | None,
    shown: str,
    confidence: float,
) -> Place:
    region = gaz.region_names.get(region_code) if region_code else None
    return Place.model_construct(
        country=country,
        region=region,
        region_code=region_code,
        city=city,
        text=shown,
        confidence=confidence,
    )
