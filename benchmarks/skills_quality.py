"""Skills tagger quality and latency on the shared evaluation data.

Run from the repository root:  .venv/bin/python benchmarks/skills_quality.py

Reads ../shared/data (never copied into the repo) and prints:
- extract() latency per posting (median and p99, microseconds) on the SkillSpan dev
  postings and on the LinkedIn sample descriptions (normalized first, as the pipeline does;
  only extract() is timed, each posting's best of 3 runs to damp scheduler noise);
- span recall on SkillSpan: the share of expert-annotated knowledge spans (technologies,
  tools, hard knowledge) overlapped by an accepted skill mention, and the share of
  accepted mentions that fall inside any annotated span (knowledge or skill), a lower
  bound on precision because the annotation is not exhaustive;
- recall on the "vocabulary-named" knowledge spans: those whose text, case-folded, is a name in
  an external vocabulary (O*NET technology examples, Stack Overflow tags, ESCO labels),
  so that "information technology" or "cloud adoption and migration" do not count;
- recall on all annotated spans (knowledge and skill) of up to 4 words, the issue's span
  length (longer skill spans are mostly clauses: "work closely with the product team");
- recall on those of them judged by hand to be concrete skills (the issue's measure: tools,
  technologies, methods, qualifications, named domains and soft skills, not duties such as
  "ensure quality"); the judgement is benchmarks/data/skillspan_concrete.jsonl, locators
  only, and how it was made is in benchmarks/data/README.md; also per half of the postings
  (even and odd index: misses are read on the even half only, the odd half is held out);
- on the ESCO-annotated validation sentences (SkillSpan spans mapped by hand to ESCO v1.1
  labels): recall of the spans that have an ESCO label, and, of those found, the share
  whose overlapping tag links to exactly that label (`esco_label`), a check of the links;
- tags per LinkedIn posting and the most frequent tags, and how many mentions the context
  rules drop (stream/enrich/skills/context.py: company, benefits, application, EEO text);
- with --sample N: N random (seeded) tags from non-technical LinkedIn postings (title
  without engineer/developer/software/data/IT words), each with 60 characters of context
  either side, for judging by hand (see docs/skills.md for how they were judged);
  --seed S draws another sample of the same pool (the default seed gives the draws
  judged before it existed).
Exits 0 with a message when the data is absent. Figures measure; they are not targets to
tune individual rows to (see ../shared/data/README.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from stream.enrich.skills.extract import SkillExtractor
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.text import normalize_text

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SKILLSPAN = DATA / "skills" / "skillspan_dev_postings.jsonl"
ESCO_VALIDATION = (
    DATA / "skills" / "tech_validation_annotations.csv",
    DATA / "skills" / "house_validation_annotations.csv",
)
LINKEDIN = DATA / "salary" / "linkedin_postings_sample500.csv"
VOCABULARIES = DATA / "vocabularies"
# Locators into SKILLSPAN with a hand judgement each; no text (the data stays in ../shared).
JUDGED = Path(__file__).resolve().parent / "data" / "skillspan_concrete.jsonl"
SHORT_WORDS = 4  # the span length
SAMPLE_SEED = 20261128
TECH_TITLE = re.compile(
    r"engineer|developer|software|data|\bIT\b|devops|cloud|security|programmer|architect"
    r"|analyst|scientist|technical|technology|network|systems",
    re.IGNORECASE,
)


def vocabulary() -> set[str]:
    """Names from the external vocabularies, case-folded (for "concrete" spans only)."""
    names: set[str] = set()
    with (VOCABULARIES / "onet_technology_skills_unique.csv").open(encoding="utf-8") as f:
        names |= {r["example"].casefold() for r in csv.DictReader(f)}
    with (VOCABULARIES / "stackoverflow_tags_count_ge1000.csv").open(encoding="utf-8") as f:
        names |= {r["tag"].replace("-", " ").casefold() for r in csv.DictReader(f)}
    esco = (VOCABULARIES / "esco_skills_en_label.txt").read_text(encoding="utf-8")
    names |= {line.strip().casefold() for line in esco.splitlines() if line.strip()}
    return names


def _latency(run: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        run()
        best = min(best, time.perf_counter_ns() - t0)
    return best / 1000.0


def _summary(label: str, micros: list[float]) -> None:
    ordered = sorted(micros)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(
        f"{label}: n={len(ordered)}  median={statistics.median(ordered):.0f} us  "
        f"p99={p99:.0f} us  max={ordered[-1]:.0f} us"
    )


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    found, i = [], text.find(needle)
    while i != -1 and needle:
        found.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return found


class JudgementError(ValueError):
    """The judgement file and the SkillSpan postings disagree: the figure would be wrong."""


def short_spans(row: dict[str, Any]) -> set[str]:
    """A posting's distinct knowledge and skill span texts of up to SHORT_WORDS words."""
    spans: list[str] = [*row["knowledge_spans"], *row["skill_spans"]]
    return {s for s in spans if len(s.split()) <= SHORT_WORDS}


