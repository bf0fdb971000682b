"""The briefing's charts (helpers.charts) on tiny fixture frames, on empty frames, and on 100x data.

Each chart is checked for its mark, its encodings (field and type), the rows it embeds, and the
numbers in its title and alt text. A last group renders every chart to PNG with vl-convert (on the
fixtures, the real data at two dates and empty frames) and checks that the embedded data stays small
on the synthetic dataset 100 times the real one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from helpers import chart_renderer, charts, clean, paths

AS_OF = "2025-11-20"
STAGES = [  # stage, rank, on_ladder, label: the ladder of reference/stages.csv
    ("mentioned", 0, True, "Named as candidate"),
    ("approached", 1, True, "Approached / in talks"),
    ("signalled_willingness", 2, True, "Signalled willingness"),
    ("offered_private", 3, True, "Offered (not announced)"),
    ("offered_public", 4, True, "Offered publicly"),
    ("approved_at_home", 5, True, "Approved at home"),
    ("deployed", 6, True, "Deployed"),
    ("not_expected", None, False, "Not expected to take part"),
    ("declined", None, False, "Declined / will not send for now"),
    ("withdrawn", None, False, "Withdrawn"),
]
RANK = {s: r for s, r, _, _ in STAGES}
NAMES = {"IDN": "Indonesia", "AZE": "Azerbaijan", "TUR": "Turkey", "USA": "United States", "EGY": "Egypt", "GBR": "United Kingdom",
         "ISR": "Israel", "HAMAS": "Hamas", "GRP-19": "The 19 willing countries (unnamed)", "IDN-MOD": "Indonesia's Defence Ministry",
         "GRP-AGREED": "Countries that agreed to deploy troops (unnamed)", "GRP-UN": "Several willing countries wanting a UN mandate (unnamed)",
         "GRP-DIPLOMATS": "Senior Muslim diplomats (unnamed)"}
KINDS = {"GRP-19": "unnamed_group", "GRP-AGREED": "unnamed_group", "GRP-UN": "unnamed_group", "GRP-DIPLOMATS": "unnamed_group",
         "IDN-MOD": "state_body", "HAMAS": "non_state_armed_group"}
SOURCE_LABELS = {"S000": "S000 (unnamed outlet, 17 Oct 2025)", "S001": "S001 (All Israel News, c. 15 Nov 2025)",
                 "S002": "S002 (unnamed outlet, 18 Oct 2025)", "S003": "S003 (Dawn, 8 Nov 2025)", "S004": "S004 (unnamed outlet, c. 15 Oct 2025)"}


# --- Fixture frames, shaped like helpers.clean.build_processed's tables ---------------------------------

def actor(actor_id: str) -> dict[str, str]:
    return {"actor_id": actor_id, "actor_name": NAMES.get(actor_id, ""), "actor_kind": KINDS.get(actor_id, "state" if actor_id else "")}


def stages() -> pd.DataFrame:
    return pd.DataFrame(STAGES, columns=["stage", "rank", "on_ladder", "label"]).astype({"rank": "float64", "on_ladder": "boolean"})


def pledge(pledge_id: str, actor_id: str, contribution: str, stage: str, date: str, source: str, *, low: float | None = None,
           high: float | None = None, unit: str = "", text: str = "", precision: str = "unspecified", inside: bool | None = None,
           requested_by: str = "") -> dict[str, Any]:
    return {
        "pledge_id": pledge_id, **actor(actor_id), "contribution_type": contribution, "stage": stage, "stage_rank": RANK[stage],
        "reported_date": pd.Timestamp(date), "confidence": "relayed", "source_id": source,
        "amount_low": low, "amount_high": high, "amount_unit": unit, "amount_text": text, "amount_precision": precision,
        "amount_label": clean.amount_label(low, high, precision, unit), "inside_gaza": inside,
        "location_label": {True: "Inside Gaza", False: "Outside Gaza", None: "Not stated"}[inside],
        "requested_by_name": NAMES.get(requested_by, ""),
    }


def pledges() -> pd.DataFrame:
    rows = [
        pledge("PL-1", "IDN", "troops", "offered_public", "2025-10-18", "S002", low=20000, high=20000, unit="troops", text="20,000",
               precision="exact", inside=True),
        pledge("PL-2", "IDN", "troops", "offered_public", "2025-11-15", "S001", low=20000, high=20000, unit="troops", text="some 20.000",
               precision="approximate", inside=True),
        pledge("PL-3", "AZE", "troops", "offered_private", "2025-10-18", "S002", inside=True),
        pledge("PL-4", "AZE", "troops", "declined", "2025-11-08", "S003", inside=True),
        pledge("PL-5", "TUR", "troops", "offered_private", "2025-11-15", "S001", inside=True),
        pledge("PL-6", "USA", "command_coordination", "offered_public", "2025-10-15", "S004", high=200, unit="troops", text="up to 200",
               precision="up_to", inside=False),
        pledge("PL-7", "USA", "command_coordination", "deployed", "2025-10-15", "S004", low=24, high=24, unit="personnel",
               text="about two dozen", precision="approximate", inside=False),
        pledge("PL-8", "EGY", "unspecified", "approached", "2025-10-15", "S004", requested_by="USA"),
        pledge("PL-9", "GRP-19", "troops", "signalled_willingness", "2025-11-15", "S001"),
        pledge("PL-10", "GBR", "troops", "not_expected", "2025-10-18", "S002"),
        pledge("PL-11", "IDN-MOD", "unspecified", "mentioned", "2025-11-15", "S001"),  # a state body: not a row
    ]
    return pd.DataFrame(rows).astype({"inside_gaza": "boolean"})


def condition(condition_id: str, actor_id: str, ctype: str, label: str, applies_to: str, date: str, source: str, confidence: str) -> dict[str, Any]:
    return {"condition_id": condition_id, **actor(actor_id), "condition_type": ctype, "condition_label": label, "applies_to": applies_to,
            "reported_date": pd.Timestamp(date), "source_id": source, "confidence_label": confidence}


def conditions() -> pd.DataFrame:
    return pd.DataFrame([
        condition("CO-1", "GRP-AGREED", "israeli_controlled_areas_only", "Only inside Israeli-controlled areas", "deploying_troops",
                  "2025-11-15", "S001", "Relayed from another outlet"),
        condition("CO-2", "GRP-AGREED", "non_combat", "Non-combat role (will not fight Hamas)", "deploying_troops", "2025-11-15", "S001",
                  "Unattributed"),
        condition("CO-3", "GRP-UN", "un_mandate", "UN Security Council mandate", "deploying_troops", "2025-11-08", "S003", "Anonymous officials"),
        condition("CO-4", "GRP-DIPLOMATS", "un_mandate", "UN Security Council mandate", "supporting_resolution", "2025-11-08", "S003",
                  "Anonymous officials"),
        condition("CO-5", "AZE", "after_fighting_stops", "Only after fighting stops", "deploying_troops", "2025-11-08", "S003",
                  "Anonymous officials"),
        condition("CO-6", "USA", "no_troops_inside_gaza", "Own personnel stay outside Gaza", "taking_part", "2025-10-17", "S000",
                  "Anonymous officials"),
        condition("CO-7", "USA", "no_troops_inside_gaza", "Own personnel stay outside Gaza", "taking_part", "2025-10-15", "S004",
                  "Named official or body"),
    ])


def claim(claim_id: str, table: str, actor_id: str, date: str, summary: str, source: str, stage: str = "") -> dict[str, Any]:
    a = actor(actor_id)
    return {"claim_id": claim_id, "claim_table": table, "actor_id": actor_id, "actor_name": a["actor_name"], "reported_date": pd.Timestamp(date),
            "summary": summary, "stage": stage, "source_id": source, "source_label": SOURCE_LABELS[source]}


def claims() -> pd.DataFrame:
    return pd.DataFrame([
        claim("PL-3", "pledges", "AZE", "2025-10-18", "Offered (not announced): troops (not stated)", "S002", "offered_private"),
        claim("PL-21", "pledges", "AZE", "2025-10-18", "Signalled willingness: troops (not stated)", "S002", "signalled_willingness"),
        claim("PL-4", "pledges", "AZE", "2025-11-08", "Declined / will not send for now: troops (not stated)", "S003", "declined"),
        claim("CO-5", "conditions", "AZE", "2025-11-08", "Condition: Only after fighting stops", "S003"),
        claim("PO-4", "positions", "ISR", "2025-11-15", "Opposes - Opposes Turkish troops close to its borders", "S001"),
        claim("EV-1", "events", "ISR", "2025-11-08", "Ceasefire between Israel and Hamas takes effect", "S003"),
        claim("FI-7", "figures", "", "2025-11-15", "Countries willing to contribute: 19 countries", "S001"),
    ])


def events() -> pd.DataFrame:
    rows = [
        ("EV-1", "2025-10-10", "day", "ceasefire", "Ceasefire between Israel and Hamas takes effect", True),
        ("EV-2", "2025-10-01", "month", "ceasefire", "US secures a ceasefire in Gaza", True),  # month only: no line
        ("EV-3", "2025-09-01", "month", "diplomatic_contact", "Erdogan tells Trump Turkey is prepared to send forces", False),
        ("EV-14", "2025-11-05", "day", "resolution", "US circulates draft Security Council resolution", True),
        ("EV-16", "2025-11-06", "day", "target_date", "Trump: the force will be on the ground 'very soon'", False),  # not a milestone
    ]
    out = pd.DataFrame(rows, columns=["event_id", "event_date", "event_date_precision", "event_type", "title", "milestone"])
    return out.assign(event_date=pd.to_datetime(out["event_date"]), milestone=out["milestone"].astype("boolean"))


def position(position_id: str, actor_id: str, topic: str, label: str, direction: str, date: str, source: str, target: str = "",
             summary: str = "") -> dict[str, Any]:
    return {"position_id": position_id, **actor(actor_id), "topic": topic, "topic_label": label, "target_name": NAMES.get(target, ""),
            "direction": direction, "summary": summary or f"{direction} {topic}", "reported_date": pd.Timestamp(date), "source_id": source}


def positions() -> pd.DataFrame:
    return pd.DataFrame([
        position("PO-17", "ISR", "turkish_troops", "Turkish troops in Gaza", "undecided", "2025-10-18", "S002", "TUR",
                 "Unclear whether it will allow Turkish forces in Gaza"),
        position("PO-4", "ISR", "turkish_troops", "Turkish troops in Gaza", "opposes", "2025-11-15", "S001", "TUR",
                 "Opposes Turkish troops close to its borders"),
        position("PO-5", "USA", "turkish_troops", "Turkish troops in Gaza", "supports", "2025-11-15", "S001", "TUR", "Backs Turkey's offer of troops"),
        position("PO-6", "HAMAS", "hamas_disarmament", "Hamas disarmament", "opposes", "2025-11-15", "S001"),
        position("PO-7", "HAMAS", "hamas_disarmament", "Hamas disarmament", "conditional", "2025-11-15", "S001"),
        position("PO-1", "USA", "us_troops_in_gaza", "US troops inside Gaza", "opposes", "2025-10-17", "S000"),
    ])


def figure(figure_id: str, metric: str, low: float | None, high: float | None, precision: str, text: str, date: str, source: str) -> dict[str, Any]:
    return {"figure_id": figure_id, "metric": metric, "actor_id": "", "value_low": low, "value_high": high, "unit": "countries",
            "value_text": text, "precision": precision, "value_label": clean.amount_label(low, high, precision, "countries"),
            "reported_date": pd.Timestamp(date), "source_id": source, "source_label": SOURCE_LABELS[source]}


def figures() -> pd.DataFrame:
    return pd.DataFrame([
        figure("FI-6", "countries_approached", 70, 70, "approximate", "some 70", "2025-11-15", "S001"),
        figure("FI-7", "countries_willing", 19, 19, "exact", "19", "2025-11-15", "S001"),
        figure("FI-10", "countries_willing", 3, None, "at_least", "Turkey, Indonesia and Azerbaijan", "2025-10-18", "S002"),
        figure("FI-11", "countries_willing", 3, None, "vague", "several", "2025-11-08", "S003"),
        figure("FI-2", "countries_committed_formally", 0, 0, "exact", "no country", "2025-10-17", "S000"),  # not a funnel step
    ])


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
    """True for an Okabe-Ito colour or one mixed with white (the tints the ladder uses), and the theme's greys."""
    if colour.upper() in {c.upper() for c in chart_renderer.PALETTE} | {"#FFFFFF", chart_renderer.TEXT_COLOR, chart_renderer.MUTED_COLOR}:
        return True
    target = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    for base in chart_renderer.PALETTE:
        rgb = [int(base[i:i + 2], 16) for i in (1, 3, 5)]
        shares = {round((255 - t) / (255 - c), 2) for t, c in zip(target, rgb) if c != 255}
        if any(all(abs(255 - (255 - c) * s - t) <= 1.5 for t, c in zip(target, rgb)) for s in shares):
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


