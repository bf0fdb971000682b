"""Validate the curated data: structure, schema, cross-table rules, source files and quotes.

Every problem is reported as one line (under 300 characters) naming the file, the row (its line number
in the file, the header being line 1), the field, the bad value and what was expected. Structure comes
first: a file that is not UTF-8 or not well-formed CSV is reported once and kept out of the later checks,
so no healthy file is blamed for it. Validation only reads files; it never raises on bad input.

Run it as ``isf validate`` (or ``python3 dev.py validate``); it exits 1 when there is any problem.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.data.datapackage import CLAIM_TABLES, PackageError, claim_id_columns, field_names, fields, load_descriptor, read_rows, split_list
from helpers.data.quotes import first_mismatch, holders, normalise_space

# Columns of claim tables that hold an actor id, for the "mentioned_in" cross-check.
ACTOR_COLUMNS: tuple[str, ...] = ("actor_id", "requested_by", "target_actor_id")
# Longest value a cell may hold: the longest real one (a note) is under 1,000 characters; anything far
# longer is a paste gone wrong, and echoing it would make an unreadable line.
MAX_CELL: int = 5000
# Longest line a problem prints; values and expectations are shortened to fit.
MAX_LINE: int = 299
MAX_VALUE: int = 60


def _short(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters with a marker saying how long it was."""
    if len(text) <= limit:
        return text
    return text[: limit - 20] + f"… ({len(text):,} chars)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data, located precisely enough for a curator to fix it."""

    file: str
    row: int | None
    field: str | None
    value: str
    expected: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        what = f", field {self.field}" if self.field else ""
        line = f"{where}{what}: got {_short(self.value, MAX_VALUE)!r}; expected {self.expected}"
        return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


class DataValidationError(ValueError):
    """Raised by :func:`check_data` when the curated data has problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the curated data:\n{lines}")


def _rel(data_dir: Path, resource: dict) -> str:
    return f"{data_dir.name}/{resource['path']}"


# ---------------------------------------------------------------------------------------------------
# Structure: encoding, byte-order mark, header, quoting, column counts, blank rows, huge cells
# (checked before the schema, which assumes them)
# ---------------------------------------------------------------------------------------------------


def check_encoding(raw: bytes, file: str) -> list[Problem]:
    """Report a UTF-8 byte-order mark, or the first byte sequence that is not UTF-8.

    Args:
        raw: the file's bytes.
        file: name to report.

    Returns:
        No problem, or one naming the line and the bad bytes.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return [Problem(file, 1, None, "a byte-order mark (BOM)", "UTF-8 without a BOM (re-save the file as plain UTF-8)")]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        bad = raw[err.start : err.end + 3]
        return [Problem(file, line, None, repr(bad)[2:-1], "UTF-8 text (re-save the file as UTF-8)")]
    return []


def header_problems(header: list[str], expected: list[str], file: str) -> list[Problem]:
    """Name each missing, extra, duplicated or misplaced column.

    Args:
        header: the file's first row.
        expected: the columns the schema declares, in order.
        file: name to report.

    Returns:
        One problem per column that is wrong; a reordering is reported once, at its first column.
    """
    problems: list[Problem] = []
    # A name with spaces around it ("topic ") is that column, misspelt: one problem, not a missing
    # column plus an extra one.
    for at, name in enumerate(header):
        if name != name.strip() and name.strip() in expected:
            problems.append(Problem(file, 1, name.strip(), f"column {at + 1} is {name!r}, with a space",
                                    f"{name.strip()!r}, without spaces around the name"))
            header = [*header[:at], name.strip(), *header[at + 1:]]
    for name in dict.fromkeys(header):
        if header.count(name) > 1:
            problems.append(Problem(file, 1, name, f"column {name!r} {header.count(name)} times", "each column once"))
    for name in expected:
        if name not in header:
            problems.append(Problem(file, 1, name, "no such column", f"a column {name!r} (datapackage.yaml declares it)"))
    for name in dict.fromkeys(header):
        if name not in expected:
            problems.append(Problem(file, 1, name or "(blank)", "an extra column", "only the columns datapackage.yaml declares"))
    if not problems and header != expected:
        at = next(i for i, (a, b) in enumerate(zip(header, expected)) if a != b)
        problems.append(Problem(file, 1, header[at], f"column {at + 1} is {header[at]!r}",
                                f"{expected[at]!r} there (columns in the order datapackage.yaml declares)"))
    return problems


