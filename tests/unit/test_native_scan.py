"""The compiled skill scan (stream_native, Rust) against the Python reference.

`SkillExtractor(engine="native")` must give exactly what `engine="python"` gives: the same
mentions (offsets, quality, requirement state) and the same tags, on real postings and on
generated text built to hit the rules' edges (case, glue, tag lists, headings, cues,
non-ASCII neighbours).
"""

from __future__ import annotations

import csv
import functools
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stream_native import SkillScanner

from stream.enrich.skills.cues import NICE_WORDS, REQUIRED_WORDS
from stream.enrich.skills.extract import SkillExtractor
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.text import normalize_text


@pytest.fixture(scope="module")
def engines() -> tuple[SkillExtractor, SkillExtractor]:
    taxonomy = Taxonomy.bundled()
    return (
        SkillExtractor(taxonomy, evidence=True, engine="python"),
        SkillExtractor(taxonomy, evidence=True, engine="native"),
    )


@functools.cache
def _plain() -> tuple[SkillExtractor, SkillExtractor]:
    """Both engines without evidence: the native one then builds its tags itself
    (`SkillScanner.tags`), the Python one from the tallies."""
    taxonomy = Taxonomy.bundled()
    return SkillExtractor(taxonomy, engine="python"), SkillExtractor(taxonomy, engine="native")


def _assert_same(engines: tuple[SkillExtractor, SkillExtractor], title: str, text: str) -> None:
    python, native = engines
    for every_state in (True, False):
        expected = python.mentions(title, text, every_state=every_state)
        assert native.mentions(title, text, every_state=every_state) == expected, (title, text)
    assert native.extract(title, text) == python.extract(title, text), (title, text)
    plain_python, plain_native = _plain()
    assert plain_native.extract(title, text) == plain_python.extract(title, text), (title, text)


HANDPICKED = [
    ("", ""),
    ("Python Developer", ""),
    ("", "Requirements:\n- Python and SQL\n- Kafka is a plus"),
    ("Senior Go Engineer", "Go the extra mile. We use Go and Rust; rust removal is not a skill."),
    ("", "Tech stack: PythonSQLJavaScala, RedisMongoDBAmazon Redshift, Amazon S3Amazon EMR"),
    ("", "typescript, javascript, node.js, react / go | jenkins"),
    ("", "react quickly and excel at R&D with C-level staff"),
    ("", "Nice to have\n* Spring Boot, Spring, Amazon S3, S3\n#Requirements\nC++, C#, .NET"),
    ("", "Fluent German and English required. German company, French fries."),
    ("", "Experience with EMR in a hospital; electronic records; HIPAA"),
    ("", "Erfahrung mit Python, Kafka und Docker ist ein Plus; é Python é, _Python_, Pythonic"),
    ("", "Knowledge of CI/CD, A/B testing, Objective-C, ASP.NET Core and scikit-learn."),
    ("", "rMChK2Nb3EPUvX6e8 iOSDeveloper McDonald GoDaddy RStudio"),
    ("", "• Basic qualifications: 3+ years of SQL\n• Preferred qualifications: Airflow"),
    ("", "ſkills: Kafka is a plus. PYTHON REQUIRED. Kelvin \u212a8s"),
    # Lone surrogates: valid in a Python str (JSON "\ud800"), not in UTF-8.
    ("Dev \ud800", "Python and \udfff SQL\nRequirements\n- \ud83d Kafka is a plus"),
    # The three widths of a str's code points (PEP 393), as the scanner reads them: Latin-1,
    # the BMP, and beyond it, with and without a lone surrogate among them.
    ("Caf\xe9 Python", "Python caf\xe9 SQL, \xe9 Kafka \xe9. Java\xa0required"),
    ("Dev \u2022 Go", "\u2022 Python \u2013 SQL\n\u2022 Kafka is a plus"),
    ("Dev \U0001f680", "Python \U0001f680 SQL\nRequirements\n- \U0001f680Kafka is a plus"),
    ("\U0001f680 \ud800 Go", "Python \U0001f680 and \udfff SQL; Kafka \ud83d is a plus"),
]


@pytest.mark.parametrize(("title", "text"), HANDPICKED)
def test_handpicked_texts_agree(
    engines: tuple[SkillExtractor, SkillExtractor], title: str, text: str
) -> None:
    _assert_same(engines, title, text)


# Pieces of text that exercise the rules: skill forms in several cases, traps, glue,
# separators, headings and cue words, bullets, and non-ASCII letters next to forms.
_PIECES = [
    "Python",
    "python",
    "PYTHON",
    "SQL",
    "sql",
    "Go",
    "go",
    "R",
    "C",
    "C++",
    "C#",
    ".NET",
    "Node.js",
    "NodeJS",
    "CI/CD",
    "Excel",
    "excel",
    "React",
    "react",
    "Spring",
    "Spring Boot",
    "Amazon S3",
    "S3",
    "EMR",
    "Flask",
    "AWS",
    "Kafka",
    "kafka",
    "Java",
    "JavaScript",
    "Scala",
    "Jenkins",
    "jenkins",
    "German",
    "English",
    "fluent",
    "Rust",
    "rust",
    "Swift",
    "access",
    "PythonSQL",
    "RedisMongoDB",
    "iOS",
    "R&D",
    "C-level",
    "A/B testing",
    "scikit-learn",
    "Requirements",
    "Requirements:",
    "Nice to have",
    "Preferred",
    "Bonus",
    "is a plus",
    "required",
    "must have",
    "Benefits",
    "About us",
    "What we look for",
    "not required",
    "the",
    "and",
    "extra",
    "mile",
    "quickly",
    "at",
    "with",
    "experience",
    "é",
    "ü",
    "日本",
    "_",
    "-",
    "/",
    "|",
    ",",
    ";",
    ".",
    ":",
    "•",
    "*",
    "#",
    "'",
    "’",
    "(",
    ")",
    "1",
    "2024",
]
_SEPARATORS = [" ", " ", " ", "", "\n", "\n- ", "\n• ", ", ", " / ", ". ", "\t"]
_texts = st.lists(
    st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPARATORS)), max_size=40
).map(lambda parts: "".join(p + s for p, s in parts))


