"""The curator's commands: register a new report, get the next ids, fill ``mentioned_in``.

These are the only code paths that write to data/curated, and each writes one mechanical thing a
curator would otherwise type by hand: the new report's row in sources.csv (id, file name, checksum; the
rest is left blank for the curator to complete), or the source ids derived from the claim rows. The
curated files are written with the csv module exactly as they are kept (minimal quoting, ``\\n`` line
ends), so a command's diff shows only what it changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.data.datapackage import PackageError, field_names, fields, load_descriptor, next_id, primary_key, resource
from helpers.data.datapackage import CLAIM_TABLES, read_csv, split_list
from helpers.data.rules import derived_mentions
from helpers.data.structure import check_encoding, check_structure


class CurateError(ValueError):
    """A command could not do its job; the message is one line naming the file and what to do."""


@dataclass(frozen=True)
class AddedReport:
    """What ``add_report`` registered."""

    source_id: str
    file: str
    sha256: str
    stored_at: Path


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """Write a curated table the way it is kept (minimal quoting, \\n line ends), via a temporary file.

    Args:
        path: the CSV file.
        header: column names in order.
        rows: the rows.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, path)  # a crash never leaves a half-written table


def require_sound(data_dir: Path, names: tuple[str, ...]) -> dict[str, Any]:
    """Refuse to touch tables that are not well-formed: a command never rewrites a broken file.

    Args:
        data_dir: folder holding datapackage.yaml and the tables.
        names: the tables the command reads.

    Returns:
        The package descriptor.

    Raises:
        CurateError: the descriptor is unreadable, or a table is not UTF-8 / not well-formed CSV (the
            message is validate's first line for it).
    """
    try:
        descriptor = load_descriptor(data_dir)
        for name in names:
            resource(descriptor, name)
    except PackageError as err:
        raise CurateError(str(err)) from None
    for name in names:
        res = resource(descriptor, name)
        path = data_dir / res["path"]
        if not path.is_file():
            raise CurateError(f"{path}: no such file")
        raw = path.read_bytes()
        found = check_encoding(raw, f"{data_dir.name}/{res['path']}") or check_structure(raw.decode("utf-8"), f"{data_dir.name}/{res['path']}", field_names(res))
        if found:
            raise CurateError(f"{found[0]} (fix it first: python3 dev.py validate)")
    return descriptor


def report_file_name(number: int, raw: bytes) -> str:
    """The stored name of a report: its three-digit number and the first 16 hex digits of its sha256.

    Args:
        number: the source id's number (S005 -> 5).
        raw: the report's bytes.

    Returns:
        e.g. ``005_3f2a9c0d1e7b4a61.txt``.
    """
    return f"{number:03d}_{hashlib.sha256(raw).hexdigest()[:16]}.txt"


