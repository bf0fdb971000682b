# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ISF briefing)
#     language: python
#     name: isf-briefing
# ---

# %% [markdown]
# # 02 · Analyse: key figures, commitments, conditions, disagreements, changes
#
# Reads this edition's processed tables (notebook 01) and, when there is one, the previous edition's,
# and writes the analysis the briefing prints: `analysis/*.json` and `analysis/key_figures.json`.

# %% tags=["parameters"]
# In JupyterLab leave these as they are: the next cell takes them from notebooks/working.toml.
as_of: str = ""  # edition date, YYYY-MM-DD ("": working.toml's)
data_dir: str = "../data"  # folder holding the curated data (unused here: read by notebook 01)
out_dir: str = ""  # this edition's working folder, holding processed/ ("": build/lab/<as_of>/)
previous_edition: str = ""  # folder of the previous edition (with processed/), "" when there is none ("" in Lab: working.toml's)

# %%
from pathlib import Path

from helpers.analysis import changes, run, standings
from helpers.analysis import tables as analysis_tables
from helpers.data import processed, stamps
from helpers.lab import working
from helpers.publish import editions
from helpers.views import changes_md, overview
from helpers.views.markdown import show_md

as_of, data_dir, out_dir, previous_edition = working.parameters(as_of, data_dir, out_dir, previous_edition)

# %% [markdown]
# ## Load inputs

# %%
tables = processed.read_processed(Path(out_dir) / "processed", as_of=as_of)  # made by notebook 01 for this date
previous = run.read_previous(previous_edition)

# %% [markdown]
# ## Process: every table and figure the briefing prints

# %%
results, summary = run.analyse(tables, as_of, previous, run.previous_as_of(previous_edition))
results["funnel_steps"] = analysis_tables.funnel_steps(tables["figures"], summary)
summary["previous_edition"] = previous_edition if previous is not None else ""

# %%
# A revision keeps its news against the previous edition and lists its corrections against the edition it replaces.
info = editions.read_edition_info(Path(out_dir))
if info.get("revises_path"):
    summary["changes"] = changes.for_revision(summary["changes"], tables, run.read_previous(info["revises_path"]),
                                              info["revises"], info["as_of"])

# %%
# NOTE: one standing per actor and contribution; the briefing's table must cover each pair once.
assert not results["commitments"].duplicated(["actor_id", "contribution_type"]).any(), "Duplicate commitment rows."
# NOTE: a willing contributor stands at "willing" or beyond on a contribution to the force itself;
# support from outside it (coordination staff, advisers to the planning cell) never makes one.
force = results["commitments"][results["commitments"]["part_of_force"].astype(bool) & (results["commitments"]["rank"] >= standings.WILLING_RANK)]
assert {c["actor_id"] for c in summary["contributors_willing"]} <= set(force["actor_id"]), "A contributor rests on outside support only."
# NOTE: counts of contributors are counts of named states; unnamed descriptions are presented in general.
assert all(c["kind"] == "state" for c in summary["contributors_willing"] + summary["troop_offers"]), "An unnamed group was counted as a state."
assert summary["counts"]["claims"] == len(tables["claims"]), "Key figures counted a different set of claims."

# %% [markdown]
# ## Save outputs

# %%
written = run.write_analysis(results, summary, Path(out_dir) / "analysis")
stamps.stamp(Path(out_dir) / "analysis", as_of, made_from=Path(out_dir) / "processed")

# %% [markdown]
# ## Check: standings, disagreements and this edition's news
# Where each actor stands on each contribution, and the claim that puts it there:

# %%
show_md(overview.standings_md(results["commitments"]))

# %% [markdown]
# Where reports disagree or a stance changed:

# %%
show_md(overview.disagreements_md(results["disagreements"]))

# %% [markdown]
# What changed since the previous edition, as the briefing will say it:

# %%
show_md(changes_md.changes_md(summary["changes"]))
