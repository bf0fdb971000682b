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
#     display_name: Python 3 (ISF briefing)
#     language: python
#     name: isf-briefing
#   title: 'The International Stabilization Force for Gaza: who offers what, on which
#     conditions'
# ---

# %% tags=["parameters"]
# In JupyterLab leave these as they are: the next cell takes them from notebooks/working.toml.
as_of: str = ""  # edition date, YYYY-MM-DD: the briefing describes what was reported by then ("": working.toml's)
data_dir: str = "../data"  # folder holding the curated data (reference tables for the methodology)
out_dir: str = ""  # this edition's working folder, with processed/ and analysis/ ("": build/lab/<as_of>/)
previous_edition: str = ""  # folder of the previous edition, "" when there is none ("" in Lab: working.toml's)

# %% tags=["remove-cell"]
import datetime as dt
from pathlib import Path

from helpers import paths
from helpers.analysis import run
from helpers.analysis import tables as analysis_tables
from helpers.data import geo, processed, stamps
from helpers.lab import working
from helpers.publish import editions
from helpers.views import briefing, captions, changes_md, charts, chart_renderer, downloads, judgements_md
from helpers.views.markdown import show_md, show_title_block

as_of, data_dir, out_dir, previous_edition = working.parameters(as_of, data_dir, out_dir, previous_edition)
# A Markdown cell shows in every edition, back-dated ones too: prose for one edition goes in a code cell,
# helpers.views.markdown.show_note("YYYY-MM-DD", as_of, "..."); key judgements in data/judgements/<date>.md.
chart_renderer.enable()
# Notebooks 01 and 02 must have run, in that order, for this date.
tables = processed.read_processed(Path(out_dir) / "processed", as_of=as_of)
stamps.check(Path(out_dir) / "analysis", as_of, made_from=Path(out_dir) / "processed")
results, summary = run.read_analysis(Path(out_dir) / "analysis")
standing = results["commitments"]

# %%
show_title_block(briefing.title_block_fields(as_of, f"{dt.date.today():%Y-%m-%d}", summary))
show_md(briefing.title_block(as_of, summary))
show_md(briefing.edition_note(editions.read_edition_info(Path(out_dir))))

# %% [markdown]
# ## Bottom line

# %% tags=["remove-cell"]
# The analyst's key judgements for this edition (data/judgements/, the latest file dated on or before it),
# checked against the edition's claims and findings. Run in JupyterLab, this shows the check results and
# the claims not yet reviewed; a failed check stops here, and so stops the build.
from helpers.analysis import judgements

judged = judgements.for_edition(Path(data_dir), as_of, tables, summary)
show_md(judgements_md.checks_md(judged))
judged.raise_for_problems()

# %%
show_md(briefing.staleness_md(summary))
show_md(judgements_md.bottom_line_md(judged, summary["staleness"]["threshold_days"]) if judged.file else briefing.bottom_line(summary, results["conditions_summary"]))

# %% [markdown]
# ## What changed since the previous edition

# %%
show_md(changes_md.changes_md(summary["changes"]))

# %% [markdown]
# ## What to watch

# %%
show_md(briefing.watch_md(summary, results["conditions_summary"]))

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
# Where each actor stands on each kind of contribution, and on whose word. An actor's own word comes
# first; otherwise an offer stands until a report says it was withdrawn, and later, weaker mentions by
# others are shown as what they are. The reports' descriptions of countries they do not name are kept
# together and counted once.

# %%
show_md(briefing.commitments_md(standing, summary))

# %%
states = analysis_tables.map_states(standing, tables["actors"], geo.shape_ids())
charts.map_chart(states, geo.world_countries(), captions.map_(summary, states))

# %%
charts.commitments_chart(standing, tables["stages"], captions.commitments(summary, standing))

# %%
charts.figures_chart(results["stated_figures"], captions.figures(summary, results["stated_figures"]))

