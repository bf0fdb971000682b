"""Validate the curated data: structure, schema, cross-table rules and quotes.

Every problem is reported as one line naming the file, the row (its line number in the file, the header
being line 1), the field, the bad value and what was expected. Validation only reads files.

Run it as ``isf validate`` (or ``python3 dev.py validate``); it exits 1 when there is any problem.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers import paths

CLAIM_TABLES: tuple[str, ...] = ("pledges", "conditions", "positions", "events", "figures", "open_questions")
# Columns of claim tables that hold an actor id, for the "mentioned_in" cross-check.
ACTOR_COLUMNS: tuple[str, ...] = ("actor_id", "requested_by", "target_actor_id")


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
        return f"{where}{what}: got {self.value!r}; expected {self.expected}"


class DataValidationError(ValueError):
    """Raised by :func:`check_data` when the curated data has problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the curated data:\n{lines}")


# ---------------------------------------------------------------------------------------------------
# Package description
# ---------------------------------------------------------------------------------------------------


def load_descriptor(data_dir: Path) -> dict:
    """Read the data package descriptor (datapackage.yaml) in ``data_dir``.

    Args:
        data_dir: folder holding datapackage.yaml, curated/ and reference/.

    Returns:
        The descriptor as a dict.
    """
    return yaml.safe_load((data_dir / "datapackage.yaml").read_text(encoding="utf-8"))


def _rel(data_dir: Path, resource: dict) -> str:
    return f"{data_dir.name}/{resource['path']}"


# ---------------------------------------------------------------------------------------------------
# Structure: encoding, quoting and column counts (checked before the schema, which assumes them)
# ---------------------------------------------------------------------------------------------------


def check_encoding(raw: bytes, file: str) -> list[Problem]:
    """Report the first byte sequence that is not UTF-8.

    Args:
        raw: the file's bytes.
        file: name to report.

    Returns:
        No problem, or one naming the line and the bad bytes.
    """
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        bad = raw[err.start : err.end + 3]
        return [Problem(file, line, None, repr(bad)[2:-1], "UTF-8 text (re-save the file as UTF-8)")]
    return []


def check_structure(text: str, file: str, expected_header: list[str]) -> list[Problem]:
    """Check the header and that every row parses with the header's number of columns.

    Args:
        text: the decoded file.
        file: name to report.
        expected_header: column names the schema declares, in order.

    Returns:
        Problems with the header, quoting or column counts.
    """
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        if header != expected_header:
            problems.append(
                Problem(file, 1, None, ",".join(header), "the header " + ",".join(expected_header))
            )
        for values in reader:
            if values and len(values) != len(expected_header):
                problems.append(
                    Problem(
                        file,
                        reader.line_num,
                        None,
                        f"{len(values)} values",
                        f"{len(expected_header)} values, one per column (check commas and quotes)",
                    )
                )
    except csv.Error as err:
        problems.append(
            Problem(file, reader.line_num, None, str(err), 'well-formed CSV quoting (a quote inside a value is written "")')
        )
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


def _expected_for(error: dict, fields: dict[str, dict]) -> str:
    """Turn a frictionless error into what the curator should have written."""
    kind = error["type"]
    field = fields.get(error.get("fieldName") or "", {})
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


def schema_problems(data_dir: Path, resources: Iterable[dict]) -> list[Problem]:
    """Validate the given resources against the Table Schemas with frictionless.

    Args:
        data_dir: folder holding datapackage.yaml.
        resources: resource descriptors that passed the structure checks.

    Returns:
        One problem per bad cell, missing value, duplicate id or unknown reference.
    """
    from frictionless import Package  # slow import: only when validating

    descriptor = load_descriptor(data_dir)
    names = {r["name"] for r in resources}
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in names]
    package = Package(descriptor, basepath=str(data_dir))
    report = package.validate()
    problems: list[Problem] = []
    by_name = {r["name"]: r for r in descriptor["resources"]}
    for task in report.tasks:
        resource = by_name.get(task.name, {})
        fields = {f["name"]: f for f in resource.get("schema", {}).get("fields", [])}
        for err in task.errors:
            e = err.to_descriptor()
            if e["type"] == "primary-key":
                continue  # the unique-error on the same id already says it
            field = e.get("fieldName") or ",".join(e.get("fieldNames") or []) or None
            value = e.get("cell")
            if value is None:
                value = ",".join(e.get("fieldCells") or [])
            problems.append(
                Problem(_rel(data_dir, resource), e.get("rowNumber"), field, value, _expected_for(e, fields))
            )
    return problems