# --- 1. commitments_chart ------------------------------------------------------------------------------------

def test_commitments_grid_marks_encodings_and_latest_stage() -> None:
    chart = charts.commitments_chart(pledges(), stages(), AS_OF)
    spec = chart.to_dict()
    units = layers(spec)
    assert [mark_type(u) for u in units] == ["rect", "text", "text"]
    enc = {**spec.get("encoding", {}), **units[0].get("encoding", {})}
    assert field_types(enc)["x"] == ("contribution", "nominal")
    assert field_types(enc)["y"] == ("actor", "nominal")
    assert field_types(enc)["color"] == ("stage", "nominal")
    rows = rows_of(chart).set_index("actor")
    # one row per actor and contribution; the state body is not a row
    assert len(rows) == 7 and "Indonesia's Defence Ministry" not in rows.index
    assert rows.loc["Azerbaijan", "stage"] == "Declined / will not send for now"  # 8 Nov beats the 18 Oct offer
    assert rows.loc["Azerbaijan", "cell"] == "declined"
    assert rows.loc["United States", "stage"] == "Deployed"  # same day: the later id wins, as in latest_stance
    assert rows.loc["Indonesia", ["amount", "sources", "reported"]].tolist() == ["about 20,000 troops", "S001, S002", "15 Nov 2025"]
    assert rows.loc["Egypt", "asked_by"] == "United States"
    # rows sorted by the highest latest stage; off-ladder-only actors last
    assert enc["y"]["sort"] == ["United States", "Indonesia", "Turkey", "The 19 willing countries (unnamed)", "Egypt", "Azerbaijan",
                                "United Kingdom"]


