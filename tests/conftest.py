"""Fixtures and markers shared by test modules.

Markers:
- ``needs(*tools)``: the test needs these tools (tests/needs.py): a missing one skips it with a reason,
  or fails it under CI=true when CI installs the tool.
- ``live_data``: the test reads the curated data (data/, the reports, or the briefing built from them). These
  state invariants only, so they pass on any correct data; tests/test_live_data_copy.py runs them again on
  a copy of the data with a sixth report added.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from needs import need

from helpers import paths
from helpers.publish.build import build
from helpers.publish.config import BuildConfig


def after_newest_report(data_dir: Path = paths.DATA_DIR) -> str:
    """The day after the newest report's latest possible publication date (never after today).

    An edition of that date holds every report in the data, whatever reports a curator adds.

    Args:
        data_dir: the data folder (its curated/sources.csv is read as written, with the csv module).

    Returns:
        An ISO date, YYYY-MM-DD.
    """
    with (data_dir / "curated" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        dates = [max(r["published"], r["published_latest"] or r["published"]) for r in csv.DictReader(fh)]
    newest = dt.date.fromisoformat(max(dates))
    return min(newest + dt.timedelta(days=1), dt.date.today()).isoformat()


# The end-to-end tests' edition: after every report, so the briefing holds all of them.
AS_OF = after_newest_report()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(*tools): tools the test needs (tests/needs.py); missing: skip, or fail under CI=true")
    config.addinivalue_line("markers", "live_data: reads the curated data; states invariants only (rerun on a copy with a sixth report)")


def pytest_report_header(config: pytest.Config) -> str:
    """Say which data the live-data tests read (tests/test_live_data_copy.py checks it)."""
    with (paths.CURATED_DIR / "sources.csv").open(encoding="utf-8", newline="") as fh:
        dates = sorted(r["published"] for r in csv.DictReader(fh))
    return (f"live data: {paths.DATA_DIR} ({len(dates)} reports, newest {dates[-1] if dates else 'none'}); "
            f"reports: {paths.SOURCES_DIR}; end-to-end edition: {AS_OF}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("needs"):
        need(*mark.args)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The briefing built once per test session from the curated data and published, as readers get it.

    Returns:
        The reports folder: ``briefing.html``, ``briefing.pdf`` and ``editions/<AS_OF>/`` (the draft,
        frozen by publishing it into ``site/`` beside the reports folder).
    """
    from helpers.publish.site import publish_site

    root = tmp_path_factory.mktemp("briefing")
    build(BuildConfig(as_of=AS_OF, reports_dir=root / "reports", build_dir=root / "build"))
    publish_site(root / "reports", root / "site", first_run=True, base_url="https://example.org/isf/")
    return root / "reports"