# ---------------------------------------------------------------------------------------------------
# Cross-table rules the schema cannot express
# ---------------------------------------------------------------------------------------------------

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


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace, so quotes match across line breaks."""
    return re.sub(r"\s+", " ", text).strip()


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV file as a list of string dicts (no type conversion)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(value: str) -> float | None:
    try:
        return float(value) if value.strip() else None
    except ValueError:
        return None  # the schema check reports it


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


def cross_table_problems(data_dir: Path, sources_dir: Path | None) -> list[Problem]:
    """Rules that span rows and tables: dates, ISO codes, mentions, linked pledges, quotes.

    Args:
        data_dir: folder holding curated/.
        sources_dir: folder with the source reports, or None to skip the quote check.

    Returns:
        Problems found.
    """
    import pycountry

    cur = data_dir / "curated"
    rel = lambda name: f"{data_dir.name}/curated/{name}.csv"  # noqa: E731
    tables = {name: read_rows(cur / f"{name}.csv") for name in ("sources", "actors", *CLAIM_TABLES)}
    problems: list[Problem] = []
    sources = {r["source_id"]: r for r in tables["sources"]}
    actors = {r["actor_id"]: r for r in tables["actors"]}

    for line, s in enumerate(tables["sources"], start=2):
        if not s["published_earliest"] <= s["published"] <= s["published_latest"]:
            problems.append(Problem(rel("sources"), line, "published", s["published"], "a date between published_earliest and published_latest"))

    for line, a in enumerate(tables["actors"], start=2):
        if a["kind"] == "state":
            country = pycountry.countries.get(alpha_3=a["iso3"]) if a["iso3"] else None
            if country is None:
                problems.append(Problem(rel("actors"), line, "iso3", a["iso3"], "an ISO 3166-1 alpha-3 code (states need one)"))
            elif a["actor_id"] != a["iso3"]:
                problems.append(Problem(rel("actors"), line, "actor_id", a["actor_id"], f"the state's ISO code {a['iso3']}"))
        elif a["iso3"]:
            problems.append(Problem(rel("actors"), line, "iso3", a["iso3"], "blank (only states have an ISO code)"))
        for sid in split_list(a["mentioned_in"]):
            if sid not in sources:
                problems.append(Problem(rel("actors"), line, "mentioned_in", sid, "one of the source_id values in sources.csv"))

    mentions: dict[str, set[str]] = {}
    texts = _source_texts(sources, sources_dir)
    for name in CLAIM_TABLES:
        for line, row in enumerate(tables[name], start=2):
            source = sources.get(row["source_id"])
            ids = [row.get(c, "") for c in ACTOR_COLUMNS] + split_list(row.get("other_actor_ids", ""))
            for actor_id in filter(None, ids):
                mentions.setdefault(actor_id, set()).add(row["source_id"])
            for actor_id in split_list(row.get("other_actor_ids", "")):
                if actor_id not in actors:
                    problems.append(Problem(rel(name), line, "other_actor_ids", actor_id, "one of the actor_id values in actors.csv"))
            if source is None:
                continue  # the schema's foreign key check reports it
            if row["reported_date"] != source["published"]:
                problems.append(Problem(rel(name), line, "reported_date", row["reported_date"], f"the source's publication date {source['published']}"))
            if bool(row.get("event_date")) != bool(row.get("event_date_precision")) and name != "events":
                problems.append(Problem(rel(name), line, "event_date_precision", row.get("event_date_precision", ""), "a precision exactly when event_date is given"))
            if name != "events" and row.get("event_date") and row["event_date"] > row["reported_date"]:
                problems.append(Problem(rel(name), line, "event_date", row["event_date"], f"a date on or before reported_date {row['reported_date']}"))
            text = texts.get(row["source_id"])
            if text is not None and normalise_space(row["quote"]) not in text:
                problems.append(Problem(rel(name), line, "quote", row["quote"][:60], f"a passage copied exactly from {source['file']}"))

    for actor_id, seen in sorted(mentions.items()):
        actor = actors.get(actor_id)
        if actor is None:
            continue
        missing = sorted(seen - set(split_list(actor["mentioned_in"])))
        if missing:
            line = list(actors).index(actor_id) + 2
            problems.append(Problem(rel("actors"), line, "mentioned_in", actor["mentioned_in"], f"to include {', '.join(missing)} (rows from those reports cite {actor_id})"))

    pledges = {r["pledge_id"]: r for r in tables["pledges"]}
    for line, c in enumerate(tables["conditions"], start=2):
        pledge = pledges.get(c["pledge_id"])
        if pledge and pledge["actor_id"] != c["actor_id"]:
            problems.append(Problem(rel("conditions"), line, "pledge_id", c["pledge_id"], f"a pledge by {c['actor_id']} (it is by {pledge['actor_id']})"))

    problems += range_problems(rel("pledges"), tables["pledges"], "amount_low", "amount_high", "amount_text", "amount_unit")
    problems += range_problems(rel("figures"), tables["figures"], "value_low", "value_high", "value_text", None)
    return problems


def split_list(value: str) -> list[str]:
    """Split a '; '-separated cell into its items ("S000; S001" -> ["S000", "S001"])."""
    return [v.strip() for v in value.split(";") if v.strip()]


def _source_texts(sources: dict[str, dict[str, str]], sources_dir: Path | None) -> dict[str, str]:
    """Whitespace-normalised text of each source file that is present."""
    if sources_dir is None or not sources_dir.is_dir():
        return {}
    texts = {}
    for sid, s in sources.items():
        path = sources_dir / s["file"]
        if path.is_file():
            texts[sid] = normalise_space(path.read_text(encoding="utf-8"))
    return texts


# ---------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------


def validate_data(data_dir: Path = paths.DATA_DIR, sources_dir: Path | None = paths.SOURCES_DIR) -> list[Problem]:
    """Run every check on the data package in ``data_dir``.

    Structure comes first: a file that is not UTF-8 or not well-formed CSV is reported and left out of
    the schema and cross-table checks, whose findings would only echo the broken structure.

    Args:
        data_dir: folder holding datapackage.yaml, curated/ and reference/.
        sources_dir: folder with the source reports; quotes are checked when it exists.

    Returns:
        All problems found, in file order. Empty when the data is valid.
    """
    descriptor = load_descriptor(data_dir)
    problems: list[Problem] = []
    sound: list[dict] = []
    for resource in descriptor["resources"]:
        file = _rel(data_dir, resource)
        path = data_dir / resource["path"]
        if not path.is_file():
            problems.append(Problem(file, None, None, "missing file", "the file the data package lists"))
            continue
        raw = path.read_bytes()
        found = check_encoding(raw, file)
        if not found:
            header = [f["name"] for f in resource["schema"]["fields"]]
            found = check_structure(raw.decode("utf-8"), file, header)
        problems += found
        if not found:
            sound.append(resource)
    problems += schema_problems(data_dir, sound)
    if len(sound) == len(descriptor["resources"]):
        problems += cross_table_problems(data_dir, sources_dir)
    return problems


def check_data(data_dir: Path = paths.DATA_DIR, sources_dir: Path | None = paths.SOURCES_DIR) -> None:
    """Raise :class:`DataValidationError` listing every problem, or return quietly."""
    problems = validate_data(data_dir, sources_dir)
    if problems:
        raise DataValidationError(problems)


def main(argv: list[str] | None = None) -> int:
    """Command line: print one line per problem; exit 1 on any problem, 0 when the data is valid."""
    parser = argparse.ArgumentParser(prog="isf validate", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR, help="folder with datapackage.yaml")
    parser.add_argument("--sources-dir", type=Path, default=paths.SOURCES_DIR, help="folder with the source reports")
    args = parser.parse_args(argv)
    problems = validate_data(args.data_dir, args.sources_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"validate: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    quotes = "checked against " + str(args.sources_dir) if args.sources_dir.is_dir() else "not checked (sources folder not found)"
    print(f"validate: OK ({args.data_dir}); quotes {quotes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
