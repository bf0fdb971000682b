"""Validate the curated data: structure, schema, cross-table rules, source files and quotes.

Every problem is reported as one line (under 300 characters) naming the file, the row (its line number
in the file, the header being line 1), the field, the bad value and what was expected. Structure comes
first: a file that is not UTF-8 or not well-formed CSV is reported once and kept out of the later checks,
so no healthy file is blamed for it. Validation only reads files; it never raises on bad input.

Run it as ``isf validate`` (or ``python3 dev.py validate``); it exits 1 when there is any problem.

This module runs the checks in order and holds the schema's (frictionless) and the values' checks; the
file-level checks are in ``structure``, the rules across rows and tables in ``rules``, the problem line in
``problems``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sys
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.data.datapackage import CLAIM_TABLES, PackageError, field_names, fields, load_descriptor, read_rows
from helpers.data.problems import DataValidationError, Problem, relative_name, shortened
from helpers.data.rules import cross_table_problems
from helpers.data.structure import check_encoding, check_structure


_TYPE_HINTS = {
    "date": "a date written YYYY-MM-DD",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
}


def _expected_for(error: dict, fields_by_name: dict[str, dict]) -> str:
    """Turn a frictionless error into what the curator should have written."""
    kind = error["type"]
    field = fields_by_name.get(error.get("fieldName") or "", {})
    note = error.get("note", "")
    if kind == "type-error":
        return _TYPE_HINTS.get(field.get("type", ""), f"a {field.get('type')}")
    if kind == "constraint-error":
        constraints = field.get("constraints", {})
        if '"required"' in note:
            return "a value (this field is required)"
        if '"pattern"' in note:
            return f"text matching {constraints.get('pattern')}"
        if '"minimum"' in note:
            return f"a number of at least {constraints.get('minimum')}"
        if '"maximum"' in note:
            return f"a number of at most {constraints.get('maximum')}"
        if '"maxLength"' in note:
            return f"at most {constraints.get('maxLength')} characters"
        if '"minLength"' in note:
            return f"at least {constraints.get('minLength')} characters"
        return note
    if kind in ("unique-error", "primary-key"):
        return f"a unique value ({note})"
    if kind == "foreign-key":
        ref = error.get("referenceName") or "this table"
        ref_field = ",".join(error.get("referenceFieldNames") or [])
        return f"one of the {ref_field} values in {ref}.csv"
    return note or error.get("message", kind)


def _fk_target(fk: dict, own: str) -> str:
    """The resource a foreign key points at ('' in the descriptor means the table itself)."""
    return (fk.get("reference") or {}).get("resource") or own


def schema_problems(data_dir: Path, descriptor: dict[str, Any], sound: set[str]) -> list[Problem]:
    """Validate the sound resources against their Table Schemas with frictionless.

    Foreign keys into a table that failed the structure checks are left out: that table's own problem
    already says what is wrong, and frictionless would otherwise blame the healthy table pointing at it.

    Args:
        data_dir: folder holding datapackage.yaml.
        descriptor: the package descriptor.
        sound: names of the resources that passed the structure checks.

    Returns:
        One problem per bad cell, missing value, duplicate id or unknown reference.
    """
    from frictionless import FrictionlessException, Package  # slow import: only when validating

    resources = []
    for res in descriptor["resources"]:
        if res["name"] not in sound:
            continue
        schema = dict(res["schema"])
        schema["foreignKeys"] = [fk for fk in schema.get("foreignKeys", []) if _fk_target(fk, res["name"]) in sound]
        resources.append({**res, "schema": schema})
    if not resources:
        return []
    try:
        package = Package({**descriptor, "resources": resources}, basepath=str(data_dir))
        report = package.validate()
    except FrictionlessException as err:  # the descriptor itself is wrong (e.g. an unknown field type)
        note = getattr(err.error, "note", "") or str(err)
        return [Problem(f"{data_dir.name}/datapackage.yaml", None, None, note, "a valid Table Schema (see the Frictionless docs)")]
    problems: list[Problem] = []
    by_name = {r["name"]: r for r in resources}
    for task in report.tasks:
        res = by_name.get(task.name, {})
        fields_by_name = {f["name"]: f for f in fields(res)} if res else {}
        for err in task.errors:
            e = err.to_descriptor()
            if e["type"] == "primary-key":
                continue  # the unique-error on the same id already says it
            if e["type"] == "constraint-error" and not finite(str(e.get("cell", ""))):
                continue  # inf/nan: value_problems says it once
            field = e.get("fieldName") or ",".join(e.get("fieldNames") or []) or None
            value = e.get("cell")
            if value is None:
                value = ",".join(e.get("fieldCells") or [])
            file = relative_name(data_dir, res) if res else task.name
            problems.append(Problem(file, e.get("rowNumber"), field, str(value), _expected_for(e, fields_by_name)))
    return problems


def finite(value: str) -> bool:
    """False only for a number that is inf or nan ("inf", "NaN", "-Infinity")."""
    try:
        return math.isfinite(float(value))
    except ValueError:
        return True


def value_problems(file: str, rows: list[dict[str, str]], res: dict[str, Any], today: dt.date) -> list[Problem]:
    """What the Table Schema lets through: non-finite numbers (inf, nan) and dates after today.

    Args:
        file: name to report.
        rows: the table's rows as strings.
        res: the resource's descriptor.
        today: the latest date a report or claim may carry.

    Returns:
        One problem per such cell.
    """
    problems: list[Problem] = []
    numbers = [f["name"] for f in fields(res) if f.get("type") in ("number", "integer")]
    dates = [f["name"] for f in fields(res) if f.get("type") == "date"]
    for line, row in enumerate(rows, start=2):
        for name in numbers:
            if not finite(row.get(name) or "0"):
                problems.append(Problem(file, line, name, row[name], "a finite number (not inf or nan)"))
        for name in dates:
            value = row.get(name) or ""
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and value > today.isoformat():
                problems.append(Problem(file, line, name, value, f"a date not after today ({today.isoformat()})"))
    return problems


def validate_data(data_dir: Path = paths.DATA_DIR, sources_dir: Path | None = paths.SOURCES_DIR,
                  today: dt.date | None = None) -> list[Problem]:
    """Run every check on the data package in ``data_dir``; never raises on bad input.

    Structure comes first: a file that is not UTF-8 or not well-formed CSV is reported and left out of
    the schema checks (with every foreign key into it) and of the cross-table checks, whose findings
    would only echo the broken structure.

    Args:
        data_dir: folder holding datapackage.yaml, curated/ and reference/.
        sources_dir: folder with the source reports (files, checksums and quotes are checked; a missing
            folder is a problem), or None to skip those checks.
        today: the latest date allowed (default: today).

    Returns:
        All problems found, in file order. Empty when the data is valid.
    """
    today = today or dt.date.today()
    try:
        descriptor = load_descriptor(data_dir)
    except PackageError as err:
        return [Problem(err.file, None, None, err.value, err.expected)]
    problems: list[Problem] = []
    sound: set[str] = set()
    for res in descriptor["resources"]:
        file = relative_name(data_dir, res)
        path = data_dir / res["path"]
        if not path.is_file():
            problems.append(Problem(file, None, None, "missing file", "the file the data package lists"))
            continue
        raw = path.read_bytes()
        found = check_encoding(raw, file)
        if not any(p.expected.startswith("UTF-8 text") for p in found):
            # A BOM is one problem; the rest of the file is still checked in the same round.
            text = raw.decode("utf-8").removeprefix("\ufeff")
            found += check_structure(text, file, field_names(res))
        problems += found
        if not found:
            sound.add(res["name"])
            problems += value_problems(file, read_rows(path), res, today)
    problems += schema_problems(data_dir, descriptor, sound)
    if {"sources", "actors", *CLAIM_TABLES} <= sound:
        problems += cross_table_problems(data_dir, sources_dir)
    return problems


def check_data(data_dir: Path = paths.DATA_DIR, sources_dir: Path | None = paths.SOURCES_DIR) -> None:
    """Raise :class:`DataValidationError` listing every problem, or return quietly."""
    problems = validate_data(data_dir, sources_dir)
    if problems:
        raise DataValidationError(problems)


def codebook_note(data_dir: Path) -> str | None:
    """A line saying docs/CODEBOOK.md's generated tables are stale, or None (only for the repo's data)."""
    if data_dir.resolve() != paths.DATA_DIR.resolve():
        return None
    from helpers.data import codebook

    try:
        stale = codebook.is_stale(data_dir)
    except (OSError, ValueError, KeyError) as err:
        return f"docs/CODEBOOK.md: could not be compared with the data ({err})"
    return "docs/CODEBOOK.md: its generated tables are stale; run: python3 dev.py codebook" if stale else None


def main(argv: list[str] | None = None) -> int:
    """Command line: print one line per problem; exit 1 on any problem, 0 when the data is valid."""
    parser = argparse.ArgumentParser(prog="isf validate", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR, help="folder with datapackage.yaml")
    parser.add_argument("--sources-dir", type=Path, default=paths.SOURCES_DIR,
                        help="folder with the source reports (env ISF_SOURCES_DIR; default ../shared/sources)")
    parser.add_argument("--no-sources", action="store_true", help="skip the source files and quotes (said in the result)")
    args = parser.parse_args(argv)
    sources_dir = None if args.no_sources else args.sources_dir
    try:
        problems = validate_data(args.data_dir, sources_dir)
    except Exception as err:  # noqa: BLE001 - the promise is one line, never a traceback
        print(f"validate: could not finish ({type(err).__name__}: {shortened(str(err), 200)})")
        return 1
    for problem in problems:
        print(problem)
    note = None if problems else codebook_note(args.data_dir)
    if note:
        print(note)
    if problems or note:
        print(f"validate: {len(problems) + bool(note)} problem(s)", file=sys.stderr)
        return 1
    if sources_dir is None:
        quotes = "source files and quotes NOT checked (--no-sources)"
    else:
        count = sum(len(read_rows(args.data_dir / "curated" / f"{n}.csv")) for n in CLAIM_TABLES)
        reports = len(read_rows(args.data_dir / "curated" / "sources.csv"))
        quotes = f"{count} quotes checked against {reports} reports in {sources_dir}"
    print(f"validate: OK ({args.data_dir}); {quotes}")
    if sources_dir is not None:
        # Where the texts are, keep the record builds without them check quotes against (helpers.data.quotes).
        from helpers.data.quote_record import write_record

        update = write_record(args.data_dir, sources_dir, CLAIM_TABLES)
        state = "updated: commit it with the data" if update.changed else "unchanged"
        print(f"validate: quote record {update.path} {state} ({update.quotes} quotes verified against the reports on {update.verified_on})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
