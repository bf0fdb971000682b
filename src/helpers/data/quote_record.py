"""The quote-verification record, ``data/quote_verification.json``: which quotes were found in which reports.

``validate`` writes it where the report texts are; a build without them (a scheduled runner) checks every
quote against it and stops on any quote the record does not vouch for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.data.datapackage import id_column, read_rows
from helpers.files import JSONFileError, read_json_object

from helpers.data.quotes import normalise_space


RECORD_NAME: str = "quote_verification.json"


RECORD_FORMAT: int = 1


RECORD_ABOUT: str = (
    "Where each claim's quote was found in its report. Written by `python3 dev.py validate` where the "
    "report texts are (only when the data passes and something changed); commit it with the data. A build "
    "without the report texts checks every quote against it. quote_sha256: sha256 of the quote with runs of "
    "whitespace collapsed to one space; report_sha256: the report file's sha256 (as in sources.csv); line: "
    "the report file's line where the quote starts; offset: its character offset in the report with "
    "whitespace collapsed."
)


def record_path(data_dir: Path) -> Path:
    """Where the record of ``data_dir`` lives: ``data_dir/quote_verification.json``."""
    return Path(data_dir) / RECORD_NAME


def quote_sha256(quote: str) -> str:
    """sha256 of a quote with its whitespace collapsed (line breaks and double spaces do not matter)."""
    return hashlib.sha256(normalise_space(quote).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ClaimQuote:
    """One claim row's quote and where the row is."""

    claim_id: str
    table: str
    line: int  # the row's line in its CSV (the header is line 1)
    source_id: str
    quote: str


def read_claim_quotes(curated_dir: Path, tables: Iterable[str]) -> list[ClaimQuote]:
    """Every claim's id, table, line, source and quote, as written (absent tables are skipped)."""
    found: list[ClaimQuote] = []
    for table in tables:
        path = Path(curated_dir) / f"{table}.csv"
        if not path.is_file():
            continue
        id_col = id_column(table)
        for line, row in enumerate(read_rows(path), start=2):
            found.append(ClaimQuote(row.get(id_col) or "", table, line, row.get("source_id") or "", row.get("quote") or ""))
    return found


def _registered_reports(curated_dir: Path) -> dict[str, dict[str, str]]:
    """source_id -> {"file", "sha256"} from sources.csv ({} when there is no sources.csv)."""
    path = Path(curated_dir) / "sources.csv"
    if not path.is_file():
        return {}
    return {r["source_id"]: {"file": r.get("file") or "", "sha256": r.get("sha256") or ""} for r in read_rows(path)}


def _where(quote: str, raw: str, normalised: str) -> dict[str, int] | None:
    """The line (in the raw file) and offset (in the whitespace-collapsed text) where a quote starts; None if absent."""
    q = normalise_space(quote)
    offset = normalised.find(q)
    if offset < 0:
        return None
    pattern = r"\s+".join(re.escape(word) for word in q.split(" "))
    match = re.search(pattern, raw)
    line = raw.count("\n", 0, match.start()) + 1 if match else 0
    return {"line": line, "offset": offset}


def verification_entries(curated_dir: Path, sources_dir: Path, tables: Iterable[str]) -> dict[str, dict[str, Any]]:
    """What the record says about each claim whose quote is found in its report as registered.

    Args:
        curated_dir: folder of the curated CSVs (sources.csv and the claim tables).
        sources_dir: folder holding the report texts.
        tables: the claim tables.

    Returns:
        claim_id -> {source_id, quote_sha256, report_sha256, line, offset}, sorted by claim id. A claim
        whose report is missing, differs from its registered checksum or lacks the quote is left out (the
        validator reports those).
    """
    reports = _registered_reports(curated_dir)
    texts: dict[str, tuple[str, str]] = {}
    for sid, info in reports.items():
        path = Path(sources_dir) / info["file"]
        if not info["file"] or not path.is_file():
            continue
        raw_bytes = path.read_bytes()
        if hashlib.sha256(raw_bytes).hexdigest() != info["sha256"]:
            continue
        try:
            raw = raw_bytes.decode("utf-8")
        except UnicodeDecodeError:
            continue
        texts[sid] = (raw, normalise_space(raw))
    entries: dict[str, dict[str, Any]] = {}
    for claim in read_claim_quotes(curated_dir, tables):
        if claim.source_id not in texts or not claim.claim_id:
            continue
        where = _where(claim.quote, *texts[claim.source_id])
        if where is None:
            continue
        entries[claim.claim_id] = {"source_id": claim.source_id, "quote_sha256": quote_sha256(claim.quote),
                                   "report_sha256": reports[claim.source_id]["sha256"], **where}
    return dict(sorted(entries.items()))


