"""The briefing's charts (helpers.views.charts) on fixture data packages, on empty tables, and on 100x data.

Charts draw what the analysis found: each test builds a small data package (tests/fixture_data.py),
runs the analysis and the captions, and checks the chart's marks, encodings, embedded rows, and that its
title and alt text are the caption's, word for word. A static test checks that charts.py imports no
cleaning or analysis rules.
"""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from helpers import paths
from helpers.analysis import run
from helpers.analysis import tables as analysis_tables
from helpers.data import clean
from helpers.views import captions, chart_cache, chart_renderer, charts
from fixture_data import condition, figure, make_data, pledge, position

from conftest import after_newest_report

AS_OF = "2026-01-31"


def fixture_tables(tmp: Path) -> dict[str, pd.DataFrame]:
    return clean.build_processed(make_data(
        tmp,
        pledges=[
            pledge("PL-001", "IDN", "offered_public", "S011", amount_low=20000, amount_high=20000, amount_unit="troops", amount_text="20,000",
                   amount_precision="exact", location="inside_gaza"),
            pledge("PL-002", "AZE", "offered_private", "S011", location="inside_gaza"),
            pledge("PL-003", "AZE", "conditional", "S012"),
            pledge("PL-004", "TUR", "offered_private", "S011"),
            pledge("PL-005", "TUR", "mentioned", "S012"),
            pledge("PL-006", "USA", "announced", "S011", "command_coordination", amount_high=200, amount_unit="troops", amount_text="up to 200",
                   amount_precision="up_to", location="nearby_bases"),
            pledge("PL-007", "GBR", "deployed", "S011", "advisers", location="israel"),
            pledge("PL-008", "GRP-19", "signalled_willingness", "S013"),
            pledge("PL-009", "FRA", "approached", "S013", requested_by="USA"),
        ],
        conditions=[condition("CO-001", "AZE", "after_fighting_stops", "S012", "PL-003")],
        positions=[position("PO-001", "ISR", "turkish_troops", "undecided", "S011", target_actor_id="TUR"),
                   position("PO-002", "ISR", "turkish_troops", "opposes", "S013", target_actor_id="TUR"),
                   position("PO-003", "USA", "turkish_troops", "supports", "S013", target_actor_id="TUR"),
                   position("PO-004", "IDN", "isf_participation", "not_ready", "S013")],
        figures=[figure("FI-001", "countries_approached", 70, 70, "approximate", "some 70", "S013"),
                 figure("FI-002", "countries_willing", 19, 19, "exact", "19", "S013")],
    ), AS_OF)