def judged_concrete(rows: list[dict[str, Any]], path: Path = JUDGED) -> dict[int, dict[str, bool]]:
    """Per posting index, each short span text and whether it was judged a concrete skill.

    Each line locates one span by posting index (with its source and idx, to catch a
    reordered data file), list ("knowledge" or "skill") and index in that list. Raises
    JudgementError when a locator points nowhere, a span is judged twice, or a short
    span is not judged at all: a judgement that no longer matches the data must not yield
    a figure quietly.
    """
    judged: dict[int, dict[str, bool]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        locator = json.loads(line)
        posting, kind, index = locator["posting"], locator["kind"], locator["span"]
        where = f"{path.name} line {number}"
        if not 0 <= posting < len(rows):
            raise JudgementError(f"{where}: no posting {posting}")
        row = rows[posting]
        if (row["source"], row["idx"]) != (locator["source"], locator["idx"]):
            raise JudgementError(f"{where}: posting {posting} is not {locator['source']}")
        spans = row.get(f"{kind}_spans")
        if not isinstance(spans, list) or not 0 <= index < len(spans):
            raise JudgementError(f"{where}: no {kind} span {index} in posting {posting}")
        text = spans[index]
        if len(text.split()) > SHORT_WORDS:
            raise JudgementError(f"{where}: span longer than {SHORT_WORDS} words")
        if text in judged.setdefault(posting, {}):
            raise JudgementError(f"{where}: span judged twice in posting {posting}")
        judged[posting][text] = bool(locator["concrete"])
    for posting, row in enumerate(rows):
        unjudged = short_spans(row) - judged.get(posting, {}).keys()
        if unjudged:
            raise JudgementError(f"{len(unjudged)} short spans of posting {posting} unjudged")
    return judged


def skillspan(extractor: SkillExtractor) -> None:
    rows = [json.loads(line) for line in SKILLSPAN.read_text(encoding="utf-8").splitlines()]
    judged = judged_concrete(rows) if JUDGED.exists() else None
    judged_short, judged_hit = 0, 0
    # Per half of the postings (even / odd index): rules are worked out on one half's
    # misses and the other half shows whether they hold on postings nobody read for them.
    half_short, half_hit = [0, 0], [0, 0]
    names = vocabulary()
    concrete, concrete_hit = 0, 0
    micros, gold, hit, mentions, inside = [], 0, 0, 0, 0
    short, short_hit = 0, 0
    by_source: Counter[str] = Counter()
    hit_by_source: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for posting, row in enumerate(rows):
        # The SkillSpan text is already plain (its spans are verbatim substrings), so it is
        # passed as is: normalizing would turn "<ORGANIZATION>" into a tag and shift offsets.
        text: str = row["text"]
        micros.append(_latency(partial(extractor.extract, "", text)))
        found = [(m.start, m.end) for m in extractor.mentions("", text)]
        mentions += len(found)
        annotated = [
            span
            for s in (*row["knowledge_spans"], *row["skill_spans"])
            for span in _occurrences(text, s)
        ]
        inside += sum(any(a < e and s < b for a, b in annotated) for s, e in found)
        for span_text in short_spans(row):
            short += 1
            places = _occurrences(text, span_text)
            overlapped = any(a < e and s < b for a, b in places for s, e in found)
            short_hit += overlapped
            if judged is not None and judged[posting][span_text]:
                judged_short += 1
                judged_hit += overlapped
                half_short[posting % 2] += 1
                half_hit[posting % 2] += overlapped
        for span_text in row["knowledge_spans"]:
            gold += 1
            by_source[row["source"]] += 1
            places = _occurrences(text, span_text)
            is_concrete = span_text.replace("-", " ").casefold() in names
            concrete += is_concrete
            if any(a < e and s < b for a, b in places for s, e in found):
                hit += 1
                concrete_hit += is_concrete
                hit_by_source[row["source"]] += 1
            else:
                missed[span_text.lower()] += 1
    _summary("skillspan dev postings extract()", micros)
    print(f"skillspan knowledge-span recall: {hit}/{gold} = {hit / gold:.1%}")
    for source in sorted(by_source):
        share = hit_by_source[source] / by_source[source]
        print(f"  {source}: {hit_by_source[source]}/{by_source[source]} = {share:.1%}")
    print(
        f"skillspan vocabulary-named knowledge-span recall: {concrete_hit}/{concrete} = "
        f"{concrete_hit / max(1, concrete):.1%}"
    )
    print(
        f"skillspan knowledge+skill spans of up to 4 words (distinct per posting): "
        f"{short_hit}/{short} = {short_hit / max(1, short):.1%}"
    )
    if judged is None:
        print(f"hand-judged concrete span recall skipped: {JUDGED} not found")
    else:
        print(
            f"recall of hand-judged concrete knowledge+skill spans of up to {SHORT_WORDS} words: "
            f"{judged_hit}/{judged_short} = {judged_hit / max(1, judged_short):.1%}"
        )
        for half, name in enumerate(("even", "odd")):
            print(
                f"  {name} postings: {half_hit[half]}/{half_short[half]} = "
                f"{half_hit[half] / max(1, half_short[half]):.1%}"
            )
    if mentions:
        print(f"mentions inside an annotated span: {inside}/{mentions} = {inside / mentions:.1%}")
    print("most frequent missed knowledge spans:", ", ".join(s for s, _ in missed.most_common(25)))


def esco_validation(extractor: SkillExtractor, taxonomy: Taxonomy) -> None:
    """Recall of ESCO-labelled spans, and whether the tag found links to the same label."""
    labels = {e.id: e.esco_label for e in taxonomy.entries}
    spans, found, same_label = 0, 0, 0
    for path in ESCO_VALIDATION:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        seen: set[tuple[str, str, str]] = set()
        for row in rows:
            key = (row["sentence"], row["span"], row["label"])
            if row["label"] in ("LABEL NOT PRESENT", "UNDERSPECIFIED") or key in seen:
                continue
            seen.add(key)
            spans += 1
            sentence = row["sentence"]
            places = _occurrences(sentence, row["span"].strip())
            overlapping = {
                m.skill_id
                for m in extractor.mentions("", sentence)
                if any(a < m.end and m.start < b for a, b in places)
            }
            found += bool(overlapping)
            same_label += any(labels.get(i) == row["label"] for i in overlapping)
    print(
        f"ESCO-annotated spans (distinct sentence, span, label): found {found}/{spans} = "
        f"{found / max(1, spans):.1%}; tag linked to the same ESCO label {same_label}/{found}"
    )


def linkedin(extractor: SkillExtractor, sample: int, seed: int = SAMPLE_SEED) -> None:
    csv.field_size_limit(sys.maxsize)
    with LINKEDIN.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    micros, counts = [], []
    frequent: Counter[str] = Counter()
    kept = everything = 0
    for row in rows:
        title, body = row.get("title") or "", normalize_text(row.get("description") or "")
        micros.append(_latency(partial(extractor.extract, title, body)))
        tags = extractor.extract(title, body)
        counts.append(len(tags))
        frequent.update(tag.id for tag in tags)
        kept += len(extractor.mentions(title, body))
        everything += len(extractor.mentions(title, body, context=False))
    _summary("linkedin descriptions extract()", micros)
    print(
        f"linkedin mentions dropped by the context rules: {everything - kept}/{everything} = "
        f"{(everything - kept) / max(1, everything):.1%}"
    )
    zero = sum(1 for c in counts if c == 0)
    print(
        f"linkedin tags per posting: mean={statistics.mean(counts):.1f}  "
        f"median={statistics.median(counts):.0f}  max={max(counts)}  "
        f"zero-tag postings={zero}/{len(counts)}"
    )
    print("most frequent tags:", ", ".join(f"{i} {n}" for i, n in frequent.most_common(20)))
    nontech = [r for r in rows if not TECH_TITLE.search(r.get("title") or "")]
    print(f"non-technical postings (by title): {len(nontech)}")
    if sample:
        pool = []
        for row in nontech:
            title, body = row.get("title") or "", normalize_text(row.get("description") or "")
            for m in extractor.mentions(title, body):
                text = title if m.field == "title" else body
                context = text[max(0, m.start - 60) : m.end + 60].replace("\n", " | ")
                pool.append((m.skill_id, text[m.start : m.end], context))
        print(f"sample: {min(sample, len(pool))} of {len(pool)} mentions, seed {seed}")
        random.Random(seed).shuffle(pool)
        for skill_id, surface, context in pool[:sample]:
            print(f"SAMPLE\t{skill_id}\t{surface!r}\t{context}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=0, help="Print N mentions to judge.")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED, help="Seed of the sample.")
    args = parser.parse_args()
    if not SKILLSPAN.exists() or not LINKEDIN.exists():
        print(f"skipped: evaluation data not found under {DATA}")
        return 0
    t0 = time.perf_counter()
    taxonomy = Taxonomy.bundled()
    extractor = SkillExtractor(taxonomy)
    built = (time.perf_counter() - t0) * 1000
    print(f"taxonomy {taxonomy.version}: {len(taxonomy.entries)} skills, load+build {built:.0f} ms")
    skillspan(extractor)
    if all(path.exists() for path in ESCO_VALIDATION):
        esco_validation(extractor, taxonomy)
    linkedin(extractor, args.sample, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
