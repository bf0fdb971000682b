"""Charts for the briefing: one small function per chart; it draws what the analysis found.

Every chart function:

- takes an analysis table of one edition (``helpers.analysis``: standings, stated figures, position
  cells, funnel steps) and a caption (``helpers.views.captions``: title, subtitle, description) and never
  filters by date, picks latest stances or counts: those are findings, computed once in the analysis,
  so the chart and the text beside it cannot disagree;
- decides only how to draw: order, layout, colours, and how many rows fit (the subtitle says when
  rows were left out);
- embeds one short row per mark, only the columns it draws or shows in a tooltip; columns that only
  serve the layout start with "_" and are left out of the "data behind this chart" table;
- returns a "No data" chart instead of failing when its table is empty;
- draws with ``chart_renderer.PALETTE`` and leaves fonts and sizes to the ``isf`` theme.

Notebook usage::

    charts.commitments_chart(results["commitments"], tables["stages"], captions.commitments(summary))
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import altair as alt
import pandas as pd

from helpers import fmt
from helpers.data import geo
from helpers.views import fonts
from helpers.views.captions import Caption
from helpers.views.html_a11y import text_colour_on
from helpers.views.chart_renderer import CHART_WIDTH, MUTED_COLOR, PALETTE, TEXT_COLOR, inline_datasets

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK, OLIVE = PALETTE[:8]
# Most actor rows a chart embeds; the rest are left out and the subtitle says so.
MAX_ROWS = 25
# Most stated figures the figures chart embeds (largest first).
MAX_FIGURES = 20
# Most marks (embedded rows) a matrix draws: rows are dropped from the end beyond it.
MAX_MARKS = 160
# Row labels (actor names) wrap to this many pixels; the plot gets the rest of CHART_WIDTH.
LABEL_WIDTH = 210
PLOT_WIDTH = CHART_WIDTH - LABEL_WIDTH - 15
# Sizes the isf theme gives axis labels and titles (chart_renderer.theme), for measuring wrapped text.
LABEL_PX, TITLE_PX, SUBTITLE_PX = 12, 15, 12
LINE_PX = 14  # one line of a wrapped label
# Room a measured label may take beyond its measure before Vega cuts it: browsers without DejaVu Sans
# draw with Verdana, a little wider.
LABEL_SLACK = 1.2
ROW_STEP = 30


# --- Shared helpers -------------------------------------------------------------------------------

def _flag(values: pd.Series) -> pd.Series:
    """True/False from booleans or "True"/"true" strings; missing counts as False."""
    return values.map(lambda v: str(v).strip().lower() == "true").astype(bool)


def _number(values: pd.Series) -> pd.Series:
    """Floats from numbers or numeric strings; blanks become NaN."""
    return pd.to_numeric(values, errors="coerce")


def _clip(text: str, limit: int) -> str:
    """Cut text to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title(text: str, subtitle: Iterable[str] = ()) -> alt.TitleParams:
    """A title wrapped to the chart's width, with an optional wrapped subtitle (one or more sentences)."""
    width = CHART_WIDTH - 10
    lines = [line for part in subtitle if part for line in fonts.wrap(part, width, SUBTITLE_PX)]
    return alt.TitleParams(text=fonts.wrap(text, width, TITLE_PX, bold=True), subtitle=lines or alt.Undefined)


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


