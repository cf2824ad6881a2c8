"""Word lists for salary parsing: currency markers, multipliers, pay periods, cues, places.

Data only, kept apart from the parsing code so both stay readable. Regex fragments here are
alternations of literals with bounded gaps (no nested quantifiers): they are compiled in
salary_parse.py and matched on short, fixed-size windows.
"""

from __future__ import annotations

from typing import Final

AMBIGUOUS: Final = frozenset({"$", "¥", "kr", "Rs"})
"""Families whose ISO code depends on the country: resolved from the location."""

# Marker as written -> ISO code or AMBIGUOUS family. Case-sensitive: "TRY" is the lira,
# "try" is a verb; words that are markers in any case are listed in their usual spellings.
MARKERS: Final[dict[str, str]] = {
    "$": "$", "dollars": "$", "Dollars": "$", "USD$": "USD", "US$": "USD", "U$S": "USD",
    "USD": "USD", "usd": "USD", "C$": "CAD", "CA$": "CAD", "CAD$": "CAD", "CAD": "CAD",
    "A$": "AUD", "AU$": "AUD", "AUD$": "AUD", "AUD": "AUD", "NZ$": "NZD", "NZD": "NZD",
    "S$": "SGD", "SG$": "SGD", "SGD$": "SGD", "SGD": "SGD", "HK$": "HKD", "HKD": "HKD",
    "NT$": "TWD", "NTD": "TWD", "TWD": "TWD", "MX$": "MXN", "MXN": "MXN", "R$": "BRL",
    "BRL": "BRL", "£": "GBP", "GBP": "GBP", "gbp": "GBP", "€": "EUR", "EUR": "EUR",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "Euro": "EUR", "Euros": "EUR",
    "₹": "INR", "INR": "INR", "inr": "INR", "Rs.": "Rs", "Rs": "Rs", "₨": "Rs",
    "rupees": "Rs", "PKR": "PKR", "LKR": "LKR", "NPR": "NPR", "BDT": "BDT", "৳": "BDT",
    "CHF": "CHF", "Fr.": "CHF", "SFr.": "CHF", "kr": "kr", "kr.": "kr", "SEK": "SEK",
    "NOK": "NOK", "DKK": "DKK", "ISK": "ISK", "zł": "PLN", "zl": "PLN", "PLN": "PLN",
    "Kč": "CZK", "CZK": "CZK", "Ft": "HUF", "HUF": "HUF", "lei": "RON", "RON": "RON",
    "лв": "BGN", "лв.": "BGN", "BGN": "BGN", "₪": "ILS", "ILS": "ILS", "NIS": "ILS",
    "₺": "TRY", "TL": "TRY", "TRY": "TRY", "₽": "RUB", "руб": "RUB", "руб.": "RUB",
    "RUB": "RUB", "₴": "UAH", "грн": "UAH", "грн.": "UAH", "UAH": "UAH", "¥": "¥",
    "円": "JPY", "JPY": "JPY", "元": "CNY", "CNY": "CNY", "RMB": "CNY", "₩": "KRW",
    "원": "KRW", "KRW": "KRW", "₱": "PHP", "PHP": "PHP", "฿": "THB", "THB": "THB",
    "RM": "MYR", "MYR": "MYR", "Rp": "IDR", "IDR": "IDR", "₫": "VND", "VND": "VND",
    "₦": "NGN", "NGN": "NGN", "AED": "AED", "Dhs": "AED", "SAR": "SAR", "QAR": "QAR",
    "KWD": "KWD", "BHD": "BHD", "OMR": "OMR", "JOD": "JOD", "EGP": "EGP", "E£": "EGP",
    "MAD": "MAD", "KES": "KES", "KSh": "KES", "Ksh": "KES", "GHS": "GHS", "GH₵": "GHS",
    "ZAR": "ZAR", "KZT": "KZT", "₸": "KZT", "ARS": "ARS", "CLP": "CLP", "COP": "COP",
    "PEN": "PEN", "UYU": "UYU",
}  # fmt: skip

MULTIPLIERS: Final[dict[str, float]] = {
    "k": 1e3, "thousand": 1e3, "mm": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6,
    "lakh": 1e5, "lac": 1e5, "lpa": 1e5, "l": 1e5, "crore": 1e7, "cr": 1e7, "M": 1e6,
}  # fmt: skip

