"""What a test needs from the machine, and what happens when it is missing.

``need("chromium")`` at the top of a test (or ``@pytest.mark.needs("chromium")``, read by conftest.py)
skips the test with a reason that says how to install the tool. Under ``CI=true`` a missing tool that
CI provides (.ci/run installs chromium, poppler-utils and axe-core; dev.py installs the Python extras;
the reports sit beside the clone) fails the test instead: a skip there would hide a broken set-up.
Quarto cannot be installed in CI (../shared/STACK.md), so its tests keep skipping with a reason even
under ``CI=true``.

The project's own modules are imported, never import-skipped: an import error is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import paths

CHROMIUM = Path("/usr/bin/chromium")
# axe-core as npm installs it from tests/axe/package.json (pinned there and in its lock file).
AXE_JS = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class Tool:
    """Something a test needs: how to tell it is there, how to get it, and whether CI provides it."""

    what: str
    present: Callable[[], bool]
    install: str
    in_ci: bool


def _missing_fonts() -> list[str]:
    from helpers.views import fonts

    return fonts.missing_fonts()


def _module(name: str) -> Callable[[], bool]:
    return lambda: importlib.util.find_spec(name) is not None


TOOLS: dict[str, Tool] = {
    "chromium": Tool(f"chromium at {CHROMIUM}", CHROMIUM.exists, "apt-get install -y chromium", in_ci=True),
    "playwright": Tool("playwright (Python)", _module("playwright"), 'pip install -e ".[test]" (python3 dev.py test does)', in_ci=True),
    "axe-core": Tool(f"axe-core at {AXE_JS}", AXE_JS.is_file, "npm ci --prefix tests/axe --no-audit --no-fund", in_ci=True),
    "pdftotext": Tool("pdftotext", lambda: shutil.which("pdftotext") is not None, "apt-get install -y poppler-utils", in_ci=True),
    "jupyter_server": Tool("jupyter server", lambda: all(importlib.util.find_spec(m) for m in ("jupyter_server", "websocket")),
                           'pip install -e ".[lab]" (python3 dev.py test does)', in_ci=True),
    "fonts": Tool("the PDF's fonts (src/helpers/assets/styles.typ lists them)", lambda: not _missing_fonts(),
                  "apt-get install -y fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji", in_ci=True),
    "reports": Tool(f"the source reports at {paths.SOURCES_DIR}", paths.SOURCES_DIR.is_dir,
                    "clone with ../shared beside the repo, or set ISF_SOURCES_DIR", in_ci=True),
    "git": Tool("git", lambda: shutil.which("git") is not None, "apt-get install -y git", in_ci=True),
    "quarto": Tool("quarto", lambda: shutil.which("quarto") is not None,
                   "conda install -c conda-forge quarto, or pip install quarto-cli (not installable in CI)", in_ci=False),
}


def on_ci() -> bool:
    """True when the CI environment variable says so (GitHub Actions and .ci/run set CI=true)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def need(*names: str) -> None:
    """Skip the calling test, with the reason, when a tool is missing; under CI=true fail for tools CI provides.

    Args:
        names: keys of :data:`TOOLS`.

    Raises:
        KeyError: an unknown tool name (a typo must not turn into a skip).
    """
    for name in names:
        tool = TOOLS[name]
        if tool.present():
            continue
        reason = f"{tool.what} not found: {tool.install}"
        if tool.in_ci and on_ci():
            pytest.fail(f"CI=true and {reason}. CI installs it, so this test must run, not skip.", pytrace=False)
        # reported at the test's own line, not this helper's (the private flag skip markers use)
        raise pytest.skip.Exception(reason, _use_item_location=True)
