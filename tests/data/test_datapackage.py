"""The one reader of datapackage.yaml: declared types and keys, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fixture_data import make_package

from helpers.data.datapackage import PackageError, field_names, load_descriptor, primary_key, read_tables, resource


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    return make_package(tmp_path)[0]


def test_tables_come_typed_as_declared(data: Path) -> None:
    tables = read_tables(data)
    pledges, sources = tables["pledges"], tables["sources"]
    assert list(pledges.columns) == field_names(resource(load_descriptor(data), "pledges"))
    assert pledges["amount_high"].dtype == "float64" and pledges["amount_high"].tolist() == [20000.0]
    assert pd.isna(pledges["amount_low"]).all()  # blank number -> missing, not 0 or ""
    assert pledges["reported_date"].tolist() == [pd.Timestamp("2025-10-10")]
    assert pd.isna(pledges["event_date"]).all()
    assert pledges["requested_by"].tolist() == [""]  # blank string stays "", never NaN
    assert sources["published"].dt.strftime("%Y-%m-%d").tolist() == ["2025-10-10", "2025-10-12"]
    assert tables["stages"]["rank"].dtype == "Int64" and tables["stages"]["on_ladder"].dtype == "boolean"
    assert tables["events"].empty and "event_id" in tables["events"].columns


def test_primary_keys_are_read_from_the_schema(data: Path) -> None:
    descriptor = load_descriptor(data)
    assert primary_key(resource(descriptor, "pledges")) == ["pledge_id"]
    assert primary_key(resource(descriptor, "stages")) == ["stage"]
    with pytest.raises(PackageError, match="no table 'pledge'"):
        resource(descriptor, "pledge")


def test_unreadable_descriptor_is_one_line(data: Path) -> None:
    (data / "datapackage.yaml").write_text("title: x\n", encoding="utf-8")
    with pytest.raises(PackageError) as err:
        load_descriptor(data)
    assert str(err.value) == "data/datapackage.yaml: got no 'resources' list; expected a YAML mapping with a 'resources' list"
