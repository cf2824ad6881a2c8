"""Differential tests: the compiled work mode of a description
(`stream_native.WorkModeReader`, behind `work_mode.description_mode`) gives exactly the
answer of the Python reference (`description_mode_reference`), and the same cue windows:
on hand-picked texts, on generated text built from the cues, the patterns' words and the
characters Python's `re` and `str.lower` treat specially, and on every description of the
real postings in ../shared/data and every labelled place case.

`mode` and `windows` read the str's own storage (PEP 393: one, two or four bytes a
character), not its UTF-8 form; `mode_utf8` and `windows_utf8` are the UTF-8 readings they
replaced, kept as their reference. All of them are compared, in every storage kind. A lone
surrogate reads as U+FFFD in the storage reading, where the UTF-8 readings (and the Python
reference's `encode()`) raise UnicodeEncodeError."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.enrich.place.work_mode import (
    _CUES,
    _NATIVE,
    _cue_windows,
    description_mode,
    description_mode_reference,
)
from stream.enrich.text import normalize_text
from tests.normalization import cases as case_files

TEXTS = [
    "",
    "remote",
    "This is a fully remote role.",
    "We work on remote sensing; the job is remote sensing work",
    "The job is remote, apply; it is a remote\u00a0sensing job",
    "Not a remote position. 100% on-site",
    "3 days in the office, 2 days from home",
    "It is a hybrid cloud. It is a hybrid\u00a0cloud role",
    "fully remotely",
    "fully remoteé, fully remote_, FULLY REMOTE",
    "Location:\u2003Remote. Setting:\x1cHybrid",
    "work from home" + "x" * 60 + "remote" * 30,
    "Remote (US) – résumé café \u00e9t\u00e9 remote-first \u4e2d\u6587 remote role",
    "İs remote, \u212aelvin on-site, wor\u212a remotely, ﬁ hybrid role",
    "the position is remote and in-office; mix of remote work",
    "remote candidates will not be considered. We are in the office 5 days a week",
    # Cues that overlap or run into each other: the compiled scan finds forms through a
    # rarer part of each ("site", "ffice", "rson", "home", ...) and must still pick what
    # the reference's leftmost-longest scan picks.
    "wfhome, WFHOME, remotelework, REMOTELEWORK, telecommutelework, Remotelecommut",
    "on siteonsite on-site-on site, In officein-office the officeThe Office",
    "in personin-person IN PERSONIN-PERSON, from homefrom home, hybridhybrid",
    "position opposite website, officer efficient, personal, homework, remotes",
    # A core whose form is not there, overlapping a form that is: "site" of "website"
    # runs into "telework"; and a form overlapping a form of another kind ("on-site" and
    # "telework"), of which the reference keeps the first.
    "a websitelework job",
    "WEBSITELEWORK",
    "Work on-sitelework is rare",
    "Work On Sitelecommuting is rare",
]

# The cues in their spellings, the patterns' words, and characters whose class under
# Python's `re` (word, space, other) or whose lower case (Kelvin sign, dotted I) matters.
TOKENS = [
    *_CUES, *(c.upper() for c in _CUES), *(c.title() for c in _CUES),
    "fully", "100%", "%", "is", "a", "be", "not", "no", "non", "never", "available",
    "eligible for", "position", "role", "job", "work", "working", "remotely", "first",
    "only", "sensing", "team", "cloud", "model of care", "days", "day", "3", "two", "x",
    "a week", "per week", "in the", "at the", "office", "site", "from", "mix of", "part",
    "and", "Location:", "Setting:", "options:", "(", ")", "-", "–", " ", "\n", ",", ".",
    "\u00a0", "\u2003", "\x1c", "\x85", "_", "é", "ß", "\u0301", "²", "\u212a", "\u0130",
    "\u4e2d", "ﬁ", "\ud800",
]  # fmt: skip

GENERATED = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _replaced(text: str) -> str:
    """The text with each lone surrogate as U+FFFD, as the storage reading reads it."""
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


def _same(text: str) -> None:
    """The storage reading, the UTF-8 reading and the reference agree on `text`."""
    replaced = _replaced(text)
    expected = description_mode_reference(replaced)
    assert description_mode(text) == expected
    assert (
        _NATIVE.windows(text) == _NATIVE.windows_utf8(replaced) == _cue_windows(replaced.encode())
    )
    if replaced == text:
        assert _NATIVE.mode_utf8(text) == expected
    else:
        with pytest.raises(UnicodeEncodeError):
            description_mode_reference(text)
        with pytest.raises(UnicodeEncodeError):
            _NATIVE.mode_utf8(text)


def _kind(text: str) -> int:
    """The bytes a character of the str's storage takes (CPython's narrowest that fits)."""
    widest = max(map(ord, text), default=0)
    return 1 if widest < 0x100 else 2 if widest < 0x10000 else 4


@pytest.mark.parametrize("text", TEXTS)
def test_hand_picked(text: str) -> None:
    _same(text)


def test_hand_picked_reach_every_answer() -> None:
    # A check on the test: the cases give every mode, and the lookaheads both ways.
    answers = [description_mode_reference(text) for text in TEXTS]
    assert {"onsite", "hybrid", "remote", None} <= set(answers)
    assert answers[3] is None  # "is remote sensing"
    assert answers[4] == "remote"  # "is remote," (and a no-break space before "sensing")
    assert answers[7] == "hybrid"  # "a hybrid\u00a0cloud" is not "a hybrid cloud"


@GENERATED
@given(
    text=st.one_of(
        st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
        st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join),
        st.text(max_size=80),
    )
)
def test_generated(text: str) -> None:
    _same(text)


# Texts in each storage kind, with non-ASCII characters before, inside and across the edges
# of the 50-byte windows (so that the edges cut characters of two, three and four bytes),
# and lone surrogates (two and four bytes a character).
KIND_TEXTS = [
    # Latin-1 (one byte a character)
    "Poste en télétravail: fully remote, café àéè; Größe égal",
    "é" * 30 + "fully remote role" + "ü" * 30,
    "ÿ" * 47 + "hybrid role" + "ß" * 49 + "on-site",
    "\xa0is a remote\xa0sensing job; a hybrid\x85cloud, Location:\xa0Remote",
    "x" + "é" * 24 + "Must work on-site daily" + "é" * 26,
    # the BMP (two bytes)
    "“Remote” – it is a “hybrid” role • 3 days in the office",
    "İs remote, \u212aelvin on-site, wor\u212a remotely, ﬁ hybrid role",
    "中" * 17 + "remote-first" + "文" * 17,
    "€" * 16 + "in office" + "—" * 16 + "100% on-site",
    "fully \ud800 remote, it is a remote\udfffsensing job",
    # astral (four bytes)
    "🚀 fully remote 😀 role 🎉 hybrid schedule",
    "😀" * 12 + "working from home" + "🎉" * 13,
    "x" + "😀" * 12 + "work on-site" + "é" * 25,
    "\U0010ffffremote\U0010ffffposition\uffffhybrid\uffff",
    "\ud83d fully remote \U0001f600 not a remote position",
]


@pytest.mark.parametrize("text", KIND_TEXTS)
def test_every_storage_kind(text: str) -> None:
    _same(text)


def test_every_storage_kind_is_covered() -> None:
    # A check on the test: each kind holds texts with a mode, and lone surrogates are read
    # in both kinds that can hold one.
    modes = {_kind(text) for text in KIND_TEXTS if description_mode_reference(_replaced(text))}
    assert modes == {1, 2, 4}
    assert {_kind(text) for text in KIND_TEXTS if _replaced(text) != text} == {2, 4}


# Characters of one to four UTF-8 bytes in runs, so that window edges fall inside them.
WIDE = ["é" * 7, "ÿ", "€" * 5, "中", "😀" * 3, "\U0010ffff", "\udc00", "x" * 13, " " * 9]
LATIN1 = [t for t in TOKENS if max(map(ord, t)) < 0x100] + ["é" * 7, "ÿ" * 3, "\xa0" * 11]


@GENERATED
@given(
    text=st.one_of(
        st.lists(st.sampled_from(TOKENS + WIDE), max_size=30).map("".join),
        st.lists(st.sampled_from(LATIN1), max_size=30).map("".join),
        st.text(max_size=120),
        st.text(st.characters(max_codepoint=0xFF), max_size=120),
    )
)
def test_generated_in_every_kind(text: str) -> None:
    _same(text)


@pytest.mark.shared_data
def test_real_descriptions_in_every_kind(real_descriptions: list[str]) -> None:
    texts = real_descriptions
    mismatches = [
        text[:80]
        for text in texts
        if not description_mode(text) == _NATIVE.mode_utf8(text) == description_mode_reference(text)
    ]
    windows = [text[:80] for text in texts if _NATIVE.windows(text) != _NATIVE.windows_utf8(text)]
    assert len(texts) > 500
    assert mismatches == []
    assert windows == []
    # The comparisons saw every storage kind, non-ASCII text in each, and every mode.
    assert {_kind(text) for text in texts if not text.isascii()} == {1, 2, 4}
    assert {description_mode(text) for text in texts} == {"onsite", "hybrid", "remote", None}


def _real_texts(shared_data: Path) -> list[str]:
    texts: list[str] = []
    lines = (shared_data / "skills" / "skillspan_dev_postings.jsonl").read_text().splitlines()
    raw = [json.loads(line)["text"] for line in lines]
    texts += raw + [normalize_text(t) for t in raw]
    csv.field_size_limit(sys.maxsize)
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            value = row.get("description") or ""
            texts += [value, normalize_text(value)]
    for case in case_files.load("place_cases.jsonl", shared_data):
        texts.append(case.get("description") or "")
    return list(dict.fromkeys(texts))


@pytest.mark.shared_data
def test_real_postings(shared_data: Path) -> None:
    texts = _real_texts(shared_data)
    mismatches = [
        text[:80] for text in texts if description_mode(text) != description_mode_reference(text)
    ]
    windows = [text[:80] for text in texts if _NATIVE.windows(text) != _cue_windows(text.encode())]
    answers = {description_mode_reference(text) for text in texts}
    assert len(texts) > 900
    assert mismatches == []
    assert windows == []
    assert answers == {"onsite", "hybrid", "remote", None}  # the comparisons saw every mode
