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
# # 01 · Clean and validate the curated data
#
# Checks `data/` against its schema and cross-table rules (every quote against its source report), then
# writes the typed, labelled tables of one edition: only claims reported on or before `as_of` count.

# %% tags=["parameters"]
# In JupyterLab leave these as they are: the next cell takes the date from notebooks/working.toml.
as_of: str = ""  # edition date, YYYY-MM-DD: claims reported after it are left out ("": working.toml's)
data_dir: str = "../data"  # folder holding datapackage.yaml, curated/ and reference/
out_dir: str = ""  # this edition's working folder, processed/ is written here ("": build/lab/<as_of>/)
previous_edition: str = ""  # folder of the previous edition, "" when there is none (unused here)

# %%
from pathlib import Path

from helpers import paths
from helpers.data import clean, datapackage, processed, stamps, validate
from helpers.lab import working
from helpers.publish import editions
from helpers.views import overview
from helpers.views.markdown import show_md

as_of, data_dir, out_dir, previous_edition = working.parameters(as_of, data_dir, out_dir, previous_edition)

# %% [markdown]
# ## Load inputs
# Validation stops the pipeline with one line per problem (file, row, field, expected value).

# %%
# A build checks the data once, before any kernel starts (edition.json says so); run by hand, this cell does.
checked_by_build = bool(editions.read_edition_info(Path(out_dir)).get("validated"))
quotes_dir = paths.SOURCES_DIR if paths.SOURCES_DIR.is_dir() else None
if not checked_by_build:
    if quotes_dir is None:
        print(f"quotes not checked: no source texts in {paths.SOURCES_DIR}")
    validate.check_data(Path(data_dir), quotes_dir)
tables = clean.build_processed(Path(data_dir), as_of)

# %% [markdown]
# ## Check the processed tables

# %%
claims = tables["claims"]
assert not claims["claim_id"].duplicated().any(), "Duplicate claim ids across tables."
assert (claims["reported_date"] <= as_of).all(), "A claim reported after as_of slipped through."
assert claims["actor_id"].fillna("").isin({*tables["actors"]["actor_id"], ""}).all(), "A claim cites an unknown actor."
# NOTE: every claim's source must be in this edition's sources, or a citation would dangle.
assert set(claims["source_id"]) <= set(tables["sources"]["source_id"]), "A claim cites a source published after as_of."

# %% [markdown]
# ## Save outputs

# %%
written = processed.write_processed(tables, Path(out_dir) / "processed")
stamps.stamp(Path(out_dir) / "processed", as_of)  # notebooks 02 and 03 read only tables made for their date

# %% [markdown]
# ## Check: what this edition holds
# Each curated table's rows, those reported by the edition date, and those left out as reported later.

# %%
show_md(overview.validation_md(datapackage.row_counts(Path(data_dir)), tables, as_of, checked_by_build, quotes_dir))