def test_commitments_title_counts_states_offering_troops_and_lapsed_offers() -> None:
    spec = charts.commitments_chart(pledges(), stages(), AS_OF).to_dict()
    assert title_text(spec) == "2 named states offer troops as of 20 Nov 2025: Indonesia (publicly) and Turkey"
    assert "Azerbaijan, which offered troops earlier, has since declined." in subtitle_text(spec)
    assert spec["description"].startswith("Grid of 7 actors (6 states, 1 unnamed group) by 3 kinds of contribution")
    assert "Declined / will not send for now: Azerbaijan (troops)." in spec["description"]


def test_commitments_takes_as_of() -> None:
    spec = charts.commitments_chart(pledges(), stages(), "2025-10-20").to_dict()
    assert title_text(spec) == "2 named states offer troops as of 20 Oct 2025: Indonesia (publicly) and Azerbaijan"
    spec = charts.commitments_chart(pledges(), stages(), "2025-10-16").to_dict()
    assert title_text(spec) == "No named state offers troops as of 16 Oct 2025"


def test_commitments_off_ladder_stages_have_their_own_colours() -> None:
    spec = charts.commitments_chart(pledges(), stages(), AS_OF).to_dict()
    scale = layers(spec)[0]["encoding"]["color"]["scale"]
    colour = dict(zip(scale["domain"], scale["range"]))
    assert colour["Declined / will not send for now"] == chart_renderer.PALETTE[3]
    ladder = {colour[label] for _, rank, _, label in STAGES if rank is not None}
    assert len(ladder) == 7 and not ladder & {colour[label] for _, rank, _, label in STAGES if rank is None}