def _shade(colour: str, share: float) -> str:
    """``colour`` mixed with black: share 1 is the colour itself, 0 is black."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * share):02X}" for c in rgb)


def _label_lines(labels: Iterable[str], width: float = LABEL_WIDTH) -> dict[str, list[str]]:
    """Each label broken into lines no wider than ``width`` pixels (set at the axis label size).

    Args:
        labels: the labels an axis shows.
        width: the widest a line may be, in pixels.

    Returns:
        {label: its lines}, one entry per distinct label.
    """
    return {label: fonts.wrap(label, width, LABEL_PX) for label in dict.fromkeys(labels)}


def _lines_axis(lines: dict[str, list[str]], width: float = LABEL_WIDTH, **axis: Any) -> alt.Axis:
    """An axis whose labels print on the lines given, centred on their band, never cut.

    Vega sets a multi-line label's first line at the band's centre and the others below it, so a
    label of n lines is moved up by (n - 1) / 2 lines (a conditional ``labelOffset``).

    Args:
        lines: {label: its lines} (``_label_lines``).
        width: the lines' measure in pixels (the axis keeps at least this much room).
        **axis: further ``alt.Axis`` settings.

    Returns:
        The axis.
    """
    wrapped = {label: parts for label, parts in lines.items() if len(parts) > 1}
    by_count: dict[int, list[str]] = {}
    for label, parts in wrapped.items():
        by_count.setdefault(len(parts), []).append(label)
    offsets = [{"test": f"indexof({json.dumps(labels, ensure_ascii=False)}, datum.label) >= 0", "value": -(count - 1) * LINE_PX / 2}
               for count, labels in sorted(by_count.items())]
    expr = f"({json.dumps(wrapped, ensure_ascii=False)})[datum.label] || datum.label" if wrapped else alt.Undefined
    widest = max((fonts.text_width(part, LABEL_PX) for parts in lines.values() for part in parts), default=0)
    settings = {"labelExpr": expr, "labelLineHeight": LINE_PX, "labelLimit": int(max(widest, width) * LABEL_SLACK) + 1,
                "labelOffset": {"condition": offsets, "value": 0} if offsets else alt.Undefined}
    return alt.Axis(**{**settings, **axis})


def _row_axis(lines: dict[str, list[str]], grid: bool = True, band_lines: bool = False) -> alt.Axis:
    """The y axis of actor rows: names wrapped to ``LABEL_WIDTH``, no ticks, a light line per row.

    ``band_lines`` puts the lines between rows instead of through them (for rows holding several marks).
    """
    extra = {"tickBand": "extent"} if band_lines else {}
    return _lines_axis(lines, minExtent=LABEL_WIDTH, labelPadding=6, domain=False, ticks=False, grid=grid, **extra)


def _row_step(lines: dict[str, list[str]], least: int = ROW_STEP) -> int:
    """Band height that fits the longest wrapped row label with a gap to the next (at least ``least``)."""
    most = max((len(parts) for parts in lines.values()), default=1)
    return max(least, most * LINE_PX + 10)


def _column_axis(labels: Iterable[str], grid: bool = True) -> alt.Axis:
    """The top x axis of a matrix: slanted column names, a light line per column, never cut."""
    widest = max((fonts.text_width(label, LABEL_PX) for label in labels), default=0)
    return alt.Axis(orient="top", labelAngle=-35, labelAlign="left", domain=False, ticks=False,
                    labelLimit=int(widest * LABEL_SLACK) + 1, grid=grid)


def _legend_limit(labels: Iterable[str]) -> int:
    """A legend's label limit that fits its longest label (legend labels are never cut)."""
    return int(max((fonts.text_width(label, LABEL_PX) for label in labels), default=0) * LABEL_SLACK) + 1


def _row_height(rows: int, step: int = ROW_STEP) -> int:
    """Plot height for a chart with one band per row (at least two rows' worth)."""
    return step * max(rows, 2)


