"""Text normalization shared by the enrichers: HTML to plain text, Unicode and whitespace.

Every pattern here is linear-time: no nested quantifiers, so hostile input cannot make the
worker backtrack for seconds on one message.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Block-level tags become line breaks so that headings ("Nice to have") stay on their own
# line after stripping; every other tag is dropped.
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer)\b[^>]{0,2000}>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[a-zA-Z/!][^>]{0,2000}>")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]{0,2000}>.{0,200000}?</\1\s*>", re.I | re.S)
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def looks_like_html(text: str) -> bool:
    """Cheap check: only pay for HTML stripping when there is a tag-like '<x' in the text."""
    return _ANY_TAG.search(text) is not None


def html_to_text(text: str) -> str:
    """Strip tags (keeping block structure as newlines) and unescape entities."""
    text = _SCRIPT_OR_STYLE.sub(" ", text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _ANY_TAG.sub(" ", text)
    return html.unescape(text)


def normalize_text(text: str) -> str:
    """Plain, NFKC-normalized text with collapsed horizontal whitespace; newlines are kept.

    NFKC folds the look-alikes scrapers produce (full-width letters, non-breaking and narrow
    spaces, ligatures) into their plain forms, so matchers see one spelling.
    """
    if looks_like_html(text):
        text = html_to_text(text)
    elif "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HORIZONTAL_SPACE.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()