def views(t: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    results, summary = run.analyse(t, AS_OF, None)
    results["funnel_steps"] = analysis_tables.funnel_steps(t["figures"], summary)
    return results, summary


def all_charts(t: dict[str, pd.DataFrame]) -> dict[str, tuple[alt.TopLevelMixin, captions.Caption]]:
    r, s = views(t)
    made = {
        "commitments": captions.commitments(s, r["commitments"]),
        "figures": captions.figures(s, r["stated_figures"]),
        "positions": captions.positions(r["position_cells"]),
        "funnel": captions.funnel(s, r["funnel_steps"]),
    }
    return {
        "commitments": (charts.commitments_chart(r["commitments"], t["stages"], made["commitments"]), made["commitments"]),
        "figures": (charts.figures_chart(r["stated_figures"], made["figures"]), made["figures"]),
        "positions": (charts.positions_chart(r["position_cells"], made["positions"]), made["positions"]),
        "funnel": (charts.funnel_chart(r["funnel_steps"], made["funnel"]), made["funnel"]),
    }


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    return fixture_tables(tmp_path_factory.mktemp("charts"))


# --- Helpers ------------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True, scope="module")
def isf_theme() -> Iterator[None]:
    """The briefing's theme, as chart_renderer.enable() sets it in the notebooks."""
    alt.theme.register(chart_renderer.THEME_NAME, enable=False)(chart_renderer.theme)
    with alt.theme.enable(chart_renderer.THEME_NAME):
        yield


def rows_of(chart: alt.TopLevelMixin) -> pd.DataFrame:
    return pd.DataFrame(charts.embedded_rows(chart))


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every unit spec (one with a mark) in a spec, depth first."""
    found, pending = [], [spec]
    while pending:
        node = pending.pop(0)
        if "mark" in node:
            found.append(node)
        for key in ("layer", "vconcat", "hconcat", "concat"):
            pending.extend(node.get(key, []))
    return found


def mark_type(unit: dict[str, Any]) -> str:
    mark = unit["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


def field_types(encoding: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {channel: (enc.get("field"), enc.get("type")) for channel, enc in encoding.items() if isinstance(enc, dict) and "field" in enc}


def title_text(spec: dict[str, Any]) -> str:
    return chart_renderer.chart_title(spec)


def subtitle_text(spec: dict[str, Any]) -> str:
    sub = spec["title"].get("subtitle", [])
    return " ".join(sub) if isinstance(sub, list) else str(sub)


def palette_family(colour: str) -> bool:
    """True for an Okabe-Ito colour mixed with white or black (the ladder's tints and shades), and the theme's greys."""
    if colour.upper() in {c.upper() for c in chart_renderer.PALETTE} | {"#FFFFFF", chart_renderer.TEXT_COLOR, chart_renderer.MUTED_COLOR}:
        return True
    target = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    for base in chart_renderer.PALETTE:
        rgb = [int(base[i:i + 2], 16) for i in (1, 3, 5)]
        shares = {round((255 - t) / (255 - c), 2) for t, c in zip(target, rgb) if c != 255}
        if any(all(abs(255 - (255 - c) * s - t) <= 1.5 for t, c in zip(target, rgb)) for s in shares):
            return True
        darks = {round(t / c, 2) for t, c in zip(target, rgb) if c}
        if any(all(abs(c * s - t) <= 1.5 for t, c in zip(target, rgb)) for s in darks):
            return True
    return False


def colours_in(spec: Any) -> set[str]:
    """Every hex colour written anywhere in a spec except its config (the theme's own)."""
    found: set[str] = set()
    pending = [{k: v for k, v in spec.items() if k != "config"}]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, str) and node.startswith("#") and len(node) == 7:
            found.add(node)
    return found


# --- The charts draw what the analysis found --------------------------------------------------------------------

def test_chart_code_imports_no_cleaning_or_analysis_rules() -> None:
    tree = ast.parse((paths.PACKAGE_DIR / "views" / "charts.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {"helpers.data.clean", "helpers.analysis", "helpers.analysis.changes"} & imported
    source = (paths.PACKAGE_DIR / "views" / "charts.py").read_text(encoding="utf-8")
    for rule in ("latest_stance", "filter_as_of", "as_of", "reported_date"):
        assert rule not in source, rule


def test_every_chart_title_and_alt_text_are_the_captions(fixture) -> None:
    for name, (chart, caption) in all_charts(fixture).items():
        spec = chart.to_dict()
        assert title_text(spec) == caption["title"], name
        assert spec["description"] == caption["description"] and len(caption["description"]) > 40, name
        assert spec["config"]["font"].startswith(chart_renderer.FONT), name
        assert any("tooltip" in u.get("encoding", {}) or "tooltip" in spec.get("encoding", {}) for u in layers(spec)), name
        assert all(palette_family(c) for c in colours_in(spec)), (name, sorted(c for c in colours_in(spec) if not palette_family(c)))


def test_commitments_grid_draws_the_standing(fixture) -> None:
    chart, caption = all_charts(fixture)["commitments"]
    rows = rows_of(chart).set_index(["actor", "contribution"])
    # Turkey's offer stands although a later report only names it; Azerbaijan's is "only if"
    assert rows.loc[("Turkey", "Troops"), "stage"] == "Offered privately (not announced)"
    assert rows.loc[("Turkey", "Troops"), "since"] == "named as a likely contributor (S012, 8 Nov 2025)"
    assert rows.loc[("Azerbaijan", "Troops"), "_cell"] == "offered\nonly if"
    assert rows.loc[("Azerbaijan", "Troops"), "conditions"] == "only once fighting completely stops (not reported met)"
    assert caption["title"] == ("3 named states offer troops as of c. 13 Dec 2025: Indonesia (publicly), Azerbaijan (privately, on conditions) "
                                "and Turkey (privately)")
    assert "United Kingdom and United States: support from outside the force" in " ".join(caption["subtitle"])
    units = layers(chart.to_dict())
    assert [mark_type(u) for u in units] == ["rect", "text", "text"]
    assert field_types(units[0]["encoding"])["color"] == ("stage", "nominal")


def test_commitments_caps_rows_and_says_so(fixture) -> None:
    r, s = views(fixture)
    spec = charts.commitments_chart(r["commitments"], fixture["stages"], captions.commitments(s, r["commitments"]), max_rows=2).to_dict()
    assert "Showing 2 of " in subtitle_text(spec)
    assert {row["actor"] for rows in spec["datasets"].values() for row in rows} == {"Indonesia", "Azerbaijan"}


def test_figures_keep_vagueness_and_put_the_organiser_apart(fixture) -> None:
    chart, caption = all_charts(fixture)["figures"]
    rows = rows_of(chart).set_index("actor")
    assert rows.loc["Indonesia", "where"] == "Inside Gaza" and bool(rows.loc["Indonesia", "_exact"])
    assert rows.loc["United States", "where"] == "Outside Gaza" and rows.loc["United States", "_range_start"] == 0
    assert caption["title"] == "Only Indonesia has put a number on its troops: 20,000 troops"
    assert "United States: staff outside Gaza" in caption["subtitle"][0]


def test_positions_mark_latest_stances_and_every_direction_code(fixture) -> None:
    chart, caption = all_charts(fixture)["positions"]
    rows = rows_of(chart)
    israel = rows[rows["holder"] == "Israel"].set_index("direction")["_current"].to_dict()
    assert israel == {"Opposes": True, "Undecided / unclear": False}
    assert caption["title"] == "Stakeholders split on Turkish troops in Gaza"
    # a direction code the reference table holds gets its own label and style (here: not ready)
    spec = chart.to_dict()
    colour = next(u["encoding"]["color"] for u in layers(spec) if "color" in u["encoding"])
    assert "Not yet ready" in colour["scale"]["domain"]
    assert len(set(colour["scale"]["range"])) == len(colour["scale"]["domain"])


def test_a_new_direction_code_reaches_the_chart(fixture) -> None:
    cells = analysis_tables.position_cells(fixture["positions"]).copy()
    cells.loc[len(cells)] = {**cells.iloc[0].to_dict(), "holder": "Egypt", "actor_id": "EGY", "direction": "abstains", "direction_label": "Abstains"}
    spec = charts.positions_chart(cells, captions.positions(cells)).to_dict()
    colour = next(u["encoding"]["color"] for u in layers(spec) if "color" in u["encoding"])
    assert "Abstains" in colour["scale"]["domain"]


def test_funnel_bars_from_the_findings(fixture) -> None:
    chart, caption = all_charts(fixture)["funnel"]
    rows = rows_of(chart)
    # the two steps of named states hold the same three states: one bar names both steps
    assert rows["label"].tolist() == ['about 70 ("some 70")', "19", "3: Indonesia, Azerbaijan and Turkey"]
    assert rows["row"].tolist()[-1] == "Named as willing or offering, and named as offering troops"
    assert "reported" not in rows.columns and rows["sources"].ne("").all()  # no empty cells in the data table
    assert caption["title"] == "About 70 countries asked and 19 said to be willing, but the reports name 3 as willing and 3 as offering troops"


def test_empty_tables_give_a_no_data_chart(tmp_path) -> None:
    empty = clean.build_processed(make_data(tmp_path), "2025-10-01")
    for name, (chart, caption) in all_charts(empty).items():
        spec = chart.to_dict()
        assert title_text(spec) == caption["title"], name
        assert spec["description"].startswith("No ") and spec["description"].endswith("reported in this edition."), name
        assert vlc.vegalite_to_png(spec, scale=1).startswith(b"\x89PNG"), name


def test_charts_work_on_tables_read_back_from_csv(fixture, tmp_path: Path) -> None:
    # notebook 03 reads the processed and analysis files back: the charts must not depend on in-memory dtypes
    r, s = views(fixture)
    run.write_analysis(r, s, tmp_path / "analysis")
    back, back_summary = run.read_analysis(tmp_path / "analysis")
    before = charts.commitments_chart(r["commitments"], fixture["stages"], captions.commitments(s, r["commitments"])).to_dict()
    after = charts.commitments_chart(back["commitments"], fixture["stages"], captions.commitments(back_summary, back["commitments"])).to_dict()
    assert after["datasets"] == before["datasets"] and after["title"] == before["title"]


@pytest.mark.live_data
def test_live_charts_render_to_png(tmp_path: Path) -> None:
    live = clean.build_processed(paths.DATA_DIR, after_newest_report())
    for name, (chart, _) in all_charts(live).items():
        spec = chart.to_dict()
        rows = [row for values in spec["datasets"].values() for row in values]
        assert rows and not {"quote", "notes", "attribution"} & {k for r in rows for k in r}, name
        png = vlc.vegalite_to_png(spec, scale=1, vl_version=chart_cache.VL_VERSION)
        assert png.startswith(b"\x89PNG") and len(png) > 5000, name


# --- 100x synthetic data ---------------------------------------------------------------------------------------------------------

MAX_EMBEDDED = {"commitments": charts.MAX_MARKS, "figures": charts.MAX_FIGURES, "positions": charts.MAX_MARKS, "funnel": 20}


def test_embedded_rows_stay_bounded_on_100x_data(tmp_path) -> None:
    sys.path.insert(0, str(paths.ROOT / "benchmarks"))
    try:
        from make_synthetic import make
    finally:
        sys.path.pop(0)
    make(tmp_path / "data", 100)
    synthetic = clean.build_processed(tmp_path / "data", AS_OF)
    for name, (chart, _) in all_charts(synthetic).items():
        spec = chart.to_dict()
        rows = [row for values in spec["datasets"].values() for row in values]
        assert len(rows) <= MAX_EMBEDDED[name], (name, len(rows))
        assert len(json.dumps(spec)) <= 80_000, name


def test_the_vendored_country_shapes_are_the_documented_file() -> None:
    import hashlib

    from helpers.data import geo
    assert hashlib.sha256(geo.WORLD_FILE.read_bytes()).hexdigest() == geo.WORLD_SHA256
    assert {"360", "031", "792", "840"} <= geo.shape_ids()  # Indonesia, Azerbaijan, Turkey, United States
    assert geo.iso_numeric("IDN") == "360" and geo.iso_numeric("XXX") == ""


def test_map_colours_the_named_states_by_where_they_stand(fixture) -> None:
    from helpers.data import geo
    r, s = views(fixture)
    states = analysis_tables.map_states(r["commitments"], fixture["actors"], geo.shape_ids())
    assert states.set_index("name")["group"].to_dict() == {
        "Indonesia": "Offers troops", "Azerbaijan": "Offers troops", "Turkey": "Offers troops",
        "United Kingdom": "Organises or supports from outside", "United States": "Organises or supports from outside",
        "France": "Asked or in talks"}
    caption = captions.map_(s, states)
    spec = charts.map_chart(states, geo.world_countries(), caption).to_dict()
    assert title_text(spec) == caption["title"] == "3 named states offer troops (Indonesia, Azerbaijan and Turkey); 6 states named as contributors, candidates, asked or supporters"
    lookup = [row for rows in spec["datasets"].values() for row in rows if isinstance(row, dict) and "_id" in row]
    assert {row["name"] for row in lookup} == set(states["name"])
    assert vlc.vegalite_to_svg(spec).count("<path") > 100  # drawn offline from the embedded shapes
