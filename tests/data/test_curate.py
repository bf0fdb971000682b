"""The curator's commands on the fixture package: add-report, next-id, fill-mentions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fixture_data import make_package

from helpers.cli import main as cli
from helpers.data.curate import CurateError, add_report, fill_mentions, next_ids, read_csv
from helpers.data.datapackage import next_id
from helpers.data.validate import validate_data

REPORT = "UN Security Council adopts the US resolution\n\nThe Council voted 13-0 on Monday.\n"


@pytest.fixture()
def pkg(tmp_path: Path) -> tuple[Path, Path]:
    return make_package(tmp_path / "pkg")


def test_next_id_pads_and_counts_on() -> None:
    assert next_id(["PL-001", "PL-033", "PL-009"]) == "PL-034"
    assert next_id(["S000", "S004"]) == "S005"
    assert next_id([], "^EV-[0-9]{3,}$") == "EV-001"
    with pytest.raises(ValueError, match="prefix plus a number"):
        next_id(["IDN", "GRP-WILLING-19"])


def test_next_ids_per_table(pkg: tuple[Path, Path]) -> None:
    assert next_ids(pkg[0]) == {"sources": "S002", "pledges": "PL-002", "conditions": "CO-002", "positions": "PO-002",
                                "events": "EV-001", "figures": "FI-002", "open_questions": "OQ-002", "tensions": "TN-001"}


def test_add_report_stores_names_and_registers(pkg: tuple[Path, Path], tmp_path: Path) -> None:
    data, sources = pkg
    text = tmp_path / "unsc.txt"
    text.write_text(REPORT, encoding="utf-8")
    digest = hashlib.sha256(REPORT.encode()).hexdigest()
    added = add_report(text, data, sources)
    assert (added.source_id, added.file, added.sha256) == ("S002", f"002_{digest[:16]}.txt", digest)
    assert (sources / added.file).read_text(encoding="utf-8") == REPORT
    header, rows = read_csv(data / "curated" / "sources.csv")
    assert header[-1] == "sha256" and len(rows) == 3
    assert {k: v for k, v in rows[-1].items() if v} == {"source_id": "S002", "file": added.file, "sha256": digest}
    # The row is left to complete: validate names each required blank, and nothing else.
    found = validate_data(data, sources)
    assert {(p.file, p.row, p.field) for p in found} == {("data/curated/sources.csv", 4, f) for f in
                                                         ("outlet", "published", "date_precision", "published_earliest", "published_latest", "date_note")}


def test_add_report_refuses_a_second_copy(pkg: tuple[Path, Path], tmp_path: Path) -> None:
    data, sources = pkg
    text = tmp_path / "again.txt"
    text.write_bytes((sources / "001_bbbbbbbbbbbbbbbb.txt").read_bytes())
    with pytest.raises(CurateError, match=r"already registered as S001 \(001_bbbbbbbbbbbbbbbb.txt\)"):
        add_report(text, data, sources)


def test_add_report_rejects_non_utf8_in_one_line(pkg: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, sources = pkg
    text = tmp_path / "latin.txt"
    text.write_bytes("first line\nCaf\u00e9 talks\n".encode("latin-1"))
    before = (data / "curated" / "sources.csv").read_bytes()
    assert cli(["add-report", str(text), "--data-dir", str(data), "--sources-dir", str(sources)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"add-report: {text}, line 2: not UTF-8 text (bytes b'\\xe9 ta'); re-save it as UTF-8"]
    assert (data / "curated" / "sources.csv").read_bytes() == before
    assert sorted(p.name for p in sources.iterdir()) == ["000_aaaaaaaaaaaaaaaa.txt", "001_bbbbbbbbbbbbbbbb.txt"]


def test_add_report_command_reads_the_sources_setting(pkg: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, sources = pkg
    text = tmp_path / "unsc.txt"
    text.write_text(REPORT, encoding="utf-8")
    assert cli(["add-report", str(text), "--data-dir", str(data), "--sources-dir", str(sources)]) == 0
    out = capsys.readouterr().out
    assert f"stored {sources}/002_" in out and "S002 added to data/curated/sources.csv" in out
    assert cli(["add-report", str(text), "--data-dir", str(data), "--sources-dir", str(tmp_path / "nowhere")]) == 1
    assert "no such sources folder (set ISF_SOURCES_DIR or --sources-dir)" in capsys.readouterr().err


def test_fill_mentions_adds_derived_ids_and_keeps_hand_added_ones(pkg: tuple[Path, Path]) -> None:
    data, sources = pkg
    actors = data / "curated" / "actors.csv"
    # USA is cited only by S000 rows; S001 was added by hand (the report names it without a row) and stays.
    text = actors.read_text(encoding="utf-8")
    actors.write_text(text.replace("north_america,,S000,", "north_america,,S001,"), encoding="utf-8")
    assert [p.field for p in validate_data(data, sources)] == ["mentioned_in"]
    assert fill_mentions(data) == {"USA": ["S000"]}
    assert {r["actor_id"]: r["mentioned_in"] for r in read_csv(actors)[1]} == {"IDN": "S000", "USA": "S000; S001", "JOR": "S001"}
    assert validate_data(data, sources) == []
    before = actors.read_bytes()
    assert fill_mentions(data) == {} and actors.read_bytes() == before  # nothing to add: file untouched


def test_commands_refuse_a_broken_table_in_one_line(pkg: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = pkg
    actors = data / "curated" / "actors.csv"
    actors.write_bytes(b"\xef\xbb\xbf" + actors.read_bytes())
    before = actors.read_bytes()
    assert cli(["fill-mentions", "--data-dir", str(data)]) == 1
    assert capsys.readouterr().err == ("fill-mentions: data/curated/actors.csv, row 1: got 'a byte-order mark (BOM)'; expected UTF-8 "
                                       "without a BOM (re-save the file as plain UTF-8) (fix it first: python3 dev.py validate)\n")
    assert actors.read_bytes() == before
    (data / "datapackage.yaml").write_text("", encoding="utf-8")
    assert cli(["next-id", "--data-dir", str(data)]) == 1
    assert capsys.readouterr().err == "next-id: data/datapackage.yaml: got an empty file; expected a YAML mapping with a 'resources' list\n"


def test_add_report_into_a_folder_it_cannot_write_is_one_line(pkg: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, sources = pkg
    text = tmp_path / "unsc.txt"
    text.write_text(REPORT, encoding="utf-8")
    before = (data / "curated" / "sources.csv").read_bytes()

    def refuse(self: Path, raw: bytes) -> int:  # what a read-only folder does (root ignores chmod, so simulate it)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    with pytest.raises(CurateError, match=r"cannot write the report there \(Permission denied\); use a writable copy"):
        add_report(text, data, sources)
    assert (data / "curated" / "sources.csv").read_bytes() == before


def test_fill_mentions_refuses_a_blank_source_id_in_one_line(pkg: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = pkg
    pledges = data / "curated" / "pledges.csv"
    pledges.write_text(pledges.read_text(encoding="utf-8").replace(",S000,2025-10-10,", ",,2025-10-10,"), encoding="utf-8")
    actors = data / "curated" / "actors.csv"
    before = actors.read_bytes()
    assert cli(["fill-mentions", "--data-dir", str(data)]) == 1
    assert capsys.readouterr().err == ("fill-mentions: data/curated/pledges.csv, row 2: source_id is blank; fill it with the report's id "
                                       "(sources.csv) first, then run fill-mentions again\n")
    assert actors.read_bytes() == before  # never "; S000" written for a blank
