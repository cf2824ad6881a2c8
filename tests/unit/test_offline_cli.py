"""`stream enrich`: JSON lines in, enriched lines out, bad lines reported by number."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from stream.cli.main import app
from stream.models import EnrichedPosting

GOOD = {
    "source": "t",
    "source_id": "1",
    "title": "Backend Engineer",
    "location": "London, UK",
    "salary_text": "£60,000 - £75,000 per annum",
    "description": "Requirements: Python, PostgreSQL and Docker.",
}


def _run(tmp_path: Path, lines: list[str]) -> tuple[int, str, str]:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["enrich", str(source)])
    return result.exit_code, result.stdout, result.stderr


def test_every_valid_line_is_enriched_in_order(tmp_path: Path) -> None:
    second = {**GOOD, "source_id": "2", "title": "Data Engineer"}
    code, out, _ = _run(tmp_path, [json.dumps(GOOD), "", json.dumps(second)])
    assert code == 0
    postings = [EnrichedPosting.model_validate_json(line) for line in out.splitlines()]
    assert [p.posting_id for p in postings] == ["t:1", "t:2"]
    first = postings[0]
    assert {"Python", "PostgreSQL", "Docker"} <= {skill.name for skill in first.skills}
    assert first.salary is not None
    assert (first.salary.min, first.salary.max, first.salary.currency) == (60000, 75000, "GBP")
    assert first.salary.period == "year"


def test_invalid_lines_are_reported_with_number_and_reason_and_skipped(tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD),
        '{"source": "t", "source_id": "2", "title": "x"}',  # no description
        "not json at all",
        json.dumps({**GOOD, "source_id": "4"}),
    ]
    code, out, err = _run(tmp_path, lines)
    assert code == 1
    assert [json.loads(line)["posting_id"] for line in out.splitlines()] == ["t:1", "t:4"]
    assert "line 2: schema_violation: description" in err
    assert "line 3: invalid_json" in err


def test_invalid_utf8_line_is_reported_not_fatal(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\xff\xfe broken\n" + json.dumps(GOOD).encode() + b"\n")
    result = CliRunner().invoke(app, ["enrich", str(source)])
    assert result.exit_code == 1
    assert "line 1: invalid_encoding" in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_reads_stdin_when_no_file_is_given() -> None:
    result = CliRunner().invoke(app, ["enrich"], input=json.dumps(GOOD) + "\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["posting_id"] == "t:1"


def test_seed_posting_offline(tmp_path: Path, shared_data: Path) -> None:
    from stream.cli.samples import seed_posting

    code, out, _ = _run(tmp_path, [seed_posting(shared_data).model_dump_json()])
    assert code == 0
    enriched = EnrichedPosting.model_validate_json(out)
    assert enriched.salary is not None
    salary = enriched.salary
    assert (salary.min, salary.max, salary.currency, salary.period) == (
        160000,
        220000,
        "USD",
        "year",
    )
    names = {skill.name for skill in enriched.skills}
    expected = {"Python", "SQL", "PyTorch", "TensorFlow", "scikit-learn", "Apache Kafka"}
    expected |= {"Redis", "Apache Spark", "Apache Airflow", "Docker", "Kubernetes"}
    assert expected <= names, expected - names


def test_evidence_flag_gives_mention_offsets(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    plain = CliRunner().invoke(app, ["enrich", str(source)])
    flagged = CliRunner().invoke(app, ["enrich", "--evidence", str(source)])
    assert plain.exit_code == flagged.exit_code == 0
    assert all(s.evidence is None for s in EnrichedPosting.model_validate_json(plain.stdout).skills)
    posting = EnrichedPosting.model_validate_json(flagged.stdout)
    offsets = {s.name: s.evidence for s in posting.skills}
    text = GOOD["description"]
    for name in ("Python", "PostgreSQL", "Docker"):
        evidence = offsets[name]
        assert evidence is not None
        assert [text[start:end] for field, start, end in evidence] == [name]
        assert {field for field, _, _ in evidence} == {"description"}


def test_messages_are_escaped_for_rich() -> None:
    """An error message holding rich markup ("[/]") is printed as it is, not interpreted."""
    from stream.cli.main import _escape

    assert _escape("bad [red]value[/]") == "bad \\[red]value\\[/]"