def read_record(data_dir: Path) -> dict[str, Any] | None:
    """The record of ``data_dir`` ({"verified_on", "claims", ...}); None when there is none.

    Raises:
        ValueError: the file is there but is not a record (one line naming it).
    """
    path = record_path(data_dir)
    try:
        record = read_json_object(path, missing_ok=True)
    except JSONFileError as exc:
        raise ValueError(f"{exc}; run `python3 dev.py validate` where the report texts are") from None
    if record is None:
        return None
    if not isinstance(record.get("claims"), dict) or not isinstance(record.get("verified_on"), str):
        raise ValueError(f"{path}: expected an object with 'verified_on' and 'claims'; run `python3 dev.py validate` where the report texts are")
    return record


def _record_text(verified_on: str, entries: dict[str, dict[str, Any]]) -> str:
    """The record as written: one claim per line, so a data edit shows as a one-line diff."""
    head = json.dumps({"format": RECORD_FORMAT, "about": RECORD_ABOUT, "verified_on": verified_on}, ensure_ascii=False, indent=1)
    lines = [f" {json.dumps(cid)}: {json.dumps(entry, ensure_ascii=False)}" for cid, entry in entries.items()]
    return head[:-2] + ',\n "claims": {\n' + ",\n".join(" " + line for line in lines) + "\n }\n}\n"


@dataclass(frozen=True)
class RecordUpdate:
    """What `write_record` did."""

    path: Path
    changed: bool
    verified_on: str
    quotes: int


def write_record(data_dir: Path, sources_dir: Path, tables: Iterable[str], today: dt.date | None = None) -> RecordUpdate:
    """Write the record when what it says changed (then dated today); otherwise leave the file as it is.

    Call it only after the data passed validation with the report texts, so every quote is in the record.

    Args:
        data_dir: the data folder (holds curated/ and the record).
        sources_dir: the report texts.
        tables: the claim tables.
        today: the verification date (default: today).

    Returns:
        The path, whether it was written, the date the record stands verified on, and how many quotes it holds.
    """
    entries = verification_entries(Path(data_dir) / "curated", sources_dir, tables)
    path = record_path(data_dir)
    try:
        old = read_record(data_dir)
    except ValueError:
        old = None
    if old is not None and old.get("claims") == entries and old.get("format") == RECORD_FORMAT:
        return RecordUpdate(path, False, old["verified_on"], len(entries))
    verified_on = (today or dt.date.today()).isoformat()
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(_record_text(verified_on, entries), encoding="utf-8")
    os.replace(tmp, path)
    return RecordUpdate(path, True, verified_on, len(entries))


@dataclass(frozen=True)
class RecordCheck:
    """A check of the data's quotes against the record.

    Attributes:
        verified_on: the record's date ("" when there is no record).
        unverified: the claims whose quote (or report) is not the one the record verified, in table order.
        checked: how many quotes were checked.
    """

    verified_on: str
    unverified: tuple[ClaimQuote, ...]
    checked: int

    @property
    def ok(self) -> bool:
        return bool(self.verified_on) and not self.unverified


def check_record(data_dir: Path, tables: Iterable[str]) -> RecordCheck | None:
    """Check every claim's quote against the record, without the report texts.

    A quote passes when the record holds its claim with the same source, the same quote hash and the
    report checksum sources.csv registers now.

    Args:
        data_dir: the data folder.
        tables: the claim tables.

    Returns:
        The check; None when the data folder has no record.

    Raises:
        ValueError: the record is unreadable (one line).
    """
    record = read_record(data_dir)
    if record is None:
        return None
    claims = read_claim_quotes(Path(data_dir) / "curated", tables)
    reports = _registered_reports(Path(data_dir) / "curated")
    unverified = []
    for claim in claims:
        entry = record["claims"].get(claim.claim_id)
        report = reports.get(claim.source_id, {}).get("sha256", "")
        if not isinstance(entry, dict) or (entry.get("source_id"), entry.get("quote_sha256"), entry.get("report_sha256")) != (
                claim.source_id, quote_sha256(claim.quote), report):
            unverified.append(claim)
    return RecordCheck(record["verified_on"], tuple(unverified), len(claims))


def unverified_line(check: RecordCheck, data_dir: Path) -> str:
    """One line naming the first quote the record does not vouch for, how many more, and what to do."""
    first = check.unverified[0]
    more = len(check.unverified) - 1
    others = f" (and {more} more: {', '.join(c.claim_id for c in check.unverified[1:4])}{', …' if more > 3 else ''})" if more else ""
    return (f"quote of {first.claim_id} ({Path(data_dir).name}/curated/{first.table}.csv, row {first.line}) was added or "
            f"edited after the quotes were verified against the reports on {check.verified_on}{others}: run "
            f"`python3 dev.py validate` where the report texts are, then commit {Path(data_dir).name}/{RECORD_NAME}")
