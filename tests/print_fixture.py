"""An executed notebook that stresses printing: names in many scripts, a long table, crowded charts.

Built without a kernel, like ``briefing_fixture``: charts go through the ``isf`` renderer's function,
tables through ``md_table``, the chart functions of ``helpers.views.charts`` draw the crowded charts.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd

from briefing_fixture import _markdown_output
from helpers.views import chart_renderer, charts
from helpers.views.markdown import escape_md, md_table

TITLE = "Print check"
AS_OF = "2025-11-20"
# One name per script the PDF's fonts must cover; each must print in the page and the PDF's text layer.
NAMES = {
    "Latin": "Türkiye",
    "Greek": "Ελλάδα",
    "Cyrillic": "Россия",
    "Arabic": "مصر",
    "Hebrew": "ישראל",
    "Chinese": "中华人民共和国",
    "Japanese": "日本国",
    "Korean": "대한민국",
    "Emoji": "🕊️ peace",
    "Flag": "🇮🇩 Indonesia",
}
# A character no installed font has (CJK Extension G): it prints as U+FFFD and a warning, never fails.
UNPRINTABLE = "\U00031350"
# Adjacent cells whose words a careless layout joins in the text layer ("ConditionalVolunteered").
JOINS = pd.DataFrame({
    "issue": ["A role against Hamas", "Design of the force", "Hamas disarmament"] * 12,
    "who": ["Countries Trump says volunteered (unnamed)", "Israel's mission to the UN", "Hamas"] * 12,
    "stance": ["Conditional", "Undecided / unclear", "Opposes"] * 12,
    "said": ["Volunteered, Trump said, 'if there is a problem with Hamas'", "Expects the draft to be negotiated",
             "Open to talk about freezing, storing or laying down arms"] * 12,
    "source": ["S003, 8 Nov 2025", "S001, c. 13 Dec 2025", "S002, 18 Oct 2025"] * 12,
    "as": ["a named official", "anonymous officials, via Reuters", "on the record, via Associated Press"] * 12,
})
JOIN_HEADERS = {"issue": "Issue", "who": "Who", "stance": "Stance", "said": "What they said", "source": "Source",
                "as": "Sourced as"}
LONG_HEADING = "Positions and frictions"
AFTER_TABLE = "After the long table"


def stages() -> pd.DataFrame:
    """The stages reference table, as data/reference/stages.csv holds it (the columns charts read)."""
    rows = [("mentioned", 0, True, "Named as candidate", "named"), ("approached", 1, True, "Approached / in talks", "asked"),
            ("signalled_willingness", 2, True, "Signalled willingness", "willing"), ("conditional", 2.5, True, "Willing only if", "willing only if"),
            ("offered_private", 3, True, "Offered privately", "offered privately"), ("offered_public", 4, True, "Offered publicly", "offered publicly"),
            ("approved_at_home", 5, True, "Approved at home", "approved at home"), ("deployed", 6, True, "Deployed", "deployed"),
            ("not_expected", None, False, "Not expected", "not expected"), ("declined", None, False, "Declined", "declined"),
            ("withdrawn", None, False, "Withdrawn", "withdrawn")]
    return pd.DataFrame(rows, columns=["stage", "rank", "on_ladder", "label", "short_label"])


# Row names as long as the briefing's unnamed groups, next to short ones.
CROWDED_ACTORS = [
    "Countries that agreed to deploy troops (unnamed)", "Turkey", "Several willing countries wanting a UN mandate (unnamed)",
    "The 19 willing countries (unnamed)", "Egypt", NAMES["Chinese"], NAMES["Arabic"], NAMES["Flag"],
]


def standings() -> pd.DataFrame:
    """A standings table (``analysis.standings`` columns the grid reads) with long and short actor names."""
    rows = []
    for number, actor in enumerate(CROWDED_ACTORS):
        for contribution, stage in (("troops", "offered_public" if number % 2 else "conditional"), ("funding", "approached")):
            rows.append({"actor_name": actor, "contribution_type": contribution, "stage": stage,
                         "stage_label": stage.replace("_", " "), "conditional": stage == "conditional",
                         "conditions": "UN mandate (not reported met)" if stage == "conditional" else "", "limits": "", "basis_source": "S001",
                         "basis_label": "13 Dec 2025", "figure": "", "since": "", "sources": "S001"})
    return pd.DataFrame(rows)


def caption(title: str) -> dict:
    """A caption as ``helpers.views.captions`` makes them."""
    return {"title": title, "subtitle": ["A subtitle long enough to wrap onto a second line of the chart's heading, as the briefing's do."],
            "description": f"{title}: a chart for the print tests."}


def figures() -> pd.DataFrame:
    """Stated figures (``analysis.stated_figures`` columns) of every precision: exact, about, up to, at least."""
    rows = [("Indonesia", "Inside Gaza", 20000, 20000, 20000, "exact", "20,000 troops", "offered_public"),
            ("Indonesia", "Inside Gaza", 20000, 20000, 20000, "approximate", "about 20,000 troops", "offered_public"),
            ("United States", "Outside Gaza", 200, 0, 200, "up_to", "up to 200 troops", "offered_public"),
            ("United States", "Outside Gaza", 24, 24, 24, "approximate", "about two dozen personnel", "deployed"),
            ("Azerbaijan", "Where not stated", 5, 5, None, "at_least", "at least 5", "offered_private")]
    return pd.DataFrame([{"actor_name": a, "where": w, "value": v, "low": lo, "high": hi, "precision": p, "label": lab,
                          "stage": st, "source_id": f"S00{i}", "words": lab, "location_label": w, "reported_label": "18 Oct 2025",
                          "unit": "troops"} for i, (a, w, v, lo, hi, p, lab, st) in enumerate(rows)])


def build_notebook() -> nbformat.NotebookNode:
    """Return the executed print-check notebook.

    Returns:
        A title, a paragraph naming every script (and one unprintable character), a 36-row table
        that runs over pages, a heading after it, and the crowded stage grid and figures chart.
    """
    chart_renderer.enable()
    names = ", ".join(f"{script}: {escape_md(name)}" for script, name in NAMES.items())
    scripts = nbformat.v4.new_code_cell("show_md(names)")
    scripts.outputs = [_markdown_output(f"Names in every script: {names}. Unprintable: {UNPRINTABLE}.")]
    table = nbformat.v4.new_code_cell("show_md(md_table(positions))")
    table.outputs = [_markdown_output(md_table(JOINS, headers=JOIN_HEADERS))]
    names_table = nbformat.v4.new_code_cell("show_md(md_table(names))")
    names_table.outputs = [_markdown_output(md_table(pd.DataFrame({"script": list(NAMES), "name": list(NAMES.values())}),
                                                     headers={"script": "Script", "name": "Name"}))]
    chart_cells = []
    for chart in (charts.commitments_chart(standings(), stages(), caption("Who offers what, with long names")),
                  charts.figures_chart(figures(), caption("Stated figures of every precision"))):
        cell = nbformat.v4.new_code_cell("chart")
        bundle, metadata = chart_renderer.render_chart(chart.to_dict())
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle, metadata=metadata)]
        chart_cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# {TITLE}\n\nEvery script, a long table and crowded charts."),
        nbformat.v4.new_markdown_cell("## Names"),
        scripts,
        names_table,
        nbformat.v4.new_markdown_cell(f"## {LONG_HEADING}\n\nA table long enough to run over pages."),
        table,
        nbformat.v4.new_markdown_cell(f"## {AFTER_TABLE}\n\nThe charts follow their heading."),
        chart_cells[0],
        nbformat.v4.new_markdown_cell("## Figures\n\nEvery precision of a stated figure."),
        chart_cells[1],
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["papermill"] = {"parameters": {"as_of": AS_OF}}
    return nb


def write_notebook(folder: Path) -> Path:
    """Write the notebook into ``folder`` and return its path."""
    path = folder / "print-executed.ipynb"
    nb = build_notebook()
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path
