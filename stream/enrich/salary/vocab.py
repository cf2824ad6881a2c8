"""Word lists for salary parsing: currency markers, multipliers, pay periods, cues, places.

Data only, kept apart from the parsing code so both stay readable. Regex fragments here are
alternations of literals with bounded gaps (no nested quantifiers): they are compiled in
salary_parse.py and matched on short, fixed-size windows.
"""

from __future__ import annotations

from typing import Final

MULTIPLIERS: Final[dict[str, float]] = {
    "k": 1e3, "thousand": 1e3, "mm": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6,
    "lakh": 1e5, "lac": 1e5, "lpa": 1e5, "l": 1e5, "crore": 1e7, "cr": 1e7, "M": 1e6,
    "万": 1e4, "萬": 1e4, "만": 1e4, "triệu": 1e6, "tr": 1e6, "juta": 1e6, "jt": 1e6,
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
_A = r"(?![^\W_])"  # no letter of any script, no digit: "/hó" is not "/h"
_S = r"[ \t]"
# Not inside a word, except at a camel-case seam left by a dropped line break ("weekHourly").
_B = r"(?:(?<![a-z])|(?-i:(?<=[a-z])(?=[A-Z])))"
PERIOD_WORDS: Final[dict[str, str]] = {
    "hour": rf"/{_S}?(?:hour{_W}|hr{_W}|h{_A}|std{_A}|stunde{_W})|{_B}(?:hourly{_W}"
    rf"|(?:per|an?|each){_S}(?:hour|hr){_W}|p\.?/?h(?:r|our)?{_A}|pro{_S}stunde|par{_S}heure"
    rf"|por{_S}hora|per{_S}uur)",
    "day": rf"/{_S}?(?:day{_W}|d{_A}|tag{_W}|jour{_W})|{_B}(?:daily{_W}|day{_S}rate"
    rf"|(?:per|a|each){_S}day{_W}|p\.?/d{_A}|p\.d\.|pro{_S}tag|par{_S}jour|por{_S}d[ií]a"
    rf"|per{_S}dag|tjm{_A})",
    "week": rf"/{_S}?(?:week{_W}|wk{_A}|w{_A})|{_B}(?:weekly{_W}"
    rf"|(?:per|a|each){_S}(?:week|wk){_W}|p\.?/?w{_A}|pro{_S}woche|par{_S}semaine"
    rf"|por{_S}semana)",
    "month": rf"/{_S}?(?:month{_W}|mth{_A}|mo{_A}|mon{_A}|monat{_W}|mois{_W}|m[eê]s{_W})"
    rf"|{_B}(?:monthly{_W}|(?:per|a|each){_S}(?:calendar{_S})?(?:month|mth|mo){_W}"
    rf"|p/m{_A}|pcm{_A}|pro{_S}monat|monatlich|par{_S}mois|mensuel|por{_S}mes"
    rf"|al{_S}mes|mensual|mensal|por{_S}m[eê]s|per{_S}maand)",
    "year": rf"/{_S}?(?:year{_W}|yr{_A}|y{_A}|annum{_W}|jahr{_W}|an{_A}|año{_W}|jaar{_W})"
    rf"|{_B}(?:annually{_W}|annual{_W}|yearly{_W}|(?:per|an?|each){_S}"
    rf"(?:year|yr|annum|anum){_W}|p\.?/?a\.?{_A}|pro{_S}jahr|jährlich|im{_S}jahr"
    rf"|par{_S}an{_A}|annuel|por{_S}a[ñn]o|al{_S}año|anual|per{_S}jaar|lpa{_A})",
}

# More languages, kept apart so each line stays readable. Compounds may be glued to a
# figure ("年収600万円", "Bruttojahresgehalt: 65.000 €"); the others are whole words.
_LOCAL: Final[dict[str, str]] = {
    "hour": r"(?:brutto)?stundenlohn|(?<![a-z])(?:per|i|pr\.?)[ \t]timme|/tim(?![a-z])"
    r"|za[ \t]godzin[eę]|/godz|в[ \t]час|на[ \t]годину|saatlik|時給|时薪|시급|/時|/小时",
    "day": r"(?:brutto)?tagessatz|за[ \t]день|günlük|日給|日薪|일급|/日|/天",
    "week": r"wöchentlich|per[ \t]vecka|в[ \t]неделю|haftalık|週給|주급|/週|/周",
    "month": r"(?:brutto)?monatsgehalt|(?<![a-z])(?:per|i|pr\.?|om)[ \t]m[åa]ned(?:en)?"
    r"|per[ \t]månad|i[ \t]månaden|/m[åa]n(?![a-z])|kuukaudessa|miesięcznie|/mies\.?"
    r"|na[ \t]miesiąc|měsíčně|mesačne|za[ \t]měsíc|havonta|/hó|havi(?![a-z])|lunar"
    r"|pe[ \t]lună|в[ \t]месяц|/мес|в[ \t]мес|на[ \t]місяць|/міс|месечно|aylık"
    r"|mensile|al[ \t]mese|per[ \t]bulan|/bulan|/tháng|mỗi[ \t]tháng|شهريا|شهرياً"
    r"|في[ \t]الشهر|月給|月薪|월급|/月|/월|mensuales|mensalmente",
    "year": r"(?:brutto)?jahresgehalt|(?<![a-z])(?:per|i|pr\.?|om)[ \t]år(?:et)?|årslön"
    r"|årslønn|vuodessa|rocznie|na[ \t]rok|ročně|évi|anual(?:es)?|в[ \t]год|на[ \t]рік"
    r"|yıllık|(?<![a-z])ral(?![a-z])|annuo|lordi[ \t]annui|per[ \t]tahun|/tahun|/năm"
    r"|سنويا|سنوياً|年収|年薪|年俸|연봉|/年|/연",
}
PERIOD_WORDS.update({p: f"{w}|{_LOCAL[p]}" for p, w in PERIOD_WORDS.items()})

# Every match of the period pattern in ASCII text contains one of these, once the text is
# lowercased with tabs as spaces: a literal test (amounts.may_have_period) that skips the
# pattern, ~1 µs per position in Python's re, on most clauses. Derived from PERIOD_WORDS by
# tests/unit/test_salary_period_keys.py, which fails when a pattern change needs a new key.
PERIOD_KEYS: Final[tuple[str, ...]] = (
    "/ an", "/ d", "/ h", "/ jaar", "/ jahr", "/ jour", "/ mes", "/ mo", "/ mth", "/ std",
    "/ stunde", "/ tag", "/ w", "/ y", "/an", "/bulan", "/d", "/godz", "/h", "/jaar", "/jahr",
    "/jour", "/man", "/mes", "/mies", "/mo", "/mth", "/std", "/stunde", "/tag", "/tahun",
    "/tim", "/w", "/y", "a annum", "a anum", "a calendar mo", "a calendar mth", "a day",
    "a hour", "a hr", "a mo", "a mth", "a week", "a wk", "a year", "a yr", "al mes",
    "an annum", "an anum", "an hour", "an hr", "an year", "an yr", "annual", "annuel", "annuo",
    "anual", "aylik", "daily", "day rate", "each annum", "each anum", "each calendar mo",
    "each calendar mth", "each day", "each hour", "each hr", "each mo", "each mth",
    "each week", "each wk", "each year", "each yr", "haftalik", "havi", "havonta", "hourly",
    "i maned", "i timme", "im jahr", "jahresgehalt", "kuukaudessa", "lordi annui", "lunar",
    "mensal", "mensile", "mensual", "mensuel", "monatlich", "monatsgehalt", "monthly",
    "na rok", "om maned", "p./a", "p.a", "p.d.", "p.h", "p.w", "p/a", "p/m", "pa", "pcm",
    "per annum", "per anum", "per bulan", "per calendar mo", "per calendar mth", "per dag",
    "per day", "per hour", "per hr", "per jaar", "per maand", "per maned", "per mo", "per mth",
    "per tahun", "per timme", "per uur", "per vecka", "per week", "per wk", "per year",
    "per yr", "ph", "por ano", "por dia", "por hora", "por mes", "por semana", "pr maned",
    "pr timme", "pr. maned", "pr. timme", "pro jahr", "pro monat", "pro stunde", "pro tag",
    "pro woche", "pw", "ral", "rocznie", "saatlik", "stundenlohn", "tagessatz", "tjm",
    "vuodessa", "weekly", "yearly", "yillik", "za godzine",
)  # fmt: skip

# The same kind of literal gate for the context patterns below (CUE, EXCLUDE and
# COMMISSION_ONLY): every match in ASCII text, lowercased with tabs as spaces, contains one
# of these. Checked against the patterns' parse trees by tests/unit/test_salary_period_keys.py.
CUE_KEYS: Final[tuple[str, ...]] = (
    "base", "comp", "ctc", "earn", "gaji", "gehalt", "income", "mzda", "package", "paid",
    "palkka", "pay", "pensja", "plat", "ral", "range", "rate", "remuneration", "retribuzione",
    "salaire", "salar", "stipendio", "sueldo", "tjm", "wage", "wynagrodzenie",
)  # fmt: skip
EXCLUDE_KEYS: Final[tuple[str, ...]] = (
    "401", "allowance", "arr", "bono", "bonus", "budget", "buoni pasto", "comision",
    "commission", "credit", "deposit", "differential", "discount", "dodatek", "equity", "fee",
    "fortnight", "funding", "gift card", "grant", "indemnit", "investment", "jobticket", "loan",
    "monthly", "options", "ote", "per diem", "premi", "prime", "prize", "profit", "provision",
    "raised", "referral", "reimburse", "relocation", "restaurant", "revenue", "reward", "rsu",
    "shares", "sign", "stipend", "stock", "target", "tips", "tuition", "twice a month",
    "urlaubsgeld", "vales", "valuation", "voucher", "weekly", "weihnachtsgeld", "zulage",
    "zuschuss",
)  # fmt: skip
COMMISSION_ONLY_KEYS: Final[tuple[str, ...]] = ("commission", "production")

UP_TO_BEFORE: Final = (
    r"(?<![a-z])(?:up[ \t]?to|max(?:imum)?|not[ \t]to[ \t]exceed|as[ \t]high[ \t]as|bis[ \t]zu"
    r"|jusqu'?[ \t]?à|hasta|до|до[ \t]уровня|fino[ \t]a|tot|do)"
)
FROM_BEFORE: Final = (
    r"(?<![a-z])(?:from|starting(?:[ \t](?:at|from))?|starts[ \t]at|min(?:imum)?|at[ \t]least"
    r"|ab|à[ \t]partir[ \t]de|a[ \t]partir[ \t]de|desde|more[ \t]than|over|in[ \t]excess[ \t]of"
    r"|от|від|od|vanaf|fra|från|a[ \t]partire[ \t]da)"
)

# Evidence that a number in a description is pay.
CUE: Final = (
    r"(?:(?<![a-z])|(?-i:(?<=[a-z])(?=[A-Z])))(?:salary|salaries|pay|paid|compensation|comp|wages?|remuneration|rate|base"
    r"|range|earn(?:ing)?s?|ctc|package|income|gehalt|salaire|sueldo|stipendio|salario|salário"
    r"|lön|lønn|palkka|wynagrodzenie|pensja|mzda|plat|fizetés|salariu|maaş|зарплата|оклад"
    r"|заробітна|راتب|الراتب|maaş|gaji|lương|ral|tjm|retribuzione)(?![a-z])"
)

# Amounts attached to these are not base pay (or not pay at all).
EXCLUDE: Final = (
    r"(?<![a-z])(?:bonus(?:es)?|commissions?|ote|on[- ]target|equity|stock|rsus?|shares"
    r"|options|sign(?:ing|[- ]?on)|relocation|stipend|allowance|reimburse\w{0,8}|referral"
    r"|tuition|per[ \t]diem|differential|funding|raised|revenue|valuation|arr|budget"
    r"|investment|tips|401[ \t]?\(?k|profit[- ]?shar\w{0,4}|grant|prize|fee|fees|deposit"
    r"|loan|discount|credit|vouchers?|gift[ \t]cards?|rewards?"
    # The same in other languages: allowances, commissions, bonuses, vouchers.
    r"|zuschuss|zulage|prämie|provision(?:en)?|urlaubsgeld|weihnachtsgeld|jobticket"
    r"|primes?|indemnit[ée]s?|tickets?[ \t]restaurant|comisi[oó]n(?:es)?|bono|vales|premio"
    r"|buoni[ \t]pasto|premia|dodatek|premie|bonus(?:y|u)"
    # Pay periods the contract cannot express (`period` is hour/day/week/month/year): read
    # as "weekly" or "monthly" they would halve the pay, so they are not reported.
    r"|bi-?weekly|fortnightly|per[ \t]fortnight|semi-?monthly|twice[ \t]a[ \t]month)(?![a-z])"
)

# A figure in a hypothetical or comparison is not an offer: "If you make less than $50,000 a
# month", "earn more than you did", "worth over $1M".
HYPOTHETICAL: Final = (
    r"(?<![a-z])(?:if[ \t]you(?:[ \t]currently)?[ \t](?:make|earn|are[ \t]making)|less[ \t]than"
    r"|worth)(?![a-z])"
)

# Pay that is only commission is no salary, in the pay line or in the description.
COMMISSION_ONLY: Final = (
    r"commission[- ](?:only|based)|only[ \t]commission|100%[ \t]commission"
    r"|straight[ \t]commission|1099[ \t/]{1,3}(?:production|commission)"
)
