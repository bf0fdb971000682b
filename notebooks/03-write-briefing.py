# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: title
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   title: 'The International Stabilization Force for Gaza: who offers what, on which
#     conditions'
# ---

# %% tags=["parameters"]
as_of: str = "2025-11-20"  # edition date, YYYY-MM-DD: the briefing describes what was reported by then
data_dir: str = "../data"  # folder holding the curated data (reference tables for the methodology)
out_dir: str = "../build/notebook-defaults"  # this edition's working folder, with processed/ and analysis/
previous_edition: str = ""  # folder of the previous edition, "" when there is none

# %% tags=["remove-cell"]
import datetime as dt
from pathlib import Path

from helpers import analysis, briefing, captions, changes, charts, chart_renderer, clean, editions, geo, paths
from helpers.markdown import show_md, show_title_block

chart_renderer.enable()
tables = clean.read_processed(Path(out_dir) / "processed")
results, summary = analysis.read_analysis(Path(out_dir) / "analysis")
standing = results["commitments"]

# %%
show_title_block(briefing.title_block_fields(as_of, f"{dt.date.today():%Y-%m-%d}", summary))
show_md(briefing.title_block(as_of, summary))
show_md(briefing.edition_note(editions.read_edition_info(Path(out_dir))))

# %% [markdown]
# ## Bottom line

# %%
show_md(briefing.bottom_line(summary, results["condition_implications"]))

# %% [markdown]
# ## What to watch

# %%
show_md(briefing.watch_md(summary, results["condition_implications"]))

# %% [markdown]
# ## Key figures
#
# Each figure as the reports state it, with the report it comes from (see Sources), its date and how the
# report sources it. Where reports disagree, every version is shown.

# %%
show_md(briefing.key_figures_md(summary))

# %%
charts.funnel_chart(results["funnel_steps"], captions.funnel(summary, results["funnel_steps"]))

# %% [markdown]
# ## Who offers what
#
# Where each actor stands on each kind of contribution. An offer stands until a report says it was
# withdrawn; later, weaker mentions are shown as what they are. Unnamed groups are listed as groups:
# the reports do not say who is in them.

# %%
show_md(briefing.commitments_md(standing))

# %%
states = analysis.map_states(standing, tables["actors"], geo.shape_ids())
charts.map_chart(states, geo.world_countries(), captions.map_(summary, states))

# %%
charts.commitments_chart(standing, tables["stages"], captions.commitments(summary, standing))

# %%
charts.figures_chart(results["stated_figures"], captions.figures(summary, results["stated_figures"]))

# %% [markdown]
# ## Conditions
#
# What willing contributors say they need before they take part, and every condition the reports record.

# %%
show_md(briefing.conditions_md(results["condition_implications"]))

# %%
show_md(briefing.conditions_table_md(results["conditions_matrix"]))

# %% [markdown]
# ## Positions and frictions
#
# Vetoes and objections, Hamas on its weapons, and the questions of mandate the force still faces.

# %%
show_md(briefing.positions_md(tables["positions"]))

# %%
charts.positions_chart(results["position_cells"], captions.positions(results["position_cells"]))

# %% [markdown]
# ## Chronology
#
# The events the reports date, by when they happened (as precisely as the report says), with who and the source.

# %%
show_md(briefing.chronology_md(results["chronology"]))

# %% [markdown]
# ## Where sources disagree or a stance changed
#
# All dated claims are kept; none is treated as the truth.

# %%
show_md(briefing.disagreements_md(results["disagreements"]))

# %% [markdown]
# ## What changed since the previous edition

# %%
show_md(changes.changes_md(summary["changes"]))

# %% [markdown]
# ## Open questions
#
# What the reports say is unresolved, stances reported as undecided, and groups the reports do not name.

# %%
show_md(briefing.open_questions_md(results["open_questions"]))

# %% [markdown]
# ## Sources

# %%
show_md(briefing.source_caveats_md(tables["sources"]))

# %%
show_md(briefing.sources_md(tables["sources"]))

# %% [markdown]
# ## Methodology and data notes
#
# Each row of the dataset is one thing one report said, on a date, with a short quote copied exactly
# from the report. Contradictory claims are kept side by side. Numbers keep
# their vagueness: "some …" or "about …" is approximate, "up to …" has no lower bound, and a number the
# report gives only in words ("several", "about two dozen") is printed in those words; "several" is never
# drawn (the data records it as at least three, for sorting only) and "about two dozen" is drawn as an
# approximate point near 24; unnamed groups are never turned into a number of countries. The codebook (linked under "Data, citation and licence") has every field, code and rule.

# %%
show_md(briefing.quotes_note(editions.read_edition_info(Path(out_dir))))

# %% [markdown]
# ### How the briefing reads where an actor stands
#
# An actor's stage is the strongest claim any report makes, not the latest row: a later report that only
# names a country among likely contributors does not undo an offer another report described; only a report
# that the offer was withdrawn or declined does. "Will only if …" is an offer or willingness on conditions,
# never a refusal. Staff who organise or support the force from outside it (the US contingent, the UK's
# advisers to the US planning cell) are shown apart and never counted as contributors. Where reports give
# different figures for the same thing, each report's figure is shown, not a range.
#
# ### The stage ladder
#
# How far a contribution has gone, as reported:

# %%
show_md(briefing.ladder_md(tables["stages"]))

# %% [markdown]
# ### Confidence
#
# How each claim is sourced, strongest first:

# %%
show_md(briefing.reference_list_md(tables["confidence_levels"]))

# %% [markdown]
# ### Limits
#
# The reports relay each other (see Sources), so one underlying claim can appear twice.
# Many figures rest on anonymous officials; each claim's confidence is in the data. The briefing reports
# what was reported; it does not judge which report is right.

# %% [markdown]
# ## Data, citation and licence

# %%
show_md(briefing.downloads_md(tables["claims"], paths.CODEBOOK.read_text(encoding="utf-8"), summary, as_of))
