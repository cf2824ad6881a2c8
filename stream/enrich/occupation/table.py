"""The ESCO occupation table, loaded once per process on first use, and its indexes.

The data file (`data/esco_occupations.json.gz`, built by scripts/build_occupations.py from
the ESCO CSVs) holds labels as ESCO writes them; they are tokenized here with the same
rules as titles (`title.tokens`), so a rule change never needs a rebuild. Indexes:

- `labels`: normalized label -> the code it stands for. A label of one occupation codes to
  it; a label several occupations share codes to the one whose preferred label it is, else
  to the one whose preferred label shares most words with it, else (a tie) to their common
  ISCO unit group, else to a strict-majority unit group, else to nothing.
- `titles`: `words.TITLES`, the hand-written titles, resolved to codes.
- `pairs`: the last two words of a label ("marketing coordinator" of "social media marketing
  coordinator") -> the ISCO unit groups of the occupations having such a label, kept when
  at least two occupations have one, and `heads`: a label's last word -> its unit group,
  kept only when at least two occupations use it and they agree ("veterinarian"): the last
  fallback.
- `heads_alone`: the words that may code on their own when a longer title is cut down to
  them: single-word preferred labels and hand-written titles ("electrician", "paralegal")
  and the last word of at least two labels without a preposition ("attorney"), never a
  general word ("manager") nor a stray one-word alternative label.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from stream.enrich.occupation.title import REWRITTEN, alternatives, has_alternatives, tokens
from stream.enrich.occupation.words import GENERIC, TECH_HEADS, TECH_OVERRIDES, TITLES
from stream.models import Occupation

DATA_FILE = "esco_occupations.json.gz"

# Confidence by how a code was found (match.py lowers them for weaker routes).
PREFERRED = 0.95  # the title is an occupation's preferred label
ALTERNATIVE = 0.9  # ... one occupation's alternative label
RESOLVED = 0.75  # ... a label several occupations share, resolved by word overlap
GROUP = 0.7  # ... a label whose occupations agree only on the unit group
MAJORITY = 0.6  # ... a label whose occupations mostly share a unit group
CURATED = 0.85  # a hand-written title (`words.TITLES`)

_STOP = frozenset({"and", "of", "the", "in", "for", "to", "a", "an", "with", "or", "on", "at"})


@dataclass(frozen=True, slots=True)
class Code:
    """What a label or title codes to: an occupation (index into `Index.occupations`) or
    only an ISCO unit group (`occupation` -1)."""

    occupation: int
    isco: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Index:
    occupations: tuple[tuple[str, str, str], ...]  # (uri, isco code, preferred label)
    isco_labels: dict[str, str]
    labels: dict[str, Code]
    titles: dict[str, Code | None]  # None: a title deliberately coded to nothing
    tech_heads: dict[str, Code]
    tech_overrides: dict[str, dict[str, Code]]
    pairs: dict[str, frozenset[str]]
    plain: dict[str, Code | None]  # labels and titles of plain words only: the fast path
    vocabulary: frozenset[str]  # every word of a label or title, and its plural
    heads_alone: frozenset[str]  # words that may stand alone as a run: see match.code_core
    heads: dict[str, frozenset[str]]
    source: dict[str, Any]
    built: dict[Code, Occupation] = field(default_factory=dict)  # answers, built once each


def _read() -> bytes:
    return (resources.files(__package__) / "data" / DATA_FILE).read_bytes()


@functools.cache
def data_digest() -> str:
    """First 8 hex digits of the data file's SHA-256 (part of the step version)."""
    return hashlib.sha256(_read()).hexdigest()[:8]


