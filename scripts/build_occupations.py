"""Build the occupation table the occupation step ships, from the ESCO CSVs.

Run from the repository root:

    .venv/bin/python scripts/build_occupations.py [--source ../shared/data/occupations]

Reads `esco_occupations_en.csv` (ESCO v1.1 occupations pillar, English) and
`isco_groups_en.csv` (ISCO-08 groups) and writes
`stream/enrich/occupation/data/esco_occupations.json.gz`: only what matching needs, i.e. per
occupation its URI (the UUID after the common prefix), its ISCO-08 unit group, its preferred
label and its alternative and hidden labels; and the label of every ISCO-08 unit group
(4 digits). Descriptions, scope notes and the rest are left out.

The output is deterministic (rows sorted by URI, labels de-duplicated case-insensitively
in source order, gzip without a timestamp), so rebuilding from the same CSVs gives the same
bytes; `source` in the file records where it came from and the SHA-256 of each input.
Labels are stored as written: the step normalizes them when it loads the table, so a
change to the matching rules never needs a rebuild.

ESCO is (c) European Union, reused under CC BY 4.0 (see NOTICE at the repository root).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "occupations"
OUTPUT = REPO / "stream" / "enrich" / "occupation" / "data" / "esco_occupations.json.gz"
URI_PREFIX = "http://data.europa.eu/esco/occupation/"
ESCO_VERSION = "ESCO v1.1"
FORMAT = 1


def _labels(*fields: str) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for field in fields:
        for label in field.split("\n"):
            label = " ".join(label.split())
            if label and label.lower() not in seen:
                seen.add(label.lower())
                out.append(label)
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(source: Path) -> dict[str, object]:
    occupations_csv = source / "esco_occupations_en.csv"
    groups_csv = source / "isco_groups_en.csv"
    with groups_csv.open(newline="", encoding="utf-8") as f:
        isco = {
            row["code"]: row["preferredLabel"].strip()
            for row in csv.DictReader(f)
            if len(row["code"]) == 4
        }
    rows: list[list[object]] = []
    with occupations_csv.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            uri = row["conceptUri"]
            code = row["iscoGroup"]
            if not uri.startswith(URI_PREFIX) or code not in isco:
                raise SystemExit(f"unexpected row: {uri} {code}")
            preferred = " ".join(row["preferredLabel"].split())
            alts = [
                label
                for label in _labels(row["altLabels"], row["hiddenLabels"])
                if label.lower() != preferred.lower()
            ]
            rows.append([uri.removeprefix(URI_PREFIX), code, preferred, alts])
    rows.sort(key=lambda r: str(r[0]))
    return {
        "format": FORMAT,
        "source": {
            "name": f"{ESCO_VERSION} occupations pillar and ISCO-08 groups, English",
            "publisher": "European Commission (ESCO), CC BY 4.0",
            "files": {
                occupations_csv.name: _sha256(occupations_csv),
                groups_csv.name: _sha256(groups_csv),
            },
            "built_by": "scripts/build_occupations.py",
        },
        "uri_prefix": URI_PREFIX,
        "isco": dict(sorted(isco.items())),
        "occupations": rows,
    }


def write(table: dict[str, object], output: Path) -> bytes:
    text = json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    data = buffer.getvalue()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    if not (args.source / "esco_occupations_en.csv").is_file():
        print(f"ESCO CSVs not found in {args.source}", file=sys.stderr)
        return 2
    table = build(args.source)
    data = write(table, args.output)
    occupations = table["occupations"]
    groups = table["isco"]
    assert isinstance(occupations, list)
    assert isinstance(groups, dict)
    labels = sum(1 + len(row[3]) for row in occupations)
    shown = args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output
    print(
        f"{shown}: {len(occupations)} occupations, {labels} labels, {len(groups)} ISCO unit "
        f"groups, {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()[:12]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
