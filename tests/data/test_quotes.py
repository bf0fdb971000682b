"""The quote-verification record (helpers.data.quotes): written by `validate` where the report texts are,
checked by builds where they are not; and what the briefing says about it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from helpers import paths
from helpers.data import quote_record
from helpers.views import briefing
from helpers.data.datapackage import CLAIM_TABLES
from helpers.data.validate import main as validate_main

TEXT = "The minister said:\nIndonesia is  ready to send\n20,000 troops.\n"
SHA = hashlib.sha256(TEXT.encode()).hexdigest()


def make_data(root: Path, quote: str = "Indonesia is ready to send 20,000 troops") -> Path:
    data = root / "data"
    (data / "curated").mkdir(parents=True)
    (data / "curated" / "sources.csv").write_text(f"source_id,file,sha256\nS000,000_a.txt,{SHA}\n", encoding="utf-8")
    (data / "curated" / "pledges.csv").write_text(f'pledge_id,source_id,reported_date,quote\nPL-1,S000,2025-10-17,"{quote}"\n',
                                                  encoding="utf-8")
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "000_a.txt").write_text(TEXT, encoding="utf-8")
    return data


def test_the_record_says_where_each_quote_was_found_and_changes_only_with_the_quotes(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    first = quote_record.write_record(data, tmp_path / "sources", CLAIM_TABLES, today=quote_record.dt.date(2025, 12, 1))
    assert (first.changed, first.verified_on, first.quotes) == (True, "2025-12-01", 1)
    text = (data / "quote_verification.json").read_text(encoding="utf-8")
    record = json.loads(text)
    # Line breaks and double spaces in the report do not matter; the line is the report file's own.
    assert record["claims"] == {"PL-1": {
        "source_id": "S000", "quote_sha256": hashlib.sha256(b"Indonesia is ready to send 20,000 troops").hexdigest(),
        "report_sha256": SHA, "line": 2, "offset": 19}}
    assert '  "PL-1": {"source_id": "S000", ' in text  # one claim per line: a data edit is a one-line diff
    # Validating again changes nothing (not even the date), so the record does not churn in git.
    again = quote_record.write_record(data, tmp_path / "sources", CLAIM_TABLES, today=quote_record.dt.date(2026, 1, 5))
    assert (again.changed, again.verified_on) == (False, "2025-12-01")
    assert (data / "quote_verification.json").read_text(encoding="utf-8") == text
    check = quote_record.check_record(data, CLAIM_TABLES)
    assert check is not None and check.ok and check.checked == 1


@pytest.mark.needs("reports")
@pytest.mark.live_data
def test_validate_where_the_texts_are_writes_the_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live = tmp_path / "live"
    shutil.copytree(paths.DATA_DIR, live)
    (live / "quote_verification.json").unlink(missing_ok=True)
    assert validate_main(["--data-dir", str(live), "--sources-dir", str(paths.SOURCES_DIR)]) == 0
    out = capsys.readouterr().out
    assert f"validate: quote record {live / 'quote_verification.json'} updated: commit it with the data" in out
    assert quote_record.check_record(live, CLAIM_TABLES).ok
    # Without the texts (--no-sources) it neither checks quotes nor touches the record.
    before = (live / "quote_verification.json").read_bytes()
    assert validate_main(["--data-dir", str(live), "--no-sources"]) == 0
    assert "quote record" not in capsys.readouterr().out and (live / "quote_verification.json").read_bytes() == before


def test_an_edited_added_or_moved_quote_is_not_vouched_for(tmp_path: Path) -> None:
    data = make_data(tmp_path)
    quote_record.write_record(data, tmp_path / "sources", CLAIM_TABLES, today=quote_record.dt.date(2025, 12, 1))
    pledges = data / "curated" / "pledges.csv"
    pledges.write_text(pledges.read_text(encoding="utf-8").replace("20,000", "25,000")
                       + 'PL-2,S000,2025-10-17,"The minister said"\n', encoding="utf-8")
    check = quote_record.check_record(data, CLAIM_TABLES)
    assert [c.claim_id for c in check.unverified] == ["PL-1", "PL-2"] and not check.ok
    assert quote_record.unverified_line(check, data) == (
        "quote of PL-1 (data/curated/pledges.csv, row 2) was added or edited after the quotes were verified against the "
        "reports on 2025-12-01 (and 1 more: PL-2): run `python3 dev.py validate` where the report texts are, then "
        "commit data/quote_verification.json")
    (data / "quote_verification.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="quote_verification.json: not readable JSON"):
        quote_record.check_record(data, CLAIM_TABLES)
    (data / "quote_verification.json").unlink()
    assert quote_record.check_record(data, CLAIM_TABLES) is None


@pytest.mark.live_data
def test_the_committed_record_vouches_for_every_live_quote() -> None:
    """What a scheduled runner (no report texts) relies on: every quote of the live data is in the record."""
    check = quote_record.check_record(paths.DATA_DIR, CLAIM_TABLES)
    assert check is not None, "data/quote_verification.json is missing: run python3 dev.py validate and commit it"
    assert [c.claim_id for c in check.unverified] == [], quote_record.unverified_line(check, paths.DATA_DIR) if check.unverified else ""


@pytest.mark.needs("reports")
@pytest.mark.live_data
def test_the_committed_record_is_what_validate_would_write_now() -> None:
    record = quote_record.read_record(paths.DATA_DIR)
    assert record is not None
    assert record["claims"] == quote_record.verification_entries(paths.CURATED_DIR, paths.SOURCES_DIR, CLAIM_TABLES)


def test_the_methodology_says_how_the_quotes_were_checked() -> None:
    assert briefing.quotes_note({}) == ""  # a notebook run by hand
    assert briefing.quotes_note({"quotes": {"how": "reports", "verified_on": ""}, "quotes_checked": True}) == (
        "Every quote was checked against the text of its report when this edition was built.")
    note = briefing.quotes_note({"quotes": {"how": "record", "verified_on": "2025-12-01"}, "quotes_checked": True})
    assert note.startswith("Every quote was verified against the text of its report on 1 Dec 2025;")
    assert "built without the report texts" in note
    assert briefing.quotes_note({"quotes": {"how": "none", "verified_on": ""}, "quotes_checked": False}).startswith(
        "The quotes in this edition were not checked against the reports")
    assert briefing.quotes_note({"quotes_checked": True}).startswith("Every quote was checked")  # editions before the record
