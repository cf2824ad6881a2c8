"""Currency knowledge for salary parsing: markers as written -> ISO 4217 code or family.

Data only. A marker maps to an ISO code when it names one currency ("€", "zł", "ر.س"), or to
a family when the same sign is used by several countries ("$", "kr", "¥", "dinar", "riyal"):
families are resolved from the posting's location in salary.py and stay null when the
location does not decide (except "$" and "Rs", whose policy is documented there).

Sources of the knowledge: ISO 4217 (codes, active and the common pre-euro ones), and the
usual local symbols and abbreviations (CLDR-style symbols, Arabic and Cyrillic abbreviations).
Nothing here is fitted to an evaluation row: every entry is a general fact about a currency.

Matching rules (salary_amounts.py): markers are case-sensitive ("TRY" is the lira, "try" a
verb); alphabetic markers must not touch other letters; AFTER_ONLY markers (short Latin
abbreviations that are also ordinary words or initials: "MT", "Ar", "Bs") only count right
after a number, where the locales that use them write them.
"""

from __future__ import annotations

from typing import Final

# ISO 4217 active codes (2024), plus pre-euro national codes still seen in old prices.
_ISO_TEXT = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD "
    "BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN "
    "ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD "
    "IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD "
    "MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB "
    "PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD "
    "SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV "
    "WST XAF XCD XOF XPF YER ZAR ZMW ZWL ATS BEF DEM ESP FIM FRF GRD IEP ITL LUF NLG PTE"
)
_ISO = _ISO_TEXT.split()
ISO_CODES: Final = frozenset(_ISO)

# Lower-case spellings are accepted for the common codes that are not also words ("140,00
# pln", "1 nzd"); "all", "top", "try", "cad", "php", "pte", "ron" near a number are not money.
_LOWER_OK_TEXT: Final = (
    "usd eur gbp inr chf sek nok dkk pln czk huf aud nzd sgd hkd jpy cny krw brl mxn "
    "zar aed rub uah rsd mkd bgn myr idr thb vnd ngn egp pkr lkr bdt ils twd clp ars"
)
_LOWER_OK: Final = frozenset(_LOWER_OK_TEXT.split())