def test_commitments_caps_rows_and_says_so() -> None:
    spec = charts.commitments_chart(pledges(), stages(), AS_OF, max_rows=3).to_dict()
    assert {r["actor"] for r in charts.embedded_rows(charts.commitments_chart(pledges(), stages(), AS_OF, max_rows=3))} == {
        "United States", "Indonesia", "Turkey"}
    assert "Showing 3 of 7 actors, those furthest along." in subtitle_text(spec)
    # the finding still counts every actor
    assert title_text(spec).startswith("2 named states offer troops")


# --- 2. figures_chart -------------------------------------------------------------------------------------------

def test_figures_one_row_per_claim_with_vagueness() -> None:
    chart = charts.figures_chart(pledges())
    spec = chart.to_dict()
    assert len(spec["vconcat"]) == 2  # inside Gaza, outside Gaza
    units = layers(spec)
    assert [mark_type(u) for u in units[:3]] == ["rule", "point", "text"]
    assert field_types(units[0]["encoding"])["x"] == ("range_start", "quantitative")
    assert field_types(units[1]["encoding"])["x"] == ("value", "quantitative")
    assert field_types(units[1]["encoding"])["color"] == ("where", "nominal")
    rows = rows_of(chart)
    assert len(rows) == 4
    by_label = rows.set_index("label")
    up_to = by_label.loc["up to 200 troops · offered publicly"]
    assert (up_to["range_start"], up_to["range_end"], up_to["exact"]) == (0.0, 200.0, False)
    assert by_label.loc["20,000 troops · offered publicly", "exact"]
    assert not by_label.loc["about 20,000 troops · offered publicly", "exact"]
    assert pd.isna(by_label.loc["about 24 personnel · deployed", "range_start"])  # a point, no range
    # two US claims from S004 look alike but keep their own rows
    us = rows[rows["actor"] == "United States"]
    assert us["row"].str.replace("\u200b", "").eq("United States · S004").all() and us["row"].nunique() == 2
    axis_titles = [u["encoding"]["x"]["title"] for u in units if mark_type(u) == "point"]
    assert axis_titles == ["Inside Gaza: number stated (troops)", "Outside Gaza: number stated (troops or personnel)"]


