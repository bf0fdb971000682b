"""Charts for the briefing: one small function per chart, processed frames in, an Altair chart out.

Every chart function:

- takes the processed frames of one edition (``helpers.clean.build_processed``, or the same tables read
  back with ``clean.read_processed``) and never reads files;
- aggregates before embedding: the chart's inline data holds one short row per mark, only the columns
  the chart draws or shows in a tooltip (no quotes), for at most ``MAX_ROWS`` actors and ``MAX_MARKS``
  marks, so the page does not grow with the raw tables (the subtitle says when rows were left out;
  titles and counts are still computed on every row);
- states its finding in the title, computed from the data, and sets ``description`` (the alt text the
  renderer uses) from the same numbers and names;
- returns a "No data as of ..." chart instead of failing when its tables are empty;
- draws with ``chart_renderer.PALETTE`` (Okabe-Ito) and leaves fonts and sizes to the ``isf`` theme
  (``chart_renderer.enable()``).

Notebook usage::

    charts.commitments_chart(tables["pledges"], tables["stages"], as_of)
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any

import altair as alt
import pandas as pd

from helpers import clean
from helpers.chart_renderer import CHART_WIDTH, MUTED_COLOR, PALETTE, TEXT_COLOR, inline_datasets

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK = PALETTE[:7]
# The US organises the force: it is drawn, but not counted among the contributors in titles.
ORGANISER = "USA"
# Most actor rows a chart embeds; the rest are left out and the subtitle says so.
MAX_ROWS = 25
# The timeline's rows hold several marks each: fewer of them fit a page.
MAX_TIMELINE_ROWS = 20
# Most stated figures the figures chart embeds (largest first).
MAX_FIGURES = 20
# Most marks (embedded rows) a matrix or the timeline draws: rows are dropped from the end beyond it.
MAX_MARKS = 160
# Row labels (actor names) take this many pixels; the plot gets the rest of CHART_WIDTH.
LABEL_WIDTH = 170
# Row labels longer than this many characters wrap onto a second line at a space.
LABEL_CHARS = 26
PLOT_WIDTH = CHART_WIDTH - LABEL_WIDTH - 15
ROW_STEP = 30
TITLE_CHARS = 64
SUBTITLE_CHARS = 92
ROW_KINDS = ("state", "unnamed_group")


# --- Shared helpers -------------------------------------------------------------------------------

def _day(value: Any) -> str:
    """A date as readers write it: "8 Nov 2025"."""
    return f"{pd.Timestamp(value):%-d %b %Y}"


def _short_day(value: Any) -> str:
    """A date without the year: "8 Nov"."""
    return f"{pd.Timestamp(value):%-d %b}"


def _iso(values: pd.Series) -> pd.Series:
    """Dates as YYYY-MM-DD strings (short, and read as UTC days by the chart's utc scales)."""
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d")


def _flag(values: pd.Series) -> pd.Series:
    """True/False from booleans or "True"/"true" strings; missing counts as False."""
    return values.map(lambda v: str(v).strip().lower() == "true").astype(bool)


def _number(values: pd.Series) -> pd.Series:
    """Floats from numbers or numeric strings; blanks become NaN."""
    return pd.to_numeric(values, errors="coerce")


def _plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 country", "2 countries"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _names(names: Iterable[str], limit: int = 4) -> str:
    """ "A", "A and B", "A, B and C", "A, B, C, D and 3 more"."""
    items = list(dict.fromkeys(n for n in names if n))
    if len(items) > limit:
        shown = items[:limit]
        return f"{', '.join(shown)} and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _clip(text: str, limit: int) -> str:
    """Cut text to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _the(name: str, capital: bool = False) -> str:
    """A name as the subject of a sentence: "the United States", "the UN Security Council", "Egypt"."""
    if not name.startswith(("United ", "UN ", "US ", "European ")):
        return name
    return ("The " if capital else "the ") + name


def _first_of(texts: Iterable[str], limit: int, n: int = 1) -> str:
    """The first ``n`` distinct texts, clipped, and how many others there are: "Offered ... (+2 more)"."""
    items = list(dict.fromkeys(t for t in texts if t))
    more = f" (+{len(items) - n} more)" if len(items) > n else ""
    return "; ".join(_clip(t, limit) for t in items[:n]) + more


def _cite(values: Iterable[str]) -> str:
    """Sorted unique source ids: "S001, S003"."""
    return ", ".join(sorted({v for v in values if v}))


def _title(text: str, subtitle: Iterable[str] = ()) -> alt.TitleParams:
    """A title wrapped to the chart width, with an optional wrapped subtitle (one or more sentences)."""
    lines = [line for part in subtitle if part for line in textwrap.wrap(part, SUBTITLE_CHARS)]
    return alt.TitleParams(text=textwrap.wrap(text, TITLE_CHARS), subtitle=lines or alt.Undefined)


def _cap_note(shown: int, total: int, what: str) -> str:
    """Subtitle note when rows were left out: "Showing the 25 of 220 actors furthest along."."""
    return f"Showing {shown} of {total} {what}." if total > shown else ""


def _rows_within(per_row_marks: pd.Series, max_rows: int, max_marks: int) -> int:
    """How many of the leading rows to draw: at most ``max_rows``, and no more than ``max_marks`` marks in all.

    Args:
        per_row_marks: marks each row would draw, in the order rows are drawn.
        max_rows: most rows.
        max_marks: most marks (embedded data rows) in all; the first row is always drawn.

    Returns:
        The number of rows to keep.
    """
    within = int((per_row_marks.head(max_rows).cumsum() <= max_marks).sum())
    return max(within, 1) if len(per_row_marks) else 0


def _tint(colour: str, share: float) -> str:
    """``colour`` mixed with white: share 1 is the colour itself, 0 is white."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in rgb)


def _wrap_expr(chars: int = LABEL_CHARS) -> str:
    """A Vega expression that splits an axis label longer than ``chars`` into two lines at a space."""
    cut = f"lastindexof(substring(datum.label, 0, {chars}), ' ')"
    return (f"length(datum.label) <= {chars} || {cut} < 1 ? datum.label : "
            f"[substring(datum.label, 0, {cut}), substring(datum.label, {cut} + 1)]")


def _row_axis(grid: bool = True, band_lines: bool = False) -> alt.Axis:
    """The y axis of actor rows: names wrapped onto two lines, no ticks, a light line per row.

    ``band_lines`` puts the lines between rows instead of through them (for rows holding several marks).
    """
    extra = {"tickBand": "extent"} if band_lines else {}
    return alt.Axis(labelExpr=_wrap_expr(), labelLimit=LABEL_WIDTH, minExtent=LABEL_WIDTH, labelPadding=6, domain=False, ticks=False,
                    grid=grid, **extra)


def _column_axis(limit: int = 150, grid: bool = True) -> alt.Axis:
    """The top x axis of a matrix: slanted column names, a light line per column."""
    return alt.Axis(orient="top", labelAngle=-35, labelAlign="left", domain=False, ticks=False, labelLimit=limit, grid=grid)


def _row_height(rows: int) -> int:
    """Plot height for a chart with one band per row (at least two rows' worth)."""
    return ROW_STEP * max(rows, 2)


def no_data_chart(title: str, what: str, as_of: str | None = None) -> alt.Chart:
    """A small chart that says there is nothing to draw yet, instead of failing on empty tables.

    Args:
        title: what the chart would have shown ("Who offers what").
        what: the missing data, plural ("pledges or requests").
        as_of: the edition date, if known.

    Returns:
        A text chart titled "<title>: no data as of <date>" whose alt text says the same.
    """
    when = f"as of {_day(as_of)}" if as_of else "in this edition"
    message = f"No {what} reported {when}."
    return (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(align="left", baseline="middle", x=0, y=20, fontSize=13, color=MUTED_COLOR)
        .encode(text="message:N")
        .properties(width=CHART_WIDTH - 20, height=40, title=_title(f"{title}: no data {when}"), description=message)
    )


def embedded_rows(chart: alt.TopLevelMixin) -> list[dict[str, Any]]:
    """Every inline data row of a chart (all datasets), as the page would embed them.

    Args:
        chart: an Altair chart.

    Returns:
        The rows of ``datasets`` and of any ``data.values``, in order.
    """
    return [row for rows in inline_datasets(chart.to_dict()) for row in rows]


# --- 1. Who offers what -----------------------------------------------------------------------------

CONTRIBUTION_SHORT = {
    "troops": "Troops",
    "leadership": "Leading the force",
    "police_training": "Police training",
    "equipment": "Equipment",
    "logistics": "Logistics",
    "funding": "Funding",
    "command_coordination": "Command staff",
    "advisers": "Advisers",
    "unspecified": "Not specified",
}
# Cell text and fill per stage: the ladder darkens in the palette's blue; off the ladder in warm colours.
STAGE_CELL = {
    "mentioned": ("named", _tint(BLUE, 0.12)),
    "approached": ("asked", _tint(BLUE, 0.28)),
    "signalled_willingness": ("willing", _tint(BLUE, 0.5)),
    "offered_private": ("offered\nprivately", _tint(BLUE, 0.78)),
    "offered_public": ("offered\npublicly", BLUE),
    "approved_at_home": ("approved\nat home", _tint(BLACK, 0.75)),
    "deployed": ("deployed", BLACK),
    "not_expected": ("not\nexpected", _tint(ORANGE, 0.55)),
    "declined": ("declined", VERMILLION),
    "withdrawn": ("withdrawn", PURPLE),
}
# How the subtitle says an offer lapsed: "<actor>, which offered troops earlier, has since ...".
LAPSE_WORDS = {"declined": "declined", "withdrawn": "withdrawn it", "not_expected": "been reported as not expected to take part"}
CELL_WIDTH = 50
DARK_FILLS = {"offered_private", "offered_public", "approved_at_home", "deployed", "declined"}


def _stage_table(stages: pd.DataFrame) -> pd.DataFrame:
    """Stage code -> label, rank (NaN off the ladder), in ladder order then off-ladder order."""
    table = stages.assign(rank=_number(stages["rank"]), on_ladder=_flag(stages["on_ladder"]))
    table = table.assign(order=table["rank"].fillna(100 + pd.Series(range(len(table)), index=table.index)))
    return table.sort_values("order").set_index("stage")


def commitments_chart(pledges: pd.DataFrame, stages: pd.DataFrame, as_of: str, max_rows: int = MAX_ROWS) -> alt.Chart:
    """Who has offered, or been asked for, what: the latest stage per actor and kind of contribution.

    Rows are states and unnamed groups, furthest along the ladder first; columns are kinds of
    contribution; each cell is coloured and labelled with the latest stage reported as of ``as_of``
    (``clean.latest_stance``). Off-ladder stages (declined, not expected, withdrawn) are warm colours.

    Args:
        pledges: processed pledges.
        stages: the stages reference table (stage, rank, on_ladder, label).
        as_of: edition date YYYY-MM-DD; later claims are ignored.
        max_rows: most actor rows drawn.

    Returns:
        A grid chart (rect + text) with one embedded row per actor and contribution.
    """
    rows = pledges[pledges["actor_kind"].isin(ROW_KINDS)]
    latest = clean.latest_stance(rows, as_of) if len(rows) else rows
    if latest.empty:
        return no_data_chart("Who offers what", "pledges or requests", as_of)
    ref = _stage_table(stages)
    latest = latest.assign(rank=latest["stage"].map(ref["rank"]))
    current = clean.filter_as_of(rows, as_of)

    # Rows: actors sorted by the highest stage their latest claims reach, then by claims, then name.
    per_actor = latest.groupby("actor_id").agg(
        name=("actor_name", "first"), kind=("actor_kind", "first"), top=("rank", "max"))
    per_actor["top"] = per_actor["top"].fillna(-1)
    per_actor["claims"] = current.groupby("actor_id").size().reindex(per_actor.index).fillna(0)
    per_actor = per_actor.sort_values(["top", "claims", "name"], ascending=[False, False, True])
    per_actor["cells"] = latest.groupby("actor_id").size().reindex(per_actor.index)
    shown = per_actor.head(_rows_within(per_actor["cells"], max_rows, MAX_MARKS))
    cells = latest[latest["actor_id"].isin(shown.index)].copy()

    stated = current[current["amount_label"].fillna("not stated") != "not stated"].sort_values("reported_date")
    amount = stated.groupby(["actor_id", "contribution_type"])["amount_label"].last()
    sources = current.groupby(["actor_id", "contribution_type"])["source_id"].agg(_cite)
    key = pd.MultiIndex.from_frame(cells[["actor_id", "contribution_type"]])
    types = [t for t in CONTRIBUTION_SHORT if t in set(cells["contribution_type"])]
    types += sorted(set(cells["contribution_type"]) - set(types))
    data = pd.DataFrame({
        "actor": cells["actor_name"].to_numpy(),
        "contribution": cells["contribution_type"].map(lambda t: CONTRIBUTION_SHORT.get(t, t.replace("_", " ").capitalize())).to_numpy(),
        "stage": cells["stage"].map(ref["label"]).fillna(cells["stage"]).to_numpy(),
        "cell": cells["stage"].map(lambda s: STAGE_CELL.get(s, (s, ""))[0]).to_numpy(),
        "dark": cells["stage"].isin(DARK_FILLS).to_numpy(),
        "reported": cells["reported_date"].map(_day).to_numpy(),
        "amount": amount.reindex(key).fillna("not stated").to_numpy(),
        "sources": sources.reindex(key).fillna("").to_numpy(),
        "asked_by": cells["requested_by_name"].fillna("").to_numpy() if "requested_by_name" in cells else "",
    })
    actor_order = list(shown["name"])
    contribution_order = [CONTRIBUTION_SHORT.get(t, t.replace("_", " ").capitalize()) for t in types]
    stage_domain = [ref.loc[s, "label"] for s in ref.index]
    stage_range = [STAGE_CELL.get(s, ("", _tint(BLACK, 0.3)))[1] for s in ref.index]

    # The finding: which named states (not the organiser) offer troops, and whose offer lapsed.
    # (computed on every actor, not only the rows drawn)
    states = latest[(latest["actor_kind"] == "state") & (latest["actor_id"] != ORGANISER) & (latest["contribution_type"] == "troops")]
    offering = states[states["rank"].fillna(-1) >= ref.loc["offered_private", "rank"]].sort_values(["rank", "actor_name"], ascending=[False, True])
    offer_names = [f"{r.actor_name} (publicly)" if r.stage == "offered_public" else r.actor_name for r in offering.itertuples()]
    ever_offered = current[(current["contribution_type"] == "troops") & current["stage"].map(ref["rank"]).fillna(-1).ge(ref.loc["offered_private", "rank"])]
    lapsed = states[states["rank"].isna() & states["actor_id"].isin(ever_offered["actor_id"])]
    n = len(offering)
    when = _day(as_of)
    if n == 0:
        title = f"No named state offers troops as of {when}"
    elif n == 1:
        title = f"Only 1 named state offers troops as of {when}: {offer_names[0]}"
    else:
        title = f"{n} named states offer troops as of {when}: {_names(offer_names, 3)}"
    lapsed_note = ""
    if len(lapsed):
        verb = "has" if len(lapsed) == 1 else "have"
        since = _names(lapsed["stage"].map(lambda s: LAPSE_WORDS.get(s, f"moved to '{s}'")).unique())
        lapsed_note = f"{_names(lapsed['actor_name'])}, which offered troops earlier, {verb} since {since}."
    subtitle = [
        lapsed_note,
        "Latest stage reported for each actor and kind of contribution. The ladder: " + " > ".join(
            STAGE_CELL[s][0].replace("\n", " ") for s in ref.index if s in STAGE_CELL and ref.loc[s, "on_ladder"])
        + "; off it: " + ", ".join(STAGE_CELL[s][0].replace("\n", " ") for s in ref.index if s in STAGE_CELL and not ref.loc[s, "on_ladder"])
        + ". Unnamed groups are groups, not counts of countries.",
        _cap_note(len(shown), len(per_actor), "actors, those furthest along"),
    ]
    n_groups = int((shown["kind"] == "unnamed_group").sum())
    ladder = [s for s in ref.index if ref.loc[s, "on_ladder"]]
    off_ladder = [s for s in ref.index if not ref.loc[s, "on_ladder"]]
    by_stage = [
        f"{ref.loc[s, 'label']}: " + _names([f"{r.actor_name} ({CONTRIBUTION_SHORT.get(r.contribution_type, r.contribution_type).lower()})"
                                            for r in g.itertuples()], 6) + "."
        for s in [*reversed(ladder), *off_ladder] if len(g := cells[cells["stage"] == s].sort_values("actor_name"))
    ]
    description = (
        f"Grid of {_plural(len(shown), 'actor')} ({_plural(len(shown) - n_groups, 'state')}, {_plural(n_groups, 'unnamed group')}) by "
        f"{_plural(len(types), 'kind')} of contribution, showing the latest stage reported as of {when}. "
        + " ".join(by_stage)
    )

    base = alt.Chart(data).encode(
        x=alt.X("contribution:N", sort=contribution_order, title=None, axis=_column_axis(130, grid=False)),
        y=alt.Y("actor:N", sort=actor_order, title=None, axis=_row_axis(band_lines=True)),
        tooltip=[
            alt.Tooltip("actor:N", title="Actor"),
            alt.Tooltip("contribution:N", title="Contribution"),
            alt.Tooltip("stage:N", title="Latest stage"),
            alt.Tooltip("reported:N", title="Reported"),
            alt.Tooltip("amount:N", title="Amount"),
            alt.Tooltip("asked_by:N", title="Asked by"),
            alt.Tooltip("sources:N", title="Sources"),
        ],
    )
    # The cell text names the stage, so the colours need no legend; the subtitle gives the ladder.
    cells_layer = base.mark_rect(stroke="white", strokeWidth=2, cornerRadius=2).encode(
        color=alt.Color("stage:N", title="Latest stage", scale=alt.Scale(domain=stage_domain, range=stage_range), legend=None),
    )
    text_colour = alt.condition("datum.dark", alt.value("white"), alt.value(TEXT_COLOR))
    one_line = base.transform_filter("indexof(datum.cell, '\\n') < 0").mark_text(fontSize=10).encode(text="cell:N", color=text_colour)
    two_lines = base.transform_filter("indexof(datum.cell, '\\n') >= 0").mark_text(
        fontSize=10, lineBreak="\n", lineHeight=11, dy=-5.5).encode(text="cell:N", color=text_colour)
    return alt.layer(cells_layer, one_line, two_lines).properties(
        width=min(PLOT_WIDTH, CELL_WIDTH * len(types)), height=alt.Step(ROW_STEP), title=_title(title, subtitle), description=description,
    )


# --- 2. Stated troop and personnel figures ------------------------------------------------------------

PERSONNEL_UNITS = ("troops", "personnel", "advisers")
WHERE_ORDER = ("Inside Gaza", "Outside Gaza", "Where not stated")
WHERE_COLOURS = (VERMILLION, BLUE, BLACK)
STAGE_WORDS = {
    "mentioned": "named", "approached": "asked", "signalled_willingness": "willing", "offered_private": "offered privately",
    "offered_public": "offered publicly", "approved_at_home": "approved", "deployed": "deployed",
    "not_expected": "not expected", "declined": "declined", "withdrawn": "withdrawn",
}


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def figures_chart(pledges: pd.DataFrame, max_rows: int = MAX_FIGURES, as_of: str | None = None) -> alt.VConcatChart | alt.Chart:
    """Troop and personnel figures as the reports state them, one row per claim, vagueness kept.

    A filled dot is an exact figure, a hollow dot an approximate one ("about", "some"); "up to" is a
    dashed line from zero to the bound, "at least"/"several" a dashed line from the bound to the panel's
    edge. Figures for inside Gaza and outside it sit in separate panels with their own linear scales
    (20,000 soldiers and two dozen staff cannot share one honestly).

    Args:
        pledges: processed pledges (rows with amount_low or amount_high in troops/personnel/advisers).
        max_rows: most claims drawn (the largest, shared equally between the panels).
        as_of: edition date, only for the "no data" message.

    Returns:
        Vertically stacked panels (Inside Gaza, Outside Gaza, Where not stated), one dataset.
    """
    lo, hi = _number(pledges["amount_low"]), _number(pledges["amount_high"])
    rows = pledges[(lo.notna() | hi.notna()) & pledges["amount_unit"].isin(PERSONNEL_UNITS)].copy()
    if rows.empty:
        return no_data_chart("Stated troop figures", "troop or personnel figures", as_of)
    rows["lo"], rows["hi"] = _number(rows["amount_low"]), _number(rows["amount_high"])
    rows["value"] = rows[["lo", "hi"]].max(axis=1)
    inside = rows["inside_gaza"].astype("string").str.lower()
    rows["where"] = inside.map({"true": WHERE_ORDER[0], "false": WHERE_ORDER[1]}).fillna(WHERE_ORDER[2])
    everything = rows
    # the largest claims, shared out between the panels so that none is crowded out
    per_panel = max(1, max_rows // rows["where"].nunique())
    rows = rows.sort_values(["value", "reported_date", rows.columns[0]], ascending=[False, True, True]).groupby("where").head(per_panel)
    precision = rows["amount_precision"]
    up_to, open_end = precision.eq("up_to"), precision.isin(["at_least", "vague"])
    panel_max = rows.groupby("where")["value"].transform("max")
    # One row per claim: two claims with the same actor and source get the same visible label, made
    # unique with zero-width spaces so they do not share a row.
    label = rows["actor_name"] + " · " + rows["source_id"]
    label = label + label.groupby(label).cumcount().map(lambda k: "\u200b" * k)
    data = pd.DataFrame({
        "row": label,
        "actor": rows["actor_name"],
        "where": rows["where"],
        "value": rows["value"],
        # dashed range: from 0 for "up to", to the panel edge for "at least"/"several"; none otherwise
        "range_start": rows["lo"].where(~up_to, 0.0).where(up_to | open_end),
        "range_end": rows["hi"].where(~open_end, panel_max * 1.1).where(up_to | open_end),
        "exact": precision.eq("exact"),
        # where the label goes: right of the mark; left of it in the right part of the panel; above
        # the dashed line of an "up to" (which runs left from the mark)
        "pos": (rows["value"] > panel_max * 0.6).map({True: "left", False: "right"}).where(~up_to, "above"),
        "label": rows["amount_label"] + " · " + rows["stage"].map(STAGE_WORDS).fillna(rows["stage"]),
        "words": rows["amount_text"].map(lambda t: _clip(t, 40)),
        "location": rows["location_label"].fillna(""),
        "reported": rows["reported_date"].map(_day) + ", " + rows["source_id"],
    }).reset_index(drop=True)

    # The finding (on every stated figure, not only those drawn): named states, the organiser
    # excluded, with a troop figure for inside Gaza.
    e = everything
    contrib = e[(e["actor_kind"] == "state") & (e["actor_id"] != ORGANISER) & (e["amount_unit"] == "troops") & (e["where"] == WHERE_ORDER[0])]
    best = contrib.groupby("actor_name")["value"].max().sort_values(ascending=False)
    named = [f"{name} ({_fmt(v)})" for name, v in best.items()]
    if best.empty:
        title = "No country has put a number on troops for inside Gaza"
    elif len(best) == 1:
        title = f"Only {_the(best.index[0])} has named a troop figure for inside Gaza: {_fmt(best.iloc[0])}"
    else:
        title = f"{len(best)} countries have named troop figures for inside Gaza: {_names(named, 3)}"
    outside = e[e["where"] == WHERE_ORDER[1]]
    outside_note = ""
    if len(outside):
        outside_note = (f"Figures for personnel outside Gaza ({_names(outside['actor_name'].unique(), 3)}) range from "
                        f"{_fmt(outside['value'].min())} to {_fmt(outside['value'].max())}.")
    subtitle = [
        outside_note,
        "Filled dot: exact figure; hollow: approximate (\"about\", \"some\"); dashed line: only a bound (\"up to\", \"at least\"). "
        "Each panel has its own scale, starting at zero.",
        _cap_note(len(data), len(everything), "stated figures, the largest in each panel"),
    ]
    description = (
        f"{_plural(len(data), 'stated troop or personnel figure')} from the reports, one row per claim. "
        + " ".join(
            f"{where}: " + "; ".join(f"{r.actor} {r.label.split(' · ')[0]} ({r.reported})" for r in g.itertuples()) + "."
            for where, g in data.groupby("where", sort=False)
        )
    )

    present = [w for w in WHERE_ORDER if w in set(data["where"])]
    colour = alt.Color("where:N", title="Would serve", scale=alt.Scale(domain=present, range=[WHERE_COLOURS[WHERE_ORDER.index(w)] for w in present]),
                       legend=alt.Legend(orient="top", direction="horizontal"))
    tooltip = [
        alt.Tooltip("actor:N", title="Actor"),
        alt.Tooltip("label:N", title="Figure"),
        alt.Tooltip("words:N", title="Report's words"),
        alt.Tooltip("location:N", title="Where"),
        alt.Tooltip("reported:N", title="Reported"),
    ]
    panels = []
    for where in WHERE_ORDER:
        part = data[data["where"] == where]
        if part.empty:
            continue
        top = float(part[["value", "range_end"]].max().max()) * 1.08
        order = list(part.sort_values("value", ascending=False)["row"])
        x_title = f"{where}: number stated ({'troops' if set(rows.loc[rows['where'] == where, 'amount_unit']) == {'troops'} else 'troops or personnel'})"
        base = alt.Chart().transform_filter(alt.datum.where == where).encode(
            y=alt.Y("row:N", sort=order, title=None, axis=_row_axis(grid=False)),
            tooltip=tooltip,
        )
        x = alt.X("value:Q", title=x_title, scale=alt.Scale(domain=[0, top], nice=False, zero=True), axis=alt.Axis(format=",d"))
        ranges = base.transform_filter("isValid(datum.range_start)").mark_rule(strokeWidth=2.5, strokeDash=[5, 3]).encode(
            x=alt.X("range_start:Q", scale=alt.Scale(domain=[0, top], nice=False), title=x_title), x2="range_end:Q", color=colour)
        dots = base.mark_point(size=110, strokeWidth=2.2, opacity=1).encode(
            x=x, color=colour,
            fill=alt.condition("datum.exact", colour, alt.value("white")),
            shape=alt.value("circle"))
        texts = [
            base.transform_filter(f"datum.pos == '{pos}'").mark_text(fontSize=11, color=TEXT_COLOR, **style).encode(x=x, text="label:N")
            for pos, style in (("right", {"align": "left", "dx": 9}), ("left", {"align": "right", "dx": -9}),
                               ("above", {"align": "right", "dx": -4, "dy": -10}))
        ]
        panels.append(alt.layer(ranges, dots, *texts).properties(width=PLOT_WIDTH, height=_row_height(len(part))))
    chart = alt.vconcat(*panels, data=data, spacing=18).resolve_scale(x="independent", y="independent")
    return chart.properties(title=_title(title, subtitle), description=description)


# --- 3. Conditions ---------------------------------------------------------------------------------------

CONDITION_SHORT = {
    "un_mandate": "UN mandate",
    "non_combat": "Non-combat role",
    "israeli_controlled_areas_only": "Israeli-held areas only",
    "after_fighting_stops": "After fighting stops",
    "parliamentary_approval": "Parliament approves",
    "coordination_palestinian_authorities": "Palestinian coordination",
    "no_troops_inside_gaza": "Own staff outside Gaza",
}
SCOPE_LABELS = {"deploying_troops": "Deploying troops", "supporting_resolution": "Supporting the UN resolution", "taking_part": "Taking part at all"}
MIXED_SCOPE = "More than one"
SCOPE_COLOURS = (VERMILLION, BLUE, GREEN, PURPLE)


def conditions_chart(conditions: pd.DataFrame, max_rows: int = MAX_ROWS, as_of: str | None = None) -> alt.Chart:
    """Which actor attaches which condition: a matrix of actors by condition type.

    Args:
        conditions: processed conditions.
        max_rows: most actor rows drawn (those with most condition types first).
        as_of: edition date, only for the "no data" message.

    Returns:
        A matrix of squares coloured by what the condition governs; tooltip with first reported date,
        sources and confidence. One embedded row per actor and condition type.
    """
    if conditions.empty:
        return no_data_chart("Conditions for taking part", "conditions", as_of)
    grouped = conditions.groupby(["actor_id", "condition_type"], as_index=False).agg(
        actor=("actor_name", "first"),
        kind=("actor_kind", "first"),
        label=("condition_label", "first"),
        applies_to=("applies_to", lambda s: SCOPE_LABELS.get(s.iloc[0], s.iloc[0]) if s.nunique() == 1 else MIXED_SCOPE),
        first=("reported_date", "min"),
        sources=("source_id", _cite),
        confidence=("confidence_label", lambda s: _names(sorted(set(s.dropna())))),
        reports=("source_id", "nunique"),
    )
    per_actor = grouped.groupby("actor_id").agg(actor=("actor", "first"), kind=("kind", "first"),
                                                 n=("condition_type", "size"), first=("first", "min"))
    per_actor = per_actor.sort_values(["n", "first", "actor"], ascending=[False, True, True])
    shown = per_actor.head(_rows_within(per_actor["n"], max_rows, MAX_MARKS))
    cells = grouped[grouped["actor_id"].isin(shown.index)]
    # Counts, title and column headers are computed on every actor, not only the rows drawn.
    counts = grouped.groupby("condition_type")["actor_id"].nunique().sort_values(ascending=False, kind="stable")
    short = {t: CONDITION_SHORT.get(t, grouped.loc[grouped["condition_type"] == t, "label"].iloc[0]) for t in counts.index}
    column = {t: f"{short[t]} ({counts[t]})" for t in counts.index}
    drawn_types = [t for t in counts.index if t in set(cells["condition_type"])]
    data = pd.DataFrame({
        "actor": cells["actor"],
        "condition": cells["condition_type"].map(column),
        "label": cells["label"],
        "governs": cells["applies_to"],
        "first": cells["first"].map(_day),
        "sources": cells["sources"],
        "confidence": cells["confidence"],
    }).reset_index(drop=True)

    n_actors, n_shown = len(per_actor), len(shown)
    top = counts[counts == counts.max()]
    labels = [short[t] for t in top.index]
    if n_actors == 1:
        title = f"Only {_the(per_actor['actor'].iloc[0])} has set conditions: {_names([short[t] for t in counts.index], 4)}"
    elif top.iloc[0] == 1:
        title = f"No condition is shared: {n_actors} actors set {_plural(len(counts), 'different condition')}"
    elif len(top) == 1:
        title = f"{labels[0]} is the most common condition: {top.iloc[0]} of {n_actors} actors set it"
    else:
        title = f"{_names(labels, 3)} are the most common conditions, each set by {top.iloc[0]} of {n_actors} actors"
    n_groups = int((per_actor["kind"] == "unnamed_group").sum())
    subtitle = [
        f"{_plural(n_actors - n_groups, 'named actor')} and {_plural(n_groups, 'unnamed group')}; an unnamed group counts once, "
        "whatever its size. Colour: what the condition governs. In brackets: actors setting it.",
        _cap_note(n_shown, n_actors, "actors, those with most conditions"),
    ]
    description = (
        f"Matrix of {_plural(n_shown, 'actor')} by {_plural(len(drawn_types), 'condition type')}. "
        + " ".join(f"{short[t]}: {_names(sorted(cells.loc[cells['condition_type'] == t, 'actor']), 5)}." for t in drawn_types)
    )
    every_scope = dict(zip([*SCOPE_LABELS.values(), MIXED_SCOPE], SCOPE_COLOURS))
    scopes = [scope for scope in every_scope if scope in set(data["governs"])]
    return alt.Chart(data).mark_square(size=260, opacity=1).encode(
        x=alt.X("condition:N", sort=[column[t] for t in drawn_types], title=None, axis=_column_axis(170)),
        y=alt.Y("actor:N", sort=list(shown["actor"]), title=None, axis=_row_axis()),
        color=alt.Color("governs:N", title="The condition governs", scale=alt.Scale(domain=scopes, range=[every_scope[x] for x in scopes]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=220)),
        tooltip=[
            alt.Tooltip("actor:N", title="Actor"),
            alt.Tooltip("label:N", title="Condition"),
            alt.Tooltip("governs:N", title="Governs"),
            alt.Tooltip("first:N", title="First reported"),
            alt.Tooltip("sources:N", title="Sources"),
            alt.Tooltip("confidence:N", title="Confidence"),
        ],
    ).properties(
        width=min(PLOT_WIDTH, CELL_WIDTH * len(drawn_types)), height=alt.Step(ROW_STEP), title=_title(title, subtitle), description=description,
    )


# --- 4. Timeline of claims ---------------------------------------------------------------------------------

# Pledge claims are grouped by their stage code (reference/stages.csv); other claims keep their table.
STAGE_GROUPS = {
    "declined": "Pledge: declined or not expected",
    "withdrawn": "Pledge: declined or not expected",
    "not_expected": "Pledge: declined or not expected",
    "offered_private": "Pledge: offered",
    "offered_public": "Pledge: offered",
    "approved_at_home": "Pledge: deployed or approved",
    "deployed": "Pledge: deployed or approved",
    "signalled_willingness": "Pledge: willing",
    "approached": "Pledge: named or asked",
    "mentioned": "Pledge: named or asked",
}
REFUSALS = ("declined", "withdrawn")
OTHER_GREY = _tint(BLACK, 0.45)
# group -> (colour, shape, lane). Lanes stack a row's marks vertically, one lane per kind of claim;
# pledges on the ladder share the middle lane (one mark per actor and day: the furthest stage).
MARK_GROUPS = {
    "Pledge: named or asked": (SKY, "circle", 2),
    "Pledge: willing": (BLUE, "circle", 2),
    "Pledge: offered": (GREEN, "circle", 2),
    "Pledge: deployed or approved": (BLACK, "circle", 2),
    "Pledge: declined or not expected": (VERMILLION, "cross", 3),
    "Condition": (PURPLE, "square", 1),
    "Position": (ORANGE, "diamond", 4),
    "Event": (OTHER_GREY, "triangle-up", 0),
    "Figure": (OTHER_GREY, "triangle-down", 0),
    "Open question": (OTHER_GREY, "triangle-right", 0),
}
LADDER_GROUPS = ("Pledge: named or asked", "Pledge: willing", "Pledge: offered", "Pledge: deployed or approved")
TABLE_GROUPS = {"conditions": "Condition", "positions": "Position", "events": "Event", "figures": "Figure", "open_questions": "Open question"}
OFFER_GROUPS = ("Pledge: offered", "Pledge: deployed or approved")
EVENT_SHORT = {"ceasefire": "Ceasefire", "resolution": "UN resolution step", "coordination_centre": "Coordination centre", "force_planning": "Force planning"}
NO_ACTOR = "No single actor"
LANE_PX = 5  # vertical distance between lanes inside a row
LANES = 5


def _claim_group(table: str, stage: str) -> str:
    """The mark group of one claim: a pledge's stage group, else its table."""
    if table != "pledges":
        return TABLE_GROUPS.get(table, table)
    return STAGE_GROUPS.get(stage, "Pledge: named or asked")


def _reversals(claims: pd.DataFrame) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """Actors reported as offering (or deployed) who are later reported as declining or withdrawing.

    Args:
        claims: claims with ``actor``, ``group``, ``stage`` and ``reported_date``.

    Returns:
        actor -> (first offer date, last refusal date), for refusals reported after the offer.
    """
    pledges = claims[claims["claim_table"] == "pledges"]
    offered = pledges[pledges["group"].isin(OFFER_GROUPS)].groupby("actor")["reported_date"].min()
    refused = pledges[pledges["stage"].isin(REFUSALS)].groupby("actor")["reported_date"].max()
    return {a: (offered[a], refused[a]) for a in sorted(offered.index.intersection(refused.index)) if refused[a] > offered[a]}


def timeline_chart(claims: pd.DataFrame, events: pd.DataFrame, max_rows: int = MAX_TIMELINE_ROWS, as_of: str | None = None) -> alt.LayerChart | alt.Chart:
    """Every claim by the date it was reported, one row per actor, with milestones as vertical lines.

    Claims one report made about one actor in the same group share a mark (its size counts them).
    Pledge claims are coloured by the stage reached, so an offer and a later refusal sit side by side
    on the actor's row. Milestones are events whose type is a milestone and whose day is stated.

    Args:
        claims: processed claims (``clean.stack_claims``: claim_id, claim_table, actor_name,
            reported_date, summary, source_id, source_label).
        events: processed events (event_date, event_date_precision, event_type, title, milestone).
        max_rows: most actor rows drawn (actors whose offer turned into a refusal, then those with most claims).
        as_of: edition date, only for the "no data" message.

    Returns:
        A layered chart: milestone rules and labels, claim marks. One embedded row per actor, date and
        mark group, plus one per milestone date.
    """
    if claims.empty:
        return no_data_chart("Claims over time", "claims", as_of)
    c = claims.assign(
        actor=claims["actor_name"].fillna("").replace("", NO_ACTOR),
        group=[_claim_group(t, str(s)) for t, s in zip(claims["claim_table"], claims["stage"].fillna(""))],
    )
    reversals = _reversals(c)
    # On the ladder, one mark per actor and day: the furthest stage reported that day.
    ladder = c["group"].isin(LADDER_GROUPS)
    on_ladder = c[ladder]
    furthest = on_ladder.assign(step=on_ladder["group"].map(LADDER_GROUPS.index)).groupby(["actor", "reported_date"])["step"].transform("max")
    c.loc[ladder, "group"] = furthest.map(lambda i: LADDER_GROUPS[i])
    approximate = sorted(set(c.loc[c["source_label"].fillna("").str.contains(r", c\. "), "source_id"]))
    per_actor = c.groupby("actor").size().rename("n").to_frame()
    per_actor["marks"] = c.drop_duplicates(["actor", "reported_date", "group"]).groupby("actor").size()
    per_actor["reversed"] = per_actor.index.isin(list(reversals))
    per_actor["unnamed"] = per_actor.index == NO_ACTOR
    per_actor = per_actor.reset_index().sort_values(["reversed", "unnamed", "n", "actor"], ascending=[False, True, False, True])
    shown = per_actor.head(_rows_within(per_actor["marks"], max_rows, MAX_MARKS))
    order = list(shown["actor"])
    c = c[c["actor"].isin(order)]

    marks = c.groupby(["actor", "reported_date", "group"], as_index=False).agg(
        n=("claim_id", "size"), what=("summary", lambda s: _first_of(s, 70)), sources=("source_id", _cite))
    marks = marks.assign(
        date=_iso(marks["reported_date"]), day=marks["reported_date"].map(_day),
        # pixels from the top of the actor's row (offsets count from the band's start)
        lane=marks["group"].map(lambda g: ROW_STEP / 2 + (MARK_GROUPS.get(g, (None, None, 0))[2] - (LANES - 1) / 2) * LANE_PX),
    ).drop(columns="reported_date")

    milestone = events[_flag(events["milestone"]) & (events["event_date_precision"] == "day")] if len(events) else events
    rules = pd.DataFrame(columns=["date", "text", "what", "level"])
    if len(milestone):
        rules = milestone.groupby("event_date", as_index=False).agg(
            kinds=("event_type", lambda s: " / ".join(dict.fromkeys(EVENT_SHORT.get(t, t) for t in s))),
            what=("title", lambda s: "; ".join(_clip(x, 60) for x in dict.fromkeys(s))))
        rules = rules.assign(date=_iso(rules["event_date"]),
                             text=rules["kinds"] + ", " + rules["event_date"].map(_short_day),
                             level=[-4 - 16 * (i % 2) for i in range(len(rules))])[["date", "text", "what", "level"]]
    # Labels of lines in the last quarter of the time axis go left of the line, so they stay inside.
    start = min(claims["reported_date"].min(), pd.to_datetime(rules["date"]).min() if len(rules) else pd.NaT)
    end = max(claims["reported_date"].max(), pd.to_datetime(rules["date"]).max() if len(rules) else pd.NaT)
    rules["right"] = pd.to_datetime(rules["date"]) > start + (end - start) * 0.75 if len(rules) else []

    n_claims, n_reports = len(claims), claims["source_id"].nunique()
    first, last = claims["reported_date"].min(), claims["reported_date"].max()
    if len(reversals) == 1:
        actor, (d1, d2) = next(iter(reversals.items()))
        title = f"{_the(actor, capital=True)} offered on {_short_day(d1)}, then declined on {_short_day(d2)}"
    elif reversals:
        title = f"{_plural(len(reversals), 'actor')} offered, then declined: {_names(reversals, 3)}"
    else:
        title = (f"{_plural(n_claims, 'claim')} about {_plural(len(per_actor), 'actor')} from {_plural(n_reports, 'report')}: "
                 "no reported offer has turned into a refusal")
    subtitle = [
        f"{_plural(n_claims, 'claim')} from {_plural(n_reports, 'report')}, by the day each was reported; a bigger mark holds more "
        "claims. Dashed lines: milestones with a stated day.",
        f"Report dates of {_names(approximate)} are estimates." if approximate else "",
        _cap_note(len(shown), len(per_actor), "actors, those with most claims"),
    ]
    description = (
        f"Timeline of {_plural(n_claims, 'claim')} from {_plural(n_reports, 'report')} reported between {_day(first)} and {_day(last)}, "
        f"one row per actor ({_plural(len(shown), 'row')}). "
        + "".join(f"{a} offered on {_day(d1)} and declined on {_day(d2)}. " for a, (d1, d2) in reversals.items())
        + (f"Milestones: {_names(rules['text'], 6)}." if len(rules) else "No milestone with a stated day.")
    )

    domain = [g for g in MARK_GROUPS if g in set(marks["group"])]
    x_scale = alt.Scale(type="utc", padding=14)
    dates = pd.concat([claims["reported_date"], pd.to_datetime(rules["date"])])
    span = (dates.max() - dates.min()).days
    # a tick a day over short spans, a week otherwise (a 2-day span would repeat "15 Oct" at 6 h ticks)
    ticks = {"interval": "day", "step": 1 if span <= 12 else 2} if span <= 24 else {"interval": "week", "step": 1}
    x_axis = alt.Axis(format="%-d %b", title=f"Date reported ({dates.min():%Y})" if dates.min().year == dates.max().year else "Date reported",
                      labelAngle=0, tickCount=ticks, grid=False)
    points = alt.Chart(marks).mark_point(filled=True, opacity=0.9).encode(
        x=alt.X("date:T", scale=x_scale, axis=x_axis),
        y=alt.Y("actor:N", sort=order, title=None, axis=_row_axis(band_lines=True), scale=alt.Scale(paddingInner=0, paddingOuter=0)),
        yOffset=alt.YOffset("lane:Q", scale=None),
        color=alt.Color("group:N", title="Claim", sort=domain,
                        scale=alt.Scale(domain=domain, range=[MARK_GROUPS[g][0] for g in domain]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelLimit=230, symbolSize=70, columnPadding=16)),
        shape=alt.Shape("group:N", title="Claim", sort=domain, scale=alt.Scale(domain=domain, range=[MARK_GROUPS[g][1] for g in domain])),
        size=alt.Size("n:Q", title="Claims", scale=alt.Scale(range=[45, 230], zero=False), legend=None),
        tooltip=[
            alt.Tooltip("actor:N", title="Actor"),
            alt.Tooltip("day:N", title="Reported"),
            alt.Tooltip("group:N", title="Claim"),
            alt.Tooltip("n:Q", title="Claims"),
            alt.Tooltip("what:N", title="What"),
            alt.Tooltip("sources:N", title="Sources"),
        ],
    )
    size = {"width": PLOT_WIDTH, "height": ROW_STEP * max(len(order), 2), "title": _title(title, subtitle), "description": description}
    if rules.empty:
        return points.properties(**size)
    rule_base = alt.Chart(rules).encode(x=alt.X("date:T", scale=x_scale, axis=x_axis))
    lines = rule_base.mark_rule(color=BLACK, strokeDash=[4, 3], strokeWidth=1, opacity=0.55).encode(
        tooltip=[alt.Tooltip("text:N", title="Milestone"), alt.Tooltip("what:N", title="What")])
    # Labels above the plot, alternating between two heights so neighbours do not overlap.
    texts = [
        rule_base.transform_filter(test).mark_text(baseline="bottom", fontSize=10.5, color=TEXT_COLOR, **style).encode(
            text="text:N", y=alt.Y("level:Q", axis=None, scale=None))
        for test, style in (("!datum.right", {"align": "left", "dx": 3}), ("datum.right", {"align": "right", "dx": -3}))
    ]
    return alt.layer(lines, *texts, points).resolve_scale(y="independent").properties(**size)


# --- 5. Positions ----------------------------------------------------------------------------------------------

TOPIC_SHORT = {
    "turkish_troops": "Turkish troops",
    "hamas_disarmament": "Hamas disarmament",
    "us_troops_in_gaza": "US troops in Gaza",
    "un_mandate": "UN mandate",
    "us_draft_resolution": "US draft resolution",
    "isf_participation": "Taking part",
    "isf_design": "Force design",
    "peace_plan": "20-point plan",
    "command_structure": "Command",
    "rules_of_engagement": "Rules of engagement",
    "regional_coordination": "Regional coordination",
}
DIRECTIONS = ("supports", "conditional", "undecided", "opposes")
OFFSET_PX = 15  # distance between two stances drawn in the same cell
DIRECTION_STYLE = {
    "supports": ("Supports", BLUE, "circle"),
    "conditional": ("Conditional", ORANGE, "diamond"),
    "undecided": ("Undecided / unclear", PURPLE, "square"),
    "opposes": ("Opposes", VERMILLION, "cross"),
}


def positions_chart(positions: pd.DataFrame, max_rows: int = MAX_ROWS, as_of: str | None = None) -> alt.Chart:
    """Where each stakeholder stands: holders by topic, one mark per direction reported.

    Args:
        positions: processed positions.
        max_rows: most holder rows drawn (those with most positions first).
        as_of: edition date, only for the "no data" message.

    Returns:
        A matrix chart; filled marks are each holder's latest stance on the topic, hollow ones earlier
        stances. One embedded row per holder, topic and direction.
    """
    if positions.empty:
        return no_data_chart("Where stakeholders stand", "positions", as_of)
    p = positions.assign(topic_short=positions["topic"].map(TOPIC_SHORT).fillna(positions["topic_label"]),
                         target=positions["target_name"].fillna(""))
    p["latest"] = p.groupby(["actor_id", "topic"])["reported_date"].transform("max")
    cells = p.groupby(["actor_id", "topic", "direction"], as_index=False).agg(
        holder=("actor_name", "first"), topic_short=("topic_short", "first"), topic_label=("topic_label", "first"),
        last=("reported_date", "max"), latest=("latest", "first"),
        about=("target", lambda s: _names(sorted(set(s)))),
        summary=("summary", lambda s: _first_of(s, 80, n=2)),
        sources=("source_id", _cite))
    cells["current"] = cells["last"] == cells["latest"]

    # The finding, on every holder (not only the rows drawn): topics on which current stances split
    # between support and opposition.
    now = cells[cells["current"]]
    splits = []
    for topic, g in now.groupby("topic_short", sort=False):
        backers = sorted(set(g.loc[g["direction"] == "supports", "holder"]))
        against = sorted(set(g.loc[g["direction"] == "opposes", "holder"]))
        if backers and against and set(backers) != set(against):
            splits.append((topic, backers, against))
    opposed = now[now["direction"] == "opposes"]

    def verb(names: list[str], word: str) -> str:
        return f"{_names(names, 2)} {word}{'s' if len(names) == 1 else ''}"

    details: list[str] = []
    if splits:
        title = f"Stakeholders split on {_names([s[0] for s in splits], 3)}"
        details = [f"{t}: {verb(b, 'support')}, {verb(a, 'oppose')}." for t, b, a in splits[:3]]
    elif len(opposed):
        title = (f"{len(opposed)} of {_plural(len(now), 'current stance')} {'is' if len(opposed) == 1 else 'are'} opposition: "
                 + _names([f"{_the(r.holder)} on {r.topic_short}" for r in opposed.itertuples()], 3))
    else:
        title = f"No stakeholder opposes anything reported yet: {_plural(len(now), 'current stance')}"

    per_holder = cells.groupby("actor_id").agg(holder=("holder", "first"), n=("topic", "size"))
    per_holder = per_holder.sort_values(["n", "holder"], ascending=[False, True])
    shown = per_holder.head(_rows_within(per_holder["n"], max_rows, MAX_MARKS))
    cells = cells[cells["actor_id"].isin(shown.index)].copy()
    topics = cells.groupby("topic_short")["actor_id"].nunique().sort_values(ascending=False, kind="stable")
    cell_width = min(CELL_WIDTH, PLOT_WIDTH // len(topics))
    # Several directions in one cell sit side by side, centred on the cell (offsets count from the
    # band's start, in pixels).
    cells["k"] = cells["direction"].map({d: i for i, d in enumerate(DIRECTIONS)}).fillna(len(DIRECTIONS))
    cells = cells.sort_values(["actor_id", "topic", "k"])
    rank = cells.groupby(["actor_id", "topic"]).cumcount()
    width = cells.groupby(["actor_id", "topic"])["direction"].transform("size")
    cells["dx"] = cell_width / 2 + (rank - (width - 1) / 2) * min(OFFSET_PX, cell_width / 4)
    data = pd.DataFrame({
        "holder": cells["holder"],
        "topic": cells["topic_short"],
        "direction": cells["direction"].map(lambda d: DIRECTION_STYLE.get(d, (d,))[0]),
        "dx": cells["dx"],
        "current": cells["current"],
        "about": cells["about"],
        "summary": cells["summary"],
        "reported": cells["last"].map(_day),
        "sources": cells["sources"],
    }).reset_index(drop=True)
    subtitle = [
        " ".join(details),
        "Filled: the holder's latest stance on the topic; hollow: an earlier stance since superseded.",
        _cap_note(len(shown), len(per_holder), "holders, those with most positions"),
    ]
    counts = data[data["current"]].groupby("direction").size()
    description = (
        f"Matrix of {_plural(len(shown), 'stakeholder')} by {_plural(len(topics), 'topic')}, {_plural(len(data), 'stance')} reported. "
        + "Latest stances: " + ", ".join(f"{n} {d.lower()}" for d, n in counts.items()) + ". "
        + " ".join(details)
    )
    domain = [DIRECTION_STYLE[d][0] for d in DIRECTIONS]
    colour_scale = alt.Scale(domain=domain, range=[DIRECTION_STYLE[d][1] for d in DIRECTIONS])
    return alt.Chart(data).mark_point(size=150, strokeWidth=2.2, opacity=1).encode(
        x=alt.X("topic:N", sort=list(topics.index), title=None, axis=_column_axis(150), scale=alt.Scale(paddingInner=0, paddingOuter=0)),
        xOffset=alt.XOffset("dx:Q", scale=None),
        y=alt.Y("holder:N", sort=list(shown["holder"]), title=None, axis=_row_axis()),
        color=alt.Color("direction:N", title="Stance", scale=colour_scale, legend=alt.Legend(orient="bottom", direction="horizontal")),
        shape=alt.Shape("direction:N", title="Stance", scale=alt.Scale(domain=domain, range=[DIRECTION_STYLE[d][2] for d in DIRECTIONS])),
        fill=alt.condition("datum.current", alt.Fill("direction:N", scale=colour_scale, legend=None), alt.value("white")),
        tooltip=[
            alt.Tooltip("holder:N", title="Holder"),
            alt.Tooltip("topic:N", title="Topic"),
            alt.Tooltip("about:N", title="About"),
            alt.Tooltip("direction:N", title="Stance"),
            alt.Tooltip("summary:N", title="Summary"),
            alt.Tooltip("reported:N", title="Reported"),
            alt.Tooltip("sources:N", title="Sources"),
        ],
    ).properties(
        width=cell_width * len(topics), height=alt.Step(ROW_STEP), title=_title(title, subtitle), description=description,
    )


# --- 6. From countries approached to troop figures ---------------------------------------------------------

FUNNEL_METRICS = (
    ("countries_approached", "Asked to contribute"),
    ("countries_in_talks", "In talks"),
    ("countries_willing", "Said to be willing"),
)
REPORTED, NAMED = "Count officials gave the reports", "States the reports name"
WILLING_RANK = 2  # signalled_willingness


def funnel_chart(figures: pd.DataFrame, pledges: pd.DataFrame, as_of: str | None = None) -> alt.LayerChart | alt.Chart:
    """From the countries approached to the countries with a stated troop figure, vagueness kept.

    The first bars are counts officials gave the reports (every dated claim is its own bar, labelled
    with the report's words: "some 70", "several"); the last two count the states the reports name,
    excluding the organising US: states reported at "signalled willingness" or beyond at least once,
    and states with a stated troop figure. Open-ended counts ("at least 3") get a dashed extension.

    Args:
        figures: processed figures.
        pledges: processed pledges.
        as_of: edition date, only for the "no data" message.

    Returns:
        A horizontal bar chart, one embedded row per bar.
    """
    rows = []
    for order, (metric, step) in enumerate(FUNNEL_METRICS):
        claims = figures[figures["metric"] == metric].copy()
        claims["lo"], claims["hi"] = _number(claims["value_low"]), _number(claims["value_high"])
        # every dated claim, oldest first (at most the latest four), so a bar group reads as a sequence
        claims = claims.drop_duplicates(["source_id", "lo", "hi", "precision"]).sort_values("reported_date").tail(4)
        for r in claims.itertuples():
            value = r.hi if r.precision == "up_to" else r.lo
            if pd.isna(value):
                continue
            approx = ", c. " in str(r.source_label or "")
            words = str(r.value_label).removesuffix(f" {r.unit}").replace(" (vague)", "")
            text = str(r.value_text or "")
            if text and text.lower() not in words.lower():
                words += f' ("{_clip(text, 34)}")'
            rows.append({"step": order, "kind": REPORTED, "value": float(value),
                         "open": r.precision in ("at_least", "vague"), "label": words,
                         "row": f"{step} · {r.source_id}, {'c. ' if approx else ''}{_short_day(r.reported_date)}",
                         "reported": _day(r.reported_date), "sources": r.source_id, "date": r.reported_date})
    contributors = pledges[(pledges["actor_kind"] == "state") & (pledges["actor_id"] != ORGANISER)]
    willing = contributors[_number(contributors["stage_rank"]).fillna(-1) >= WILLING_RANK]
    with_figure = contributors[(contributors["amount_unit"] == "troops")
                               & (_number(contributors["amount_low"]).notna() | _number(contributors["amount_high"]).notna())]
    named = {}
    for order, (step, frame) in enumerate((("Named as willing or offering", willing), ("Named with a troop figure", with_figure)), start=len(FUNNEL_METRICS)):
        names = sorted(frame["actor_name"].unique())
        named[step] = names
        rows.append({"step": order, "kind": NAMED, "value": float(len(names)), "open": False,
                     "label": f"{len(names)}" + (f": {_names(names, 4)}" if names else ""),
                     "row": step, "reported": _day(frame["reported_date"].max()) if len(frame) else "",
                     "sources": _cite(frame["source_id"]), "date": frame["reported_date"].max()})
    data = pd.DataFrame(rows)
    if data.empty or ((data["kind"] == REPORTED).sum() == 0 and data["value"].sum() == 0):
        return no_data_chart("From countries approached to troop figures", "counts of countries", as_of)
    top = float(data["value"].max()) or 1.0
    data["open_end"] = (data["value"] + top * 0.08).where(data["open"])
    data["label_x"] = data[["value", "open_end"]].max(axis=1)

    def latest(step: int) -> str | None:
        part = data[data["step"] == step].sort_values("date", kind="stable")
        return part["label"].iloc[-1].split(" (")[0] if len(part) else None

    parts = []
    if (asked := latest(0)) is not None:
        parts.append(f"{asked} countries asked")
    elif (talks := latest(1)) is not None:
        parts.append(f"talks with {talks} countries")
    if (will := latest(2)) is not None:
        parts.append(f"{will} said to be willing")
    n_willing, n_figure = (len(v) for v in named.values())
    tail = f"the reports name {n_willing or 'none'} as willing and {n_figure or 'none'} with a troop figure"
    title = (f"{' and '.join(parts)}, but {tail}" if parts else tail)
    title = title[0].upper() + title[1:]
    subtitle = [
        "Blue bars: counts officials gave reporters, one bar per dated claim, in the report's words. Green: states the reports name, "
        "the organising US excluded. The unnamed counts may or may not include the named states.",
        "Dashed end: an open-ended count (\"at least\", \"several\").",
    ]
    description = "Bars from countries approached to countries with a stated troop figure. " + " ".join(
        f"{r.row}: {r.label}." for r in data.itertuples())
    order = list(data.sort_values(["step"], kind="stable")["row"])
    data = data.drop(columns=["date", "step", "open"])
    base = alt.Chart(data).encode(
        y=alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelExpr="split(datum.label, ' · ')", labelLimit=LABEL_WIDTH, labelPadding=6,
                                                               minExtent=LABEL_WIDTH, domain=False, ticks=False)),
        tooltip=[alt.Tooltip("row:N", title="Step"), alt.Tooltip("label:N", title="Count"),
                 alt.Tooltip("reported:N", title="Reported"), alt.Tooltip("sources:N", title="Sources")],
    )
    x = alt.X("value:Q", title="Number of countries", scale=alt.Scale(domain=[0, top * 1.45], nice=False), axis=alt.Axis(tickCount=6))
    colour = alt.Color("kind:N", title=None, scale=alt.Scale(domain=[REPORTED, NAMED], range=[BLUE, GREEN]),
                       legend=alt.Legend(orient="top", direction="horizontal", labelLimit=260))
    bars = base.mark_bar(height={"band": 0.7}).encode(x=x, color=colour)
    dashes = base.transform_filter("isValid(datum.open_end)").mark_rule(strokeDash=[4, 3], strokeWidth=2).encode(
        x=alt.X("value:Q", scale=alt.Scale(domain=[0, top * 1.45], nice=False), title="Number of countries"), x2="open_end:Q", color=colour)
    labels = base.mark_text(align="left", dx=5, fontSize=11, color=TEXT_COLOR).encode(x="label_x:Q", text="label:N")
    return alt.layer(bars, dashes, labels).properties(
        width=PLOT_WIDTH, height=alt.Step(ROW_STEP + 4), title=_title(title, subtitle), description=description,
    )
