"""Fixtures shared by test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.build import BuildConfig, build

# After every report, so the briefing holds all of them (the tests of it state invariants, not contents).
AS_OF = "2025-12-20"


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The briefing built once per test session from the curated data and published, as readers get it.

    Returns:
        The reports folder: ``briefing.html``, ``briefing.pdf`` and ``editions/<AS_OF>/`` (the draft,
        frozen by publishing it into ``site/`` beside the reports folder).
    """
    from helpers.site import publish_site

    root = tmp_path_factory.mktemp("briefing")
    build(BuildConfig(as_of=AS_OF, reports_dir=root / "reports", build_dir=root / "build"))
    publish_site(root / "reports", root / "site", first_run=True, base_url="https://example.org/isf/")
    return root / "reports"
