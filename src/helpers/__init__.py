"""Helpers for the ISF briefing, in stage folders that follow the data through the pipeline:

    data/curated, data/reference ──▶ data/      read (schema), validate, clean ──▶ processed/ tables
                                     analysis/  standings, findings, what changed ──▶ analysis/ tables
                                     views/     text, tables, captions, charts (Markdown and Vega-Lite)
                                     publish/   run the notebooks, render HTML and PDF, editions, site

A stage imports only the stages before it (and the base modules ``paths``, ``fmt`` and ``files``, which
import no stage); ``tests/test_layout.py`` holds the code to that. ``lab/`` (the notebooks' working
parameters and clean saves) and ``cli`` (the command line) sit on top and may import any stage.
docs/ARCHITECTURE.md says where a new rule, view or output goes.
"""