def test_figures_title_and_description_from_data() -> None:
    spec = charts.figures_chart(pledges()).to_dict()
    assert title_text(spec) == "Only Indonesia has named a troop figure for inside Gaza: 20,000"
    assert "Figures for personnel outside Gaza (United States) range from 24 to 200." in subtitle_text(spec)
    assert spec["description"].startswith("4 stated troop or personnel figures")
    assert "United States up to 200 troops (15 Oct 2025, S004)" in spec["description"]


def test_figures_without_inside_figure() -> None:
    outside_only = pledges().query("actor_id == 'USA'")
    spec = charts.figures_chart(outside_only).to_dict()
    assert title_text(spec) == "No country has put a number on troops for inside Gaza"
    assert len(spec["vconcat"]) == 1


# --- 3. conditions_chart ------------------------------------------------------------------------------------------

def test_conditions_matrix() -> None:
    chart = charts.conditions_chart(conditions())
    spec = chart.to_dict()
    assert mark_type(spec) == "square"
    assert field_types(spec["encoding"]) == {"x": ("condition", "nominal"), "y": ("actor", "nominal"), "color": ("governs", "nominal")}
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"first", "sources", "confidence"}
    rows = rows_of(chart)
    assert len(rows) == 6  # the US condition reported twice is one cell
    us = rows.set_index("actor").loc["United States"]
    assert (us["first"], us["sources"], us["condition"]) == ("15 Oct 2025", "S000, S004", "Own staff outside Gaza (1)")
    assert us["confidence"] == "Anonymous officials and Named official or body"
    assert set(rows.loc[rows["label"] == "UN Security Council mandate", "condition"]) == {"UN mandate (2)"}
    assert set(rows["governs"]) == {"Deploying troops", "Supporting the UN resolution", "Taking part at all"}


def test_conditions_title_and_description() -> None:
    spec = charts.conditions_chart(conditions()).to_dict()
    assert title_text(spec) == "UN mandate is the most common condition: 2 of 5 actors set it"
    assert "2 named actors and 3 unnamed groups" in subtitle_text(spec)
    assert spec["description"].startswith("Matrix of 5 actors by 5 condition types.")
    assert "After fighting stops: Azerbaijan." in spec["description"]


def test_conditions_single_actor_title() -> None:
    spec = charts.conditions_chart(conditions().query("actor_id == 'USA'")).to_dict()
    assert title_text(spec) == "Only the United States has set conditions: Own staff outside Gaza"


# --- 4. timeline_chart ----------------------------------------------------------------------------------------------

def test_timeline_marks_and_encodings() -> None:
    chart = charts.timeline_chart(claims(), events())
    spec = chart.to_dict()
    units = layers(spec)
    assert [mark_type(u) for u in units] == ["rule", "text", "text", "point"]
    points = field_types(units[-1]["encoding"])
    assert points["x"] == ("date", "temporal") and points["y"] == ("actor", "nominal")
    assert points["color"] == ("group", "nominal") and points["shape"] == ("group", "nominal")
    assert units[-1]["encoding"]["x"]["scale"]["type"] == "utc"


