"""`validate` on broken copies of a small fixture package: one precise line per problem, no healthy file
blamed, no traceback, raw files untouched."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from fixture_data import make_package

from helpers.data.problems import MAX_LINE, Problem
from helpers.data.validate import main, validate_data

TODAY = dt.date(2026, 1, 1)


@pytest.fixture()
def pkg(tmp_path: Path) -> tuple[Path, Path]:
    return make_package(tmp_path)


@pytest.fixture()
def data(pkg: tuple[Path, Path]) -> Path:
    return pkg[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(data: Path, sources: Path | None = None) -> list[Problem]:
    found = validate_data(data, sources_dir=sources, today=TODAY)
    assert all(len(str(p)) <= MAX_LINE and "\n" not in str(p) for p in found), [str(p) for p in found]
    return found


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_fixture_package_is_valid(pkg: tuple[Path, Path]) -> None:
    assert problems(*pkg) == []


# --- schema and cross-table rules ------------------------------------------------------------------


def test_unknown_actor_id(data: Path) -> None:
    edit(data / "curated/pledges.csv", "PL-001,IDN,", "PL-001,XYZ,")
    p = only(problems(data))
    assert (p.file, p.row, p.field, p.value) == ("data/curated/pledges.csv", 2, "actor_id", "XYZ")
    assert p.expected == "one of the actor_id values in actors.csv"


def test_duplicate_id(data: Path) -> None:
    path = data / "curated/open_questions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    p = only(problems(data))
    assert (p.file, p.row, p.field, p.value) == ("data/curated/open_questions.csv", 3, "question_id", "OQ-001")
    assert p.expected.startswith("a unique value")


def test_bad_date(data: Path) -> None:
    edit(data / "curated/positions.csv", ",S000,2025-10-10,", ",S000,2025-10-32,")
    p = only(problems(data))
    assert (p.file, p.row, p.expected) == ("data/curated/positions.csv", 2, "a date written YYYY-MM-DD")


def test_inverted_range(data: Path) -> None:
    edit(data / "curated/figures.csv", ",19,19,countries,", ",19,9,countries,")
    found = problems(data)
    assert any(p.field == "value_high" and p.value == "9" and "at least value_low" in p.expected for p in found)


def test_value_outside_enumeration(data: Path) -> None:
    edit(data / "curated/pledges.csv", ",troops,offered_private,", ",troops,rumoured,")
    p = only(problems(data))
    assert (p.row, p.field, p.value, p.expected) == (2, "stage", "rumoured", "one of the stage values in stages.csv")


def test_missing_mention_names_the_command(data: Path) -> None:
    edit(data / "curated/actors.csv", "middle_east,,S001,", "middle_east,,S000,")
    p = only(problems(data))
    assert (p.file, p.row, p.field) == ("data/curated/actors.csv", 4, "mentioned_in")
    assert "to include S001" in p.expected and "fill-mentions" in p.expected


def test_blank_mentioned_in_of_an_actor_no_row_cites(data: Path) -> None:
    edit(data / "curated/actors.csv", "middle_east,,S001,", "middle_east,,,")
    edit(data / "curated/conditions.csv", "CO-001,JOR,", "CO-001,USA,")
    edit(data / "curated/actors.csv", "north_america,,S000,", "north_america,,S000; S001,")
    assert str(only(problems(data))) == ("data/curated/actors.csv, row 4, field mentioned_in: got ''; "
                                         "expected the ids of the reports that name this actor (no row cites it)")


# --- non-finite numbers and dates after today ---------------------------------------------------------


@pytest.mark.parametrize("bad", ["inf", "nan", "-Infinity"])
def test_non_finite_number(data: Path, bad: str) -> None:
    edit(data / "curated/figures.csv", ",19,19,countries,", f",{bad},19,countries,")
    p = only(problems(data))
    assert str(p) == f"data/curated/figures.csv, row 2, field value_low: got {bad!r}; expected a finite number (not inf or nan)"


def test_source_dated_after_today(data: Path) -> None:
    path = data / "curated/sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2025-10-12", "2026-10-12"), encoding="utf-8")
    found = [p for p in problems(data) if p.file == "data/curated/sources.csv"]
    assert [(p.row, p.field) for p in found] == [(3, "published"), (3, "published_earliest"), (3, "published_latest")]
    assert found[0].expected == "a date not after today (2026-01-01)"


# --- structure: one line each, the broken file only ---------------------------------------------------


def test_bom(data: Path) -> None:
    path = data / "curated/conditions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert str(only(problems(data))) == (
        "data/curated/conditions.csv, row 1: got 'a byte-order mark (BOM)'; expected UTF-8 without a BOM (re-save the file as plain UTF-8)")


def test_missing_column_is_named(data: Path) -> None:
    path = data / "curated/pledges.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = [",".join(line.split(",")[:5] + line.split(",")[6:]) for line in lines]  # drop amount_low (column 6)
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    assert str(only(problems(data))) == (
        "data/curated/pledges.csv, row 1, field amount_low: got 'no such column'; expected a column 'amount_low' (datapackage.yaml declares it)")


def test_extra_column_is_named(data: Path) -> None:
    path = data / "curated/open_questions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",colour", *(l + ",red" for l in lines[1:])]) + "\n", encoding="utf-8")
    assert str(only(problems(data))) == (
        "data/curated/open_questions.csv, row 1, field colour: got 'an extra column'; expected only the columns datapackage.yaml declares")


def test_duplicated_column(data: Path) -> None:
    edit(data / "curated/positions.csv", "position_id,actor_id,", "position_id,position_id,")
    found = problems(data)
    assert [str(p) for p in found] == [
        "data/curated/positions.csv, row 1, field position_id: got \"column 'position_id' 2 times\"; expected each column once",
        "data/curated/positions.csv, row 1, field actor_id: got 'no such column'; expected a column 'actor_id' (datapackage.yaml declares it)",
    ]


def test_reordered_columns(data: Path) -> None:
    path = data / "curated/figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    swapped = [",".join([c[1], c[0], *c[2:]]) for c in (line.split(",", 2) for line in lines)]
    path.write_text("\n".join(swapped) + "\n", encoding="utf-8")
    assert str(only(problems(data))) == ("data/curated/figures.csv, row 1, field metric: got \"column 1 is 'metric'\"; "
                                         "expected 'figure_id' there (columns in the order datapackage.yaml declares)")


def test_latin1_file(data: Path) -> None:
    path = data / "curated/conditions.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("’", "é").encode("latin-1"))
    p = only(problems(data))
    assert (p.file, p.row, p.expected) == ("data/curated/conditions.csv", 2, "UTF-8 text (re-save the file as UTF-8)")
    assert p.value.startswith("\\xe9")


def test_row_of_only_commas(data: Path) -> None:
    path = data / "curated/conditions.csv"
    path.write_text(path.read_text(encoding="utf-8") + "," * 11 + "\n", encoding="utf-8")
    assert str(only(problems(data))) == (
        "data/curated/conditions.csv, row 3: got ',,,,,,,,,,,'; expected a row with values (delete the empty row)")


def test_unterminated_quote(data: Path) -> None:
    path = data / "curated/sources.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'S005,"005_x.txt,unterminated\n', encoding="utf-8")
    p = only(problems(data))
    assert (p.file, p.row) == ("data/curated/sources.csv", 4) and "quoting" in p.expected


def test_missing_reference_file_blames_no_other_file(data: Path) -> None:
    (data / "reference/stages.csv").unlink()
    assert str(only(problems(data))) == "data/reference/stages.csv: got 'missing file'; expected the file the data package lists"


def test_a_100_kb_value_is_not_echoed(data: Path) -> None:
    edit(data / "curated/positions.csv", "No American troops in Gaza", "No American troops in Gaza" + "x" * 100_000)
    p = only(problems(data))
    assert (p.file, p.row, p.field) == ("data/curated/positions.csv", 2, "summary")
    assert p.expected == "at most 5,000 characters in a cell" and "(100,026 chars)" in str(p)


def test_a_200_kb_field_is_one_line(data: Path) -> None:
    path = data / "curated/figures.csv"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "y" * 200_000 + "\n", encoding="utf-8")
    p = only(problems(data))
    assert (p.file, p.row, p.field, p.expected) == ("data/curated/figures.csv", 2, "notes", "at most 5,000 characters in a cell")


def test_wrong_column_count(data: Path) -> None:
    edit(data / "curated/figures.csv", "take part.,\n", "take part.,,\n")
    p = only(problems(data))
    assert (p.file, p.row, p.value) == ("data/curated/figures.csv", 2, "17 values")


def test_a_header_missing_one_name_is_one_line_not_one_per_row(data: Path) -> None:
    path = data / "curated/sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    sids = [f"S{i:03d}" for i in range(2, 6)]
    rows = [lines[2].replace("S001,001_bbbbbbbbbbbbbbbb.txt", f"{sid},{sid[1:]}_bbbbbbbbbbbbbbbb.txt") for sid in sids]
    path.write_text("\n".join([lines[0].replace("author,", ""), *lines[1:], *rows]) + "\n", encoding="utf-8")
    found = problems(data)
    assert [str(p) for p in found] == [
        "data/curated/sources.csv, row 1, field author: got 'no such column'; expected a column 'author' (datapackage.yaml declares it)",
        "data/curated/sources.csv, row 2: got '13 values in 6 rows (rows 2-7)'; expected 12 values, one per column (check commas and quotes)",
    ]


def test_a_header_name_with_a_space_is_one_line_naming_the_space(data: Path) -> None:
    path = data / "curated/sources.csv"
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    assert ",author," in header
    path.write_text(header.replace(",author,", ",author ,", 1) + "\n" + rest, encoding="utf-8")
    assert [str(p) for p in problems(data)] == [
        "data/curated/sources.csv, row 1, field author: got \"column 4 is 'author ', with a space\"; "
        "expected 'author', without spaces around the name"]


@pytest.mark.parametrize(("separator", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_not_separated_by_commas_is_one_line(data: Path, separator: str, named: str) -> None:
    path = data / "curated/figures.csv"
    import csv
    import io
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    assert [str(p) for p in problems(data)] == [
        f"data/curated/figures.csv, row 1: got 'columns separated by {named}'; expected a comma-separated file (save it as CSV with commas)"]


# --- the package descriptor and the data folder -----------------------------------------------------


@pytest.mark.parametrize(("content", "line"), [
    (None, "data/datapackage.yaml: got 'no such file'; expected the data package descriptor (restore it: git checkout -- data/datapackage.yaml)"),
    ("", "data/datapackage.yaml: got 'an empty file'; expected a YAML mapping with a 'resources' list"),
    ("resources: [a: b: c\n", "data/datapackage.yaml: got \"expected ',' or ']', but got ':' at line 1, column 17\"; expected valid YAML"),
])
def test_descriptor_missing_empty_or_not_yaml(data: Path, content: str | None, line: str) -> None:
    path = data / "datapackage.yaml"
    path.unlink()
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert [str(p) for p in problems(data)] == [line]


def test_unknown_field_type_in_the_schema_is_one_line(data: Path) -> None:
    edit(data / "datapackage.yaml", "      type: date\n", "      type: dtae\n")
    assert str(only(problems(data))) == ("data/datapackage.yaml: got 'field type \"dtae\" is not supported'; "
                                         "expected a valid Table Schema (see the Frictionless docs)")


def test_nonexistent_data_dir_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nonexistent"
    assert main(["--data-dir", str(missing), "--no-sources"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{missing}: got 'no such folder'; expected a data folder holding datapackage.yaml, curated/ and reference/"]


# --- source files: present, unchanged, UTF-8 ---------------------------------------------------------


def test_missing_source_file_is_an_error_never_ok(pkg: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    data, sources = pkg
    (sources / "001_bbbbbbbbbbbbbbbb.txt").rename(sources / "001_renamed.txt")
    assert main(["--data-dir", str(data), "--sources-dir", str(sources)]) == 1
    out = capsys.readouterr().out
    assert "OK" not in out
    assert out.splitlines() == [f"data/curated/sources.csv, row 3, field file: got '001_bbbbbbbbbbbbbbbb.txt'; "
                                f"expected that file (2 quotes of S001 cannot be checked without it) in the sources folder {sources}"]


def test_changed_source_file_is_named(pkg: tuple[Path, Path]) -> None:
    data, sources = pkg
    report = sources / "000_aaaaaaaaaaaaaaaa.txt"
    report.write_text(report.read_text(encoding="utf-8") + "A later correction.\n", encoding="utf-8")
    p = only(problems(data, sources))
    assert (p.file, p.row, p.field) == ("data/curated/sources.csv", 2, "sha256")
    assert p.expected.startswith(hashlib.sha256(report.read_bytes()).hexdigest() + ": 000_aaaaaaaaaaaaaaaa.txt changed")


def test_non_utf8_source_is_one_line(pkg: tuple[Path, Path]) -> None:
    data, sources = pkg
    report = sources / "001_bbbbbbbbbbbbbbbb.txt"
    report.write_bytes(report.read_text(encoding="utf-8").replace("’", "'").replace("Some", "Söme").encode("latin-1"))
    found = problems(data, sources)
    assert [(p.file, p.row, p.expected) for p in found if p.field is None] == [
        ("sources/001_bbbbbbbbbbbbbbbb.txt", 4, "UTF-8 text (re-save the file as UTF-8)")]
    assert [p.field for p in found] == ["sha256", None]  # the checksum also changed; no quote is blamed


def test_missing_sources_folder_is_an_error(data: Path, tmp_path: Path) -> None:
    p = only(problems(data, tmp_path / "nowhere"))
    assert (p.file, p.value) == (str(tmp_path / "nowhere"), "no such folder") and "ISF_SOURCES_DIR" in p.expected


# --- quotes --------------------------------------------------------------------------------------


def test_quote_typo_shows_position_both_characters_and_passage(pkg: tuple[Path, Path]) -> None:
    data, sources = pkg
    edit(data / "curated/open_questions.csv", "who will command the force.", "who will comand the force.")
    p = only(problems(data, sources))
    assert (p.file, p.row, p.field) == ("data/curated/open_questions.csv", 2, "quote")
    assert p.expected == ("text of 000_aaaaaaaaaaaaaaaa.txt: differs at character 32: 'a' U+0061 in the quote vs "
                          "'m' U+006D in the file; the file has '…clear who will command the force.'")


def test_straight_vs_curly_apostrophe(pkg: tuple[Path, Path]) -> None:
    data, sources = pkg
    edit(data / "curated/conditions.csv", "Jordan’s foreign minister said his country’s", "Jordan’s foreign minister said his country's")
    p = only(problems(data, sources))
    assert "differs at character 43: \"'\" U+0027 in the quote vs '’' U+2019 in the file" in p.expected


# The report's sentence (tests/fixture_data.py, 000_aaaaaaaaaaaaaaaa.txt, where a line break follows the dash): a
# straight apostrophe, curly quotation marks and an en dash. docs/CODEBOOK.md ("What verbatim means"): only
# whitespace is normalised.
SENTENCE = "A diplomat called the council's draft “a work in progress” – not yet final."


def quote_problems(pkg: tuple[Path, Path], quote: str) -> list[Problem]:
    """Validate the fixture package with OQ-001 citing ``quote`` from S000 (no other row changes)."""
    data, sources = pkg
    path = data / "curated" / "open_questions.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    rows[0]["quote"] = quote
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return problems(data, sources)


@pytest.mark.parametrize("quote", [
    SENTENCE,  # one space where the report breaks the line
    SENTENCE.replace("called the ", "called the\n"),  # a line break where the report has a space
    SENTENCE.replace("called the ", "called  the\t "),  # a run of spaces and a tab
    SENTENCE.replace("called the ", "called the\u00a0"),  # a no-break space U+00A0 is whitespace too
    f"  {SENTENCE} ",  # whitespace at either end
], ids=["as-printed", "line-break", "space-run", "no-break-space", "ends"])
def test_only_whitespace_is_normalised(pkg: tuple[Path, Path], quote: str) -> None:
    assert quote_problems(pkg, quote) == []


@pytest.mark.parametrize("quote, quote_char, file_char", [
    (SENTENCE.replace("A diplomat", "a diplomat"), "'a' U+0061", "'A' U+0041"),
    (SENTENCE.replace("work in", "Work in"), "'W' U+0057", "'w' U+0077"),
    (SENTENCE.replace("council's", "council’s"), "'’' U+2019", '"\'" U+0027'),
    (SENTENCE.replace("“a work in progress”", '"a work in progress"'), "'\"' U+0022", "'“' U+201C"),
    (SENTENCE.replace(" – ", " - "), "'-' U+002D", "'–' U+2013"),
    (SENTENCE.replace(" – ", " — "), "'—' U+2014", "'–' U+2013"),
    (SENTENCE.replace("the council's", "thecouncil's"), "'c' U+0063", "' ' U+0020"),
    (SENTENCE.replace("final.", "final ."), "' ' U+0020", "'.' U+002E"),
    (SENTENCE.replace("called the", "called\u200bthe"), "'\\u200b' U+200B", "' ' U+0020"),
], ids=["case-first", "case-inside", "curly-apostrophe", "straight-quotation-marks", "hyphen-for-en-dash", "em-dash-for-en-dash",
        "missing-space", "space-before-full-stop", "zero-width-space"])
def test_quotes_are_exact_about_case_quotation_marks_dashes_and_spaces(
    pkg: tuple[Path, Path], quote: str, quote_char: str, file_char: str
) -> None:
    p = only(quote_problems(pkg, quote))
    assert (p.file, p.row, p.field) == ("data/curated/open_questions.csv", 2, "quote")
    assert f": {quote_char} in the quote vs {file_char} in the file" in p.expected, p.expected


def test_quote_under_the_wrong_source_names_the_report_that_has_it(pkg: tuple[Path, Path]) -> None:
    data, sources = pkg
    edit(data / "curated/figures.csv", ",S001,2025-10-12,", ",S000,2025-10-10,")
    p = only([q for q in problems(data, sources) if q.field == "quote"])
    assert p.expected.endswith("; the exact quote is in S001 (check source_id)")


# --- the command ---------------------------------------------------------------------------------


def test_validation_never_rewrites_raw_files(pkg: tuple[Path, Path]) -> None:
    data, sources = pkg
    edit(data / "curated/pledges.csv", "PL-001,IDN,", "PL-001,XYZ,")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.rglob("*") if p.is_file()}
    problems(data, sources)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.rglob("*") if p.is_file()}
    assert before == after


def test_command_prints_one_line_per_problem_and_fails(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(data / "curated/pledges.csv", "PL-001,IDN,troops,offered_private,", "PL-001,XYZ,troops,rumoured,")
    code = main(["--data-dir", str(data), "--no-sources"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert out == [
        "data/curated/pledges.csv, row 2, field actor_id: got 'XYZ'; expected one of the actor_id values in actors.csv",
        "data/curated/pledges.csv, row 2, field stage: got 'rumoured'; expected one of the stage values in stages.csv",
    ]


def test_command_ok_says_how_many_quotes_were_checked(pkg: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    data, sources = pkg
    assert main(["--data-dir", str(data), "--sources-dir", str(sources)]) == 0
    record = data / "quote_verification.json"
    assert capsys.readouterr().out.splitlines() == [
        f"validate: OK ({data}); 5 quotes checked against 2 reports in {sources}",
        f"validate: quote record {record} updated: commit it with the data (5 quotes verified against the reports on "
        f"{dt.date.today().isoformat()})"]
    assert main(["--data-dir", str(data), "--no-sources"]) == 0
    assert "source files and quotes NOT checked (--no-sources)" in capsys.readouterr().out
