"""What a Salary says besides min/max: basis, flags, extras, gross/net, dated FX, drops."""

from __future__ import annotations

import datetime as dt

import pytest

from stream.enrich.fx import SUPPLEMENT_DATE, FxRates
from stream.enrich.salary.extract import extract_salary, extract_salary_result


@pytest.fixture(scope="module")
def fx() -> FxRates:
    return FxRates.bundled()


@pytest.mark.parametrize(
    ("line", "basis", "annual"),
    [
        ("$20/hr", "hour*2080", 41600),
        ("$200 per day", "day*260", 52000),
        ("$1,000 per week", "week*52", 52000),
        ("$5,000/month", "month*12", 60000),
        ("$52,000 a year", "year*1", 52000),
    ],
)
def test_annualization_basis(fx: FxRates, line: str, basis: str, annual: float) -> None:
    s = extract_salary(line, "", "Austin, TX", fx)
    assert s is not None
    assert (s.annualization_basis, s.annual_min) == (basis, annual)


def test_dated_fx_uses_the_posting_date(fx: FxRates) -> None:
    old = extract_salary("€50.000 pro Jahr", "", "Berlin", fx, on=dt.date(2014, 3, 28))
    new = extract_salary("€50.000 pro Jahr", "", "Berlin", fx, on=dt.date(2022, 9, 28))
    assert old is not None
    assert new is not None
    assert old.fx_rate_date == dt.date(2014, 3, 28)
    assert old.annual_min_usd is not None
    assert old.annual_min_usd == pytest.approx(68795, abs=1)  # 1 EUR = 1.3759 USD that day
    assert new.annual_min_usd is not None
    assert new.annual_min_usd < old.annual_min_usd  # the euro was below parity in 2022


def test_supplement_rates_are_flagged_and_dated(fx: FxRates) -> None:
    s = extract_salary("AED 25,000 per month", "", "Dubai", fx, on=dt.date(2024, 1, 2))
    assert s is not None
    assert "fx_supplement" in s.flags
    assert s.fx_rate_date == SUPPLEMENT_DATE
    assert s.annual_min_usd == pytest.approx(300000 / 3.6725, rel=1e-6)


def test_no_rate_is_never_one_to_one(fx: FxRates) -> None:
    s = extract_salary("1 000 000 ៛ per month", "", None, fx)
    assert s is not None
    assert s.currency == "KHR"
    assert (s.annual_min_usd, s.fx_rate_date) == (None, None)
    assert "fx_unavailable" in s.flags


@pytest.mark.parametrize(
    ("line", "location", "expected"),
    [
        ("USD 160,000 – 220,000", "Chennai, India", True),
        ("₹18 - 25 LPA", "Bengaluru", False),
        ("$3,000 - $4,000 USD per month", "Buenos Aires, Argentina", True),
        ("€55,000 - €65,000", "Dublin, Ireland", False),
        ("£45,000 per annum", None, False),
    ],
)
def test_location_currency_mismatch(
    fx: FxRates, line: str, location: str | None, expected: bool
) -> None:
    s = extract_salary(line, "", location, fx)
    assert s is not None
    assert ("currency_location_mismatch" in s.flags) is expected


@pytest.mark.parametrize(
    ("line", "stated"),
    [
        ("€3.500 brutto/Monat", "gross"),
        ("45 000 € brut annuel", "gross"),
        ("CTC: 25-30 LPA", "gross"),
        ("RAL 35.000 €", "gross"),
        ("RON 8.000 net lunar", "net"),
        ("QAR 15,000 per month tax-free", "net"),
        ("₹60,000 per month in-hand", "net"),
        ("$120,000 per year", None),
        ("€4.000 brutto / 2.600 netto pro Monat", None),  # both stated: not one answer
    ],
)
def test_gross_or_net(fx: FxRates, line: str, stated: str | None) -> None:
    s = extract_salary(line, "", "Berlin", fx)
    assert s is not None
    assert s.gross_or_net == stated


def test_extras_are_reported_but_never_in_the_range(fx: FxRates) -> None:
    s = extract_salary("$150K - $180K base + 15% bonus + equity (RSUs)", "", "Seattle, WA", fx)
    assert s is not None
    assert (s.min, s.max) == (150000, 180000)
    assert s.extras == ["bonus", "equity"]
    t = extract_salary("$65,000 – $75,000 + super", "", "Melbourne VIC", fx)
    assert t is not None
    assert (t.min, t.max, t.extras) == (65000, 75000, ["super"])
    d = extract_salary(None, "Salary: $90,000 - $100,000 per year plus commission.", "Ohio", fx)
    assert d is not None
    assert (d.min, d.max, d.extras) == (90000, 100000, ["commission"])


def test_period_inferred_is_flagged_and_cheaper(fx: FxRates) -> None:
    stated = extract_salary("$120,000 per year", "", "Austin, TX", fx)
    inferred = extract_salary("$120,000", "", "Austin, TX", fx)
    assert stated is not None
    assert inferred is not None
    assert "period_inferred" in inferred.flags
    assert "period_inferred" not in stated.flags
    assert inferred.confidence < stated.confidence


@pytest.mark.parametrize(
    ("line", "period"),
    [("$160,000 per hour", "hour"), ("€200.000 pro Monat", "month"), ("$0.50 per hour", "hour")],
)
def test_out_of_bounds_is_dropped_and_reported(fx: FxRates, line: str, period: str) -> None:
    result = extract_salary_result(line, "", "Austin, TX", fx)
    assert result.salary is None
    assert [(d.source, d.period) for d in result.dropped] == [("salary_text", period)]


def test_out_of_bounds_pay_line_falls_back_to_the_description(fx: FxRates) -> None:
    result = extract_salary_result(
        "$95,000 per hour", "Salary: $95,000 per year.", "Austin, TX", fx
    )
    assert result.salary is not None
    assert (result.salary.period, result.salary.source) == ("year", "description")
    assert len(result.dropped) == 1


def test_salary_round_trips_through_json(fx: FxRates) -> None:
    s = extract_salary("₹18 - 25 LPA + variable", "", "Bengaluru", fx)
    assert s is not None
    assert type(s).model_validate_json(s.model_dump_json()) == s


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Wir bieten 30 Tage Urlaub und 500 € Zuschuss pro Monat für das Jobticket.", None),
        ("Gehalt: 60.000 € brutto/Jahr zzgl. Prämie.", (60000, 60000, "year", ["bonus"])),
        ("Salaire : 45 000 € brut annuel + prime de 3 000 €.", (45000, 45000, "year", ["bonus"])),
        (
            "Ofrecemos un salario de 30.000 € brutos anuales y 200 € al mes en vales.",
            (30000, 30000, "year", []),
        ),
        (
            "Wynagrodzenie: 12 000 - 16 000 zł brutto miesięcznie + premia 2 000 zł.",
            (12000, 16000, "month", ["bonus"]),
        ),
    ],
)
def test_descriptions_in_other_languages(
    fx: FxRates, description: str, expected: tuple[float, float, str, list[str]] | None
) -> None:
    s = extract_salary(None, description, "Berlin", fx)
    got = (s.min, s.max, s.period, s.extras) if s is not None else None
    assert got == expected
    if s is not None:
        assert "period_inferred" not in s.flags
