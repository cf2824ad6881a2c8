"""The salary step's money gate (native/src/prep.rs): when it says a description has no
money, `find_pay(text, money_only=True)` must find nothing, or a salary would be lost; and
the windows it gives must hold every candidate, so that `find_pay` over them finds exactly
what it finds over the whole text. Checked on generated text dense in digits and currency
markers and on every real text in ../shared/data; and the gate must actually close on
ordinary text, or it saves nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stream.enrich.salary.amounts import MAX_AMOUNTS
from stream.enrich.salary.currency import MARKERS
from stream.enrich.salary.extract import _MONEY_GATE
from stream.enrich.salary.parse import MONEY_WINDOW_GAP, MONEY_WINDOW_REACH, find_pay
from stream.enrich.text import normalize_text

# Pieces that make the gate's decisions hard: every currency marker, multiplier words, the
# separators and spaces that attach a marker to a number, digits of two scripts, letters
# that glue onto markers, and period words.
_PIECES = st.sampled_from(
    [
        *sorted(MARKERS),
        *("0", "1", "5", "12", "160,000", "18.5", "٣", "१२", "k", "K", "L", "lakh", "Cr"),
        *("crore", "LPA", "M", " ", "  ", "\t", ":", ",-", "-", " - ", "/", "a", "Rooms"),
        *("per year", "\n", ".", "(", "+", "up to ", "salary ", "x", "ALLY"),
    ]
)
_TEXT = st.lists(_PIECES, max_size=14).map("".join)
# Longer texts for the windows: numbers and markers spread out by digit-free stretches
# about as long as the windows' margins, so that edges fall everywhere.
_FAR = st.sampled_from([" " * n for n in (20, 40, 60, 62, 63, 64, 80)] + ["and so on " * 6])
_SPREAD = st.lists(st.one_of(_PIECES, _PIECES, _FAR), max_size=40).map("".join)


def _finds_nothing(text: str) -> bool:
    return find_pay(text, money_only=True) == []


def _windows(text: str) -> list[tuple[int, int]]:
    return _MONEY_GATE.money_windows(text, MONEY_WINDOW_REACH, MONEY_WINDOW_GAP, MAX_AMOUNTS)


def _windows_find_the_same(text: str) -> bool:
    windows = _windows(text)
    if bool(windows) != _MONEY_GATE.may_have_money(text):
        return False
    return find_pay(text, money_only=True, windows=windows) == find_pay(text, money_only=True)


@given(st.one_of(_TEXT, _SPREAD))
@settings(max_examples=3000)
def test_the_windows_hold_every_candidate_of_generated_text(text: str) -> None:
    assert _windows_find_the_same(text), text


@given(st.text(max_size=200))
def test_the_windows_hold_every_candidate_of_any_text(text: str) -> None:
    assert _windows_find_the_same(text), text


@pytest.mark.parametrize(
    "text",
    [
        # Ranges chained through marker-less figures: which pairs form depends on where the
        # scan starts ("$10 - 20" and "$30 - 40", not "$10" and "20 - $30"); windows that
        # left out the "20" (too narrow, or edges too close to digits) fail here.
        "$10 through 20 through $30 through 40 a year",
        "Pay: 10 thru 20 thru 30 thru $40 thru 50 per hour",
        "ids 1 2 3 4 5 6 7 8 9 10 11 12 then $ 13 - 14 per hour and 15 16 17",
        "Gehalt 50k€ im Jahr, 30 Tage Urlaub",
        "x" * 100 + " 18 LPA " + "y" * 100 + " USD 90,000 - 100,000 annually",
    ],
)
def test_the_windows_find_what_the_whole_text_has(text: str) -> None:
    assert find_pay(text, money_only=True)
    assert _windows_find_the_same(text)


def test_past_the_digit_cap_the_window_is_the_whole_text() -> None:
    text = "$5 " + "1 " * MAX_AMOUNTS
    assert _windows(text) == [(0, len(text))]


def test_windows_leave_out_amounts_without_a_marker() -> None:
    with pytest.raises(ValueError, match="money_only"):
        find_pay("$5 and 6", windows=[(0, 8)])


@given(_TEXT)
@settings(max_examples=3000)
def test_a_closed_gate_means_no_candidate_in_generated_text(text: str) -> None:
    if not _MONEY_GATE.may_have_money(text):
        assert _finds_nothing(text), text


@given(st.text(max_size=120))
def test_a_closed_gate_means_no_candidate_in_any_text(text: str) -> None:
    if not _MONEY_GATE.may_have_money(text):
        assert _finds_nothing(text), text


@pytest.mark.parametrize(
    ("text", "open_"),
    [
        ("Base salary: $120,000 - $150,000 per year", True),
        ("120.000 € brutto im Jahr", True),
        ("Gehalt 50k€ im Jahr", True),  # the marker after the multiplier
        ("3M¥ a year", True),
        ("CTC 18 - 25 LPA", True),
        ("Pay: 25L to 30L", True),
        ("We are a team of 40 engineers in 3 offices, founded in 2009.", False),
        ("5+ years of Python; 401(k) matching and 20 days of leave", False),
        ("", False),
    ],
)
def test_the_gate_opens_on_money_and_closes_on_ordinary_text(text: str, open_: bool) -> None:
    assert _MONEY_GATE.may_have_money(text) is open_


def _linkedin_descriptions(shared_data: Path) -> list[str]:
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        return [normalize_text(row.get("description") or "") for row in csv.DictReader(handle)]


def _real_texts(shared_data: Path) -> list[str]:
    texts = _linkedin_descriptions(shared_data)
    for name in ("au_salary_strings.json", "price_parser_cases.json"):
        rows = json.loads((shared_data / "salary" / name).read_text(encoding="utf-8"))
        texts.extend(str(row["raw"]) for row in rows)
    with (shared_data / "skills" / "skillspan_dev_postings.jsonl").open(encoding="utf-8") as f:
        for line in f:
            texts.append(normalize_text(json.loads(line).get("description") or ""))
    return texts


def test_a_closed_gate_means_no_candidate_in_real_text(shared_data: Path) -> None:
    texts = _real_texts(shared_data)
    closed = [text for text in texts if not _MONEY_GATE.may_have_money(text)]
    wrongly_closed = [text[:80] for text in closed if not _finds_nothing(text)]
    assert wrongly_closed == []


def test_the_windows_hold_every_candidate_of_real_text(shared_data: Path) -> None:
    texts = _real_texts(shared_data)
    assert [text[:80] for text in texts if not _windows_find_the_same(text)] == []


def test_the_gate_closes_on_most_real_descriptions(shared_data: Path) -> None:
    # 80% of the LinkedIn sample states no pay: a gate open on most of them would save nothing.
    descriptions = _linkedin_descriptions(shared_data)
    closed = sum(1 for text in descriptions if not _MONEY_GATE.may_have_money(text))
    assert closed > len(descriptions) / 2, (closed, len(descriptions))


# The gate reads a str's own storage (native/src/money.rs: one, two or four bytes a
# character), not its UTF-8 form; `*_utf8` is the reading it replaced, kept as the
# reference. Both must give the same windows for every text, in every storage kind.
_WIDE_PIECES = st.sampled_from(
    [
        *sorted(MARKERS),
        *("0", "7", "42", "160,000", "٣", "१२", "𝟓", "k", "K", "M", "thousand", "lakh"),
        *("lakhs", "L", "Cr", "crore", "LPA", " ", "\t", ":", "\xa0", "-", "/", "\n"),
        *("é", "ß", "ÿ", "Größe", "Σ", "ω", "万", "円", "年薪", "“", "–", "•", "Ｋ"),
        *("😀", "🚀", "💰", "a", "Rooms", "years", "per year", "salary "),
    ]
)
_WIDE_TEXT = st.lists(st.one_of(_WIDE_PIECES, _WIDE_PIECES, _FAR), max_size=40).map("".join)


def _reads_like_utf8(text: str) -> bool:
    gate = _MONEY_GATE
    for reach, gap, cap in ((MONEY_WINDOW_REACH, MONEY_WINDOW_GAP, MAX_AMOUNTS), (5, 2, 3)):
        if gate.money_windows(text, reach, gap, cap) != gate.money_windows_utf8(
            text, reach, gap, cap
        ):
            return False
    return gate.may_have_money(text) == gate.may_have_money_utf8(text)


@given(st.one_of(_WIDE_TEXT, _SPREAD))
@settings(max_examples=3000)
def test_the_storage_read_equals_the_utf8_read_on_generated_text(text: str) -> None:
    assert _reads_like_utf8(text), text


@given(st.text(max_size=200))
def test_the_storage_read_equals_the_utf8_read_on_any_text(text: str) -> None:
    assert _reads_like_utf8(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Bruttogehalt: 4.500 € – 5.200 € im Monat, Größe egal",  # Latin-1 (one byte)
        "Gehalt 50k€ im Jahr",
        "é$5 ü and ÿ 18 LPA",
        "Salary: “USD 90,000 – 100,000” annually • 10万円",  # the BMP (two bytes)
        "月给10万€，年薪 ٣٠ kr, ١ lakh",
        "💰 $120k 🚀 per year, or 𝟓𝟎 € 😀",  # astral (four bytes)
        "😀€5😀 5€😀 5 😀€ 50 Thousand€",
    ],
)
def test_the_storage_read_equals_the_utf8_read_in_every_kind(text: str) -> None:
    assert _MONEY_GATE.money_windows(text, MONEY_WINDOW_REACH, MONEY_WINDOW_GAP, MAX_AMOUNTS)
    assert _reads_like_utf8(text)


@pytest.mark.parametrize(
    "text",
    ["pay \ud800 $5,000 a month", "$\udfff5 and 5\ud83d€", "\ud800 18 LPA \U0001f680 $ 7"],
)
def test_a_lone_surrogate_reads_as_a_replacement_character(text: str) -> None:
    # UTF-8 cannot hold a lone surrogate (the reference raises on one); the storage read
    # takes it as U+FFFD, which Python's `re` also treats as no digit, letter or space.
    # (The worker's decoder already replaces them: stream/codecs.py.)
    replaced = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    with pytest.raises(UnicodeEncodeError):
        _MONEY_GATE.money_windows_utf8(text, MONEY_WINDOW_REACH, MONEY_WINDOW_GAP, MAX_AMOUNTS)
    assert _windows(text) == _windows(replaced)
    assert _windows(text)
    assert _MONEY_GATE.may_have_money(text) == _MONEY_GATE.may_have_money(replaced)


def test_the_storage_read_equals_the_utf8_read_on_real_text(shared_data: Path) -> None:
    texts = _real_texts(shared_data)
    assert [text[:80] for text in texts if not _reads_like_utf8(text)] == []
