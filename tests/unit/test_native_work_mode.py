"""Differential tests: the compiled work mode of a description
(`stream_native.WorkModeReader`, behind `work_mode.description_mode`) gives exactly the
answer of the Python reference (`description_mode_reference`), and the same cue windows:
on hand-picked texts, on generated text built from the cues, the patterns' words and the
characters Python's `re` and `str.lower` treat specially, and on every description of the
real postings in ../shared/data and every labelled place case."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
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


def _outcome(text: str, read: Callable[[str], object]) -> object:
    """The answer, or the kind of error raised (a lone surrogate cannot be encoded: both
    raise UnicodeEncodeError)."""
    try:
        return read(text)
    except UnicodeEncodeError:
        return "UnicodeEncodeError"


def _same(text: str) -> None:
    assert _outcome(text, description_mode) == _outcome(text, description_mode_reference)
    if "\ud800" not in text:
        assert _NATIVE.windows(text) == _cue_windows(text.encode())


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
