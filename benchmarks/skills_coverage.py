"""Taxonomy coverage of public vocabularies: O*NET Hot Technologies, Stack Overflow tags, ESCO.

Run from the repository root:  .venv/bin/python benchmarks/skills_coverage.py [--missing N]

The vocabularies in ../shared/data/vocabularies are used to FIND gaps, never imported. A
term counts as covered when the skill matcher, run on the term itself (O*NET and ESCO
names as written, Stack Overflow tags with "-" read as a space), accepts mentions that
cover at least half of the term's letters once generic words ("software", "systems", ...)
are set aside: "Microsoft Excel" is covered by Excel, "Oracle Java" by Java, while
"Microsoft Dynamics" is not covered by a bare "Microsoft". Weak (ambiguous) forms need
corroboration in running text but count here: the question is whether the taxonomy knows
the skill. Prints coverage per list and the most important missing terms.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from stream.enrich.skills.match import FormMatcher
from stream.enrich.skills.taxonomy import Taxonomy

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "vocabularies"
ONET = DATA / "onet_technology_skills_unique.csv"
STACKOVERFLOW = DATA / "stackoverflow_tags_count_ge1000.csv"
ESCO = DATA / "esco_skills_en_label.txt"
_GENERIC = re.compile(
    r"\b(?:software|systems?|suite|platform|services?|tools?|applications?|programs?|"
    r"programming|language|framework|library|database|management|the|of|and|for)\b",
    re.IGNORECASE,
)


def covered(matcher: FormMatcher, term: str, forms: frozenset[str] = frozenset()) -> bool:
    """The matcher's accepted mentions cover at least half of the term's core letters.

    `forms`: every surface form, case-folded; a term equal to one is covered whatever its
    case (Stack Overflow tags are lower-case, "swift" is the cased form "Swift").
    """
    if term.casefold() in forms:
        return True
    spans = [(start, end) for start, end, forms, _ in matcher.spans(term) if forms]
    if not spans:
        return False
    core = [m.span() for m in re.finditer(r"[A-Za-z0-9+#]", _GENERIC.sub(" ", term))]
    letters = [a for a, _ in core]
    if not letters:
        return True
    inside = sum(any(s <= i < e for s, e in spans) for i in letters)
    return inside * 2 >= len(letters)


def report(
    label: str, terms: list[str], matcher: FormMatcher, forms: frozenset[str], missing: int
) -> None:
    lost = [t for t in terms if not covered(matcher, t, forms)]
    share = 1 - len(lost) / len(terms) if terms else 0.0
    print(f"{label}: {len(terms) - len(lost)}/{len(terms)} covered = {share:.1%}")
    if missing and lost:
        print("  missing:", "; ".join(lost[:missing]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--missing", type=int, default=40, help="Missing terms to print.")
    parser.add_argument("--so-top", type=int, default=500, help="Most-asked SO tags to check.")
    args = parser.parse_args()
    if not ONET.exists():
        print(f"skipped: vocabularies not found under {DATA}")
        return 0
    taxonomy = Taxonomy.bundled()
    # The Python matcher (the reference): its spans are what both engines select.
    matcher = FormMatcher(taxonomy.entries)
    forms = frozenset(
        f.casefold() for e in taxonomy.entries for f in (e.name, *e.aliases, *e.cased_aliases)
    )
    print(f"taxonomy {taxonomy.version}: {len(taxonomy.entries)} skills")
    with ONET.open(encoding="utf-8", newline="") as handle:
        onet = list(csv.DictReader(handle))
    onet.sort(key=lambda r: -int(r["n_occupations"] or 0))
    hot = [r["example"] for r in onet if r["hot_technology"] == "Y"]
    demand = [r["example"] for r in onet if r["in_demand"] == "Y"]
    report("O*NET Hot Technologies", hot, matcher, forms, args.missing)
    report("O*NET In Demand", demand, matcher, forms, args.missing)
    with STACKOVERFLOW.open(encoding="utf-8", newline="") as handle:
        tags = [r["tag"].replace("-", " ") for r in csv.DictReader(handle)][: args.so_top]
    report(f"Stack Overflow top {args.so_top} tags", tags, matcher, forms, args.missing)
    esco = [line.strip() for line in ESCO.read_text(encoding="utf-8").splitlines() if line.strip()]
    report("ESCO skill labels", esco, matcher, forms, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
