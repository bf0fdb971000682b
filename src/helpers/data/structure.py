"""File-level checks, before the schema (which assumes them): encoding, byte-order mark, header, quoting,
column counts, blank rows and huge cells. A file that fails here is reported once and kept out of the later
checks, so no healthy file is blamed for it.
"""

from __future__ import annotations

import csv
import io

from helpers.data.problems import Problem

# Longest value a cell may hold: the longest real one (a note) is under 1,000 characters; anything far
# longer is a paste gone wrong, and echoing it would make an unreadable line.
MAX_CELL: int = 5000


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
