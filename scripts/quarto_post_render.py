"""Quarto post-render step: take the CDN script tags Quarto adds out of the rendered HTML pages.

Whenever a cell output carries text/html (our charts do), Quarto's HTML writer puts require.js and
jQuery <script src="https://..."> tags, and a `define('jquery', ...)` shim, in the page head
(quarto-cli src/core/jupyter/widgets.ts). The briefing needs neither, and offline the page would
keep two external requests (and the shim would throw "define is not defined").

Quarto runs this from the project folder with the rendered files' paths, relative to it, one per
line in QUARTO_PROJECT_OUTPUT_FILES (or in the file QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES
names, when set). Standard library only: Quarto runs it with whatever `python` is on PATH.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

# <script ... src="http(s)://..." ...></script>, and Quarto's inline shim that needs require.js.
EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>\s*", re.IGNORECASE)
JQUERY_SHIM = re.compile(r"<script\b[^>]*>\s*define\(\s*'jquery'.*?</script>\s*", re.IGNORECASE | re.DOTALL)


def strip_cdn_scripts(html: str) -> str:
    """Return the page without external script tags or the jQuery AMD shim.

    Args:
        html: a rendered HTML page.

    Returns:
        The same page minus those tags.
    """
    return JQUERY_SHIM.sub("", EXTERNAL_SCRIPT.sub("", html))


def output_files() -> list[Path]:
    """Return the files Quarto just rendered, from the environment it sets for post-render scripts.

    Returns:
        Paths relative to the project folder (the working directory).
    """
    listing = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
    listing_file = os.environ.get("QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES")
    if listing_file:
        listing = Path(listing_file).read_text(encoding="utf-8")
    return [Path(line) for line in listing.splitlines() if line.strip()]


def main() -> int:
    """Strip CDN scripts from every rendered HTML page; report each page changed.

    Returns:
        The exit status (0).
    """
    for path in output_files():
        if path.suffix.lower() != ".html" or not path.is_file():
            continue
        page = path.read_text(encoding="utf-8")
        cleaned = strip_cdn_scripts(page)
        if cleaned != page:
            path.write_text(cleaned, encoding="utf-8")
            print(f"post-render: removed CDN script tags from {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
