"""Text normalization shared by the enrichers: HTML to plain text, Unicode and whitespace.

Every pattern here is linear-time: no nested quantifiers, so hostile input cannot make the
worker backtrack for seconds on one message.
"""

from __future__ import annotations

import html
import re
import unicodedata

from stream_native import collapse_whitespace as _native_collapse
from stream_native import finish_text as _native_finish

# Block-level tags become line breaks so that headings ("Nice to have") stay on their own
# line after stripping; every other tag is dropped.
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer)\b[^>]{0,2000}>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[a-zA-Z/!][^>]{0,2000}>")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]{0,2000}>.{0,200000}?</\1\s*>", re.I | re.S)


def looks_like_html(text: str) -> bool:
    """Cheap check: only pay for HTML stripping when there is a tag-like '<x' in the text.
    Most descriptions have no "<" at all, and `in` finds that faster than the pattern."""
    return "<" in text and _ANY_TAG.search(text) is not None


def html_to_text(text: str) -> str:
    """Strip tags (keeping block structure as newlines) and unescape entities."""
    text = _SCRIPT_OR_STYLE.sub(" ", text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _ANY_TAG.sub(" ", text)
    return html.unescape(text)


def normalize_text(text: str) -> str:
    """Plain, NFKC-normalized text with collapsed horizontal whitespace; newlines are kept.

    NFKC folds the look-alikes scrapers produce (full-width letters, non-breaking and narrow
    spaces, ligatures) into their plain forms, so matchers see one spelling. Each line has
    its runs of whitespace collapsed to one space and its ends trimmed; runs of blank lines
    become one blank line.
    """
    if looks_like_html(text):
        text = html_to_text(text)
    elif "&" in text:
        text = html.unescape(text)
    # The common case in one compiled pass over the str's own storage (native/src/
    # normalize.rs): no NFKC where it would change nothing (ASCII, curly quotes, dashes,
    # most letters: a table of the characters NFKC leaves alone anywhere), and the collapse
    # and `strip()` without a UTF-8 round trip. It equals the path below
    # (tests/unit/test_text_fast.py), which runs where NFKC may change the text or it
    # has a "\r".
    finished = _native_finish(text)
    if finished is not None:
        return finished
    return collapse_whitespace(_unicode_and_lines(text)).strip()


def plain_text(text: str) -> str:
    """HTML stripped or entities unescaped, NFKC-normalized, "\\n" line ends; whitespace as is."""
    if looks_like_html(text):
        text = html_to_text(text)
    elif "&" in text:
        text = html.unescape(text)
    return _unicode_and_lines(text)


def _unicode_and_lines(text: str) -> str:
    """NFKC-normalized, "\\n" line ends (the part of `plain_text` after its HTML step)."""
    if not text.isascii():  # ASCII is NFKC already; isascii() is a flag, not a scan
        text = unicodedata.normalize("NFKC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def collapse_whitespace(text: str) -> str:
    """Per line, whitespace runs to one space and no space at either end; at most one blank
    line in a row.

    Compiled (native/src/prep.rs): a Python loop of `" ".join(line.split())` per line cost
    ~25 µs on a 3 KB description, the largest part of preparing a posting.
    tests/unit/test_text.py checks it against that loop, the reference. `normalize_text`
    calls it only where its own pass (`finish_text`) leaves the text to Python: with the
    str -> UTF-8 -> str conversions this costs ~6.5 µs on the 2.3 KB median LinkedIn
    description, against ~1.3 µs for `finish_text` (CPU time, termsfast, 2026-12-06).
    """
    return _native_collapse(text)
