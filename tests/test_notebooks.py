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
from tests.fixture_data import event, figure, make_data, pledge, position

NOTEBOOKS = [paths.NOTEBOOKS_DIR / name for name in paths.NOTEBOOKS]


def run(tmp: Path, as_of: str, data_dir: Path = paths.DATA_DIR, notebooks: list[Path] = NOTEBOOKS) -> Path:
    out = tmp / f"out-{as_of}"
    params = {"as_of": as_of, "data_dir": str(data_dir), "out_dir": str(out), "previous_edition": ""}
    execute_notebooks(notebooks, params, out / "executed")
    return out


FIXTURE_ROWS = {
    "pledges": [
        pledge("PL-001", "IDN", "offered_public", "S011", amount_low=20000, amount_high=20000, amount_unit="troops", amount_text="20,000",
               amount_precision="exact", location="inside_gaza"),
        pledge("PL-002", "TUR", "offered_private", "S011"),
        pledge("PL-003", "TUR", "mentioned", "S012"),
        pledge("PL-004", "GBR", "deployed", "S011", "advisers", location="israel"),
        pledge("PL-005", "FRA", "approached", "S013", requested_by="USA"),
    ],
    "positions": [position("PO-001", "ISR", "turkish_troops", "undecided", "S011", target_actor_id="TUR"),
                  position("PO-002", "ISR", "turkish_troops", "opposes", "S013", target_actor_id="TUR")],
    "figures": [figure("FI-001", "countries_approached", 70, 70, "approximate", "some 70", "S013"),
                figure("FI-002", "countries_willing", 19, 19, "exact", "19", "S013")],
    "events": [event("EV-001", "2025-11-05", "resolution", "US circulates a draft resolution", "USA", "S012"),
               # another actor named: the chronology's "Who" must list names, read back from disk as notebook 02 reads them
               event("EV-002", "2025-10-10", "ceasefire", "Ceasefire takes effect", "ISR", "S011", other_actor_ids="USA; TUR")],
}


@pytest.fixture(scope="module")
def fixture_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_data(tmp_path_factory.mktemp("data"), **FIXTURE_ROWS)


@pytest.fixture(autouse=True)
def fixture_sources(fixture_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the kernels read the sources folder from the environment: the fixture's texts hold its quotes
    monkeypatch.setenv("ISF_SOURCES_DIR", str(fixture_data.parent / "sources"))


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory, fixture_data: Path) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ISF_SOURCES_DIR", str(fixture_data.parent / "sources"))
        return run(tmp_path_factory.mktemp("nb"), "2026-01-31", data_dir=fixture_data)