# Families: sign -> {country: ISO}. Resolved by location; see salary.py.
FAMILY_BY_COUNTRY: Final[dict[str, dict[str, str]]] = {
    "$": {
        "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD",
        "TW": "TWD", "MX": "MXN", "AR": "ARS", "CL": "CLP", "CO": "COP", "UY": "UYU",
        "JM": "JMD", "TT": "TTD", "BS": "BSD", "BB": "BBD", "FJ": "FJD", "LR": "LRD",
        "NA": "NAD", "GY": "GYD", "BZ": "BZD", "DO": "DOP", "CU": "CUP",
    },
    "¥": {"JP": "JPY", "CN": "CNY"},
    "kr": {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"},
    "Rs": {"IN": "INR", "PK": "PKR", "LK": "LKR", "NP": "NPR", "MU": "MUR", "SC": "SCR"},
    "£": {"GB": "GBP", "EG": "EGP", "LB": "LBP", "SY": "SYP", "SD": "SDG", "GI": "GIP"},
    "pound": {"GB": "GBP", "EG": "EGP", "LB": "LBP", "SY": "SYP", "SD": "SDG"},
    "dinar": {
        "KW": "KWD", "BH": "BHD", "JO": "JOD", "IQ": "IQD", "LY": "LYD", "TN": "TND",
        "DZ": "DZD", "RS": "RSD", "MK": "MKD",
    },
    "dirham": {"AE": "AED", "MA": "MAD"},
    "riyal": {"SA": "SAR", "QA": "QAR", "OM": "OMR", "YE": "YER", "IR": "IRR"},
    "franc": {"CH": "CHF", "RW": "RWF", "BI": "BIF", "GN": "GNF", "DJ": "DJF", "KM": "KMF"},
    "CFA": {
        "SN": "XOF", "CI": "XOF", "ML": "XOF", "BF": "XOF", "NE": "XOF", "TG": "XOF",
        "BJ": "XOF", "CM": "XAF", "GA": "XAF", "CG": "XAF", "TD": "XAF", "CF": "XAF",
    },
    "som": {"UZ": "UZS", "KG": "KGS"},
    "Br": {"BY": "BYN", "ET": "ETB"},
    "R": {"ZA": "ZAR", "NA": "NAD", "LS": "LSL", "SZ": "SZL"},
    "Bs": {"VE": "VES", "BO": "BOB"},
    "ƒ": {"AW": "AWG", "CW": "ANG", "SX": "ANG"},
    "toman": {},  # Iran's everyday unit, 10 rials: not an ISO currency, so never converted
    "crypto": {},  # paid in bitcoin: no ISO code, no FX
}  # fmt: skip
FAMILY_DEFAULT: Final[dict[str, str]] = {"$": "USD", "Rs": "INR", "£": "GBP"}
"""Used when the location does not decide: see salary.py for the policy and its confidence."""
AMBIGUOUS: Final = frozenset(FAMILY_BY_COUNTRY)

_SYMBOLS: Final[dict[str, str]] = {
    # Dollars and their prefixed forms.
    "$": "$", "＄": "$", "dollars": "$", "Dollars": "$", "dollar": "$", "U$S": "USD",
    "C$": "CAD", "CA$": "CAD", "CAN$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD",
    "S$": "SGD", "SG$": "SGD", "HK$": "HKD", "NT$": "TWD", "NT": "TWD", "NTD": "TWD",
    "MX$": "MXN", "R$": "BRL", "J$": "JMD", "TT$": "TTD", "BZ$": "BZD", "G$": "GYD",
    "GY$": "GYD", "MOP$": "MOP", "CUC$": "CUC", "T$": "TOP", "Z$": "ZWL", "RD$": "DOP",
    "B$": "BSD", "Bds$": "BBD", "FJ$": "FJD", "EC$": "XCD", "L$": "LRD", "N$": "NAD",
    # Europe.
    "€": "EUR", "euro": "EUR", "euros": "EUR", "Euro": "EUR", "Euros": "EUR", "EURO": "EUR",
    "£": "£", "￡": "£", "₤": "£", "pound": "pound", "pounds": "pound", "stg": "GBP",
    "GBp": "GBP", "CHF": "CHF", "CHf": "CHF", "Fr.": "CHF", "SFr.": "CHF", "SFr": "CHF",
    "sFr": "CHF", "franc": "franc", "francs": "franc", "kr": "kr", "kr.": "kr", "Kr": "kr",
    "Kr.": "kr", "KR": "kr", "zł": "PLN", "Zł": "PLN", "ZŁ": "PLN", "zl": "PLN", "Kč": "CZK",
    "Ft": "HUF", "lei": "RON", "Lei": "RON", "LEI": "RON", "Lek": "ALL", "lek": "ALL",
    "kn": "HRK", "KM": "BAM", "₺": "TRY", "TL": "TRY", "₾": "GEL", "ლ": "GEL", "lari": "GEL",
    "ლარი": "GEL", "֏": "AMD", "₼": "AZN", "Esc": "CVE",
    # Cyrillic.
    "₽": "RUB", "руб": "RUB", "руб.": "RUB", "рублей": "RUB", "рубля": "RUB", "Р": "RUB",
    "р.": "RUB", "р": "RUB", "Rbl": "RUB", "₴": "UAH", "грн": "UAH", "грн.": "UAH",
    "hrn": "UAH", "лв": "BGN", "лв.": "BGN", "ден": "MKD", "ДЕН": "MKD", "дин": "RSD",
    "Дин": "RSD", "дин.": "RSD", "din": "RSD", "Dinara": "dinar", "dinara": "dinar",
    "dinar": "dinar", "dinars": "dinar", "сом": "som", "som": "som", "so'm": "UZS",
    "сўм": "UZS", "₸": "KZT", "тг": "KZT", "₮": "MNT",
    # Middle East and North Africa: symbols and Arabic abbreviations.
    "₪": "ILS", "NIS": "ILS", "nis": "ILS", "ש״ח": "ILS", "ש\"ח": "ILS", "ش.ج": "ILS",
    "ر.س": "SAR", "ر.ق": "QAR", "ر.ع": "OMR", "ر.ع.": "OMR", "د.إ": "AED", "د.ك": "KWD",
    "د.ب": "BHD", ".د.ب": "BHD", "د.أ": "JOD", "د.ا": "JOD", "د.ج": "DZD", "دج": "DZD",
    "د.م": "MAD", "د.م.": "MAD", "د.ت": "TND", "ل.د": "LYD", "ع.د": "IQD", "ل.س": "SYP",
    "ل.ل": "LBP", "ج.م": "EGP", "ج.م.": "EGP", "ج.س": "SDG", "ج.س.": "SDG", "جنيه": "pound",
    "دينار": "dinar", "دينار أردني": "JOD", "دينار كويتي": "KWD", "درهم": "dirham",
    "ريال": "riyal", "ریال": "IRR", "﷼": "riyal", "تومان": "toman", "؋": "AFN",
    "نافكا": "ERN", "AED": "AED", "Dhs": "AED", "Dh": "dirham", "DH": "dirham", "KD": "KWD",
    "BD": "BHD", "LE": "EGP", "E£": "EGP", "DT": "TND",
    # South and South-East Asia.
    "₹": "INR", "Rs.": "Rs", "Rs": "Rs", "₨": "Rs", "Re": "Rs", "Re.": "Rs", "rupees": "Rs",
    "Rupees": "Rs", "ரூ": "Rs", "රු": "LKR", "৳": "BDT", "Tk": "BDT", "Nu.": "BTN",
    "Nu": "BTN", "Rf": "MVR", "₱": "PHP", "฿": "THB", "บาท": "THB", "RM": "MYR", "Rp": "IDR",
    "₫": "VND", "đ": "VND", "VNĐ": "VND", "vnđ": "VND", "៛": "KHR", "₭": "LAK", "Ks": "MMK",
    # East Asia.
    "¥": "¥", "￥": "¥", "円": "JPY", "元": "CNY", "人民币": "CNY", "圆": "CNY", "圓": "¥",
    "RMB": "CNY", "yuan": "CNY", "yen": "JPY", "₩": "KRW", "원": "KRW",
    # Africa.
    "₦": "NGN", "KSh": "KES", "Ksh": "KES", "GH₵": "GHS", "₵": "GHS", "R": "R",
    "USh": "UGX", "TSh": "TZS", "FRw": "RWF", "RF": "RWF", "R₣": "RWF", "FBu": "BIF",
    "Fbu": "BIF", "Fdj": "DJF", "FG": "GNF", "GFr": "GNF", "KMF": "KMF", "CFA": "CFA",
    "FCFA": "CFA", "Nfk": "ERN", "ናቕፋ": "ERN", "ብር": "ETB", "Br": "Br", "MK": "MWK",
    "ZK": "ZMW", "MT": "MZN", "Ar": "MGA", "UM": "MRU", "Db": "STN", "Le": "SLE", "LD": "LYD",
    # Americas.
    "S/.": "PEN", "S/": "PEN", "B/.": "PAB", "Bs": "Bs", "Bs.": "Bs", "₡": "CRC",
    "ƒ": "ƒ", "VT": "VUV", "Vt": "VUV", "₣": "franc",
    # Crypto: pay, but no ISO currency.
    "₿": "crypto", "Ƀ": "crypto", "BTC": "crypto",
}  # fmt: skip

_AFTER_ONLY_TEXT: Final = (
    "Q NT Re Re. Le LE LD DT BD KD MK ZK MT Ar UM Db Br Bs Ks RF FG "
    "KM Tk Rf kn Nu Dh DH din som р Р dollar pound franc Esc VT Vt"
)
AFTER_ONLY: Final = frozenset(_AFTER_ONLY_TEXT.split())
"""Short abbreviations that are also initials or words: only a marker right after a number
("1 890 Р", "250 MT"), never before one ("MT 5 years", "R 2 rounds")."""


def _markers() -> dict[str, str]:
    table = dict(_SYMBOLS)
    for code in ISO_CODES:
        table.setdefault(code, code)
        if code.lower() in _LOWER_OK:
            table.setdefault(code.lower(), code)
    # "USD$", "AUD $", "US $", "NZD $": a code or country prefix glued to the dollar sign.
    prefixes = {"US": "USD", "AU": "AUD", "CA": "CAD", "CAN": "CAD", "NZ": "NZD", "HK": "HKD"}
    prefixes |= {"SG": "SGD", "MX": "MXN"}
    prefixes |= {c: c for c in FAMILY_BY_COUNTRY["$"].values()}
    for prefix, code in prefixes.items():
        table.setdefault(f"{prefix}$", code)
        table.setdefault(f"{prefix} $", code)
    return table


MARKERS: Final[dict[str, str]] = _markers()
MARKERS_BEFORE: Final[dict[str, str]] = {k: v for k, v in MARKERS.items() if k not in AFTER_ONLY}


def iso_of(marker: str | None) -> str | None:
    """ISO code or family of a marker as written (case-insensitive fallback), for evaluation."""
    if marker is None:
        return None
    key = marker.strip(" :")
    return MARKERS.get(key) or MARKERS.get(key.upper()) or MARKERS.get(key.rstrip("."))
