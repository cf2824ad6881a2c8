"""extract_salary: real-world pay lines, non-pay numbers, currency by location, hostile text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stream.enrich.fx import FxRates
from stream.enrich.salary.amounts import currency_marker, parse_amount
from stream.enrich.salary.extract import country_of, extract_salary
from stream.enrich.salary.parse import find_pay
from stream.models import Salary
from tests.unit.salary_cases import PAY_LINES


@pytest.fixture(scope="module")
def fx() -> FxRates:
    return FxRates.bundled()


@pytest.mark.parametrize(("line", "location", "lo", "hi", "currency", "period"), PAY_LINES)
def test_pay_lines(
    fx: FxRates,
    line: str,
    location: str | None,
    lo: float | None,
    hi: float | None,
    currency: str | None,
    period: str,
) -> None:
    s = extract_salary(line, "", location, fx)
    assert s is not None, line
    assert (s.min, s.max, s.currency, s.period) == (lo, hi, currency, period)
    assert s.source == "salary_text"
    assert s.text in line
    _check_invariants(s)


NO_PAY = [
    "Competitive",
    "Competitive salary",
    "Negotiable",
    "DOE",
    "Salary: Competitive + bonus",
    "$NEG",
    "Daily rate",
    "13% Super",
    "A04 level",
    "4+ years of experience",
    "Serving 165 million community members",
    "401(k) match",
    "401k with 4% match",
    "Posted Jun 25, 2026",
    "Call 555-123-4567",
    "Commission only, OTE $100k",
    "Commission Only, can earn up to 4k a month.",
    "OTE $150,000",
    "$10,000 signing bonus",
    "$2,000 relocation stipend",
    "$160,000 per hour",
    "Unpaid",
    "Unpaid internship",
    "Volunteer (unpaid)",
    "Salary negotiable",
    "Pay DOE",
    "Competitive, depending on experience",
    "If you make less than $50,000 a month",
    "Commission-based income, top earners make $200k",
    "Series B: raised $20M",
    "Budget: $2M",
    "Call +44 20 7946 0958",
    "Posted 2024-05-01",
    "5-7 years experience",
    "Team of 40 engineers",
    "$1,500 bi-weekly",
    "£1,200 fortnightly",
    "$2,000 semi-monthly",
    "3 nights Tue -Thu, night shift (11pm to 7am)",
    "Subject to the 2018 agreement",
    "Express process: you could be working in 3 days",
    "Job ID 4711",
    "",
]


@pytest.mark.parametrize("line", NO_PAY)
def test_no_invented_salary(fx: FxRates, line: str) -> None:
    assert extract_salary(line, "", None, fx) is None


NOISY_DESCRIPTION = (
    "Senior ML Engineer at an online marketplace with 165 million shoppers. "
    "The role asks for 4+ years of machine learning work in production.\n"
    "We raised $50M in our Series B in 2021 and grew revenue to $300 million.\n"
    "Benefits: 401(k) with 4% match, $5,000 signing bonus, $1,000 annual learning stipend.\n"
    "Call us at (555) 123-4567. Lift up to 50 pounds. Shifts 9am - 5pm, 40 hours per week.\n"
    "Sign-on bonus: $10,000. OTE $250k for the sales track.\n"
)


def test_description_numbers_that_are_not_pay(fx: FxRates) -> None:
    assert extract_salary(None, NOISY_DESCRIPTION, "Chennai, India", fx) is None


def test_description_pay_needs_currency_and_cue(fx: FxRates) -> None:
    assert extract_salary(None, "Team of 120 - 150 engineers, 60,000 users.", None, fx) is None
    assert extract_salary(None, "We work with clients in the $1M to $50M range.", None, fx) is None
    s = extract_salary(None, NOISY_DESCRIPTION + "Compensation: $140,000 - $175,000", None, fx)
    assert s is not None
    assert (s.min, s.max, s.period, s.source) == (140000, 175000, "year", "description")
    assert s.confidence < 0.85  # description, period and currency inferred


def test_description_glued_lines_from_scrapers(fx: FxRates) -> None:
    text = "Job Type: Full-timePay: $44.00 - $47.00 per hourPerks:Vision cover"
    s = extract_salary(None, text, "Denver, CO", fx)
    assert s is not None
    assert (s.min, s.max, s.currency, s.period) == (44, 47, "USD", "hour")
    assert s.text == "$44.00 - $47.00 per hour"


def test_ote_does_not_hide_base(fx: FxRates) -> None:
    text = "Pay: $180-230k OTE, base: $90k-115k, commission: $90k-115k at target"
    s = extract_salary(None, text, None, fx)
    assert s is not None
    assert (s.min, s.max) == (90000, 115000)


def test_salary_text_wins_over_description(fx: FxRates) -> None:
    s = extract_salary("£45,000 per annum", "Salary: $90,000 - $100,000 per year", None, fx)
    assert s is not None
    assert (s.currency, s.source) == ("GBP", "salary_text")


def test_salary_text_without_pay_falls_back_to_description(fx: FxRates) -> None:
    s = extract_salary("Competitive", "The pay range is $25 - $30 per hour.", None, fx)
    assert s is not None
    assert (s.min, s.max, s.source) == (25, 30, "description")


def test_seed_like_posting_period_confirmed_by_description(fx: FxRates) -> None:
    description = "Salary\nUSD 160,000 – 220,000 (annual)\nLevel Senior"
    alone = extract_salary("USD 160,000 – 220,000", "", None, fx)
    confirmed = extract_salary("USD 160,000 – 220,000", description, None, fx)
    assert alone is not None
    assert confirmed is not None
    assert confirmed.period == alone.period == "year"
    assert confirmed.confidence > alone.confidence
    assert confirmed.text == "USD 160,000 – 220,000"
    assert (confirmed.annual_min_usd, confirmed.annual_max_usd) == (160000, 220000)


def test_annualization(fx: FxRates) -> None:
    cases = {
        "$20/hr": 41600,
        "$200 per day": 52000,
        "$1,000 per week": 52000,
        "$5,000/month": 60000,
    }
    for line, annual in cases.items():
        s = extract_salary(line, "", "Austin, TX", fx)
        assert s is not None
        assert s.annual_min == s.annual_max == annual


def test_usd_conversion_is_dated(fx: FxRates) -> None:
    s = extract_salary("£50,000 per annum", "", None, fx)
    assert s is not None
    assert s.fx_rate_date is not None
    assert s.annual_min_usd is not None
    assert 50000 < s.annual_min_usd < 100000  # GBP is worth more than USD, not 1:1


def test_unknown_currency_has_no_usd(fx: FxRates) -> None:
    s = extract_salary("40000-60000 per year", "", None, fx)
    assert s is not None
    assert s.currency is None
    assert (s.annual_min_usd, s.annual_max_usd, s.fx_rate_date) == (None, None, None)
    assert s.confidence <= 0.7


def test_bare_dollar_policy(fx: FxRates) -> None:
    unresolved = extract_salary("$120K - $150K", "", None, fx)
    resolved = extract_salary("$120K - $150K", "", "Austin, TX", fx)
    abroad = extract_salary("$120K - $150K", "", "Chennai, India", fx)
    assert unresolved is not None
    assert resolved is not None
    assert abroad is not None
    assert unresolved.currency is None  # nothing tells: null, not a guess
    assert resolved.currency == abroad.currency == "USD"
    assert "currency_default" in abroad.flags
    assert "currency_location_mismatch" in abroad.flags
    assert unresolved.confidence < abroad.confidence < resolved.confidence


def test_yen_without_location_stays_unknown(fx: FxRates) -> None:
    s = extract_salary("¥6,000,000 - ¥8,000,000", "", None, fx)
    assert s is not None
    assert s.currency is None


def test_fullwidth_and_nbsp_pay_line_keeps_raw_span(fx: FxRates) -> None:
    line = "＄１２０,０００\u00a0-\u00a0＄１５０,０００ per year"
    s = extract_salary(line, "", None, fx)
    assert s is not None
    assert (s.min, s.max) == (120000, 150000)
    assert s.text == line


@pytest.mark.parametrize(
    ("location", "country"),
    [
        ("Toronto, ON", "CA"),
        ("Vancouver, WA", "US"),
        ("Vancouver, BC, Canada", "CA"),
        ("Sydney NSW", "AU"),
        ("Perth WA", "AU"),
        ("Perth, WA", "AU"),
        ("Stockholm", "SE"),
        ("Princeton, NJ", "US"),
        ("Indianapolis, IN", "US"),
        ("IN Tamil Nadu (Chennai) - Office", "IN"),
        ("Remote", None),
        ("Remote, US", "US"),
        ("Singapore", "SG"),
        (None, None),
        ("", None),
    ],
)
def test_country_of(location: str | None, country: str | None) -> None:
    assert country_of(location) == country


def test_parse_amount_helper() -> None:
    a = parse_amount("CHF 1'049,95")
    assert a is not None
    assert (a.value, a.marker, a.currency) == (1049.95, "CHF", "CHF")
    b = parse_amount("12,000원")
    assert b is not None
    assert (b.value, b.currency) == (12000, "KRW")
    assert currency_marker("Preis in EUR") == ("EUR", "EUR")
    assert parse_amount("no digits here") is None


@settings(max_examples=300, deadline=None)
@given(
    salary_text=st.one_of(st.none(), st.text(max_size=200)),
    description=st.text(max_size=500),
    location=st.one_of(st.none(), st.text(max_size=60)),
)
def test_random_text_never_raises(
    fx: FxRates, salary_text: str | None, description: str, location: str | None
) -> None:
    s = extract_salary(salary_text, description, location, fx)
    if s is not None:
        _check_invariants(s)
        assert s.text in (salary_text or "") or s.text in description


MONEYISH = st.text(alphabet="$£€₹¥ 0123456789,.'-–kKM+/ perhouryarmnthdyLPAUSDCHF", max_size=80)


@settings(max_examples=300, deadline=None)
@given(line=MONEYISH)
def test_money_like_text_never_raises(fx: FxRates, line: str) -> None:
    s = extract_salary(line, line, None, fx)
    if s is not None:
        _check_invariants(s)


def _check_invariants(s: Salary) -> None:
    assert s.min is not None or s.max is not None
    if s.min is not None and s.max is not None:
        assert s.min <= s.max
    assert 0.0 <= s.confidence <= 1.0
    assert (s.annual_min_usd is None and s.annual_max_usd is None) or s.fx_rate_date is not None
    assert s.text.strip()


def test_find_pay_reports_context() -> None:
    (c,) = find_pay("Sign-on bonus: $5,000")
    assert c.excluded
    (d,) = find_pay("Base salary: $90,000")
    assert d.cue
    assert not d.excluded


@pytest.mark.shared_data
def test_seed_posting(fx: FxRates, shared_data: Path) -> None:
    lines = (shared_data / "seed" / "posting-poshmark-senior-ml-engineer.txt").read_text()
    rows = [r.strip() for r in lines.splitlines() if r.strip()]
    salary_text = rows[rows.index("Salary") + 1]
    location = rows[rows.index("Location") + 1]
    s = extract_salary(salary_text, lines, location, fx)
    assert s is not None
    assert (s.min, s.max, s.currency, s.period) == (160000, 220000, "USD", "year")
    assert s.fx_rate_date is not None
    assert "currency_location_mismatch" in s.flags  # an India office paying USD
    description_only = extract_salary(None, lines, location, fx)
    assert description_only is not None
    assert (description_only.min, description_only.max) == (160000, 220000)
