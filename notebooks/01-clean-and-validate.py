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
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · Clean and validate the curated data
#
# Checks `data/` against its schema and cross-table rules (every quote against its source report), then
# writes the typed, labelled tables of one edition: only claims reported on or before `as_of` count.

# %% tags=["parameters"]
as_of: str = "2025-11-20"  # edition date, YYYY-MM-DD: claims reported after it are left out
data_dir: str = "../data"  # folder holding datapackage.yaml, curated/ and reference/
out_dir: str = "../build/notebook-defaults"  # this edition's working folder; processed/ is written here
previous_edition: str = ""  # folder of the previous edition, "" when there is none (unused here)

# %%
from pathlib import Path

from helpers import clean, editions, paths, validate

# %% [markdown]
# ## Load inputs
# Validation stops the pipeline with one line per problem (file, row, field, expected value).

# %%
# A build checks the data once, before any kernel starts (edition.json says so); run by hand, this cell does.
if not editions.read_edition_info(Path(out_dir)).get("validated"):
    if not paths.SOURCES_DIR.is_dir():
        print(f"quotes not checked: no source texts in {paths.SOURCES_DIR}")
    validate.check_data(Path(data_dir), paths.SOURCES_DIR if paths.SOURCES_DIR.is_dir() else None)
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
written = clean.write_processed(tables, Path(out_dir) / "processed")
counts = {name: len(tables[name]) for name in ("sources", "pledges", "conditions", "positions", "events", "figures", "open_questions", "claims")}
print(f"as of {as_of}: {counts}; wrote {len(written)} tables to {Path(out_dir) / 'processed'}")