# Separators a spreadsheet may have saved instead of commas, and how the message names them.
SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def check_structure(text: str, file: str, expected_header: list[str]) -> list[Problem]:
    """Check the header, quoting, column counts, rows of only commas and oversized cells.

    Args:
        text: the decoded file (a BOM, if any, already stripped).
        file: name to report.
        expected_header: column names the schema declares, in order.

    Returns:
        Problems with the structure, one per bad row or column.
    """
    first_line = text.split("\n", 1)[0]
    if len(expected_header) > 1 and "," not in first_line:
        for separator, name in SEPARATORS.items():
            if first_line.count(separator) >= len(expected_header) // 2:
                # Every row would be "1 value" and every column missing: say the one thing that is wrong.
                return [Problem(file, 1, None, f"columns separated by {name}",
                                "a comma-separated file (save it as CSV with commas)")]
    problems: list[Problem] = []
    miscounted: dict[int, list[int]] = {}  # number of values -> lines with that many
    csv.field_size_limit(2**31 - 1)  # a huge cell is reported below, not raised as "field larger than field limit"
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        problems += header_problems(header, expected_header, file)
        for values in reader:
            if not values:
                continue  # a blank line: the csv module and frictionless both skip it
            if not any(v.strip() for v in values):
                problems.append(Problem(file, reader.line_num, None, ",".join(values), "a row with values (delete the empty row)"))
            elif len(values) != len(header):
                miscounted.setdefault(len(values), []).append(reader.line_num)
            for name, value in zip(header, values):
                if len(value) > MAX_CELL:
                    problems.append(Problem(file, reader.line_num, name, value, f"at most {MAX_CELL:,} characters in a cell"))
    except csv.Error as err:
        problems.append(Problem(file, reader.line_num, None, str(err),
                                'well-formed CSV quoting (a quote inside a value is written "")'))
    expected = f"{len(header)} values, one per column (check commas and quotes)"
    for count, lines in miscounted.items():
        if len(lines) > 3:  # the header, not the rows, is likely wrong: one line, not one per row
            problems.append(Problem(file, lines[0], None, f"{count} values in {len(lines)} rows (rows {lines[0]}-{lines[-1]})", expected))
        else:
            problems += [Problem(file, line, None, f"{count} values", expected) for line in lines]
    return problems


# ---------------------------------------------------------------------------------------------------
# Schema: types, required fields, enumerations (foreign keys to reference tables), unique ids
# ---------------------------------------------------------------------------------------------------

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
            if e["type"] == "constraint-error" and not _finite(str(e.get("cell", ""))):
                continue  # inf/nan: value_problems says it once
            field = e.get("fieldName") or ",".join(e.get("fieldNames") or []) or None
            value = e.get("cell")
            if value is None:
                value = ",".join(e.get("fieldCells") or [])
            file = _rel(data_dir, res) if res else task.name
            problems.append(Problem(file, e.get("rowNumber"), field, str(value), _expected_for(e, fields_by_name)))
    return problems


def _finite(value: str) -> bool:
    """False only for a number that is inf or nan ("inf", "NaN", "-Infinity")."""
    try:
        return math.isfinite(float(value))
    except ValueError:
        return True


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


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
            if not _finite(row.get(name) or "0"):
                problems.append(Problem(file, line, name, row[name], "a finite number (not inf or nan)"))
        for name in dates:
            value = row.get(name) or ""
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and value > today.isoformat():
                problems.append(Problem(file, line, name, value, f"a date not after today ({today.isoformat()})"))
    return problems


# ---------------------------------------------------------------------------------------------------
# Source reports: each registered file is present, unchanged since it was registered, and UTF-8
# ---------------------------------------------------------------------------------------------------


