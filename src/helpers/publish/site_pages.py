"""The site's pages: the editions page (dates, what changed, links, revisions) and the front page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from helpers import fmt
from helpers.analysis.findings import staleness
from helpers.publish.site_editions import (
    DATA_ZIP, EDITIONS_PAGE, FEED_NAME, FRONT_PAGE, HTML_NAME, MANIFEST_NAME, PDF_NAME, SITE_TITLE, SiteEdition, cited,
)

# Relative links inside a briefing (a data download, an image file) must still work from the front
# page; only plain paths are rewritten (not anchors, schemes, or script text such as `${...}`).
_RELATIVE_ATTR = re.compile(r'(\s(?:href|src)=")([A-Za-z0-9_][A-Za-z0-9_./\-]*)(")')


_BODY_OPEN = re.compile(r"<body[^>]*>", re.IGNORECASE)


_HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)



def information_text(edition: SiteEdition) -> str:
    """The date an edition's information is current to, as readers see it.

    Args:
        edition: an edition.

    Returns:
        The analysis's own label when recorded (it keeps the date's precision, e.g. "c. 15 Nov 2025"),
        else the long form of the bare date, else "".
    """
    return edition.information_label or fmt.dated_text(edition.information_date)


def stale_text(edition: SiteEdition) -> str:
    """ "The newest report is 357 days older than this edition: later events are not covered." past the
    briefing's staleness threshold (``analysis.findings.staleness``), else ""."""
    if not edition.information_date:
        return ""
    old = staleness({"date": edition.information_date, "label": information_text(edition)}, edition.as_of)
    return (f"The newest report is {old['age_days']} days older than this edition: later events are not covered."
            if old["stale"] else "")


def back_dated_text(edition: SiteEdition) -> str:
    """ "Built on 5 December 2026, after its date: a back-dated edition, …" for an original edition built after
    its date (a revision says why it was built instead), else ""."""
    if edition.revision or not fmt.back_dated_note(edition.as_of, edition.built_at):
        return ""
    return (f"Built on {fmt.dated_text(edition.built_at)}, after its date: a back-dated edition, holding only the reports it "
            "could have had on its date.")


def no_changes_text(edition: SiteEdition) -> str:
    """What the page and feed say for an edition with no headline changes.

    Args:
        edition: an edition whose headline is empty.

    Returns:
        One sentence.
    """
    if edition.has_previous is False:
        return "No previous edition to compare with."
    return "No list of changes was recorded for this edition."


def edition_label(edition: SiteEdition) -> str:
    """The edition's name for readers: "20 November 2025", or "... (revision 2)".

    Args:
        edition: an edition.

    Returns:
        The label.
    """
    label = fmt.dated_text(edition.as_of)
    return f"{label} (revision {edition.revision})" if edition.revision else label


def _superseded(editions: Sequence[SiteEdition]) -> set[str]:
    """Folders replaced by a later revision of the same date.

    Args:
        editions: newest first.

    Returns:
        Every folder that is not the newest of its as_of.
    """
    seen: set[str] = set()
    old: set[str] = set()
    for edition in editions:
        if edition.as_of in seen:
            old.add(edition.folder)
        seen.add(edition.as_of)
    return old


_PAGE_CSS = """
:root { --ink: #1d232b; --muted: #4f5965; --accent: #12355b; --rule: #d8dde3; }
html { font-size: 17px; }
body { margin: 0 auto; max-width: 46rem; padding: 1.5rem; color: var(--ink); background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, "DejaVu Sans", sans-serif; line-height: 1.55; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 0 0 .3rem; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.lede { color: var(--muted); }
ol.editions { list-style: none; padding: 0; margin: 0; }
ol.editions > li { border-top: 1px solid var(--rule); padding: 1rem 0; }
.dates { margin: 0 0 .4rem; color: var(--muted); font-size: .92rem; }
.links { margin: .4rem 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
.revised { margin: .3rem 0; font-size: .92rem; }
.superseded h2 { color: var(--muted); }
"""


