"""Where a posting is, as far as currency needs: free-text location -> ISO 3166 country.

`country_of` resolves the ambiguous currency signs ("$" in Toronto is CAD) and tells which
currency is local, so a salary paid in another one can be flagged (an India office paying
USD). It asks the place step's gazetteer, so there is one answer to "which country is this
location" across the posting's `place`, its salary and the trends.
"""

from __future__ import annotations

from typing import Final

from stream.enrich.place.gazetteer import gazetteer
from stream.enrich.place.parse import parse_places
from stream.enrich.salary.currency import FAMILY_BY_COUNTRY

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
    """ISO 3166 country of a free-text location, or None.

    The place step's answer (`place.parse`, the GeoNames/ISO gazetteer): the country of the
    first place the location names, so salary, trends and the posting's `place` never
    disagree about where a posting is ("Perth, WA" is Australia, "Vancouver, WA" the US,
    "IN Tamil Nadu (Chennai)" India; "Remote" names no country). Parsed locations are
    cached by the place step, so the salary step's lookup of the same string costs a dict
    hit. The gazetteer is built once per process (the registry builds it at start).
    """
    if not location:
        return None
    places = parse_places(location, gazetteer())
    return places[0].country if places else None
