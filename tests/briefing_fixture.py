"""A small executed briefing notebook, built without a kernel, for the renderer tests.

Outputs are made the way a kernel would make them: charts through the ``isf`` renderer's function,
tables through ``md_table``. Reuse ``build_notebook`` to test other renderers on the same content.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import nbformat
import pandas as pd

from helpers.views import chart_renderer
from helpers.views.markdown import escape_md, md_table

TITLE = "The stabilization force at a glance"
AS_OF = "2025-11-20"
# Data text that must print literally everywhere: markup of Markdown, HTML, typst and Quarto.
HOSTILE = "<script>alert(1)</script> *bold* _x_ #heading $math$ @ref [link](x) | pipe"
HEADING = "Who has pledged troops"
TABLE = pd.DataFrame(
    {
        "actor": ["Indonesia", "Azerbaijan", HOSTILE],
        "pledged": [20000, 1500, None],
        "status": ["Offered", "Considering", "Unconfirmed"],
    }
)
CHART_DATA = pd.DataFrame(
    {"actor": ["Indonesia", "Azerbaijan", "Pakistan"], "troops": [20000, 1500, 3500], "note": ["", HOSTILE, ""]}
)
CHART_TITLES = ("Pledged troops by country", "Pledges over time")
CHART_LABELS = ("Indonesia", "Azerbaijan", "Pakistan")
CODE_MARKERS = ("alt.Chart", "import ", "show_md(", "as_of =")


def charts() -> list[alt.Chart]:
    """Return the fixture's two charts, each with a description for its alt text.

    Returns:
        A bar chart and a line chart.
    """
    bars = (
        alt.Chart(CHART_DATA)
        .mark_bar()
        .encode(
            x=alt.X("troops:Q", title="Troops pledged"),
            y=alt.Y("actor:N", sort="-x", title=None),
            color=alt.Color("actor:N", legend=None),
            tooltip=["actor:N", "troops:Q", "note:N"],
        )
        .properties(title=CHART_TITLES[0], description=f"Bar chart: Indonesia pledged the most troops. {HOSTILE}")
    )
    timeline = pd.DataFrame({"date": ["2025-10-01", "2025-10-15", "2025-11-01"], "count": [1, 3, 4]})
    line = (
        alt.Chart(timeline)
        .mark_line(point=True)
        .encode(x=alt.X("date:T", title="Date"), y=alt.Y("count:Q", title="Countries pledging"))
        .properties(title=CHART_TITLES[1], description="Line chart: pledging countries rose from one to four.")
    )
    return [bars, line]


def build_notebook() -> nbformat.NotebookNode:
    """Return the executed fixture notebook (charts rendered by the ``isf`` renderer).

    Returns:
        A notebook with a title heading, parameters and injected-parameters cells, a Markdown table
        output, two charts, a printed line and a plain-text result.
    """
    chart_renderer.enable()
    parameters = nbformat.v4.new_code_cell(f'as_of: str = "{AS_OF}"  # edition date', metadata={"tags": ["parameters"]})
    injected = nbformat.v4.new_code_cell(
        f'# Parameters\nas_of = "{AS_OF}"\n', metadata={"tags": ["injected-parameters", "remove-cell"]}
    )
    table = nbformat.v4.new_code_cell("show_md(md_table(pledges))")
    table.outputs = [_markdown_output(md_table(TABLE, headers={"actor": "Actor", "pledged": "Troops", "status": "Status"}))]
    quote = nbformat.v4.new_code_cell("show_md(quote)")
    quote.outputs = [_markdown_output(f"> {escape_md(HOSTILE)}")]
    chart_cells = []
    for chart in charts():
        cell = nbformat.v4.new_code_cell("alt.Chart(data).mark_bar()")
        bundle, metadata = chart_renderer.render_chart(chart.to_dict())
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle, metadata=metadata)]
        chart_cells.append(cell)
    printed = nbformat.v4.new_code_cell("print('debug')")
    printed.outputs = [nbformat.v4.new_output("stream", name="stdout", text="debug line\n")]
    plain = nbformat.v4.new_code_cell("len(pledges)")
    plain.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "3"}, execution_count=1)]
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(f"# {TITLE}\n\nThis briefing tracks pledges to the force."),
            parameters,
            injected,
            nbformat.v4.new_code_cell("import altair as alt"),
            nbformat.v4.new_markdown_cell(f"## {HEADING}\n\nThe table lists every pledge we found."),
            table,
            quote,
            nbformat.v4.new_markdown_cell("## Charts"),
            *chart_cells,
            printed,
            plain,
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["papermill"] = {"parameters": {"as_of": AS_OF}}
    return nb


def write_notebook(folder: Path) -> Path:
    """Write the fixture notebook into ``folder``.

    Args:
        folder: an existing folder.

    Returns:
        The notebook's path (``briefing-executed.ipynb``).
    """
    path = folder / "briefing-executed.ipynb"
    nb = build_notebook()
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


def _markdown_output(text: str) -> nbformat.NotebookNode:
    """Return a display_data output carrying only text/markdown, as ``show_md`` makes.

    Args:
        text: Markdown.

    Returns:
        An nbformat output.
    """
    return nbformat.v4.new_output("display_data", data={"text/markdown": text})
