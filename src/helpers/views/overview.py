"""Short tables an analyst checks at the end of notebooks 01 and 02, before reading the briefing.

Notebook 01 ends with what the edition holds (each table's rows, those left out as reported later) and
how the data was checked; notebook 02 with the standings and the disagreements. Every table reads the
findings; nothing here decides anything. Data is escaped, so the tables read literally in JupyterLab.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import fmt, paths
from helpers.views.markdown import escape_md as esc
from helpers.views.markdown import md_table
from helpers.data.datapackage import CLAIM_TABLES

# The curated tables an edition cuts at its date, in the order the codebook lists them.
EDITION_TABLES: tuple[str, ...] = ("sources", "actors", *CLAIM_TABLES)


def validation_md(stored: dict[str, int], tables: dict[str, pd.DataFrame], as_of: str, checked_by_build: bool,
                  quotes_dir: Path | None) -> str:
    """How the data was checked, and each table's rows: in the data, in this edition, left out.

    Args:
        stored: rows each curated table holds (``helpers.data.datapackage.row_counts``).
        tables: ``clean.build_processed`` for ``as_of``.
        as_of: the edition date.
        checked_by_build: the build validated the data before the notebook ran.
        quotes_dir: the reports folder the quotes were checked against (None: not checked).

    Returns:
        A sentence, then a table with one row per curated table and a total of the claims.
    """
    if checked_by_build:
        checked = "The build checked the data (schema, cross-table rules and quotes) before this notebook ran."
    elif quotes_dir is not None:
        checked = (f"Checked here: the schema, the cross-table rules and every quote against the reports in "
                   f"{esc(paths.shown(quotes_dir))}. No problem found.")
    else:
        checked = "Checked here: the schema and the cross-table rules. **Quotes not checked**: the reports folder is missing."
    rows = []
    for name in EDITION_TABLES:
        kept = len(tables.get(name, ()))
        rows.append({"Table": name.replace("_", " "), "In the data": stored.get(name, 0), "In this edition": kept,
                     "Left out": stored.get(name, 0) - kept})
    claims = [r for r in rows if r["Table"].replace(" ", "_") in CLAIM_TABLES]
    rows.append({"Table": "all claims", **{k: sum(r[k] for r in claims) for k in ("In the data", "In this edition", "Left out")}})
    note = (f"Edition of {esc(fmt.date_label(as_of))}: claims and reports dated after it are left out, and so are actors "
            "no claim of this edition names.")
    return f"{checked}\n\n{note}\n\n{md_table(pd.DataFrame(rows))}"


def standings_md(commitments: pd.DataFrame) -> str:
    """Where each actor stands on each contribution, furthest along first, with the claim behind it.

    Args:
        commitments: ``analysis`` results["commitments"] (one row per actor and contribution).

    Returns:
        A Markdown table: actor, contribution, stage, the figure, the basis claim's report and date, and
        whether it comes with conditions or is support from outside the force.
    """
    if commitments.empty:
        return "No actor is recorded as asked, named or offering anything in this edition."
    view = pd.DataFrame({
        "Actor": commitments["actor_name"],
        "Contribution": commitments["contribution_label"],
        "Stands at": commitments["stage_label"],
        "Figure": commitments["figure_text"].fillna(""),
        "Basis": commitments["basis_id"] + " (" + commitments["basis_source"] + ", " + commitments["basis_label"] + ")",
        "Note": [
            "; ".join(n for n in (("on conditions" if bool(cond) else ""), ("outside the force" if not bool(force) else "")) if n)
            for cond, force in zip(commitments["conditional"], commitments["part_of_force"])
        ],
    })
    return f"{fmt.plural(len(view), 'standing')}:\n\n{md_table(view)}"


def disagreements_md(disagreements: pd.DataFrame) -> str:
    """Each disagreement in one line: what differs, about whom and what, how many claims, which reports.

    Args:
        disagreements: ``analysis`` results["disagreements"].

    Returns:
        A Markdown table (the briefing's section gives each claim and quote).
    """
    if disagreements.empty:
        return "No two reports disagree in this edition."
    view = pd.DataFrame({
        "What differs": disagreements["kind"],
        "Who": disagreements["actor_name"].fillna("").replace("", "—"),
        "About": disagreements["subject"],
        "Claims": disagreements["claims"].map(len),
        "Reports": disagreements["sources"],
    })
    return f"{fmt.plural(len(view), 'disagreement')}:\n\n{md_table(view)}"