# %% [markdown]
# ## Conditions and limits
#
# What the would-be contributors say must happen before they take part (conditions, which can be met),
# and where and how they would serve (limits on the mission, which are never "met").

# %%
show_md(briefing.conditions_md(results["conditions_summary"], summary))

# %%
show_md(briefing.conditions_table_md(results["conditions_matrix"]))

# %% [markdown]
# ## The plan as reported
#
# What the reports say the force is meant to do and the form it would take, credited as each report
# credits it. These describe the plan; they are not events.

# %%
show_md(briefing.plan_md(results["plan"]))

# %% [markdown]
# ## Positions and frictions
#
# Every stance the reports record, by issue, and where stances split.

# %%
show_md(briefing.positions_md(tables["positions"]))

# %%
charts.positions_chart(results["position_cells"], captions.positions(results["position_cells"]))

# %% [markdown]
# ## The security picture
#
# The ceasefire and the violence on the ground that the reports record.

# %%
show_md(briefing.security_md(summary))

# %% [markdown]
# ## Chronology
#
# What happened, by when it happened (as precisely as the report says), with who and the source.

# %%
show_md(briefing.chronology_md(results["chronology"]))

# %% [markdown]
# ## Where sources disagree or a stance changed
#
# All dated claims are kept; none is treated as the truth. Tensions are claims that pull against each
# other without contradicting outright; each is shown with the reports' own words.

# %%
show_md(briefing.disagreements_md(results["disagreements"]))

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
# from the report, and whose word it is: the actor's own, a third party's, or the outlet's.
# Contradictory claims are kept side by side. Numbers keep their vagueness: "some …" or
# "about …" is approximate, "up to …" has no lower bound, and a number the report gives only in words
# is printed in those words: one with no number at all ("several") is never drawn,
# one that implies a number ("about two dozen") is drawn as an approximate point. Descriptions of
# countries the reports do not name are never turned into a number of countries. The codebook (linked
# under "Data, citation and licence") has every field, code and rule.

# %%
show_md(briefing.quotes_note(editions.read_edition_info(Path(out_dir))))

# %% [markdown]
# ### How the briefing reads where an actor stands
#
# An actor's own word comes first: its latest statement, on the record or through its own officials,
# supersedes earlier reports about it by others, even when it says less; those reports stay as its
# history. Otherwise the strongest claim stands: a later report that only names a country among likely
# contributors does not undo an offer another report described; only a report that the offer was
# withdrawn or declined does. "Will only if …" is willingness on conditions, never a refusal.
# Conditions (a mandate, a parliament's approval, an end to fighting) can be met or lapse, and the
# briefing says which; limits on the mission (where the troops would go, what they would do) are shown
# as limits. Staff who organise or support the force from outside it are shown apart and never counted
# as contributors. Overlapping descriptions of unnamed countries are counted once, and what the reports
# say of them is said of them in general. Where reports give different figures for the same thing, each
# report's figure is shown, not a range. Figures carry the number of independent origins behind them:
# a report that relays another outlet and that outlet are one origin. Descriptions of the plan are kept
# apart from events, undated. When the newest report is more than a set number of days older than the
# edition, the dates under the title and the top of the bottom line say so.
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
# ### Whose word
#
# Whose word each claim is, as the report presents it:

# %%
show_md(briefing.reference_list_md(tables["voices"]))

# %% [markdown]
# ### Likelihood
#
# The key judgements say how likely each is in one fixed scale of words, the US intelligence community's
# (ICD 203). Each word stands for a range of chance:

# %%
show_md(judgements_md.scale_md())

# %% [markdown]
# ### What the data cannot tell
#
# The reports relay each other (see Sources), so one underlying claim can appear twice.
# Many figures rest on anonymous officials; each claim's confidence is in the data. The briefing reports
# what was reported; it does not judge which report is right.

# %% [markdown]
# ## Data, citation and licence

# %%
show_md(downloads.downloads_md(tables["claims"], paths.CODEBOOK.read_text(encoding="utf-8"), summary, as_of))