@functools.cache
def load_index() -> Index:
    """The table and its indexes: built on the first call, shared afterwards."""
    data = json.loads(gzip.decompress(_read()))
    prefix: str = data["uri_prefix"]
    isco_labels: dict[str, str] = data["isco"]
    occupations: list[tuple[str, str, str]] = []
    preferred_tokens: list[frozenset[str]] = []
    holders: dict[str, list[tuple[int, bool]]] = {}
    pair_codes: dict[str, set[tuple[str, int]]] = {}
    head_codes: dict[str, set[tuple[str, int]]] = {}
    head_labels: Counter[str] = Counter()
    for number, (uuid, isco, preferred, others) in enumerate(data["occupations"]):
        occupations.append((prefix + uuid, isco, preferred))
        preferred_tokens.append(frozenset(tokens(preferred)))
        for label, is_preferred in ((preferred, True), *((a, False) for a in others)):
            for words in _expansions(label):
                key = " ".join(words)
                holders.setdefault(key, []).append((number, is_preferred))
                head_codes.setdefault(words[-1], set()).add((isco, number))
                if _STOP.isdisjoint(words):  # "merchant in ... products": not a head
                    head_labels[words[-1]] += 1
                if len(words) > 1 and words[-2] not in _STOP:
                    pair = f"{words[-2]} {words[-1]}"
                    pair_codes.setdefault(pair, set()).add((isco, number))
    labels: dict[str, Code] = {}
    for key, held in holders.items():
        code = _resolve(key, held, occupations, preferred_tokens)
        if code is not None:
            labels[key] = code
    by_label = {label.lower(): n for n, (_, _, label) in enumerate(occupations)}

    def target(spec: str, confidence: float) -> Code | None:
        kind, _, value = spec.partition(":")
        if kind == "esco":
            number = by_label[value.lower()]
            return Code(number, occupations[number][1], confidence)
        if kind == "isco":
            if value not in isco_labels:
                raise KeyError(f"unknown ISCO unit group {value}")
            return Code(-1, value, confidence)
        return None

    titles = {" ".join(tokens(title)): target(spec, CURATED) for title, spec in TITLES.items()}
    plain: dict[str, Code | None] = {
        key: code for key, code in [*labels.items(), *titles.items()] if _is_plain(key)
    }
    return Index(
        occupations=tuple(occupations),
        isco_labels=isco_labels,
        labels=labels,
        titles=titles,
        tech_heads={head: _must(target(spec, 0.7)) for head, spec in TECH_HEADS.items()},
        tech_overrides={
            word: {head: _must(target(spec, 0.7)) for head, spec in heads.items()}
            for word, heads in TECH_OVERRIDES.items()
        },
        pairs={
            pair: frozenset(isco for isco, _ in held)
            for pair, held in pair_codes.items()
            if len(held) > 1
        },
        heads_alone=frozenset(
            {head for head, count in head_labels.items() if count >= 2}
            | {
                key
                for key, code in labels.items()
                if " " not in key and code.confidence == PREFERRED
            }
            | {key for key, code in titles.items() if " " not in key and code is not None}
        )
        - GENERIC,
        plain=plain,
        vocabulary=frozenset(
            form
            for key in [*labels, *titles]
            for word in key.split()
            for form in (word, word + "s")
        ),
        heads={
            head: frozenset(isco for isco, _ in held)
            for head, held in head_codes.items()
            if len({isco for isco, _ in held}) == 1 and len(held) > 1
        },
        source=data["source"],
    )


def _is_plain(key: str) -> bool:
    """Whether a title equal to this key (in lower case) is its own only core and codes to
    the key's code with nothing else tried (see `match.code_title_with`)."""
    words = key.split()
    if has_alternatives(key) or (len(words) == 1 and words[0] in GENERIC):
        return False
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        return False
    return all(len(word) > 1 and word.isalpha() and word not in REWRITTEN for word in words)


def _must(code: Code | None) -> Code:
    if code is None:
        raise ValueError("a tech head must code to something")
    return code


def _expansions(label: str) -> list[list[str]]:
    """A label's token lists: itself, and for a label with a slash ("waiter/waitress",
    "event/generator electrician") each alternative, as titles are split."""
    forms = [tokens(label)]
    if "/" in label:
        parts = list(alternatives(label))
        if len(parts) == 3:  # "event/generator electrician": not the bare "event"
            parts = [part for part in parts if " " in part.strip()]
        forms += [tokens(part) for part in parts]
    return [words for words in forms if words]


def _resolve(
    key: str,
    held: list[tuple[int, bool]],
    occupations: list[tuple[str, str, str]],
    preferred_tokens: list[frozenset[str]],
) -> Code | None:
    numbers = sorted({n for n, _ in held})
    preferred = sorted({n for n, is_preferred in held if is_preferred})
    if len(preferred) == 1:
        return Code(preferred[0], occupations[preferred[0]][1], PREFERRED)
    if len(numbers) == 1:
        return Code(numbers[0], occupations[numbers[0]][1], ALTERNATIVE)
    words = frozenset(key.split())
    overlap = {n: len(words & preferred_tokens[n]) for n in numbers}
    best = max(overlap.values())
    tied = [n for n in numbers if overlap[n] == best]
    if len(tied) == 1 and best > 0:
        return Code(tied[0], occupations[tied[0]][1], RESOLVED)
    groups = {occupations[n][1] for n in tied}
    if len(groups) == 1:
        return Code(-1, groups.pop(), GROUP)
    counts = Counter(occupations[n][1] for n in numbers)
    group, count = counts.most_common(1)[0]
    if count * 2 > len(numbers):
        return Code(-1, group, MAJORITY)
    return None
