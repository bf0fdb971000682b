"""Quarto post-render step: take the CDN script tags Quarto adds out of the rendered HTML pages,
and give table scroll regions the keyboard access and labels the pandoc page has.

Whenever a cell output carries text/html (our charts do), Quarto's HTML writer puts require.js and
jQuery <script src="https://..."> tags, and a `define('jquery', ...)` shim, in the page head
(quarto-cli src/core/jupyter/widgets.ts). The briefing needs neither, and offline the page would
keep two external requests (and the shim would throw "define is not defined").

Quarto runs this from the project folder with the rendered files' paths, relative to it, one per
line in QUARTO_PROJECT_OUTPUT_FILES (or in the file QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES
names, when set). Quarto runs it with QUARTO_PYTHON, which helpers.publish.render sets to the build's own
interpreter, so `helpers` imports; run with another Python the script still strips the CDN tags.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

# <script ... src="http(s)://..." ...></script>, and Quarto's inline shim that needs require.js.
EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>\s*", re.IGNORECASE)
JQUERY_SHIM = re.compile(r"<script\b[^>]*>\s*define\(\s*'jquery'.*?</script>\s*", re.IGNORECASE | re.DOTALL)
# An <h2> (e.g. a margin "Contents" or "Other Formats" title) and the page's first <h1>.
H2 = re.compile(r"<h2\b(?P<attrs>[^>]*)>(?P<body>.*?)</h2>", re.IGNORECASE | re.DOTALL)
FIRST_H1 = re.compile(r"<h1\b", re.IGNORECASE)


def strip_cdn_scripts(html: str) -> str:
    """Return the page without external script tags or the jQuery AMD shim.

    Args:
        html: a rendered HTML page.

    Returns:
        The same page minus those tags.
    """
    return JQUERY_SHIM.sub("", EXTERNAL_SCRIPT.sub("", html))


def no_headings_before_title(html: str) -> str:
    """Return the page with any <h2> placed before the <h1> turned into a plain labelled <p>.

    With the TOC in a margin, Quarto writes its "Contents" and "Other Formats" titles as h2 elements
    before the title's h1, so screen-reader heading lists start below the title. ``toc-location: body``
    in _quarto.yml avoids it; this keeps the order right if a layout puts them there anyway.

    Args:
        html: a rendered page.

    Returns:
        The page; unchanged when no h2 comes before the first h1.
    """
    title = FIRST_H1.search(html)
    if title is None:
        return html
    head = H2.sub(lambda m: f'<p{m["attrs"]}>{m["body"]}</p>', html[: title.start()])
    return head + html[title.start() :]


def accessible_tables(html: str) -> str:
    """Return the page with its tables in labelled, keyboard-focusable scroll regions.

    The accessibility module (``helpers.views.html_a11y.make_tables_accessible``) does the same for the
    pandoc page; when ``helpers`` cannot be imported (another Python), the page is left as it is.

    Args:
        html: a rendered page.

    Returns:
        The page, its tables wrapped when the helper is available.
    """
    try:
        from helpers.views.html_a11y import make_tables_accessible
    except ImportError:
        print("post-render: helpers.views.html_a11y not importable; table scroll regions left as Quarto wrote them", file=sys.stderr)
        return html
    return make_tables_accessible(html)


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
    """Clean every rendered HTML page (CDN scripts, heading order, tables); report each page changed.

    Returns:
        The exit status (0).
    """
    for path in output_files():
        if path.suffix.lower() != ".html" or not path.is_file():
            continue
        page = path.read_text(encoding="utf-8")
        cleaned = accessible_tables(no_headings_before_title(strip_cdn_scripts(page)))
        if cleaned != page:
            path.write_text(cleaned, encoding="utf-8")
            print(f"post-render: cleaned {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