def no_data_chart(title: str, what: str) -> alt.Chart:
    """A small chart that says there is nothing to draw yet, instead of failing on empty tables.

    Args:
        title: the chart's caption title (already says the edition's state).
        what: the missing data, plural ("pledges or requests").

    Returns:
        A text chart whose alt text says no such data is reported in this edition.
    """
    message = f"No {what} reported in this edition."
    return (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(align="left", baseline="middle", x=0, y=20, fontSize=13, color=MUTED_COLOR)
        .encode(text="message:N")
        .properties(width=CHART_WIDTH - 20, height=40, title=_title(title), description=message)
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

# The columns' order (their words are each type's short_label in reference/contribution_types.csv).
CONTRIBUTION_ORDER: tuple[str, ...] = ("troops", "leadership", "police_training", "equipment", "logistics", "funding",
                                       "command_coordination", "advisers", "unspecified")
# Fill per stage: the ladder darkens in the palette's blue; off the ladder in warm colours. (The cell's words
# are the stage's short_label in reference/stages.csv.)
STAGE_FILL = {
    "mentioned": _tint(BLUE, 0.12),
    "approached": _tint(BLUE, 0.28),
    "signalled_willingness": _tint(BLUE, 0.5),
    "conditional": _tint(BLUE, 0.5),
    "offered_private": _tint(BLUE, 0.78),
    "offered_public": BLUE,
    "announced": BLUE,
    "approved_at_home": _tint(BLACK, 0.75),
    "deployed": BLACK,
    "not_expected": _tint(ORANGE, 0.55),
    "declined": _shade(VERMILLION, 0.84),  # #B34F00: vermillion darkened to carry white text at 5.2:1
    "withdrawn": PURPLE,
}
CELL_WIDTH = 50


def _cell_words(short: str) -> str:
    """A stage's short label as a cell prints it: its first word, and the rest on a second line ("offered\nprivately")."""
    first, _, rest = short.partition(" ")
    return f"{first}\n{rest}" if rest else first


def _stage_table(stages: pd.DataFrame) -> pd.DataFrame:
    """Stage code -> label, rank (NaN off the ladder), in ladder order then off-ladder order."""
    table = stages.assign(rank=_number(stages["rank"]), on_ladder=_flag(stages["on_ladder"]))
    table = table.assign(order=table["rank"].fillna(100 + pd.Series(range(len(table)), index=table.index)))
    return table.sort_values("order").set_index("stage")


def commitments_chart(standing: pd.DataFrame, stages: pd.DataFrame, caption: Caption, max_rows: int = MAX_ROWS) -> alt.Chart:
    """Who has offered, or been asked for, what: each actor's standing per kind of contribution.

    Rows are actors in the order given (``analysis.standings``: furthest along first); columns are kinds of
    contribution; each cell is coloured and labelled with the standing stage, marked "if…" when the
    actor will contribute only on conditions. Off-ladder stages (not expected, declined, withdrawn) are
    warm colours. The chart draws; the standing, its order and the caption come from the analysis.

    Args:
        standing: ``analysis.standings`` of the edition.
        stages: the stages reference table (stage, rank, on_ladder, label).
        caption: title, subtitle lines and description (``captions.commitments``).
        max_rows: most actor rows drawn; the caption says when rows were left out.

    Returns:
        A grid chart (rect + text) with one embedded row per actor and contribution.
    """
    if standing.empty:
        return no_data_chart(caption["title"], "pledges or requests")
    ref = _stage_table(stages)
    actor_order = list(dict.fromkeys(standing["actor_name"]))
    per_actor = standing.groupby("actor_name", sort=False).size().reindex(actor_order)
    shown = actor_order[: _rows_within(per_actor, max_rows, MAX_MARKS)]
    cells = standing[standing["actor_name"].isin(shown)]
    types = [t for t in CONTRIBUTION_ORDER if t in set(cells["contribution_type"])]
    types += sorted(set(cells["contribution_type"]) - set(types))
    column = next((c for c in ("contribution_short", "contribution_label") if c in cells), None)
    words = cells.drop_duplicates("contribution_type").set_index("contribution_type")[column] if column else pd.Series(dtype=str)
    short = lambda t: words.get(t) or t.replace("_", " ").capitalize()  # noqa: E731
    words_of = ref["short_label"] if "short_label" in ref else ref["label"].map(fmt.lower_first)
    cell = lambda s: _cell_words(words_of.get(s, s.replace("_", " ")))  # noqa: E731
    data = pd.DataFrame({
        "actor": cells["actor_name"].to_numpy(),
        "contribution": cells["contribution_type"].map(short).to_numpy(),
        "stage": cells["stage_label"].to_numpy(),
        # a conditional standing reads "offered / only if" (the tooltip names the conditions)
        # "offered / only if" for conditions (a mandate, an approval), "willing / with limits" for limits on the mission only
        # "willing / any of" where one sentence names the kinds with "or" (the subtitle names them)
        "_cell": [cell(s).split("\n")[0] + ("\nonly if" if (s == "conditional" or cond) else "\nwith limits")
                  if c else cell(s).split("\n")[0] + "\nany of" if alt else cell(s)
                  for s, c, cond, alt in zip(cells["stage"], cells["conditional"].astype(bool),
                                             cells["conditions"].fillna("") if "conditions" in cells else [""] * len(cells),
                                             cells["alternatives"].fillna("") if "alternatives" in cells else [""] * len(cells))],
        # white text only where it reaches 4.5:1 on the cell's fill
        "_dark": cells["stage"].map(lambda s: text_colour_on(STAGE_FILL.get(s, "#FFFFFF")) == "#FFFFFF").to_numpy(),
        "conditions": [("; ".join(x for x in (c, f"limits: {lim}" if lim else "") if x)) for c, lim in zip(cells["conditions"].fillna(""), cells["limits"].fillna(""))],
        "reported": (cells["basis_source"] + ", " + cells["basis_label"]).to_numpy(),
        "amount": cells["figure"].replace("", "not stated").to_numpy(),
        "since": cells["since"].fillna("").to_numpy(),
        "sources": cells["sources"].to_numpy(),
    })
    contribution_order = [short(t) for t in types]
    lines = _label_lines(shown)
    stage_domain = [ref.loc[s, "label"] for s in ref.index]
    stage_range = [STAGE_FILL.get(s, _tint(BLACK, 0.3)) for s in ref.index]
    title, subtitle, description = caption["title"], [*caption["subtitle"], _cap_note(len(shown), len(actor_order), "actors, those furthest along")], caption["description"]

    base = alt.Chart(data).encode(
        x=alt.X("contribution:N", sort=contribution_order, title=None, axis=_column_axis(contribution_order, grid=False)),
        y=alt.Y("actor:N", sort=shown, title=None, axis=_row_axis(lines, band_lines=True)),
        tooltip=[
            alt.Tooltip("actor:N", title="Actor"),
            alt.Tooltip("contribution:N", title="Contribution"),
            alt.Tooltip("stage:N", title="Stands at"),
            alt.Tooltip("conditions:N", title="Only if"),
            alt.Tooltip("reported:N", title="On the strength of"),
            alt.Tooltip("amount:N", title="Amount"),
            alt.Tooltip("since:N", title="Later reports"),
            alt.Tooltip("sources:N", title="Sources"),
        ],
    )
    # The cell text names the stage, so the colours need no legend; the subtitle gives the ladder.
    cells_layer = base.mark_rect(stroke="white", strokeWidth=2, cornerRadius=2).encode(
        color=alt.Color("stage:N", title="Stands at", scale=alt.Scale(domain=stage_domain, range=stage_range), legend=None),
    )
    text_colour = alt.condition("datum._dark", alt.value("white"), alt.value(TEXT_COLOR))
    one_line = base.transform_filter("indexof(datum._cell, '\\n') < 0").mark_text(fontSize=10).encode(text="_cell:N", color=text_colour)
    two_lines = base.transform_filter("indexof(datum._cell, '\\n') >= 0").mark_text(
        fontSize=10, lineBreak="\n", lineHeight=11, dy=-5.5).encode(text="_cell:N", color=text_colour)
    return alt.layer(cells_layer, one_line, two_lines).properties(
        width=min(PLOT_WIDTH, CELL_WIDTH * len(types)), height=alt.Step(_row_step(lines)), title=_title(title, subtitle), description=description,
    )


# --- 2. Stated troop and personnel figures ------------------------------------------------------------

# The mark at a bound: a short upright bar (an SVG path in Vega's unit square), so that the filled
# and hollow dots keep one meaning each: exact and approximate figures.
BOUND_SHAPE = "M0,-1V1"
WHERE_ORDER = ("Inside Gaza", "Outside Gaza", "Where not stated")
WHERE_COLOURS = (VERMILLION, BLUE, BLACK)


def figures_chart(stated: pd.DataFrame, caption: Caption, max_rows: int = MAX_FIGURES) -> alt.VConcatChart | alt.Chart:
    """Troop and personnel figures as the reports state them, one row per claim, vagueness kept.

    A filled dot is an exact figure, a hollow dot an approximate one ("about", "some"); a bound is no
    dot but an upright bar ending a dashed line: from zero to the bound for "up to", from the bound to
    the panel's edge for "at least"/"several". Figures for inside Gaza and outside it sit in separate panels with their own linear scales
    (20,000 soldiers and two dozen staff cannot share one honestly).

    Args:
        stated: ``analysis.stated_figures`` (largest first).
        caption: title, subtitle lines and description (``captions.figures``).
        max_rows: most claims drawn (the largest, shared equally between the panels).

    Returns:
        Vertically stacked panels (Inside Gaza, Outside Gaza, Where not stated), one dataset.
    """
    if stated.empty:
        return no_data_chart(caption["title"], "troop or personnel figures")
    # the largest claims, shared out between the panels so that none is crowded out
    per_panel = max(1, max_rows // stated["where"].nunique())
    rows = stated.groupby("where", sort=False).head(per_panel)
    precision = rows["precision"]
    up_to, open_end = precision.eq("up_to"), precision.isin(["at_least", "vague"])
    panel_max = rows.groupby("where")["value"].transform("max")
    # One row per claim: two claims with the same actor and source get the same visible label, made
    # unique with zero-width spaces so they do not share a row.
    label = rows["actor_name"] + " · " + rows["source_id"]
    label = label + label.groupby(label).cumcount().map(lambda k: "\u200b" * k)
    data = pd.DataFrame({
        "_row": label,
        "actor": rows["actor_name"],
        "where": rows["where"],
        "_value": rows["value"],
        # dashed range: from 0 for "up to", to the panel edge for "at least"/"several"; none otherwise
        "_range_start": rows["low"].where(~up_to, 0.0).where(up_to | open_end),
        "_range_end": rows["high"].where(~open_end, panel_max * 1.1).where(up_to | open_end),
        "_exact": precision.eq("exact"),
        # a bound ("up to", "at least", "several") is not a figure: a bar ends its dashed range, no dot
        "_bound": up_to | open_end,
        # where the label goes: right of the mark; left of it in the right part of the panel; above
        # the dashed line of an "up to" (which runs left from the mark)
        "_pos": (rows["value"] > panel_max * 0.6).map({True: "left", False: "right"}).where(~up_to, "above"),
        "label": rows["label"] + " · " + (rows["stage_short"] if "stage_short" in rows else rows["stage"]),
        "words": rows["words"].map(lambda t: _clip(t, 40)),
        "location": rows["location_label"],
        "reported": rows["reported_label"] + ", " + rows["source_id"],
    }).reset_index(drop=True)
    title, description = caption["title"], caption["description"]
    subtitle = [*caption["subtitle"], _cap_note(len(data), len(stated), "stated figures, the largest in each panel")]

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
        top = float(part[["_value", "_range_end"]].max().max()) * 1.08
        order = list(part.sort_values("_value", ascending=False)["_row"])
        lines = _label_lines(order)
        x_title = f"{where}: number stated ({'troops' if set(rows.loc[rows['where'] == where, 'unit']) == {'troops'} else 'troops or personnel'})"
        base = alt.Chart().transform_filter(alt.datum.where == where).encode(
            y=alt.Y("_row:N", sort=order, title=None, axis=_row_axis(lines, grid=False)),
            tooltip=tooltip,
        )
        x = alt.X("_value:Q", title=x_title, scale=alt.Scale(domain=[0, top], nice=False, zero=True), axis=alt.Axis(format=",d"))
        ranges = base.transform_filter("isValid(datum._range_start)").mark_rule(strokeWidth=2.5, strokeDash=[5, 3]).encode(
            x=alt.X("_range_start:Q", scale=alt.Scale(domain=[0, top], nice=False), title=x_title), x2="_range_end:Q", color=colour)
        dots = base.transform_filter("!datum._bound").mark_point(size=110, strokeWidth=2.2, opacity=1).encode(
            x=x, color=colour,
            fill=alt.condition("datum._exact", colour, alt.value("white")),
            shape=alt.value("circle"))
        bounds = base.transform_filter("datum._bound").mark_point(size=160, strokeWidth=3, opacity=1, shape=BOUND_SHAPE).encode(
            x=x, color=colour)
        texts = [
            base.transform_filter(f"datum._pos == '{pos}'").mark_text(fontSize=11, color=TEXT_COLOR, **style).encode(x=x, text="label:N")
            for pos, style in (("right", {"align": "left", "dx": 9}), ("left", {"align": "right", "dx": -9}),
                               ("above", {"align": "right", "dx": -4, "dy": -10}))
        ]
        panels.append(alt.layer(ranges, dots, bounds, *texts).properties(width=PLOT_WIDTH, height=_row_height(len(part), _row_step(lines))))
    chart = alt.vconcat(*panels, data=data, spacing=18).resolve_scale(x="independent", y="independent")
    return chart.properties(title=_title(title, subtitle), description=description)


# --- 5. Positions ----------------------------------------------------------------------------------------------

# Colour and shape per direction code; a code the reference table adds later gets the next spare style.
DIRECTION_STYLE = {
    "supports": (BLUE, "circle"),
    "conditional": (ORANGE, "diamond"),
    "undecided": (PURPLE, "square"),
    "not_ready": (SKY, "triangle-up"),
    "opposes": (VERMILLION, "cross"),
}
SPARE_STYLES = ((GREEN, "triangle-down"), (BLACK, "triangle-right"), (_tint(BLACK, 0.6), "triangle-left"))
OFFSET_PX = 15  # distance between two stances drawn in the same cell


def _direction_styles(cells: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """direction code -> (label, colour, shape) for every direction in the data, known codes first."""
    present = cells.drop_duplicates("direction").set_index("direction")["direction_label"]
    codes = [d for d in DIRECTION_STYLE if d in present.index] + sorted(set(present.index) - set(DIRECTION_STYLE))
    spare = iter(SPARE_STYLES * (1 + len(codes)))
    return {d: (present[d], *(DIRECTION_STYLE[d] if d in DIRECTION_STYLE else next(spare))) for d in codes}


def positions_chart(cells: pd.DataFrame, caption: Caption, max_rows: int = MAX_ROWS) -> alt.Chart:
    """Where each stakeholder stands: holders by topic, one mark per direction reported.

    Args:
        cells: ``analysis.position_cells`` (holder x topic x direction, ``current`` marks the latest).
        caption: title, subtitle lines and description (``captions.positions``).
        max_rows: most holder rows drawn (those with most positions first).

    Returns:
        A matrix chart; filled marks are each holder's latest stance on the topic, hollow ones earlier
        stances. One embedded row per holder, topic and direction.
    """
    if cells.empty:
        return no_data_chart(caption["title"], "positions")
    if "topic_short" not in cells:  # analysis tables of an edition built before the short labels
        cells = cells.assign(topic_short=cells["topic_label"])
    styles = _direction_styles(cells)
    per_holder = cells.groupby("actor_id").agg(holder=("holder", "first"), n=("topic", "size"))
    per_holder = per_holder.sort_values(["n", "holder"], ascending=[False, True])
    shown = per_holder.head(_rows_within(per_holder["n"], max_rows, MAX_MARKS))
    cells = cells[cells["actor_id"].isin(shown.index)].copy()
    topics = cells.groupby("topic_short")["actor_id"].nunique().sort_values(ascending=False, kind="stable")
    cell_width = min(CELL_WIDTH, PLOT_WIDTH // len(topics))
    # Several directions in one cell sit side by side, centred on the cell (offsets count from the
    # band's start, in pixels).
    cells["k"] = cells["direction"].map({d: i for i, d in enumerate(styles)})
    cells = cells.sort_values(["actor_id", "topic", "k"])
    rank = cells.groupby(["actor_id", "topic"]).cumcount()
    width = cells.groupby(["actor_id", "topic"])["direction"].transform("size")
    cells["dx"] = cell_width / 2 + (rank - (width - 1) / 2) * min(OFFSET_PX, cell_width / 4)
    data = pd.DataFrame({
        "holder": cells["holder"],
        "topic": cells["topic_short"],
        "direction": cells["direction"].map(lambda d: styles[d][0]),
        "_dx": cells["dx"],
        "_current": cells["current"].astype(bool),
        "about": cells["about"],
        "summary": cells["summary"].map(lambda s: _clip(s, 160)),
        "reported": cells["last"].map(fmt.date_label),
        "sources": cells["sources"],
    }).reset_index(drop=True)
    subtitle = [*caption["subtitle"], _cap_note(len(shown), len(per_holder), "holders, those with most positions")]
    lines = _label_lines(shown["holder"])
    domain = [styles[d][0] for d in styles]
    colour_scale = alt.Scale(domain=domain, range=[styles[d][1] for d in styles])
    return alt.Chart(data).mark_point(size=150, strokeWidth=2.2, opacity=1).encode(
        x=alt.X("topic:N", sort=list(topics.index), title=None, axis=_column_axis(topics.index), scale=alt.Scale(paddingInner=0, paddingOuter=0)),
        xOffset=alt.XOffset("_dx:Q", scale=None),
        y=alt.Y("holder:N", sort=list(shown["holder"]), title=None, axis=_row_axis(lines)),
        color=alt.Color("direction:N", title="Stance", scale=colour_scale,
                        legend=alt.Legend(orient="bottom", direction="horizontal", labelLimit=_legend_limit(domain))),
        shape=alt.Shape("direction:N", title="Stance", scale=alt.Scale(domain=domain, range=[styles[d][2] for d in styles])),
        fill=alt.condition("datum._current", alt.Fill("direction:N", scale=colour_scale, legend=None), alt.value("white")),
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
        width=cell_width * len(topics), height=alt.Step(_row_step(lines)), title=_title(caption["title"], subtitle), description=caption["description"],
    )


# --- 6. From countries approached to troop figures ---------------------------------------------------------



def _merge_equal_named_steps(steps: pd.DataFrame) -> pd.DataFrame:
    """One bar for consecutive steps of named states that hold the same states (two identical bars say nothing twice).

    Args:
        steps: ``analysis.funnel_steps``.

    Returns:
        The steps, a run of equal named steps (same kind, value and label) as one row whose label names
        both steps: "Named as willing or offering, and named as offering troops".
    """
    rows: list[dict[str, Any]] = []
    for row in steps.to_dict("records"):
        last = rows[-1] if rows else None
        same = last is not None and last["kind"] == row["kind"] and last["value"] == row["value"] and last["label"] == row["label"]
        if same and not any(" · " in str(r["row"]) for r in (last, row)):
            last["row"] = f"{last['row']}, and {str(row['row'])[:1].lower()}{str(row['row'])[1:]}"
        else:
            rows.append(dict(row))
    return pd.DataFrame(rows, columns=steps.columns)


def funnel_chart(steps: pd.DataFrame, caption: Caption) -> alt.LayerChart | alt.Chart:
    """From the countries approached to the states named as offering troops, vagueness kept.

    The first bars are counts officials gave the reports (every dated claim its own bar, labelled with
    the report's words: "some 70", "several"); the last ones count the states the reports name as
    willing and as offering troops (``analysis.funnel_steps``). Open-ended counts ("at least 3") get a
    dashed extension.

    Args:
        steps: ``analysis.funnel_steps`` (step order, kind, value, open, label, row, reported, sources).
        caption: title, subtitle lines and description (``captions.funnel``).

    Returns:
        A horizontal bar chart, one embedded row per bar.
    """
    if steps.empty or steps["value"].sum() == 0:
        return no_data_chart(caption["title"], "counts of countries")
    data = _merge_equal_named_steps(steps)
    # the row label already names the report and its date; a "Reported" column would repeat it for
    # the counts and stand empty for the named states
    data = data.drop(columns=["reported"], errors="ignore")
    top = float(data["value"].max()) or 1.0
    data["_open_end"] = (data["value"] + top * 0.08).where(data["open"])
    data["_label_x"] = data[["value", "_open_end"]].max(axis=1)

    title, subtitle, description = caption["title"], caption["subtitle"], caption["description"]
    order = list(data.sort_values(["step"], kind="stable")["row"])
    # a row names its step, then the report and date of the count: each part on lines of its own
    lines = {row: [line for part in row.split(" · ") for line in fonts.wrap(part, LABEL_WIDTH, LABEL_PX)] for row in order}
    data = data.drop(columns=["step", "open"])
    base = alt.Chart(data).encode(
        y=alt.Y("row:N", sort=order, title=None, axis=_lines_axis(lines, labelPadding=6, minExtent=LABEL_WIDTH, domain=False, ticks=False)),
        tooltip=[alt.Tooltip("row:N", title="Step"), alt.Tooltip("label:N", title="Count"), alt.Tooltip("sources:N", title="Sources")],
    )
    x = alt.X("value:Q", title="Number of countries", scale=alt.Scale(domain=[0, top * 1.45], nice=False), axis=alt.Axis(tickCount=6))
    kinds = list(dict.fromkeys(data["kind"]))  # counts officials gave, then states the reports name
    colour = alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=[BLUE, GREEN, PURPLE][: len(kinds)]),
                       legend=alt.Legend(orient="top", direction="horizontal", labelLimit=_legend_limit(kinds)))
    bars = base.mark_bar(height={"band": 0.7}).encode(x=x, color=colour)
    dashes = base.transform_filter("isValid(datum._open_end)").mark_rule(strokeDash=[4, 3], strokeWidth=2).encode(
        x=alt.X("value:Q", scale=alt.Scale(domain=[0, top * 1.45], nice=False), title="Number of countries"), x2="_open_end:Q", color=colour)
    labels = base.mark_text(align="left", dx=5, fontSize=11, color=TEXT_COLOR).encode(x="_label_x:Q", text="label:N")
    return alt.layer(bars, dashes, labels).properties(
        width=PLOT_WIDTH, height=alt.Step(_row_step(lines, ROW_STEP + 4)), title=_title(title, subtitle), description=description,
    )


# --- 5. Map of the named states ------------------------------------------------------------------------------

# One hue per class, none two of a family (the sky blue of "asked" read as the blue of "offers"); each
# at least 3:1 against white borders. Six classes cannot all be 3:1 apart in lightness (contrast is a
# lightness ratio: three levels at most), so hue and the tooltip and data table tell them apart.
MAP_COLOURS = {
    "Offers troops": BLUE,
    "Willing to contribute": GREEN,
    "Organises or supports from outside": PURPLE,
    "Asked or in talks": OLIVE,
    "Named as a likely contributor": _tint(BLACK, 0.55),
    "Not expected, declined or withdrawn": VERMILLION,
}
LAND = "#E4E4E4"


def map_chart(states: pd.DataFrame, world: dict[str, Any], caption: Caption) -> alt.LayerChart | alt.Chart:
    """The named states on a world map, coloured by where they stand (``analysis.map_states``).

    Args:
        states: ``analysis.map_states`` (id, name, group, order, detail, sources).
        world: TopoJSON of the world's countries (``helpers.data.geo.world_countries``), embedded in the chart.
        caption: title, subtitle lines and description (``captions.map_``).

    Returns:
        Grey land with the named states coloured by group; tooltips give each state's stages.
    """
    shown = states[states["has_shape"].astype(bool)] if len(states) else states
    if shown.empty:
        return no_data_chart(caption["title"], "named states")
    # only the region the named states lie in, so the page embeds no more shapes than it shows
    world = geo.region(world, set(shown["id"].astype(str)))
    groups = [g for g in MAP_COLOURS if g in set(shown["group"])] + sorted(set(shown["group"]) - set(MAP_COLOURS))
    colour = alt.Color("group:N", title=None, scale=alt.Scale(domain=groups, range=[MAP_COLOURS.get(g, BLACK) for g in groups]),
                       legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelLimit=_legend_limit(groups)))
    land = alt.InlineData(values=world, format=alt.DataFormat(type="topojson", feature="countries"))
    base = alt.Chart(land).mark_geoshape(fill=LAND, stroke="white", strokeWidth=0.5).project(type="equalEarth")
    # "_id" (ISO numeric, the shapes' key) only joins the two; the data table leaves it out
    table = states[["id", "name", "group", "detail", "sources"]].rename(columns={"id": "_id"}).reset_index(drop=True)
    named = (
        alt.Chart(land).mark_geoshape(stroke="white", strokeWidth=0.6)
        .transform_lookup(lookup="id", from_=alt.LookupData(data=table, key="_id", fields=["name", "group", "detail", "sources"]))
        .transform_filter("isValid(datum.group)")
        .encode(color=colour, tooltip=[alt.Tooltip("name:N", title="State"), alt.Tooltip("group:N", title="Stands"),
                                       alt.Tooltip("detail:N", title="By contribution"), alt.Tooltip("sources:N", title="Sources")])
        .project(type="equalEarth")
    )
    return alt.layer(base, named).properties(width=CHART_WIDTH - 20, height=330, title=_title(caption["title"], caption["subtitle"]),
                                             description=caption["description"])