def key_figures(out: Path) -> dict:
    return json.loads((out / "analysis" / "key_figures.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_typed_and_described(notebook: Path) -> None:
    params = papermill.inspect_notebook(str(notebook))
    assert set(params) == {"as_of", "data_dir", "out_dir", "previous_edition"}
    assert all(p["inferred_type_name"] == "str" and p["help"] for p in params.values())


def test_processed_tables_hold_every_row_reported_by_as_of(full: Path) -> None:
    for table, rows in FIXTURE_ROWS.items():
        processed = (full / "processed" / f"{table}.csv").read_text(encoding="utf-8")
        assert len(processed.splitlines()) == len(rows) + 1, table


def test_key_figures_come_from_the_data(full: Path) -> None:
    k = key_figures(full)
    assert [(c["low"], c["source_id"]) for c in k["countries_approached"]] == [(70.0, "S013")]
    assert k["largest_offer"]["actor"] == "Indonesia" and k["largest_offer"]["amount"] == 20000.0
    assert [w["name"] for w in k["troop_offers"]] == ["Indonesia", "Turkey"]
    assert [o["name"] for o in k["outside_support"]] == ["United Kingdom"]
    assert k["information_date"] == {"date": "2025-12-13", "label": "c. 13 Dec 2025", "source_id": "S013"}
    assert k["changes"]["has_previous"] is False


def test_briefing_notebook_shows_the_title_block_figures_and_charts(full: Path) -> None:
    nb = nbformat.read(full / "executed" / "03-write-briefing.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    escaped = "\n".join(o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {}))
    markdown = re.sub(r"\\(.)", r"\1", escaped)  # escape_md backslash-escapes punctuation
    charts = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert "19 countries" in markdown and "about 70" in markdown and "20,000 troops" in markdown
    # the edition is 49 days after its newest report: past the staleness setting, so the title block says so
    assert "Information current to c. 13 Dec 2025 (newest report, 49 days before this edition; later events are not covered)" in markdown
    title = next(o["metadata"]["isf"] for o in outputs if o.get("metadata", {}).get("isf", {}).get("role") == "title-block")
    assert (title["information_date"], title["as_of"]) == ("2025-12-13", "2026-01-31")
    assert len(charts) == 5  # funnel, map, commitments, figures, positions
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_an_earlier_as_of_leaves_out_later_claims(tmp_path: Path, fixture_data: Path) -> None:
    out = run(tmp_path, "2025-11-10", data_dir=fixture_data, notebooks=NOTEBOOKS[:2])
    k = key_figures(out)
    assert k["countries_approached"] == [] and k["countries_willing"] == []
    assert "S013" not in (out / "processed" / "claims.csv").read_text(encoding="utf-8")
    assert k["information_date"]["date"] == "2025-11-08"


def test_an_edition_before_any_report_builds_a_short_briefing(tmp_path: Path, fixture_data: Path) -> None:
    out = run(tmp_path, "2025-10-01", data_dir=fixture_data)
    nb = nbformat.read(out / "executed" / "03-write-briefing.ipynb", as_version=4)
    text = "\n".join(o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))
    assert "No report is in yet" in re.sub(r"\\(.)", r"\1", text)


def test_bad_data_stops_the_first_notebook(tmp_path: Path, fixture_data: Path) -> None:
    from helpers.build import NotebookError

    data = tmp_path / "data"
    shutil.copytree(fixture_data, data)
    pledges = data / "curated" / "pledges.csv"
    pledges.write_text(pledges.read_text(encoding="utf-8").replace("PL-001,IDN,", "PL-001,XYZ,", 1), encoding="utf-8")
    with pytest.raises(NotebookError) as err:
        run(tmp_path, "2026-01-31", data_dir=data, notebooks=NOTEBOOKS[:1])
    assert "01-clean-and-validate" in str(err.value) and "DataValidationError" in str(err.value)
    assert not (tmp_path / "out-2026-01-31" / "processed").exists()


def test_changes_are_computed_against_the_previous_edition(tmp_path: Path, fixture_data: Path) -> None:
    previous = run(tmp_path / "prev", "2025-10-20", data_dir=fixture_data, notebooks=NOTEBOOKS[:2])
    out = tmp_path / "now"
    params = {"as_of": "2026-01-31", "data_dir": str(fixture_data), "out_dir": str(out), "previous_edition": str(previous)}
    execute_notebooks(NOTEBOOKS[:2], params, out / "executed")
    changes = key_figures(out)["changes"]
    assert changes["has_previous"] is True and changes["previous_as_of"] == "2025-10-20"
    news = {(i["kind"], i["claim_id"]) for i in changes["news"]}
    assert ("milestone", "EV-001") in news and ("stance_change", "PO-002") in news
    assert json.loads((out / "analysis" / "changes.json").read_text(encoding="utf-8"))["headline"] == changes["headline"]


def test_the_chronology_names_who_from_tables_read_back_from_disk(full: Path) -> None:
    """The processed tables go through files between notebooks 01 and 02; a list column must come back a list."""
    chronology = json.loads((full / "analysis" / "chronology.json").read_text(encoding="utf-8"))
    who = dict(zip([row[0] for row in chronology["data"]], [row[chronology["columns"].index("who")] for row in chronology["data"]]))
    assert who == {"EV-001": "United States", "EV-002": "Israel, United States and Turkey"}
    nb = nbformat.read(full / "executed" / "03-write-briefing.ipynb", as_version=4)
    shown = re.sub(r"\\(.)", r"\1", "\n".join(o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                                              for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})))
    assert "| Israel, United States and Turkey |" in shown
    assert "[, '" not in shown and "['" not in shown
