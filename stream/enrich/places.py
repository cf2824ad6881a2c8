"""Where a posting is, as far as currency needs: free-text location -> ISO 3166 country.

`country_of` resolves the ambiguous currency signs ("$" in Toronto is CAD) and tells which
currency is local, so a salary paid in another one can be flagged (an India office paying
USD). It is deliberately small: a country name, a state or province code, or a city name.
"""

from __future__ import annotations

import re
from typing import Final

from stream.enrich.salary.currency import FAMILY_BY_COUNTRY
from stream.enrich.salary.vocab import AU_STATES, CA_PROVINCES, COUNTRY_NAMES, PLACES, US_STATES

_PLACE_TOKEN: Final = re.compile(r"[^\W\d_]{1,40}(?:\.[^\W\d_]{1,3}\.?)?", re.UNICODE)
_CODE_AFTER_COMMA: Final = re.compile(r",[ \t]?([A-Z]{2,3})\b")
_COUNTRY_TOKENS: Final = {"US": "US", "USA": "US", "UK": "GB", "UAE": "AE", "NZ": "NZ"}
# Australian state codes that are also US state codes: "Perth, WA" is Western Australia,
# "Vancouver, WA" is Washington. An Australian city next to the code decides.
_AU_US_CODES: Final = frozenset(("WA", "SA", "NT"))

_EURO_TEXT: Final = "AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK"
_EURO: Final = _EURO_TEXT.split()
LOCAL_CURRENCY: Final[dict[str, str]] = {
    **dict.fromkeys(_EURO, "EUR"),
    **{c: iso for fam in ("$", "kr", "Rs", "dinar", "riyal", "som") for c, iso in
       FAMILY_BY_COUNTRY[fam].items()},
    "GB": "GBP", "JP": "JPY", "CN": "CNY", "CH": "CHF", "AE": "AED", "MA": "MAD", "EG": "EGP",
    "PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON", "BG": "BGN", "BR": "BRL",
    "ZA": "ZAR", "NG": "NGN", "KE": "KES", "RU": "RUB", "UA": "UAH", "TR": "TRY",
    "IL": "ILS", "KR": "KRW", "PH": "PHP", "TH": "THB", "MY": "MYR", "ID": "IDR",
    "VN": "VND", "BD": "BDT", "RW": "RWF", "ET": "ETB", "BY": "BYN", "PE": "PEN",
    "GH": "GHS", "UG": "UGX", "TZ": "TZS", "EC": "USD",
}  # fmt: skip
"""The currency a country's own employers pay in (for the mismatch flag)."""


def country_of(location: str | None) -> str | None:
    """ISO 3166 country of a free-text location, or None; only as precise as currency needs.

    A country name wins (the last one: "Toronto, Ontario, Canada"), then a state or province
    code after a comma ("Vancouver, WA", "London, ON"), then a city or region name, then a
    code without a comma ("Sydney NSW").
    """
    if not location:
        return None
    words = _PLACE_TOKEN.findall(location[:300])
    lower = [w.lower() for w in words]
    grams = [" ".join(lower[i : i + n]) for n in (1, 2, 3) for i in range(len(lower) - n + 1)]
    countries = [COUNTRY_NAMES[g] for g in grams if g in COUNTRY_NAMES]
    if countries:
        return countries[-1]
    places = [PLACES[g] for g in grams if g in PLACES]
    au_city = "AU" in places
    after_comma = {m.group(1) for m in _CODE_AFTER_COMMA.finditer(location[:300])}
    coded = [_code_country(w, au_city) for w in reversed(words) if w in after_comma]
    bare = [_code_country(w, au_city) for w in reversed(words)] if len(words) > 1 else []
    for country in (*coded, *reversed(places), *bare):
        if country:
            return country
    return None


def _code_country(word: str, au_city: bool) -> str | None:
    if word in _COUNTRY_TOKENS:
        return _COUNTRY_TOKENS[word]
    if word in AU_STATES or (au_city and word in _AU_US_CODES):
        return "AU"
    if word in CA_PROVINCES:
        return "CA"
    return "US" if word in US_STATES else None
