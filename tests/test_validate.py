"""`validate` on broken copies of the data: one precise line per problem, raw files untouched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from helpers import paths
from helpers.validate import Problem, main, validate_data


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(data: Path) -> list[Problem]:
    return validate_data(data, sources_dir=None)


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_unknown_actor_id(data: Path) -> None:
    edit(data / "curated/pledges.csv", "PL-001,IDN,", "PL-001,XYZ,")
    p = only(problems(data))
    assert (p.file, p.row, p.field, p.value) == ("data/curated/pledges.csv", 2, "actor_id", "XYZ")
    assert "one of the actor_id values in actors.csv" in p.expected


def test_unknown_source_id(data: Path) -> None:
    edit(data / "curated/conditions.csv", ",S001,2025-12-13,relayed", ",S999,2025-11-15,relayed")
    found = problems(data)
    p = only([q for q in found if q.field == "source_id"])
    assert (p.file, p.row, p.value) == ("data/curated/conditions.csv", 2, "S999")
    assert "one of the source_id values in sources.csv" in p.expected


def test_duplicate_id(data: Path) -> None:
    edit(data / "curated/events.csv", "EV-002,", "EV-001,")
    p = only(problems(data))
    assert (p.file, p.row, p.field, p.value) == ("data/curated/events.csv", 3, "event_id", "EV-001")
    assert "unique" in p.expected


def test_bad_date(data: Path) -> None:
    edit(data / "curated/events.csv", "EV-001,2025-10-10,", "EV-001,2025-10-32,")
    p = only(problems(data))
    assert (p.row, p.field, p.value) == (2, "event_date", "2025-10-32")
    assert p.expected == "a date written YYYY-MM-DD"


def test_negative_amount(data: Path) -> None:
    edit(data / "curated/pledges.csv", ",200,200,personnel,", ",-200,200,personnel,")
    found = problems(data)
    assert any(p.field == "amount_low" and p.value == "-200" and "at least 0" in p.expected for p in found), [str(p) for p in found]


def test_inverted_range(data: Path) -> None:
    edit(data / "curated/figures.csv", ",19,19,countries,", ",19,9,countries,")
    found = problems(data)
    inverted = [p for p in found if p.field == "value_high"]
    assert inverted and inverted[0].value == "9" and "at least value_low" in inverted[0].expected


def test_empty_required_field(data: Path) -> None:
    edit(data / "curated/positions.csv", "PO-001,USA,us_troops_in_gaza,,opposes,", "PO-001,USA,us_troops_in_gaza,,,")
    found = problems(data)
    p = only([q for q in found if q.field == "direction"])
    assert (p.row, p.value) == (2, "")
    assert "required" in p.expected


def test_value_outside_enumeration(data: Path) -> None:
    edit(data / "curated/pledges.csv", "PL-001,IDN,troops,mentioned,", "PL-001,IDN,troops,rumoured,")
    p = only(problems(data))
    assert (p.row, p.field, p.value) == (2, "stage", "rumoured")
    assert "stages.csv" in p.expected


def test_wrong_column_count(data: Path) -> None:
    path = data / "curated/figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].rstrip("\n") + ",extra\n"
    path.write_text("".join(lines), encoding="utf-8")
    found = problems(data)
    p = only([q for q in found if q.file == "data/curated/figures.csv"])
    assert p.row == 4 and "values, one per column" in p.expected


def test_bad_quoting(data: Path) -> None:
    path = data / "curated/sources.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'S005,"005_x.txt,unterminated\n', encoding="utf-8")
    found = problems(data)
    p = only([q for q in found if q.file == "data/curated/sources.csv"])
    assert p.row == 7 and "quoting" in p.expected


def test_non_utf8_file(data: Path) -> None:
    path = data / "curated/actors.csv"
    path.write_bytes(path.read_bytes().replace("Turkiye".encode(), "Türkiye".encode("latin-1")))
    p = only([q for q in problems(data) if q.file == "data/curated/actors.csv"])
    assert p.expected.startswith("UTF-8") and p.row == 4 and "\\xfc" in p.value  # Turkey is on line 4


def test_quote_not_in_source(data: Path) -> None:
    edit(data / "curated/figures.csv", "no country has formally committed yet", "no country has formally committed so far")
    found = validate_data(data, sources_dir=paths.SOURCES_DIR) if paths.SOURCES_DIR.is_dir() else pytest.skip("no sources")
    p = only(found)
    assert (p.field, p.row) == ("quote", 3) and "copied exactly" in p.expected


def test_amount_must_match_its_words(data: Path) -> None:
    edit(data / "curated/figures.csv", "FI-007,countries_willing,,19,19,", "FI-007,countries_willing,,18,18,")
    found = problems(data)
    assert any(p.field == "value_low" and p.value == "18" and "stated in value_text" in p.expected for p in found)


def test_validation_never_rewrites_raw_files(data: Path) -> None:
    edit(data / "curated/pledges.csv", "PL-001,IDN,", "PL-001,XYZ,")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.rglob("*") if p.is_file()}
    problems(data)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.rglob("*") if p.is_file()}
    assert before == after


def test_command_prints_one_line_per_problem_and_fails(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(data / "curated/pledges.csv", "PL-001,IDN,troops,mentioned,", "PL-001,XYZ,troops,rumoured,")
    code = main(["--data-dir", str(data), "--sources-dir", str(data / "none")])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert out == [
        "data/curated/pledges.csv, row 2, field actor_id: got 'XYZ'; expected one of the actor_id values in actors.csv",
        "data/curated/pledges.csv, row 2, field stage: got 'rumoured'; expected one of the stage values in stages.csv",
    ]


def test_command_passes_on_curated_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "validate: OK" in capsys.readouterr().out