def source_problems(file: str, sources: list[dict[str, str]], sources_dir: Path, cited: dict[str, int]) -> tuple[list[Problem], dict[str, str]]:
    """Check every report sources.csv lists and read the texts of the sound ones.

    Args:
        file: sources.csv's name to report.
        sources: rows of sources.csv.
        sources_dir: folder holding the report files.
        cited: source id -> number of claim rows citing it (said when its quotes cannot be checked).

    Returns:
        Problems (missing folder or file, changed checksum, not UTF-8) and source id -> whitespace-
        normalised text for each report whose quotes can be checked.
    """
    if not sources_dir.is_dir():
        return [Problem(str(sources_dir), None, None, "no such folder",
                        "the folder holding the reports (set ISF_SOURCES_DIR or --sources-dir; --no-sources skips quotes)")], {}
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for line, s in enumerate(sources, start=2):
        sid, name = s.get("source_id", ""), s.get("file", "")
        path = sources_dir / name
        if not name or not path.is_file():
            problems.append(Problem(file, line, "file", name, f"that file ({cited.get(sid, 0)} quotes of {sid} "
                                    f"cannot be checked without it) in the sources folder {sources_dir}"))
            continue
        raw = path.read_bytes()
        recorded, actual = s.get("sha256", ""), hashlib.sha256(raw).hexdigest()
        if recorded and recorded != actual:
            problems.append(Problem(file, line, "sha256", recorded[:16] + "…", f"{actual}: {name} changed since "
                                    "it was registered (if that is intended, record this checksum)"))
        bad = check_encoding(raw, f"{sources_dir.name}/{name}")
        if bad:
            problems += bad
            continue
        texts[sid] = normalise_space(raw.decode("utf-8"))
    return problems, texts


def quote_problem(file: str, line: int, row: dict[str, str], source_file: str, texts: dict[str, str]) -> Problem:
    """The line for a quote that is not in its source: first difference, nearest passage, who has it.

    Args:
        file: the claim table's name to report.
        line: the row's line number.
        row: the claim row (quote, source_id).
        source_file: file name of the cited report.
        texts: source id -> normalised text of every readable report.

    Returns:
        One problem.
    """
    m = first_mismatch(row["quote"], texts[row["source_id"]])
    others = [sid for sid in holders(row["quote"], texts) if sid != row["source_id"]]
    where = f"; the exact quote is in {others[0]} (check source_id)" if others else ""
    return Problem(file, line, "quote", m.quote_excerpt,
                   f"text of {source_file}: differs at {m.describe()}; the file has {m.text_excerpt!r}{where}")


_NUMBER_WORDS = {
    "no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "dozen": 12, "two dozen": 24, "half": 50,
}


def stated_numbers(text: str) -> set[float]:
    """Numbers a phrase states, in digits ("20.000", "20,000", "53%") or words ("two dozen", "half").

    Args:
        text: a phrase from a report, e.g. "some 20.000".

    Returns:
        The set of numbers found.
    """
    found: set[float] = set()
    for token in re.findall(r"\d[\d.,]*", text):
        token = token.rstrip(".,")
        # "20.000" and "20,000" are thousands; "2.5" would be a decimal.
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", token):
            found.add(float(re.sub(r"[.,]", "", token)))
        else:
            found.add(float(token.replace(",", "")))
    lowered = text.lower()
    for word, number in _NUMBER_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            found.add(float(number))
    return found


def _num(value: str) -> float | None:
    """A cell as a finite number, or None (blank, or a bad value the schema and value checks report)."""
    try:
        number = float(value) if value.strip() else None
    except ValueError:
        return None
    return number if number is None or math.isfinite(number) else None


