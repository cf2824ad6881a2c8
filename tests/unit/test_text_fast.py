"""The compiled pass of `normalize_text` (native/src/normalize.rs: NFKC skipped where it
changes nothing, the collapse and `strip()` on the str's own storage) equals the Python
path it short-cuts, on generated and real text: `normalize_text` as a whole equals
`collapse_whitespace(plain_text(text)).strip()`, and the pass itself, which runs after the
HTML step, equals the Python path after that step. Its table of the characters NFKC leaves
alone is what Python's `unicodedata` says today (scripts/nfkc_stable_table.py)."""

from __future__ import annotations

import csv
import importlib.util
import json
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stream_native import finish_text

from stream.enrich.text import _unicode_and_lines, collapse_whitespace, normalize_text, plain_text

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "nfkc_stable_table.py"


def reference(text: str) -> str:
    """`normalize_text` as it was before the compiled pass: the Python path, always."""
    return collapse_whitespace(plain_text(text)).strip()


def _table_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nfkc_stable_table", _SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Every kind of character the pass treats apart: printable ASCII, each whitespace Python's
# `str.split()` knows (ASCII, NEL, NBSP, the Unicode spaces and separators), "\r", stable
# non-ASCII (curly quotes, dashes, accented letters, emoji), characters NFKC changes
# (ligature, ellipsis, full-width letter, superscript, NBSP), combining marks that compose
# with the letter before them, a Hangul vowel, and markup that goes through the HTML step.
_ALPHABET = list(
    "ab. Z1  \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2009\u2028\u2029\u202f\u3000"
    "’“”–—•·éÉöĀ🚀\U0001f31f"
    "ﬁ…Ａ²\u0301\u0308\u1161가&<>;p"
)
_TEXT = st.text(alphabet=st.sampled_from(_ALPHABET), max_size=80)
# Long stretches of plain words (the chunked scan's case) with one odd character here and
# there, at every offset relative to the 16-unit chunks.
_WORDS = st.lists(
    st.one_of(
        st.sampled_from(["word", "a", "longerword", "x1", "Hello,", " ", "  ", "\n", "\n\n"]),
        st.sampled_from(_ALPHABET),
    ),
    max_size=60,
).map("".join)


@given(st.one_of(_TEXT, _WORDS))
@settings(max_examples=1500)
def test_normalize_text_equals_the_python_path(text: str) -> None:
    assert normalize_text(text) == reference(text)


@given(st.one_of(_TEXT, _WORDS, st.text(max_size=60)))
# Markup: the pass runs after `normalize_text`'s HTML step and leaves "<A>" as it is, where
# `plain_text` strips it as a tag (CI's Hypothesis found this one on 2026-12-07).
@example("<A>")
@example("x &amp; <p>y</p>")
@settings(max_examples=1000)
def test_the_compiled_pass_equals_the_python_path_where_it_answers(text: str) -> None:
    finished = finish_text(text)
    if finished is not None:
        # The Python path after the HTML step, as `normalize_text` falls back to it.
        assert finished == collapse_whitespace(_unicode_and_lines(text)).strip()
        assert "\r" not in text
        assert unicodedata.is_normalized("NFKC", text)


def test_the_compiled_pass_answers_for_common_text_and_not_where_nfkc_or_cr_change_it() -> None:
    # It must actually take the common case (curly quotes, dashes, accents, emoji), or the
    # equality tests above would hold trivially.
    assert finish_text("  Café ’s  “role” – 🚀 \n\n\n next\t line ") == (
        "Café ’s “role” – 🚀\n\nnext line"
    )
    assert finish_text("plain ascii " * 20) == ("plain ascii " * 20).strip()
    assert finish_text("a\r\nb") is None
    assert finish_text("a\xa0b") is None  # NBSP: NFKC makes it a space
    assert finish_text("e\u0301") is None  # composes into "é"
    assert finish_text("ﬁ") is None


def test_the_result_is_a_canonical_str() -> None:
    # Latin-1 and BMP input whose wide characters all go (collapsed spaces): the result is
    # stored in the narrowest kind, so it equals and hashes like the Python path's result.
    for text in ("x\u2028y", "é\u2029 z", "a \U0001f680", "\u2028\u2028 ab"):
        finished = finish_text(text)
        assert finished == reference(text)
        assert hash(finished) == hash(reference(text))


def test_lone_surrogates_take_the_python_path() -> None:
    assert finish_text("a\ud800b") is None
    with pytest.raises(UnicodeEncodeError):
        normalize_text("a\ud800b")  # as before: the compiled collapse needs UTF-8


def test_the_table_is_what_unicodedata_says() -> None:
    script = _table_script()
    source = (_SCRIPT.parents[1] / "native" / "src" / "nfkc_stable.rs").read_text()
    assert source == script.render(script.stable_ranges())


def test_every_listed_character_is_stable_next_to_any_other() -> None:
    # The table's promise, checked directly on pairs: a listed character after and before
    # any character the pass lets through (ASCII, or listed), among them starters that
    # have canonical compositions, is left alone by NFKC.
    script = _table_script()
    ranges = script.stable_ranges()

    def through(ch: str) -> bool:
        return ch.isascii() or any(first <= ord(ch) <= last for first, last in ranges)

    # Each range's first eight characters and its last (the whole table is ~290,000).
    listed = [
        chr(cp) for first, last in ranges for cp in (*range(first, min(last, first + 7) + 1), last)
    ]
    assert len(listed) > 3000
    neighbours = [c for c in _ALPHABET if through(c)]
    neighbours += ["e", "A", "\u00c2", "\u1100", "\u0b47", "\u0cc6", "\u0dd9", "\u1025"]
    assert all(through(c) for c in neighbours)
    assert not any(through(c) for c in ("\u0301", "\u1161", "\xa0"))
    for ch in listed:
        for other in neighbours:
            for text in (other + ch, ch + other):
                assert unicodedata.normalize("NFKC", text) == text, (hex(ord(ch)), other)


def _real_texts(shared_data: Path) -> list[str]:
    texts: list[str] = []
    with (shared_data / "salary" / "linkedin_postings_sample500.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        for row in csv.DictReader(handle):
            texts += [row.get("description") or "", row.get("title") or ""]
    with (shared_data / "skills" / "skillspan_dev_postings.jsonl").open(encoding="utf-8") as f:
        texts += [json.loads(line).get("description") or "" for line in f]
    texts.append((shared_data / "seed" / "posting-poshmark-senior-ml-engineer.txt").read_text())
    return texts


def test_real_texts_normalize_as_before(shared_data: Path) -> None:
    texts = _real_texts(shared_data)
    assert [normalize_text(t) for t in texts] == [reference(t) for t in texts]
    # ... and most of them through the compiled pass (it is not a path nothing takes).
    assert sum(finish_text(t) is not None for t in texts) > len(texts) * 0.9
