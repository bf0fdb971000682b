"""Cells of two editions' tables as comparable values: the shared vocabulary of news and corrections.

Processed tables come typed (``helpers.data.processed``); these turn a cell into a JSON-ready value, plain
text or a date, the same whether a table was built in memory or read back from disk.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]
# Label columns build_processed names other than "<code>_label".
LABEL_COLUMNS: dict[str, str] = {"condition_type": "condition_label", "contribution_type": "contribution_label"}


def py_value(value: Any) -> Any:
    """A JSON-ready scalar: None for missing values, Python numbers for numpy ones."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def cell_text(value: Any) -> str:
    """A cell as plain text, '' when missing."""
    value = py_value(value)
    return "" if value is None else str(value)


def flag(value: Any) -> bool:
    """A flag from a boolean or a "true"/"True" string (processed CSVs read back as text); missing is False."""
    return cell_text(value).strip().lower() == "true"


def iso_or_none(value: Any) -> str | None:
    """A date as YYYY-MM-DD, None when missing."""
    return None if py_value(value) is None or value == "" else f"{pd.Timestamp(value):%Y-%m-%d}"


def table(tables: Tables | None, name: str) -> pd.DataFrame:
    """A table of an edition, or an empty frame when the edition or the table is missing."""
    if tables is None or name not in tables:
        return pd.DataFrame()
    return tables[name]


def as_text(series: pd.Series) -> pd.Series:
    """Values as comparable text, the same whether a table was built in memory or read back from CSV.

    Args:
        series: one column.

    Returns:
        Strings: dates as YYYY-MM-DD, whole floats without ".0", booleans as true/false, missing as ''.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("").astype(object)
    if pd.api.types.is_bool_dtype(series):
        return series.astype(object).map(lambda v: "" if py_value(v) is None else str(bool(v)).lower())
    if pd.api.types.is_numeric_dtype(series):
        return series.map(lambda v: "" if py_value(v) is None else (f"{v:.0f}" if float(v).is_integer() else repr(float(v)))).astype(object)
    return series.astype(object).map(cell_text)


def number_text(value: Any) -> str:
    """A number as comparable text ("20000" for 20000.0 and "20000"), '' when missing."""
    value = py_value(value)
    if value is None or value == "":
        return ""
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else repr(number)


def precisions(sources: pd.DataFrame) -> dict[str, str]:
    """source_id -> date precision of the report's own date ("approximate" gives "c. ")."""
    if sources.empty or "date_precision" not in sources:
        return {}
    return dict(zip(sources["source_id"], sources["date_precision"].fillna("day")))


def label_of(row: dict[str, Any], code: str) -> str:
    """The reader label of a code column, or the code itself when no label column is there."""
    return cell_text(row.get(LABEL_COLUMNS.get(code, f"{code}_label"))) or cell_text(row.get(code)).replace("_", " ")


def unnamed_relay(confidence: Any, via_outlet: Any) -> bool:
    """A claim the report gives as "reportedly", naming no source: relayed, with no outlet it relays."""
    return cell_text(confidence) == "relayed" and not cell_text(via_outlet)