def _edition_item(edition: SiteEdition, superseded: bool, newest_folder: str) -> str:
    """One <li> of the editions page.

    Args:
        edition: the edition.
        superseded: a later revision of the same date exists.
        newest_folder: the folder of the newest edition on the site.

    Returns:
        The HTML of the list item.
    """
    esc = html.escape
    base = f"editions/{esc(edition.folder)}"
    info = information_text(edition) or "not recorded"
    lines = [f'<li class="{"superseded" if superseded else "current"}" id="edition-{esc(edition.folder)}">']
    lines.append(f"<h2>{esc(edition_label(edition))}</h2>")
    lines.append(
        f'<p class="dates">Edition date: <time datetime="{esc(edition.as_of)}">{esc(fmt.dated_text(edition.as_of))}</time>'
        f" · Information current to: {esc(info)}"
        + (" · latest edition" if edition.folder == newest_folder else "")
        + "</p>"
    )
    if stale_text(edition):
        lines.append(f'<p class="revised">{esc(stale_text(edition))}</p>')
    if back_dated_text(edition):
        lines.append(f'<p class="revised">{esc(back_dated_text(edition))}</p>')
    if edition.revision:
        note = f": {esc(edition.revision_note)}" if edition.revision_note else ""
        lines.append(f'<p class="revised">Revision {edition.revision} of the {esc(fmt.dated_text(edition.as_of))} edition{note}.</p>')
    if superseded:
        lines.append('<p class="revised">Superseded by a later revision of this date (kept as published).</p>')
    if edition.headline_items:
        lines.append("<p>What changed since the previous edition:</p><ul>")
        lines += [f"<li>{cited(item, base + '/')}</li>" for item in edition.headline_items]
        lines.append("</ul>")
    elif edition.headline:
        lines.append("<p>What changed since the previous edition:</p><ul>")
        lines += [f"<li>{esc(item)}</li>" for item in edition.headline]
        lines.append("</ul>")
    else:
        lines.append(f'<p class="dates">{esc(no_changes_text(edition))}</p>')
    label = esc(edition_label(edition))
    # Screen readers list links out of context: each link's name starts with its visible text and
    # names its edition.
    links = (
        (HTML_NAME, "Briefing (HTML)"), (PDF_NAME, "Briefing (PDF)"),
        (DATA_ZIP, "Data (CSV and JSON, zip)"), (MANIFEST_NAME, "Build record (JSON)"),
    )
    lines.append(f'<ul class="links" aria-label="Files of the {label} edition">')
    lines += [f'<li><a href="{base}/{name}" aria-label="{text}, {label}">{text}</a></li>' for name, text in links]
    lines.append("</ul>")
    lines.append("</li>")
    return "\n".join(lines)


def editions_page(editions: Sequence[SiteEdition], generated_at: str) -> str:
    """The editions page: one self-contained HTML page (inline CSS, no scripts, no external files).

    Args:
        editions: newest first.
        generated_at: ISO timestamp of this publish.

    Returns:
        The page's HTML.
    """
    old = _superseded(editions)
    newest = editions[0].folder if editions else ""
    items = "\n".join(_edition_item(e, e.folder in old, newest) for e in editions)
    count = len(editions)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(SITE_TITLE)}</title>
<link rel="alternate" type="application/atom+xml" title="Editions feed (Atom)" href="{FEED_NAME}">
<style>{_PAGE_CSS}</style>
</head>
<body>
<header>
<p><a href="{FRONT_PAGE}">Latest briefing</a> · <a href="{FEED_NAME}">Subscribe (Atom feed)</a></p>
<h1>{html.escape(SITE_TITLE)}</h1>
<p class="lede">{count} edition{"" if count == 1 else "s"}, newest first. Each edition is kept as it was
published; a corrected edition appears as a revision beside the original. Page generated
{html.escape(fmt.dated_text(generated_at))}.</p>
</header>
<main>
<ol class="editions" reversed>
{items}
</ol>
</main>
</body>
</html>
"""


def front_page(briefing_html: str, latest: SiteEdition) -> str:
    """The latest briefing as the site's front page, with a bar linking to the archive.

    Args:
        briefing_html: the latest edition's briefing.html.
        latest: that edition.

    Returns:
        The page: relative links re-pointed into editions/<folder>/, a feed link in the head and a
        navigation bar at the top of the body.
    """
    base = f"editions/{latest.folder}/"
    page = _RELATIVE_ATTR.sub(lambda m: m.group(1) + base + m.group(2) + m.group(3), briefing_html)
    feed_link = f'<link rel="alternate" type="application/atom+xml" title="Editions feed (Atom)" href="{FEED_NAME}">'
    page = _HEAD_CLOSE.sub(lambda m: feed_link + "\n" + m.group(0), page, count=1)
    bar = (
        '<nav class="isf-site-bar" aria-label="Archive" style="font:15px/1.4 system-ui,sans-serif;'
        'padding:.5rem 1rem;border-bottom:1px solid #d8dde3;background:#f4f6f8">'
        f'Edition of {html.escape(fmt.dated_text(latest.as_of))} · <a href="{EDITIONS_PAGE}">All editions</a>'
        f' · <a href="{base}{PDF_NAME}">PDF</a> · <a href="{FEED_NAME}">Atom feed</a></nav>'
    )
    match = _BODY_OPEN.search(page)
    if match is None:
        return bar + page
    return page[: match.end()] + bar + page[match.end():]