@settings(max_examples=400, deadline=None)
@given(title=_texts, text=_texts)
def test_generated_texts_agree(
    engines: tuple[SkillExtractor, SkillExtractor], title: str, text: str
) -> None:
    _assert_same(engines, title, text)


@settings(max_examples=200, deadline=None)
# Characters assigned in Python's Unicode (14.0 for 3.11): the Rust tables are Unicode 16,
# where 9,392 code points unassigned in 14.0 are letters or digits (a known difference,
# see native/src/cues.rs); text from real postings holds none of them. Surrogates are in.
@given(text=st.text(st.characters(exclude_categories=["Cn"]), max_size=200))
def test_arbitrary_text_agrees(engines: tuple[SkillExtractor, SkillExtractor], text: str) -> None:
    _assert_same(engines, "", text)


def _evaluation_postings(shared_data: Path) -> list[tuple[str, str]]:
    """The postings the skills benchmarks read: SkillSpan dev postings, every CSV posting
    of the salary data (normalized), and up to 3,000 lines of the other skills sets."""
    skills = shared_data / "skills"
    posts = [
        ("", json.loads(line)["text"])
        for line in (skills / "skillspan_dev_postings.jsonl").read_text().splitlines()
    ]
    csv.field_size_limit(sys.maxsize)
    for path in sorted((shared_data / "salary").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("description"):
                    posts.append((row.get("title") or "", normalize_text(row["description"])))
    for path in sorted(skills.glob("*.jsonl")):
        if "dev_postings" in path.name:
            continue
        for line in path.read_text().splitlines()[:3000]:
            record = json.loads(line)
            text = record.get("text") or " ".join(record.get("tokens", []))
            if text:
                posts.append(("", text))
    return posts


@pytest.mark.shared_data
def test_real_postings_agree(
    engines: tuple[SkillExtractor, SkillExtractor], shared_data: Path
) -> None:
    posts = _evaluation_postings(shared_data)
    assert len(posts) > 3000
    mismatches = []
    for title, text in posts:
        try:
            _assert_same(engines, title, text)
        except AssertionError:
            mismatches.append((title, text[:80]))
    assert not mismatches, f"{len(mismatches)} of {len(posts)} postings differ: {mismatches[:3]}"


def test_inconsistent_tables_are_a_clear_error() -> None:
    words = (NICE_WORDS, REQUIRED_WORDS)
    with pytest.raises(ValueError, match="differ in length"):
        SkillScanner([b" x"], [], [], [], {}, b" ", [], [], [], [], [], *words)
    with pytest.raises(ValueError, match="out of range"):
        SkillScanner([b" x "], [(0, 5, True)], [], [], {}, b" ", [], [], [], [], [], *words)
    # The word gates match in either ASCII case, which is Python's `w in clause.lower()`
    # only for lower-case ASCII words without "k" and not ending in "i".
    for nice in (["Plus"], ["bonu\u017f"], ["skill"], ["wiki"]):
        with pytest.raises(ValueError, match="cue word"):
            SkillScanner([], [], [], [], {}, b" ", [], [], [], [], [], nice, REQUIRED_WORDS)


def test_equal_tallies_share_one_tag() -> None:
    """`SkillScanner.tags` makes a tag once per tally (entry, state, quality, mentions,
    title) and hands the same object back after; a new tally gets a new one."""
    python = _plain()[0]
    native = SkillExtractor(Taxonomy.bundled())  # its own, empty tag cache
    scanner = native._native
    assert scanner is not None
    made: list[tuple[int, bool | None, float, int, bool]] = []

    def make(index: int, required: bool | None, best: float, count: int, in_title: bool) -> object:
        made.append((index, required, best, count, in_title))
        return native._make_tag(index, required, best, count, in_title)

    text = "Requirements:\n- Python and SQL\n- Kafka is a plus"
    first = scanner.tags("", text, make)
    assert first == python.extract("", text)
    assert len(made) == len(first) == 3
    second = scanner.tags("", text, make)
    assert [id(tag) for tag in second] == [id(tag) for tag in first]
    assert len(made) == 3  # nothing new made
    # Kafka now required, Python and SQL as before: one new tag, two shared.
    changed = text.replace("Kafka is a plus", "Kafka")
    third = scanner.tags("", changed, make)
    assert third == python.extract("", changed)
    assert len(made) == 4
    assert len({id(tag) for tag in third} & {id(tag) for tag in first}) == 2


def test_scans_from_several_threads_agree(engines: tuple[SkillExtractor, SkillExtractor]) -> None:
    """The native scan runs without the GIL: concurrent calls on one scanner must not
    interfere (each call owns its buffers; the scanner is read-only but for the tag map of
    `SkillScanner.tags`, which is behind a lock)."""
    from concurrent.futures import ThreadPoolExecutor

    python, native = engines
    texts = [text for _, text in HANDPICKED if text] * 20
    expected = [python.extract("", text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda text: native.extract("", text), texts))
    assert got == expected
    # Without evidence the scanner also shares its tag map between the threads.
    plain_python, plain_native = _plain()
    expected = [plain_python.extract("", text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda text: plain_native.extract("", text), texts))
    assert got == expected