NON_PAY_UNIT: Final = (
    r"[ \t]{0,2}(?:%|\+?[ \t]?(?:years?|yrs?|yoe)\b|percent\b|(?:months?|weeks|days|hours"
    r"|hrs|nights?|shifts?|employees|people|members|users|customers|clients|countries|offices"
    r"|locations|stores|students|patients|beds|sq|ft|km|miles?|lbs?|kg|gb|mb|tb|x|st|nd|rd|th"
    r"|billion|bn|times|minutes?|mins?|seconds?)\b|\((?:k|b)\)|[ \t]?(?:million|mil)[ \t]"
    r"(?:users|members|people|customers))"
)

# Group name = period. Matched case-insensitively, at most 40 characters from an amount.
# Words must not continue a word ("spa" is not "pa"); slash forms may ("brutto/Jahr").
# A full word may be glued to a capitalised next word (scrapers drop line breaks:
# "per hourBenefits"); an abbreviation may not ("PAID" is not "pa").
_W = r"(?-i:(?![a-z]))"
_A = r"(?![A-Za-z0-9])"
_S = r"[ \t]"
PERIOD_WORDS: Final[dict[str, str]] = {
    "hour": rf"/{_S}?(?:hour{_W}|hr{_W}|h{_A}|std{_A}|stunde{_W})|(?<![a-z])(?:hourly{_W}"
    rf"|(?:per|an?|each){_S}(?:hour|hr){_W}|p\.?/?h(?:r|our)?{_A}|pro{_S}stunde|par{_S}heure"
    rf"|por{_S}hora|per{_S}uur)",
    "day": rf"/{_S}?(?:day{_W}|d{_A}|tag{_W}|jour{_W})|(?<![a-z])(?:daily{_W}|day{_S}rate"
    rf"|(?:per|a|each){_S}day{_W}|p\.?/d{_A}|p\.d\.|pro{_S}tag|par{_S}jour|por{_S}d[ií]a"
    rf"|per{_S}dag|tjm{_A})",
    "week": rf"/{_S}?(?:week{_W}|wk{_A}|w{_A})|(?<![a-z])(?:weekly{_W}"
    rf"|(?:per|a|each){_S}(?:week|wk){_W}|p\.?/?w{_A}|pro{_S}woche|par{_S}semaine"
    rf"|por{_S}semana)",
    "month": rf"/{_S}?(?:month{_W}|mth{_A}|mo{_A}|mon{_A}|monat{_W}|mois{_W}|m[eê]s{_W})"
    rf"|(?<![a-z])(?:monthly{_W}|(?:per|a|each){_S}(?:calendar{_S})?(?:month|mth|mo){_W}"
    rf"|p\.?/?m\.?{_A}|pcm{_A}|pro{_S}monat|monatlich|par{_S}mois|mensuel|por{_S}mes"
    rf"|al{_S}mes|mensual|mensal|por{_S}m[eê]s|per{_S}maand)",
    "year": rf"/{_S}?(?:year{_W}|yr{_A}|y{_A}|annum{_W}|jahr{_W}|an{_A}|año{_W}|jaar{_W})"
    rf"|(?<![a-z])(?:annually{_W}|annual{_W}|yearly{_W}|(?:per|an?|each){_S}"
    rf"(?:year|yr|annum|anum){_W}|p\.?/?a\.?{_A}|pro{_S}jahr|jährlich|im{_S}jahr"
    rf"|par{_S}an{_A}|annuel|por{_S}a[ñn]o|al{_S}año|anual|per{_S}jaar|lpa{_A})",
}

UP_TO_BEFORE: Final = (
    r"(?<![a-z])(?:up[ \t]?to|max(?:imum)?|not[ \t]to[ \t]exceed|as[ \t]high[ \t]as|bis[ \t]zu"
    r"|jusqu'?[ \t]?à|hasta)"
)
FROM_BEFORE: Final = (
    r"(?<![a-z])(?:from|starting(?:[ \t](?:at|from))?|starts[ \t]at|min(?:imum)?|at[ \t]least"
    r"|ab|à[ \t]partir[ \t]de|a[ \t]partir[ \t]de|desde|more[ \t]than|over|in[ \t]excess[ \t]of)"
)

# Evidence that a number in a description is pay.
CUE: Final = (
    r"(?<![a-z])(?:salary|salaries|pay|paid|compensation|comp|wages?|remuneration|rate|base"
    r"|range|earn(?:ing)?s?|ctc|package|income|gehalt|salaire|sueldo|stipendio)(?![a-z])"
)