def range_problems(file: str, rows: list[dict[str, str]], low: str, high: str, text: str, unit: str | None) -> list[Problem]:
    """Check low <= high, the precision's rule for filling low/high, and numbers against their words.

    Args:
        file: name to report.
        rows: the table's rows.
        low, high: names of the low/high columns.
        text: name of the column holding the report's words for the amount.
        unit: name of the unit column, or None when the table has none.

    Returns:
        Problems found.
    """
    problems: list[Problem] = []
    precision_col = "amount_precision" if low.startswith("amount") else "precision"
    for line, row in enumerate(rows, start=2):
        lo, hi = _num(row[low]), _num(row[high])
        if (lo is None and row[low].strip()) or (hi is None and row[high].strip()):
            continue  # a bad number is reported once, by the schema or value check
        precision = row[precision_col]
        if lo is not None and hi is not None and lo > hi:
            problems.append(Problem(file, line, high, row[high], f"a value at least {low} ({row[low]})"))
        rule = {
            "exact": (lo is not None and hi is not None and lo == hi, "low = high = the stated number"),
            "approximate": (lo is not None and hi is not None and lo == hi, "low = high = the stated number"),
            "up_to": (lo is None and hi is not None, "high = the stated maximum, low blank"),
            "at_least": (lo is not None and hi is None, "low = the stated minimum, high blank"),
            "vague": (hi is None, "high blank (the codebook's rule for vague words)"),
            "unspecified": (lo is None and hi is None, "low and high blank"),
        }.get(precision)
        if rule and not rule[0]:
            problems.append(Problem(file, line, precision_col, precision, f"{rule[1]} (low={row[low]!r}, high={row[high]!r})"))
        if unit and (lo is not None or hi is not None) and not row[unit]:
            problems.append(Problem(file, line, unit, "", "a unit when an amount is given"))
        words = row[text]
        if words and normalise_space(words) not in normalise_space(row["quote"]):
            problems.append(Problem(file, line, text, words, "words copied from this row's quote"))
        stated = stated_numbers(words)
        if precision in ("exact", "approximate", "up_to"):
            number = hi if precision == "up_to" else lo
            if number is not None and number not in stated:
                problems.append(
                    Problem(file, line, high if precision == "up_to" else low, row[high if precision == "up_to" else low],
                            f"a number stated in {text} ({words!r})")
                )
    return problems


def derived_mentions(tables: dict[str, list[dict[str, str]]]) -> dict[str, set[str]]:
    """Which reports cite each actor, from the claim rows (what ``mentioned_in`` must include).

    Args:
        tables: claim table name -> rows as strings (tables missing from the dict are skipped).

    Returns:
        actor_id -> ids of the sources whose rows name it (actor_id, requested_by, target_actor_id,
        other_actor_ids).
    """
    mentions: dict[str, set[str]] = {}
    for name in CLAIM_TABLES:
        for row in tables.get(name, []):
            ids = [row.get(c, "") for c in ACTOR_COLUMNS] + split_list(row.get("other_actor_ids", ""))
            for actor_id in filter(None, ids):
                mentions.setdefault(actor_id, set()).add(row["source_id"])
    return mentions