def test_timeline_rows_milestones_and_reversal() -> None:
    chart = charts.timeline_chart(claims(), events())
    spec = chart.to_dict()
    rows = rows_of(chart)
    marks = rows[rows["group"].notna()].set_index(["actor", "date"])
    # the offer and the willingness of 18 Oct share one mark, coloured by the furthest stage
    assert marks.loc[("Azerbaijan", "2025-10-18"), ["group", "n"]].tolist() == ["Pledge: offered", 2]
    assert set(marks.loc[("Azerbaijan", "2025-11-08"), "group"]) == {"Pledge: declined or not expected", "Condition"}
    assert marks.loc[("No single actor", "2025-11-15"), "group"] == "Figure"
    assert len(marks) == 6
    rules = rows[rows["text"].notna()]
    assert rules[["date", "text"]].values.tolist() == [["2025-10-10", "Ceasefire, 10 Oct"], ["2025-11-05", "UN resolution step, 5 Nov"]]
    assert title_text(spec) == "Azerbaijan offered on 18 Oct, then declined on 8 Nov"
    assert "Report dates of S001 are estimates." in subtitle_text(spec)
    assert "Azerbaijan offered on 18 Oct 2025 and declined on 8 Nov 2025." in spec["description"]
    assert spec["description"].startswith("Timeline of 7 claims from 3 reports")
    y_sort = units_y_sort(spec)
    assert y_sort == ["Azerbaijan", "Israel", "No single actor"]


def units_y_sort(spec: dict[str, Any]) -> list[str]:
    return layers(spec)[-1]["encoding"]["y"]["sort"]


def test_timeline_without_reversal_or_milestones() -> None:
    no_decline = claims().query("claim_id != 'PL-4'")
    spec = charts.timeline_chart(no_decline, events().iloc[0:0]).to_dict()
    assert title_text(spec) == "6 claims about 3 actors from 3 reports: no reported offer has turned into a refusal"
    assert [mark_type(u) for u in layers(spec)] == ["point"]
    assert "No milestone with a stated day." in spec["description"]


# --- 5. positions_chart -------------------------------------------------------------------------------------------------

def test_positions_matrix() -> None:
    chart = charts.positions_chart(positions())
    spec = chart.to_dict()
    assert mark_type(spec) == "point"
    fields = field_types(spec["encoding"])
    assert fields["x"] == ("topic", "nominal") and fields["y"] == ("holder", "nominal")
    assert fields["color"] == ("direction", "nominal") and fields["shape"] == ("direction", "nominal")
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"summary", "sources"}
    rows = rows_of(chart).set_index(["holder", "topic", "direction"])
    assert len(rows) == 6
    assert not rows.loc[("Israel", "Turkish troops", "Undecided / unclear"), "current"]  # superseded on 15 Nov
    assert rows.loc[("Israel", "Turkish troops", "Opposes"), "current"]
    assert rows.loc[("Israel", "Turkish troops", "Opposes"), ["about", "sources"]].tolist() == ["Turkey", "S001"]
    # two stances in one cell sit either side of the cell's centre
    hamas = sorted(rows.loc["Hamas"]["dx"])
    assert sum(hamas) / 2 == charts.CELL_WIDTH / 2 and hamas[1] - hamas[0] >= 10


def test_positions_title_names_the_split() -> None:
    spec = charts.positions_chart(positions()).to_dict()
    assert title_text(spec) == "Stakeholders split on Turkish troops"
    assert "Turkish troops: United States supports, Israel opposes." in subtitle_text(spec)
    assert "Latest stances: 1 conditional, 3 opposes, 1 supports" in spec["description"]
    no_split = charts.positions_chart(positions().query("actor_id != 'USA' or topic != 'turkish_troops'")).to_dict()
    assert title_text(no_split) == ("3 of 4 current stances are opposition: Hamas on Hamas disarmament, Israel on Turkish troops and the "
                                    "United States on US troops in Gaza")


# --- 6. funnel_chart ----------------------------------------------------------------------------------------------------------