# Amounts attached to these are not base pay (or not pay at all).
EXCLUDE: Final = (
    r"(?<![a-z])(?:bonus(?:es)?|commissions?|ote|on[- ]target|equity|stock|rsus?|shares"
    r"|options|sign(?:ing|[- ]?on)|relocation|stipend|allowance|reimburse\w{0,8}|referral"
    r"|tuition|per[ \t]diem|differential|funding|raised|revenue|valuation|arr|budget"
    r"|investment|tips|401[ \t]?\(?k|profit[- ]?shar\w{0,4}|grant|prize|fee|fees|deposit"
    r"|loan|discount|credit)(?![a-z])"
)

# --- Places: only what currency resolution needs (dollar, yen/yuan, krona, rupee families).
DOLLAR_COUNTRIES: Final[dict[str, str]] = {
    "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD",
    "TW": "TWD", "MX": "MXN", "AR": "ARS", "CL": "CLP", "CO": "COP", "UY": "UYU",
}  # fmt: skip
FAMILY_BY_COUNTRY: Final[dict[str, dict[str, str]]] = {
    "$": DOLLAR_COUNTRIES,
    "¥": {"JP": "JPY", "CN": "CNY"},
    "kr": {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"},
    "Rs": {"IN": "INR", "PK": "PKR", "LK": "LKR", "NP": "NPR"},
}
FAMILY_DEFAULT: Final[dict[str, str]] = {"$": "USD", "Rs": "INR"}
"""Used when the location does not decide: see salary.py for the policy and its confidence."""

# Lower-case names -> ISO 3166 country. Countries outrank state codes, which outrank cities
# ("Vancouver, WA" is in the US); see salary.country_of.
COUNTRY_NAMES: Final[dict[str, str]] = {
    "united states": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US", "america": "US",
    "canada": "CA", "australia": "AU", "new zealand": "NZ", "singapore": "SG",
    "hong kong": "HK", "taiwan": "TW", "mexico": "MX", "méxico": "MX", "argentina": "AR",
    "chile": "CL", "colombia": "CO", "uruguay": "UY", "japan": "JP", "china": "CN",
    "sweden": "SE", "norway": "NO", "denmark": "DK", "iceland": "IS", "india": "IN",
    "pakistan": "PK", "sri lanka": "LK", "nepal": "NP", "united kingdom": "GB",
    "germany": "DE", "france": "FR",
}  # fmt: skip
PLACES: Final[dict[str, str]] = {
    "new york": "US", "san francisco": "US", "seattle": "US", "boston": "US",
    "chicago": "US", "los angeles": "US", "austin": "US", "denver": "US", "atlanta": "US",
    "california": "US", "texas": "US", "florida": "US", "toronto": "CA",
    "vancouver": "CA", "montreal": "CA", "montréal": "CA", "ottawa": "CA", "calgary": "CA",
    "ontario": "CA", "quebec": "CA", "british columbia": "CA", "alberta": "CA",
    "sydney": "AU", "melbourne": "AU", "brisbane": "AU", "perth": "AU", "adelaide": "AU",
    "canberra": "AU", "new south wales": "AU", "victoria": "AU", "queensland": "AU",
    "auckland": "NZ", "wellington": "NZ", "taipei": "TW", "ciudad de méxico": "MX",
    "guadalajara": "MX", "buenos aires": "AR", "santiago": "CL", "bogotá": "CO",
    "bogota": "CO", "medellín": "CO", "montevideo": "UY", "tokyo": "JP", "osaka": "JP",
    "beijing": "CN", "shanghai": "CN", "shenzhen": "CN", "stockholm": "SE", "oslo": "NO",
    "copenhagen": "DK", "bengaluru": "IN", "bangalore": "IN", "mumbai": "IN",
    "chennai": "IN", "hyderabad": "IN", "pune": "IN", "delhi": "IN", "gurgaon": "IN",
    "gurugram": "IN", "noida": "IN", "tamil nadu": "IN", "karnataka": "IN",
    "maharashtra": "IN", "karachi": "PK", "lahore": "PK", "islamabad": "PK",
    "colombo": "LK", "kathmandu": "NP", "london": "GB", "berlin": "DE", "paris": "FR",
}  # fmt: skip
_US = "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH"
_US += " NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
US_STATES: Final = frozenset(_US.split(" "))
CA_PROVINCES: Final = frozenset(
    ("ON", "BC", "QC", "AB", "MB", "SK", "NS", "NB", "NL", "PE", "YT", "NU")
)
AU_STATES: Final = frozenset(("NSW", "VIC", "QLD", "TAS", "ACT"))
