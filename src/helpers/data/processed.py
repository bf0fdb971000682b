"""Processed tables on disk: written typed by notebook 01, read back typed by every later step.

``<name>.json`` is pandas' Table Schema JSON (``orient="table"``): it carries each column's type, so dates,
booleans, numbers and list columns (an event's ``other_names``) come back as they went in. ``<name>.csv``
is the same table for readers to download; the pipeline never reads it back, except from an edition
built before the JSON files existed (:func:`read_processed` types those by column name).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

from helpers.data.stamps import MADE_BY, STAMP_NAME, InputError, check

# What an edition built before the typed JSON files wrote as CSV text: the columns to type, and how.
DATE_COLUMNS: tuple[str, ...] = ("reported_date", "event_date", "target_by", "published", "published_earliest", "published_latest")
NUMBER_COLUMNS: tuple[str, ...] = ("amount_low", "amount_high", "value_low", "value_high", "rank")
# Booleans as the curated files write them (true/false) and as pandas wrote them to CSV (True/False).
BOOLEANS: dict[str, object] = {"true": True, "false": False, "True": True, "False": False, "": pd.NA}
# Columns that hold lists (written by older editions to CSV as "['Hamas', 'United States']").
LIST_COLUMNS: tuple[str, ...] = ("other_names",)


def write_processed(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Write processed tables into ``out_dir``: typed JSON for the pipeline, CSV for readers (see the module doc).

    Args:
        tables: name -> frame, from ``helpers.data.clean.build_processed``.
        out_dir: folder to create and fill.

    Returns:
        The files written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        typed = out_dir / f"{name}.json"
        df.to_json(typed, orient="table", index=False, date_format="iso", force_ascii=False)
        readable = out_dir / f"{name}.csv"
        df.to_csv(readable, index=False, date_format="%Y-%m-%d")
        written += [typed, readable]
    return written


def read_processed(processed_dir: Path, as_of: str | None = None) -> dict[str, pd.DataFrame]:
    """Read tables written by :func:`write_processed` back with their types.

    Reads the typed ``<name>.json`` files. An edition built before they existed has CSVs only: those are
    read as text and typed by column name (:func:`type_columns`), list columns parsed back into lists.

    Args:
        processed_dir: an edition's processed/ folder.
        as_of: the date the reading notebook works on; when given, the folder's stamp must say the
            tables were made for it (``helpers.data.stamps.check``).

    Returns:
        Table name -> typed frame.

    Raises:
        InputError: no tables there (run notebook 01 first), or made for another date.
    """
    if as_of is not None:
        check(processed_dir, as_of)
    elif not any(p.name != STAMP_NAME for p in processed_dir.glob("*")):
        raise InputError(f"no processed tables in {processed_dir}: run {MADE_BY['processed']} first")
    tables = {path.stem: pd.read_json(path, orient="table") for path in sorted(processed_dir.glob("*.json")) if path.name != STAMP_NAME}
    for path in sorted(processed_dir.glob("*.csv")):
        if path.stem not in tables:
            df = type_columns(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"))
            for col in LIST_COLUMNS:
                if col in df:
                    df[col] = df[col].map(_list_from_text)
            tables[path.stem] = df
    return tables


def _list_from_text(text: object) -> list[str]:
    """A list written to CSV as its Python text, back as a list ("" and "[]" are empty)."""
    value = str(text or "").strip()
    if not value.startswith("["):
        return [value] if value else []
    parsed = ast.literal_eval(value)
    return [str(x) for x in parsed]


def type_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Give known columns their types: dates as datetime64, amounts and ranks as floats, booleans, blanks as missing.

    Args:
        df: a raw table of strings.

    Returns:
        A copy with DATE_COLUMNS parsed (YYYY-MM-DD), NUMBER_COLUMNS numeric, "true"/"false" as booleans.
    """
    out = df.copy()
    for col in out.columns:
        if col in DATE_COLUMNS:
            out[col] = pd.to_datetime(out[col].replace("", None), format="%Y-%m-%d")
        elif col in NUMBER_COLUMNS or col.endswith("_rank"):
            out[col] = pd.to_numeric(out[col].replace("", None)).astype("float64")
        elif set(out[col].unique()) <= set(BOOLEANS) and (out[col] != "").any():
            out[col] = out[col].map(BOOLEANS).astype("boolean")
    return out