def test_funnel_bars_labels_and_title() -> None:
    chart = charts.funnel_chart(figures(), pledges())
    spec = chart.to_dict()
    assert [mark_type(u) for u in layers(spec)] == ["bar", "rule", "text"]
    enc = {**spec.get("encoding", {}), **layers(spec)[0]["encoding"]}
    assert field_types(enc)["x"] == ("value", "quantitative") and field_types(enc)["y"] == ("row", "nominal")
    assert field_types(enc)["color"] == ("kind", "nominal")
    rows = rows_of(chart)
    assert rows[["row", "value", "label"]].values.tolist() == [
        ["Asked to contribute · S001, c. 15 Nov", 70.0, 'about 70 ("some 70")'],
        ["Said to be willing · S002, 18 Oct", 3.0, 'at least 3 ("Turkey, Indonesia and Azerbaijan")'],
        ["Said to be willing · S003, 8 Nov", 3.0, '3 or more ("several")'],
        ["Said to be willing · S001, c. 15 Nov", 19.0, "19"],
        ["Named as willing or offering", 3.0, "3: Azerbaijan, Indonesia and Turkey"],
        ["Named with a troop figure", 1.0, "1: Indonesia"],
    ]
    assert rows["open_end"].notna().tolist() == [False, True, True, False, False, False]
    assert title_text(spec) == "About 70 countries asked and 19 said to be willing, but the reports name 3 as willing and 1 with a troop figure"
    assert "Said to be willing · S001, c. 15 Nov: 19." in spec["description"]


def test_funnel_early_edition() -> None:
    talks = pd.DataFrame([figure("FI-13", "countries_in_talks", 5, None, "at_least", "several countries, including Indonesia",
                                 "2025-10-15", "S004")])
    early = charts.funnel_chart(talks, pledges().query("reported_date <= '2025-10-15'"))
    spec = early.to_dict()
    # only the organising US has a figure yet, and it is not counted
    assert title_text(spec) == "Talks with at least 5 countries, but the reports name none as willing and none with a troop figure"
    assert [r["label"] for r in charts.embedded_rows(early)] == ['at least 5 ("several countries, including Indo…")', "0", "0"]
    nothing = charts.funnel_chart(talks.iloc[0:0], pledges().query("reported_date <= '2025-10-15'"), as_of="2025-10-15")
    assert title_text(nothing.to_dict()) == "From countries approached to troop figures: no data as of 15 Oct 2025"


# --- Every chart ------------------------------------------------------------------------------------------------------------------

def all_charts(t: dict[str, pd.DataFrame], as_of: str) -> dict[str, alt.TopLevelMixin]:
    return {
        "commitments": charts.commitments_chart(t["pledges"], t["stages"], as_of),
        "figures": charts.figures_chart(t["pledges"], as_of=as_of),
        "conditions": charts.conditions_chart(t["conditions"], as_of=as_of),
        "timeline": charts.timeline_chart(t["claims"], t["events"], as_of=as_of),
        "positions": charts.positions_chart(t["positions"], as_of=as_of),
        "funnel": charts.funnel_chart(t["figures"], t["pledges"], as_of=as_of),
    }


def fixture_tables() -> dict[str, pd.DataFrame]:
    return {"pledges": pledges(), "stages": stages(), "conditions": conditions(), "claims": claims(), "events": events(),
            "positions": positions(), "figures": figures()}


@pytest.fixture(scope="module")
def real() -> dict[str, pd.DataFrame]:
    return clean.build_processed(paths.DATA_DIR, AS_OF)


