"""Real sample postings for demos, tests and benchmarks, built from ../shared/data at run time.

The reference data is not ours to commit, so nothing from it is stored in the repository:
these functions read it where it lies and turn it into RawPosting JSON lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from stream.models import RawPosting

SEED_FILE = Path("seed/posting-poshmark-senior-ml-engineer.txt")
LINKEDIN_FILE = Path("salary/linkedin_postings_sample500.csv")


def default_data_dir() -> Path | None:
    """../shared/data beside the repository (or the working directory), when present."""
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return None


def _value_after(lines: list[str], label: str) -> str | None:
    for index, line in enumerate(lines[:-1]):
        if line == label:
            return lines[index + 1]
    return None


def seed_posting(data_dir: Path) -> RawPosting:
    """The seed job-board page as a scraper would publish it (labels become fields)."""
    text = (data_dir / SEED_FILE).read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    posted = _value_after(lines, "Posted")
    body_start = text.find("The role")
    return RawPosting(
        source="builtin",
        source_id="poshmark-senior-ml-engineer",
        url="https://jobs.example.com/poshmark-senior-ml-engineer",
        title=lines[1],
        company=lines[0],
        location=_value_after(lines, "Location"),
        salary_text=_value_after(lines, "Salary"),
        employment_type=_value_after(lines, "Type"),
        description=text[body_start:] if body_start >= 0 else text,
        posted_at=None,
        extra={"posted_text": posted} if posted else {},
    )


def linkedin_postings(data_dir: Path, limit: int | None = None) -> Iterator[RawPosting]:
    """LinkedIn sample rows as raw postings; the structured pay goes to `extra`, not the text."""
    with (data_dir / LINKEDIN_FILE).open(encoding="utf-8", newline="") as handle:
        for count, row in enumerate(csv.DictReader(handle)):
            if limit is not None and count >= limit:
                return
            yield RawPosting(
                source="linkedin",
                source_id=row["job_id"],
                url=row.get("job_posting_url") or None,
                title=row["title"],
                company=row.get("company_name") or None,
                location=row.get("location") or None,
                employment_type=row.get("formatted_work_type") or None,
                description=row.get("description") or "",
                extra={
                    key: row[key]
                    for key in ("pay_period", "min_salary", "max_salary", "currency")
                    if row.get(key)
                },
            )


def demo_postings(data_dir: Path, linkedin: int = 5) -> list[RawPosting]:
    """The seed posting plus a handful of LinkedIn postings: the demo's input."""
    return [seed_posting(data_dir), *linkedin_postings(data_dir, limit=linkedin)]