def cross_table_problems(data_dir: Path, sources_dir: Path | None) -> list[Problem]:
    """Rules that span rows and tables: dates, ISO codes, mentions, linked pledges, quotes.

    Args:
        data_dir: folder holding curated/.
        sources_dir: folder with the source reports, or None to skip the source files and quotes.

    Returns:
        Problems found.
    """
    import pycountry

    cur = data_dir / "curated"
    rel = lambda name: f"{data_dir.name}/curated/{name}.csv"  # noqa: E731
    tables = {name: read_rows(cur / f"{name}.csv") for name in ("sources", "actors", *CLAIM_TABLES)}
    tables["tensions"] = read_rows(cur / "tensions.csv") if (cur / "tensions.csv").is_file() else []
    problems: list[Problem] = []
    sources = {r["source_id"]: r for r in tables["sources"]}
    actors = {r["actor_id"]: r for r in tables["actors"]}

    for line, s in enumerate(tables["sources"], start=2):
        if not s["published_earliest"] <= s["published"] <= s["published_latest"]:
            problems.append(Problem(rel("sources"), line, "published", s["published"], "a date between published_earliest and published_latest"))

    derived = derived_mentions(tables)
    for line, a in enumerate(tables["actors"], start=2):
        if a["kind"] == "state":
            country = pycountry.countries.get(alpha_3=a["iso3"]) if a["iso3"] else None
            if country is None:
                problems.append(Problem(rel("actors"), line, "iso3", a["iso3"], "an ISO 3166-1 alpha-3 code (states need one)"))
            elif a["actor_id"] != a["iso3"]:
                problems.append(Problem(rel("actors"), line, "actor_id", a["actor_id"], f"the state's ISO code {a['iso3']}"))
        elif a["iso3"]:
            problems.append(Problem(rel("actors"), line, "iso3", a["iso3"], "blank (only states have an ISO code)"))
        if not split_list(a["mentioned_in"]) and a["actor_id"] not in derived:
            problems.append(Problem(rel("actors"), line, "mentioned_in", "", "the ids of the reports that name this actor (no row cites it)"))
        for sid in split_list(a["mentioned_in"]):
            if sid not in sources:
                problems.append(Problem(rel("actors"), line, "mentioned_in", sid, "one of the source_id values in sources.csv"))

    texts: dict[str, str] = {}
    if sources_dir is not None:
        cited = {sid: sum(r["source_id"] == sid for n in CLAIM_TABLES for r in tables[n]) for sid in sources}
        found, texts = source_problems(rel("sources"), tables["sources"], sources_dir, cited)
        problems += found
    for name in CLAIM_TABLES:
        for line, row in enumerate(tables[name], start=2):
            source = sources.get(row["source_id"])
            for actor_id in split_list(row.get("other_actor_ids", "")):
                if actor_id not in actors:
                    problems.append(Problem(rel(name), line, "other_actor_ids", actor_id, "one of the actor_id values in actors.csv"))
            if source is None:
                continue  # the schema's foreign key check reports it
            if _is_date(row["reported_date"]) and row["reported_date"] != source["published"]:
                problems.append(Problem(rel(name), line, "reported_date", row["reported_date"], f"the source's publication date {source['published']}"))
            if bool(row.get("event_date")) != bool(row.get("event_date_precision")) and name != "events":
                problems.append(Problem(rel(name), line, "event_date_precision", row.get("event_date_precision", ""), "a precision exactly when event_date is given"))
            if name != "events" and row.get("event_date") and row["event_date"] > row["reported_date"]:
                problems.append(Problem(rel(name), line, "event_date", row["event_date"], f"a date on or before reported_date {row['reported_date']}"))
            text = texts.get(row["source_id"])
            if text is not None and normalise_space(row["quote"]) not in text:
                problems.append(quote_problem(rel(name), line, row, source["file"], texts))

    for actor_id, seen in sorted(derived.items()):
        actor = actors.get(actor_id)
        if actor is None:
            continue
        missing = sorted(seen - set(split_list(actor["mentioned_in"])))
        if missing:
            line = list(actors).index(actor_id) + 2
            problems.append(Problem(rel("actors"), line, "mentioned_in", actor["mentioned_in"], f"to include {', '.join(missing)} (rows from those reports cite {actor_id}; run: python3 dev.py fill-mentions)"))

    pledges = {r["pledge_id"]: r for r in tables["pledges"]}
    for line, c in enumerate(tables["conditions"], start=2):
        pledge = pledges.get(c["pledge_id"])
        if pledge and pledge["actor_id"] != c["actor_id"]:
            problems.append(Problem(rel("conditions"), line, "pledge_id", c["pledge_id"], f"a pledge by {c['actor_id']} (it is by {pledge['actor_id']})"))

    problems += range_problems(rel("pledges"), tables["pledges"], "amount_low", "amount_high", "amount_text", "amount_unit")
    problems += range_problems(rel("figures"), tables["figures"], "value_low", "value_high", "value_text", None)
    problems += model_problems(data_dir, tables)
    return problems


def _reference_rows(data_dir: Path, name: str) -> list[dict[str, str]]:
    path = data_dir / "reference" / f"{name}.csv"
    return read_rows(path) if path.is_file() else []