def add_report(text_file: Path, data_dir: Path, sources_dir: Path) -> AddedReport:
    """Store a report in the sources folder and append its row to sources.csv.

    The row gets source_id (the next id), file and sha256; outlet, dates and notes stay blank for the
    curator to complete (validate lists each required blank until they are filled).

    Args:
        text_file: the report as UTF-8 text.
        data_dir: folder holding datapackage.yaml and curated/.
        sources_dir: the sources folder (ISF_SOURCES_DIR or --sources-dir).

    Returns:
        The registered id, file name, checksum and stored path.

    Raises:
        CurateError: the file is missing, not UTF-8, already registered, the folders are missing, or
            sources.csv is not well-formed.
    """
    if not text_file.is_file():
        raise CurateError(f"{text_file}: no such file (give the path of the report's text)")
    raw = text_file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise CurateError(f"{text_file}, line {line}: not UTF-8 text (bytes {raw[err.start:err.end + 3]!r}); re-save it as UTF-8") from None
    if text.startswith("\ufeff") or not text.strip():
        raise CurateError(f"{text_file}: {'starts with a byte-order mark' if text.strip() else 'is empty'}; save the report as plain UTF-8 text")
    if not sources_dir.is_dir():
        raise CurateError(f"{sources_dir}: no such sources folder (set ISF_SOURCES_DIR or --sources-dir)")
    res = resource(require_sound(data_dir, ("sources",)), "sources")
    path = data_dir / res["path"]
    header, rows = read_csv(path)
    digest = hashlib.sha256(raw).hexdigest()
    for row in rows:
        if row.get("sha256") == digest:
            raise CurateError(f"{text_file}: already registered as {row['source_id']} ({row['file']})")
    key = primary_key(res)[0]
    pattern = next(f for f in fields(res) if f["name"] == key).get("constraints", {}).get("pattern")
    source_id = next_id([r[key] for r in rows], pattern)
    name = report_file_name(int(source_id.lstrip("S")), raw)
    stored = sources_dir / name
    if stored.exists():
        raise CurateError(f"{stored}: already exists; remove it or check sources.csv")
    try:
        stored.write_bytes(raw)
    except OSError as err:
        raise CurateError(f"{sources_dir}: cannot write the report there ({err.strerror}); use a writable copy "
                          "and point ISF_SOURCES_DIR at it (README, 'Add a report', step 1)") from None
    try:
        write_csv(path, header, [*rows, {key: source_id, "file": name, "sha256": digest}])
    except OSError as err:
        stored.unlink()  # leave no stored file without its row
        raise CurateError(f"{path}: cannot write it ({err.strerror}); the report was not added") from None
    return AddedReport(source_id, name, digest, stored)


def next_ids(data_dir: Path) -> dict[str, str]:
    """The next free id of every table whose ids are a prefix and a number.

    Args:
        data_dir: folder holding datapackage.yaml and the tables.

    Returns:
        Table name -> next id (e.g. "pledges" -> "PL-034"), in the package's order.
    """
    descriptor = require_sound(data_dir, ())
    found: dict[str, str] = {}
    for res in descriptor["resources"]:
        key = primary_key(res)
        if len(key) != 1 or not res["path"].startswith("curated/"):
            continue
        pattern = next((f for f in fields(res) if f["name"] == key[0]), {}).get("constraints", {}).get("pattern")
        require_sound(data_dir, (res["name"],))
        _, rows = read_csv(data_dir / res["path"])
        try:
            found[res["name"]] = next_id([r[key[0]] for r in rows], pattern)
        except ValueError:
            continue  # actors: ids are names or ISO codes, chosen by the codebook's rule
    return found


def fill_mentions(data_dir: Path) -> dict[str, list[str]]:
    """Add to each actor's ``mentioned_in`` every report whose claim rows cite it.

    Source ids a curator added by hand (a report that names the actor without a row about it) are kept.

    Args:
        data_dir: folder holding curated/.

    Returns:
        actor_id -> the source ids added (only actors that changed).

    Raises:
        CurateError: a claim row has a blank ``source_id`` (one line naming the file and row; nothing is written).
    """
    require_sound(data_dir, ("actors", *CLAIM_TABLES))
    curated = data_dir / "curated"
    tables = {name: read_csv(curated / f"{name}.csv")[1] for name in CLAIM_TABLES}
    for name, rows in tables.items():
        for line, row in enumerate(rows, start=2):
            if not (row.get("source_id") or "").strip():
                raise CurateError(f"{data_dir.name}/curated/{name}.csv, row {line}: source_id is blank; fill it with the report's id "
                                  "(sources.csv) first, then run fill-mentions again")
    derived = derived_mentions(tables)
    header, actors = read_csv(curated / "actors.csv")
    added: dict[str, list[str]] = {}
    for actor in actors:
        listed = split_list(actor["mentioned_in"])
        new = sorted(derived.get(actor["actor_id"], set()) - set(listed))
        if new:
            added[actor["actor_id"]] = new
            actor["mentioned_in"] = "; ".join(sorted({*listed, *new}))
    if added:
        try:
            write_csv(curated / "actors.csv", header, actors)
        except OSError as err:
            raise CurateError(f"{curated / 'actors.csv'}: cannot write it ({err.strerror})") from None
    return added
