"""Compiled skill scan for postings-stream (Rust, PyO3). See native/src/lib.rs."""

from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

_Tag = TypeVar("_Tag")

__version__: str

class SkillScanner:
    """The mentions `SkillExtractor._scan` would return, from a `FormMatcher`'s tables."""

    def __init__(
        self,
        patterns: list[bytes],
        kinds: list[tuple[int, int, bool]],
        forms: list[tuple[int, str | None, bool, bool]],
        keys: list[tuple[int, list[int], bool, list[str] | None]],
        glue_keys: dict[bytes, int],
        heading_bullets: bytes,
        names: list[str],
        groups: list[int],
        evidence: list[list[int]],
        languages: list[int],
        id_rank: list[int],
        nice_words: Sequence[str],
        required_words: Sequence[str],
        context_patterns: Sequence[tuple[str, bool, bool]] = ...,
        job_cues: Sequence[str] = ...,
    ) -> None: ...
    def scan(
        self,
        title: str,
        description: str,
        every_state: bool,
        excluded: list[tuple[int, int]] | None = None,
    ) -> list[
        tuple[int, Literal["title", "description"], int, int, float, bool | None]
    ]: ...
    def tally(
        self,
        title: str,
        description: str,
        evidence: bool,
        excluded: list[tuple[int, int]] | None = None,
    ) -> list[
        tuple[
            int,
            bool | None,
            float,
            int,
            bool,
            list[tuple[Literal["title", "description"], int, int]] | None,
        ]
    ]: ...
    def tags(
        self,
        title: str,
        description: str,
        make: Callable[[int, bool | None, float, int, bool], _Tag],
    ) -> list[_Tag]: ...

# The section rules alone, for the differential tests (tests/unit/test_native_sections.py).
def heading_state(line: str) -> tuple[bool, bool | None]: ...
def context_ranges(
    text: str,
    context_patterns: Sequence[tuple[str, bool, bool]],
    job_cues: Sequence[str],
) -> list[tuple[int, int]]: ...
def inline_state(
    clause: str, nice_words: Sequence[str], required_words: Sequence[str]
) -> bool | None: ...
def language_context(text: str, start: int, end: int) -> bool: ...
def skill_cue(text: str, start: int, end: int) -> bool: ...
def requirement_states(
    text: str,
    cue_words: list[int],
    last: int,
    heading_lines: list[int],
    spans: list[tuple[int, int]],
    nice_words: Sequence[str],
    required_words: Sequence[str],
) -> list[bool | None]: ...

# Per-character passes over whole texts (native/src/prep.rs).
def collapse_whitespace(text: str) -> str: ...
def join_words(text: str) -> str: ...
# collapse_whitespace(text).strip() where NFKC leaves text as it is and it has no "\r";
# None otherwise (stream.enrich.text.normalize_text).
def finish_text(text: str) -> str | None: ...

# The content digests' canonical bytes (native/src/digest.rs): the UTF-8 of
# json.dumps({field: join_words(value)}, sort_keys=True, ensure_ascii=False), and the
# normalized description; arguments in sorted field order.
def content_canonical(
    company: str,
    description: str,
    employment_type: str,
    location: str,
    salary_text: str,
    title: str,
) -> tuple[bytes, bytes]: ...

class MoneyGate:
    """The salary step's cheap test: false means no number in the text has a currency
    marker or a lakh / crore multiplier attached (stream/enrich/salary/extract.py)."""

    def __init__(
        self, markers: Sequence[str], before: Sequence[str], multipliers: Sequence[str]
    ) -> None: ...
    def may_have_money(self, text: str) -> bool: ...
    def money_windows(
        self, text: str, reach: int, gap: int, max_digits: int
    ) -> list[tuple[int, int]]: ...
    # The same two through the text's UTF-8 form (raises UnicodeEncodeError on a lone
    # surrogate): the reading the ones above replaced, the reference of the tests.
    def may_have_money_utf8(self, text: str) -> bool: ...
    def money_windows_utf8(
        self, text: str, reach: int, gap: int, max_digits: int
    ) -> list[tuple[int, int]]: ...

# The terms step's keyword scan (native/src/terms.rs; stream/enrich/terms/scan.py).
class TermsScanner:
    """`scan.scan_reference` compiled, and the experience and education rules read at its
    hits (native/src/terms.rs, experience.rs, education.rs, requirement.rs)."""

    def __init__(
        self,
        patterns: Sequence[bytes],
        values: Sequence[tuple[str, str, int]],
        nice_words: Sequence[str],
        required_words: Sequence[str],
        cue_words: Sequence[str],
    ) -> None: ...
    def scan(
        self, text: str, encoded: bytes | None = None
    ) -> dict[str, list[tuple[int, int, str]]]: ...
    def read(self, text: str) -> tuple[
        dict[str, list[tuple[int, int, str]]],
        tuple[bool, tuple[float, float | None] | None],
        tuple[bool, str | None],
    ]: ...
    def read_mentions(self, text: str) -> tuple[
        dict[str, list[tuple[int, int, str]]],
        list[tuple[int, int, float, float | None]] | None,
        list[tuple[int, int, str, int, int, bool]] | None,
    ]: ...

class WorkModeReader:
    """`work_mode.description_mode_reference` compiled (native/src/work_mode.rs). `mode` and
    `windows` read the str's own storage (a lone surrogate as U+FFFD); `*_utf8`, the
    readings they replaced, go through its UTF-8 form (raising UnicodeEncodeError on a lone
    surrogate) and are kept as their reference."""

    def __init__(self, forms: Sequence[str], kinds: Sequence[int]) -> None: ...
    def mode(self, text: str) -> Literal["onsite", "hybrid", "remote"] | None: ...
    def mode_utf8(self, text: str) -> Literal["onsite", "hybrid", "remote"] | None: ...
    def windows(self, text: str) -> list[tuple[int, int, int]]: ...
    def windows_utf8(self, text: str) -> list[tuple[int, int, int]]: ...

class AsciiSearch:
    """A short `$`-anchored IGNORECASE pattern of the terms step, searched on ASCII text
    (native/src/py_ascii_search.rs); None where the Python pattern must be asked."""

    def __init__(self, pattern: str) -> None: ...
    def search(self, text: str) -> bool | None: ...
