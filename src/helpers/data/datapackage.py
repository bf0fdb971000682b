"""Read the data package: its descriptor, each table's declared fields and keys, and the tables themselves.

``data/datapackage.yaml`` declares every column's type and each table's primary key. Every step asks this
module instead of re-typing the schema by hand, and every CSV file of the package is read here:

- :func:`read_tables` / :func:`read_table`: typed as the schema declares, for every step that uses the
  data (cleaning, the judgements' evidence);
- :func:`read_rows`: the cells exactly as written, for the steps that check or fingerprint the text
  itself (the validator, the quote record, the claims index, the curator's commands, the codebook).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from helpers import paths

if TYPE_CHECKING:  # pandas is imported only by read_table, so the CLI starts fast
    import pandas as pd

DESCRIPTOR_NAME: str = "datapackage.yaml"
# The tables that hold claims (one row per thing one report said), in the order the package lists them.
CLAIM_TABLES: tuple[str, ...] = ("pledges", "conditions", "positions", "events", "figures", "open_questions")


class PackageError(ValueError):
    """The data package cannot be read: which file, what was found, what was expected (one line)."""

    def __init__(self, file: str, value: str, expected: str) -> None:
        self.file, self.value, self.expected = file, value, expected
        super().__init__(f"{file}: got {value}; expected {expected}")


def load_descriptor(data_dir: Path) -> dict[str, Any]:
    """Read and sanity-check ``data_dir/datapackage.yaml``.

    Args:
        data_dir: folder holding datapackage.yaml, curated/ and reference/.

    Returns:
        The descriptor as a dict with a non-empty ``resources`` list.

    Raises:
        PackageError: the folder or file is missing, empty, not YAML, or lists no resources.
    """
    path, file = data_dir / DESCRIPTOR_NAME, f"{data_dir.name}/{DESCRIPTOR_NAME}"
    if not data_dir.is_dir():
        raise PackageError(str(data_dir), "no such folder", f"a data folder holding {DESCRIPTOR_NAME}, curated/ and reference/")
    if not path.is_file():
        raise PackageError(file, "no such file", "the data package descriptor (restore it: git checkout -- data/datapackage.yaml)")
    try:
        descriptor = _load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise PackageError(file, f"a byte that is not UTF-8 at offset {err.start}", "UTF-8 text") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise PackageError(file, f"{problem}{where}", "valid YAML") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list) or not descriptor["resources"]:
        raise PackageError(file, "no 'resources' list" if descriptor else "an empty file", "a YAML mapping with a 'resources' list")
    for i, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict) or not {"name", "path", "schema"} <= set(resource) or not fields(resource):
            raise PackageError(file, f"resource {i + 1} without a name, path or schema fields", "each resource to have all three")
    return descriptor


def _load_yaml(text: str) -> Any:
    """YAML through libyaml where PyYAML has it (10x faster: the descriptor is read by every step); a document
    libyaml refuses is read again by the pure-Python parser, whose error message names the problem the same way
    on every machine."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)  # noqa: S506 - CSafeLoader is the safe loader
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def resource(descriptor: dict[str, Any], name: str) -> dict[str, Any]:
    """The resource called ``name``.

    Args:
        descriptor: from load_descriptor.
        name: resource name, e.g. "pledges".

    Returns:
        Its descriptor.

    Raises:
        PackageError: no resource has that name.
    """
    for res in descriptor["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in descriptor["resources"])
    raise PackageError(DESCRIPTOR_NAME, f"no table {name!r}", f"one of: {known}")


def fields(res: dict[str, Any]) -> list[dict[str, Any]]:
    """The declared fields of a resource, in order (empty when none are declared)."""
    schema = res.get("schema") or {}
    found = schema.get("fields") if isinstance(schema, dict) else None
    return found if isinstance(found, list) else []


def field_names(res: dict[str, Any]) -> list[str]:
    """Column names a resource declares, in the order the file must have them."""
    return [f["name"] for f in fields(res)]


def primary_key(res: dict[str, Any]) -> list[str]:
    """The declared primary key columns (``primaryKey`` may be a string or a list)."""
    key = res["schema"].get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


@cache
def _repo_descriptor() -> dict[str, Any]:
    return load_descriptor(paths.DATA_DIR)


def id_column(table: str) -> str:
    """A table's id column, as the project's datapackage.yaml declares it (``pledges`` -> ``pledge_id``)."""
    return primary_key(resource(_repo_descriptor(), table))[0]


def claim_id_columns() -> dict[str, str]:
    """Each claim table and its id column, in :data:`CLAIM_TABLES` order."""
    return {table: id_column(table) for table in CLAIM_TABLES}


def reference_tables(data_dir: Path = paths.DATA_DIR) -> tuple[str, ...]:
    """The code lists: every resource kept under reference/ (a new code list needs no change in code)."""
    return tuple(r["name"] for r in load_descriptor(data_dir)["resources"] if str(r["path"]).startswith("reference/"))


def split_list(value: str) -> list[str]:
    """Split a '; '-separated cell into its items ("S000; S001" -> ["S000", "S001"])."""
    return [v.strip() for v in value.split(";") if v.strip()]


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV file's header and rows exactly as written: every cell a string, blanks "" (no typing, no guessing).

    Raises:
        UnicodeDecodeError, csv.Error: the file is not UTF-8 CSV (the validator says where).
    """
    with Path(path).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows exactly as written (:func:`read_csv` without the header)."""
    return read_csv(path)[1]


def row_counts(data_dir: Path) -> dict[str, int]:
    """How many rows each table of the package holds, as written (a table whose file is missing counts 0)."""
    counts = {}
    for res in load_descriptor(data_dir)["resources"]:
        path = data_dir / res["path"]
        counts[res["name"]] = len(read_rows(path)) if path.is_file() else 0
    return counts


def read_table(data_dir: Path, res: dict[str, Any]) -> pd.DataFrame:
    """Read one table with the types its schema declares.

    Strings keep blanks as "" (never NaN); numbers are float64 and integers Int64 with blanks missing;
    dates are datetime64 (YYYY-MM-DD) with blanks NaT; booleans are pandas "boolean".

    Args:
        data_dir: folder holding the package.
        res: the resource's descriptor.

    Returns:
        The typed frame, columns in declared order, indexed 0..n-1.
    """
    import pandas as pd

    frame = pd.read_csv(data_dir / res["path"], dtype=str, keep_default_na=False, encoding="utf-8")
    for field in fields(res):
        name, kind = field["name"], field.get("type", "string")
        if name not in frame.columns:
            continue
        blank_as_missing = frame[name].replace("", None)
        if kind == "number":
            frame[name] = pd.to_numeric(blank_as_missing).astype("float64")
        elif kind == "integer":
            frame[name] = pd.to_numeric(blank_as_missing).astype("Int64")
        elif kind == "date":
            frame[name] = pd.to_datetime(blank_as_missing, format="%Y-%m-%d")
        elif kind == "boolean":
            frame[name] = blank_as_missing.map({"true": True, "false": False, None: pd.NA}).astype("boolean")
    return frame


def read_tables(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Every table of the package, typed per its schema (read data that validate passed).

    Args:
        data_dir: folder holding datapackage.yaml, curated/ and reference/.

    Returns:
        Resource name -> typed frame.
    """
    descriptor = load_descriptor(data_dir)
    return {res["name"]: read_table(data_dir, res) for res in descriptor["resources"]}


_ID_RE = re.compile(r"^(?P<prefix>\D*?)(?P<number>\d+)$")


def next_id(ids: list[str], pattern: str | None = None) -> str:
    """The id after the greatest numbered id (``PL-033`` -> ``PL-034``, ``S004`` -> ``S005``).

    Args:
        ids: the ids in use, all sharing one prefix and a zero-padded number.
        pattern: the id column's declared pattern, used for the prefix when the table is empty.

    Returns:
        The next id, padded to the width in use (at least 3 digits).

    Raises:
        ValueError: the ids are not prefix + number (e.g. actor ids, which are names).
    """
    parsed = [_ID_RE.match(i) for i in ids if i]
    if any(m is None for m in parsed):
        raise ValueError("ids are not a prefix plus a number (choose one by the codebook's rule)")
    if not parsed:
        prefix = re.sub(r"^\^|\[0-9\].*$", "", pattern or "")
        return f"{prefix}001"
    prefixes = {m["prefix"] for m in parsed if m}
    if len(prefixes) != 1:
        raise ValueError(f"ids use several prefixes: {', '.join(sorted(prefixes))}")
    width = max(3, *(len(m["number"]) for m in parsed if m))
    top = max(int(m["number"]) for m in parsed if m)
    return f"{prefixes.pop()}{top + 1:0{width}d}"