def model_problems(data_dir: Path, tables: dict[str, list[dict[str, str]]]) -> list[Problem]:
    """Rules of the standing model (docs/CODEBOOK.md, "Standing"): voices, populations, limits, plan rows,
    targets, answered questions and tensions.

    Args:
        data_dir: folder holding curated/ and reference/.
        tables: sources, actors and the claim tables as rows of strings.

    Returns:
        Problems found.
    """
    rel = lambda name: f"{data_dir.name}/curated/{name}.csv"  # noqa: E731
    problems: list[Problem] = []
    for name in CLAIM_TABLES:
        for line, row in enumerate(tables[name], start=2):
            if row.get("voice") == "own" and not row.get("actor_id"):
                problems.append(Problem(rel(name), line, "voice", "own", "third_party or outlet: a claim with no actor_id is nobody's own word"))
    for line, a in enumerate(tables["actors"], start=2):
        if a.get("population") and a["kind"] != "unnamed_group":
            problems.append(Problem(rel("actors"), line, "population", a["population"], "blank: only unnamed groups belong to a population"))
        if bool(a.get("population")) != bool(a.get("population_relation")):
            problems.append(Problem(rel("actors"), line, "population_relation", a.get("population_relation", ""),
                                    "same_as or part_of exactly when population is given"))
    kinds = {r["condition_type"]: r.get("kind", "") for r in _reference_rows(data_dir, "condition_types")}
    for line, c in enumerate(tables["conditions"], start=2):
        if kinds.get(c["condition_type"]) == "limit" and (c["status"] != "open" or c.get("status_event_id")):
            problems.append(Problem(rel("conditions"), line, "status", c["status"],
                                    f"open with no status_event_id: {c['condition_type']} is a limit on the mission, which is never met"))
    plan = {r["event_type"] for r in _reference_rows(data_dir, "event_types") if r.get("plan") == "true"}
    for line, e in enumerate(tables["events"], start=2):
        if e["event_type"] in plan and (e["event_date"] or e["event_date_precision"]):
            problems.append(Problem(rel("events"), line, "event_date", e["event_date"],
                                    f"blank: {e['event_type']} describes the plan, not something that happened on a date"))
        elif e["event_type"] not in plan and not (e["event_date"] and e["event_date_precision"]):
            problems.append(Problem(rel("events"), line, "event_date", e["event_date"], "a date and its precision (only rows describing the plan are undated)"))
        if e.get("target_by") and e["event_type"] != "target_date":
            problems.append(Problem(rel("events"), line, "target_by", e["target_by"], "blank: only target_date rows have a target"))
        elif e.get("target_by") and e["event_date"] and e["target_by"] < e["event_date"]:
            problems.append(Problem(rel("events"), line, "target_by", e["target_by"], f"a date on or after the day it was said, {e['event_date']}"))
    claims = {row[id_col]: (name, row) for name, id_col in claim_id_columns().items() for row in tables[name]}
    for line, q in enumerate(tables["open_questions"], start=2):
        answer = q.get("answered_by", "")
        if (q.get("status") == "answered") != bool(answer):
            problems.append(Problem(rel("open_questions"), line, "answered_by", answer, "the id of the claim that answers it exactly when status is answered"))
        elif answer and answer not in claims:
            problems.append(Problem(rel("open_questions"), line, "answered_by", answer, "the id of a claim in the claim tables"))
        elif answer and claims[answer][1]["reported_date"] < q["reported_date"]:
            problems.append(Problem(rel("open_questions"), line, "answered_by", answer, f"a claim reported on or after the question ({q['reported_date']})"))
    for line, t in enumerate(tables.get("tensions", []), start=2):
        ids = split_list(t["claim_ids"])
        if len(set(ids)) < 2:
            problems.append(Problem(rel("tensions"), line, "claim_ids", t["claim_ids"], "two or more different claim ids separated by '; '"))
        for claim_id in ids:
            if claim_id not in claims:
                problems.append(Problem(rel("tensions"), line, "claim_ids", claim_id, "the id of a claim in the claim tables"))
    return problems


# ---------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------


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
        file = _rel(data_dir, res)
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
        print(f"validate: could not finish ({type(err).__name__}: {_short(str(err), 200)})")
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
        from helpers.data.quotes import write_record

        update = write_record(args.data_dir, sources_dir, CLAIM_TABLES)
        state = "updated: commit it with the data" if update.changed else "unchanged"
        print(f"validate: quote record {update.path} {state} ({update.quotes} quotes verified against the reports on {update.verified_on})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
