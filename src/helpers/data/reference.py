"""The code lists the rules rest on, read once from the project's ``data/reference`` through the schema reader.

A threshold of the analysis ("willing" from the stage "signalled willingness" up) or a tie-break (the
better-sourced claim) names a code; its rank comes from the reviewed reference table, never from a
number typed in code.
"""

from __future__ import annotations

from functools import cache

from helpers import paths
from helpers.data.datapackage import load_descriptor, read_table, resource


@cache
def _ranks(table: str, code: str) -> dict[str, float]:
    df = read_table(paths.DATA_DIR, resource(load_descriptor(paths.DATA_DIR), table)).dropna(subset=["rank"])
    return {str(c): float(r) for c, r in zip(df[code], df["rank"])}


def stage_rank(stage: str) -> float:
    """A stage's rank on the ladder (reference/stages.csv); KeyError for a stage off the ladder or unknown."""
    return _ranks("stages", "stage")[stage]


def confidence_ranks() -> dict[str, float]:
    """Confidence code -> rank, higher = better sourced (reference/confidence_levels.csv)."""
    return dict(_ranks("confidence_levels", "confidence"))
