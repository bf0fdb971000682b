"""The pipeline notebooks, executed by papermill on the curated data and on fixture data."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import papermill
import pytest

from helpers import paths
from helpers.build import execute_notebooks

NOTEBOOKS = [paths.NOTEBOOKS_DIR / name for name in paths.NOTEBOOKS]


def run(tmp: Path, as_of: str, data_dir: Path = paths.DATA_DIR, notebooks: list[Path] = NOTEBOOKS) -> Path:
    out = tmp / f"out-{as_of}"
    params = {"as_of": as_of, "data_dir": str(data_dir), "out_dir": str(out), "previous_edition": ""}
    execute_notebooks(notebooks, params, out / "executed")
    return out


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(tmp_path_factory.mktemp("nb"), "2025-11-20")


def key_figures(out: Path) -> dict:
    return json.loads((out / "analysis" / "key_figures.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_typed_and_described(notebook: Path) -> None:
    params = papermill.inspect_notebook(str(notebook))
    assert set(params) == {"as_of", "data_dir", "out_dir", "previous_edition"}
    assert all(p["inferred_type_name"] == "str" and p["help"] for p in params.values())


def test_processed_tables_hold_every_curated_row(full: Path) -> None:
    for table in ("pledges", "conditions", "positions", "events", "figures", "open_questions"):
        raw = (paths.CURATED_DIR / f"{table}.csv").read_text(encoding="utf-8").count("\n")
        processed = (full / "processed" / f"{table}.csv").read_text(encoding="utf-8")
        assert len(processed.splitlines()) == raw, table  # all curated rows were reported by 20 Nov


def test_key_figures_come_from_the_data(full: Path) -> None:
    k = key_figures(full)
    assert [(c["low"], c["source_id"]) for c in k["countries_approached"]] == [(70.0, "S001")]
    assert [c["value"] for c in k["countries_willing"]] == ["19 countries", "3 or more (vague) countries", "at least 3 countries"]
    assert k["largest_offer"]["actor"] == "Indonesia" and k["largest_offer"]["amount"] == 20000.0
    assert [t["value"] for t in k["territory"]] == [53.0, 47.0]
    assert k["us_role"]["outside_gaza"] is True
    assert [w["name"] for w in k["states_willing"]] == ["Azerbaijan", "Indonesia", "Turkey", "United Kingdom"]
    assert k["changes"] == {"has_previous": False}


def test_briefing_notebook_shows_the_figures_and_charts(full: Path) -> None:
    nb = nbformat.read(full / "executed" / "03-write-briefing.ipynb", as_version=4)
    escaped = "\n".join(o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                         for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))
    markdown = re.sub(r"\\(.)", r"\1", escaped)  # escape_md backslash-escapes punctuation
    charts = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})]
    assert "19 countries" in markdown and "about 70" in markdown and "20,000 troops" in markdown
    assert len(charts) == 6
    assert not any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_an_earlier_as_of_leaves_out_later_claims(tmp_path: Path) -> None:
    # S001 (c. 15 Nov) carries the "70 countries" and "19 willing" figures; an edition of 10 Nov predates it.
    out = run(tmp_path, "2025-11-10", notebooks=NOTEBOOKS[:2])
    k = key_figures(out)
    assert k["countries_approached"] == []
    assert "19 countries" not in [c["value"] for c in k["countries_willing"]]
    assert "S001" not in (out / "processed" / "claims.csv").read_text(encoding="utf-8")
    assert k["largest_offer"]["labels"] == [{"label": "20,000 troops", "text": "20,000", "source_id": "S002", "reported_date": "18 Oct 2025"}]


def test_runs_on_fixture_data_with_a_row_removed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    pledges = data / "curated" / "pledges.csv"
    lines = pledges.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [l for l in lines if "Indonesia is the only country to have made the offer publicly" not in l]
    assert len(kept) == len(lines) - 1
    pledges.write_text("".join(kept), encoding="utf-8")
    out = run(tmp_path, "2025-11-20", data_dir=data, notebooks=NOTEBOOKS[:2])
    offer = key_figures(out)["largest_offer"]
    assert [l["source_id"] for l in offer["labels"]] == ["S001"]  # only the relayed "some 20.000" is left
    assert len((out / "processed" / "pledges.csv").read_text(encoding="utf-8").splitlines()) == len(kept)


def test_bad_data_stops_the_first_notebook(tmp_path: Path) -> None:
    from helpers.build import NotebookError

    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    pledges = data / "curated" / "pledges.csv"
    pledges.write_text(pledges.read_text(encoding="utf-8").replace("PL-001,IDN,", "PL-001,XYZ,", 1), encoding="utf-8")
    with pytest.raises(NotebookError) as err:
        run(tmp_path, "2025-11-20", data_dir=data, notebooks=NOTEBOOKS[:1])
    assert "01-clean-and-validate" in str(err.value) and "DataValidationError" in str(err.value)
    assert not (tmp_path / "out-2025-11-20" / "processed").exists()


def test_changes_are_computed_against_the_previous_edition(tmp_path: Path) -> None:
    previous = run(tmp_path / "prev", "2025-10-20", notebooks=NOTEBOOKS[:2])
    out = tmp_path / "now"
    params = {"as_of": "2025-11-20", "data_dir": str(paths.DATA_DIR), "out_dir": str(out), "previous_edition": str(previous)}
    execute_notebooks(NOTEBOOKS[:2], params, out / "executed")
    changes = key_figures(out)["changes"]
    assert changes["has_previous"] is True
    assert changes["new_sources"] == ["S001", "S003"]
    assert "Azerbaijan, troops: offered (not announced) → declined / will not send for now (S003)" in changes["changed_stances"]