@pytest.fixture(scope="module")
def real_specs(real: dict[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
    """Every chart on the real data, as Vega-Lite dicts (built once: to_dict validates, which takes time)."""
    return {name: chart.to_dict() for name, chart in all_charts(real, AS_OF).items()}


def test_every_chart_has_title_alt_text_tooltips_theme_font_and_palette() -> None:
    for name, chart in all_charts(fixture_tables(), AS_OF).items():
        spec = chart.to_dict()
        assert title_text(spec) and len(spec["description"]) > 40, name
        assert spec["config"]["font"].startswith(chart_renderer.FONT), name
        assert "font" not in json.dumps({k: v for k, v in spec.items() if k != "config"}).replace('"fontSize"', ""), name
        assert any("tooltip" in u.get("encoding", {}) or "tooltip" in spec.get("encoding", {}) for u in layers(spec)), name
        assert all(palette_family(c) for c in colours_in(spec)), (name, sorted(c for c in colours_in(spec) if not palette_family(c)))


def test_embedded_data_is_short_text_without_quotes(real_specs: dict[str, dict[str, Any]]) -> None:
    for name, spec in real_specs.items():
        rows = [row for values in spec["datasets"].values() for row in values]
        assert rows, name
        assert not {"quote", "notes", "attribution"} & {k for r in rows for k in r}, name
        longest = max(len(v) for r in rows for v in r.values() if isinstance(v, str))
        assert longest <= 170, (name, longest)


@pytest.mark.parametrize("maker", [
    lambda t: charts.commitments_chart(t["pledges"], t["stages"], "2025-10-01"),
    lambda t: charts.figures_chart(t["pledges"], as_of="2025-10-01"),
    lambda t: charts.conditions_chart(t["conditions"], as_of="2025-10-01"),
    lambda t: charts.timeline_chart(t["claims"], t["events"], as_of="2025-10-01"),
    lambda t: charts.positions_chart(t["positions"], as_of="2025-10-01"),
    lambda t: charts.funnel_chart(t["figures"], t["pledges"], as_of="2025-10-01"),
], ids=["commitments", "figures", "conditions", "timeline", "positions", "funnel"])
def test_empty_frames_give_a_no_data_chart(maker: Any) -> None:
    empty = {k: (v if k == "stages" else v.iloc[0:0]) for k, v in fixture_tables().items()}
    spec = maker(empty).to_dict()
    assert title_text(spec).endswith("no data as of 1 Oct 2025")
    assert spec["description"].startswith("No ") and spec["description"].endswith("as of 1 Oct 2025.")
    assert vlc.vegalite_to_png(spec, scale=1).startswith(b"\x89PNG")


def test_charts_on_an_early_edition() -> None:
    early = clean.build_processed(paths.DATA_DIR, "2025-10-17")
    titles = {name: title_text(chart.to_dict()) for name, chart in all_charts(early, "2025-10-17").items()}
    assert titles["commitments"] == "No named state offers troops as of 17 Oct 2025"
    assert titles["figures"] == "No country has put a number on troops for inside Gaza"
    assert titles["conditions"] == "Only the United States has set conditions: Own staff outside Gaza"
    assert titles["funnel"].startswith("Talks with at least 5 countries")


def test_charts_work_on_tables_read_back_from_csv(real: dict[str, pd.DataFrame], real_specs: dict[str, dict[str, Any]],
                                                    tmp_path: Path) -> None:
    # notebook 03 reads the processed CSVs back: the charts must not depend on in-memory dtypes
    clean.write_processed(real, tmp_path / "processed")
    read_back = clean.read_processed(tmp_path / "processed")
    for name, chart in all_charts(read_back, AS_OF).items():
        assert chart.to_dict()["datasets"] == real_specs[name]["datasets"], name


def test_real_charts_titles_and_png(real_specs: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    titles = {name: title_text(spec) for name, spec in real_specs.items()}
    assert titles["timeline"] == "Azerbaijan offered on 18 Oct, then declined on 8 Nov"
    assert titles["figures"] == "Only Indonesia has named a troop figure for inside Gaza: 20,000"
    for name, spec in real_specs.items():
        png = vlc.vegalite_to_png(spec, scale=1, vl_version=chart_renderer.VL_VERSION)
        assert png.startswith(b"\x89PNG") and len(png) > 5000, name
        (tmp_path / f"{name}.png").write_bytes(png)


# --- 100x synthetic data ---------------------------------------------------------------------------------------------------------

# Most rows each chart may embed however large the data (actor rows are capped, the rest aggregated).
MAX_EMBEDDED = {"commitments": charts.MAX_MARKS, "figures": charts.MAX_FIGURES, "conditions": charts.MAX_MARKS,
                "timeline": charts.MAX_MARKS + 10, "positions": charts.MAX_MARKS, "funnel": 20}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    sys.path.insert(0, str(paths.ROOT / "benchmarks"))
    try:
        from make_synthetic import make
    finally:
        sys.path.pop(0)
    out = tmp_path_factory.mktemp("synthetic") / "data"
    make(out, 100)
    return clean.build_processed(out, AS_OF)


def test_embedded_rows_stay_bounded_on_100x_data(synthetic: dict[str, pd.DataFrame], real: dict[str, pd.DataFrame],
                                                 real_specs: dict[str, dict[str, Any]]) -> None:
    assert len(synthetic["claims"]) >= 100 * len(real["claims"]) - 100
    for name, chart in all_charts(synthetic, AS_OF).items():
        spec = chart.to_dict()
        rows = [row for values in spec["datasets"].values() for row in values]
        assert len(rows) <= MAX_EMBEDDED[name], (name, len(rows))
        # the spec grows with the capped rows, never with the 100x raw rows
        size, real_size = len(json.dumps(spec)), len(json.dumps(real_specs[name]))
        assert size <= 60_000, (name, size, real_size)
        if name in ("commitments", "timeline", "positions", "conditions"):
            assert "Showing " in subtitle_text(spec), name
