"""The published briefing, built end to end from the curated data: HTML offline, PDF content, escaping."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import load_offline, require_chromium
from render_checks import external_refs, pdf_alt_texts, pdf_page_count, pdf_raster_images, pdf_text

from helpers import paths
from helpers.publish.build import build
from helpers.publish.config import BuildConfig
from helpers.data.validate import validate_data

from conftest import AS_OF

# The briefing built from the curated data: these tests state invariants (every figure the findings hold is
# printed, every citation resolves), never today's figures or names.
pytestmark = pytest.mark.live_data

SECTIONS = ["Bottom line", "What changed since the previous edition", "What to watch", "Key figures", "Who offers what",
            "Conditions and limits", "The plan as reported", "Positions and frictions", "The security picture", "Chronology",
            "Where sources disagree or a stance changed",
            "Open questions", "Sources", "Methodology and data notes", "Data, citation and licence"]
CHARTS = 5


def flatten(text: str) -> str:
    """PDF text on one line, with typst's hyphenation breaks (a soft or plain hyphen ending a line) joined up."""
    return re.sub(r"\s+", " ", re.sub(r"\xad\s*|-\n", "", text))


class Headings(HTMLParser):
    """Collects h1-h6 levels and texts, and chart alt texts."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: list[tuple[int, str]] = []
        self.alts: list[str] = []
        self._open: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._open = int(tag[1])
            self.levels.append((self._open, ""))
        a = dict(attrs)
        if a.get("role") == "img" and "aria-label" in a:
            self.alts.append(a["aria-label"] or "")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            level, text = self.levels[-1]
            self.levels[-1] = (level, text + data)

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._open = None


def key_figures(published: Path) -> dict:
    """The edition's findings (analysis/key_figures.json): what every view must print."""
    return json.loads((published / "editions" / AS_OF / "analysis" / "key_figures.json").read_text(encoding="utf-8"))


def headline_figures(found: dict) -> list[str]:
    """Each stated count of countries, territory share and largest troop figure, as the findings word them."""
    counts = [c["value"] for key in ("countries_approached", "countries_willing") for c in found[key]]
    shares = [f"{t['actor']} {t['share']}" for t in found["territory"]]
    largest = [label["label"] for label in found["largest_offer"]["labels"]] if found["largest_offer"] else []
    return [*counts, *shares, *largest]


def test_html_draws_every_chart_offline(published: Path) -> None:
    require_chromium()
    report = load_offline(published / "briefing.html")
    assert (report.charts_found, report.charts_drawn) == (CHARTS, CHARTS)
    assert report.console_errors == [] and report.external_requests == [] and report.dialogs == []
    shown = headline_figures(key_figures(published))
    assert shown and [f for f in shown if f not in report.text] == []


def test_html_is_self_contained(published: Path) -> None:
    html = (published / "briefing.html").read_text(encoding="utf-8")
    assert external_refs(html) == []
    assert not re.search(r"""(src|href)=["']?https?://""", html.split("</head>")[0])


def test_html_headings_in_order_and_every_chart_has_alt_text_and_data(published: Path) -> None:
    html = (published / "briefing.html").read_text(encoding="utf-8")
    parser = Headings()
    parser.feed(html)
    levels = [level for level, _ in parser.levels]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    h2 = [" ".join(text.split()) for level, text in parser.levels if level == 2 and text.strip() != "Contents"]
    assert h2 == SECTIONS
    assert len(parser.alts) == CHARTS and all(len(a) > 40 for a in parser.alts)
    assert html.count("Data behind this chart") == CHARTS


def test_pdf_has_every_section_the_key_figures_and_no_code(published: Path) -> None:
    pdf = published / "briefing.pdf"
    text = pdf_text(pdf)
    flat = flatten(text)
    for heading in SECTIONS:
        assert heading in flat, heading
    shown = headline_figures(key_figures(published))
    assert shown and [f for f in shown if f not in flat] == []
    for leak in ("alt.Chart", "import ", "show_md(", "```", "<div", "#set", "**"):
        assert leak not in text, leak
    assert pdf_page_count(pdf) >= 8
    assert pdf_raster_images(pdf) == 0  # charts are vector drawings
    assert len(pdf_alt_texts(pdf)) == CHARTS


def page_text(html: str) -> str:
    """The page's text on one line: tags dropped, entities and typographic quotes as they read."""
    import html as html_lib
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def chart_titles(html: str) -> list[str]:
    """The title of every chart on the page: the first line of each figure's caption."""
    import html as html_lib
    return [html_lib.unescape(m) for m in re.findall(r'<span class="isf-chart-title">(.*?)</span>', html, flags=re.S)]


def test_every_count_and_list_agrees_with_the_findings(published: Path) -> None:
    """Issue 9: the bottom line, key figures, chart titles and alt text, and the conditions section name the
    same actors and counts, and those are what the findings object (analysis/key_figures.json) holds."""
    findings = key_figures(published)
    html = (published / "briefing.html").read_text(encoding="utf-8")
    text = page_text(html)
    parser = Headings()
    parser.feed(html)
    alts = " ".join(parser.alts)
    offers = [o["name"] for o in findings["troop_offers"]]
    willing = [w["name"] for w in findings["contributors_willing"]]
    populations = findings["would_be"]
    info = findings["information_date"]["label"]
    assert offers and willing and info
    # contributors are named states; unnamed descriptions are counted once per population, never as states
    assert all(c["kind"] == "state" for c in findings["contributors_willing"] + findings["troop_offers"])
    # bottom line: the analyst's judgements (issue 18); the generated one is tested on fixtures (test_judgements.py)
    bottom = page_text(html.split('id="bottom-line"', 1)[1].split('id="what-changed-since-the-previous-edition"', 1)[0])
    assert "Key judgements by the analyst" in bottom
    # key figures
    assert f"Named states willing to contribute: {len(willing)} (" in text
    assert f"Named states offering troops: {len(offers)} (" in text
    for p in populations:
        assert f"the reports describe them {len(p['descriptions'])} ways, which may overlap, so they are counted once" in text or len(p["descriptions"]) == 1
    # chart titles and alt texts
    titles = " | ".join(chart_titles(html))
    assert f"{len(offers)} named states offer troops as of {info}: " in titles
    assert all(name in titles for name in offers[:3])  # a title names up to three, then "and N more"
    assert f"Named as offering troops: {len(offers)}: " in alts and f"Named as willing or offering: {len(willing)}: " in alts
    assert f"the reports name {len(willing)} as willing and {len(offers)} as offering troops" in titles
    # the conditions section counts the same named states, and never counts the unnamed descriptions
    assert f"Counts are of the {len(willing)} named states willing to contribute" in text
    assert " of 8" not in text
    # outside support is never counted among contributors
    outside = {o["name"] for o in findings["outside_support"]} - set(willing)
    assert outside and not outside & set(offers)
    # the information date is the newest report's, shown apart from the edition date
    assert f"Information current to {info}" in text


def test_the_bottom_line_is_the_analysts_judgements_in_short_sourced_sentences(published: Path) -> None:
    """Issue 18: three to six judgements, each with a likelihood word from the scale and source marks that link
    to the Sources entries; no sentence over 40 words once the marks are taken out; no claim ids or references."""
    from helpers.analysis.judgements import LIKELIHOOD, MAX_WORDS, SENTENCE_END

    html = (published / "briefing.html").read_text(encoding="utf-8")
    section = html.split('id="bottom-line"', 1)[1].split('id="what-to-watch"', 1)[0]
    items = re.findall(r"<li>(.*?)</li>", section, flags=re.S)
    assert 3 <= len(items) <= 6
    for item in items:
        marks = re.findall(r"<sup>(.*?)</sup>", item, flags=re.S)
        assert marks and all(re.search(r'href="#src-S\d+"', m) for m in marks), item
        text = page_text(re.sub(r"<sup>.*?</sup>", "", item, flags=re.S))
        assert LIKELIHOOD.search(text), text
        assert not re.search(r"\b[A-Z]{2}-\d{3}\b|\{\{", text), text
        for sentence in SENTENCE_END.split(text):
            assert len(sentence.split()) <= MAX_WORDS, sentence


def test_edition_is_published(published: Path) -> None:
    edition = published / "editions" / AS_OF
    assert (edition / "briefing.html").read_bytes() == (published / "briefing.html").read_bytes()
    assert (edition / "processed" / "pledges.csv").is_file()


HOSTILE_NAME = 'Testland <script>alert("name")</script> *bold* _it_ #h $x$ @ref'
HOSTILE_QUOTE = 'Testland said <img src=x onerror=alert("quote")> [link](http://evil) `code` #set page(fill: red) | end'
CLAIM_FILES = ("pledges", "conditions", "positions", "events", "figures", "open_questions")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def replace_cell(path: Path, column: str, old: str, new: str) -> None:
    """Rewrite one cell of a CSV file (through the csv module, so quoting stays right)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    hits = [r for r in rows if r[column] == old]
    assert len(hits) == 1, f"{old!r} not found once in {path.name}"
    hits[0][column] = new
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def shown_on_the_page(published: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A state the briefing names, and a pledge with no stated amount whose quote (its own alone) it prints.

    Chosen from whatever the data holds, so a curator's correction or a new report never breaks the test.
    """
    text = page_text((published / "briefing.html").read_text(encoding="utf-8"))
    curated = paths.CURATED_DIR
    state = next(a for a in read_rows(curated / "actors.csv") if a["kind"] == "state" and a["name"] in text)
    quotes = [r["quote"] for name in CLAIM_FILES for r in read_rows(curated / f"{name}.csv")]
    pledge = next(r for r in read_rows(curated / "pledges.csv")  # no stated amount: its words need not be in the new quote
                  if not r["amount_text"] and quotes.count(r["quote"]) == 1 and " ".join(r["quote"].split()) in text)
    return state, pledge


@pytest.mark.needs("reports")
def test_text_from_the_data_is_escaped(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_chromium()
    state, pledge = shown_on_the_page(published)
    report_file = next(s["file"] for s in read_rows(paths.CURATED_DIR / "sources.csv") if s["source_id"] == pledge["source_id"])
    sources = tmp_path / "sources"
    shutil.copytree(paths.SOURCES_DIR, sources)
    report = sources / report_file
    report.write_text(report.read_text(encoding="utf-8") + "\n" + HOSTILE_QUOTE + "\n", encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    replace_cell(data / "curated" / "sources.csv", "sha256", hashlib.sha256((paths.SOURCES_DIR / report_file).read_bytes()).hexdigest(),
                 hashlib.sha256(report.read_bytes()).hexdigest())  # the edited report's checksum, as a curator would record it
    replace_cell(data / "curated" / "actors.csv", "name", state["name"], HOSTILE_NAME)
    replace_cell(data / "curated" / "pledges.csv", "quote", pledge["quote"], HOSTILE_QUOTE)
    assert [str(p) for p in validate_data(data, sources)] == []

    monkeypatch.setenv("ISF_SOURCES_DIR", str(sources))  # the kernels read it
    reports = tmp_path / "reports"
    build(BuildConfig(as_of=AS_OF, data_dir=data, reports_dir=reports, build_dir=tmp_path / "build",
                      validator=lambda d: validate_data(d, sources)))

    page = load_offline(reports / "briefing.html")
    assert page.dialogs == [] and page.console_errors == []
    assert page.charts_drawn == CHARTS
    assert HOSTILE_NAME in page.text
    assert HOSTILE_QUOTE in page.text
    flat = flatten(pdf_text(reports / "briefing.pdf"))
    for piece in ('<script>alert("name")</script>', "*bold* _it_ #h $x$ @ref", '<img src=x onerror=alert("quote")>',
                  "[link](http://evil) `code` #set page(fill: red) | end"):
        assert piece in flat, piece


def test_a_new_direction_code_reaches_the_positions_text() -> None:
    import pandas as pd

    from helpers.views import briefing
    positions = pd.DataFrame([{"position_id": "PO-001", "topic_label": "UN mandate", "actor_name": "Egypt", "direction_label": "Abstains",
                               "summary": "Abstains on the vote", "source_id": "S003", "reported_label": "8 Nov 2025",
                               "reported_date": pd.Timestamp("2025-11-08"), "confidence": "on_record", "via_outlet": ""}])
    assert "| Abstains |" in briefing.positions_md(positions)


def test_edition_note_says_revised_and_unchecked_quotes() -> None:
    from helpers.views import briefing

    assert briefing.edition_note({}) == ""
    assert briefing.edition_note({"revision": 0, "quotes_checked": True}) == ""
    note = briefing.edition_note({"revision": 2, "as_of": "2025-11-20", "revision_note": "S004 re-dated", "quotes_checked": False})
    assert note.startswith("**Revised edition** (revision 2 of the edition of 20 Nov 2025): S004 re\\-dated.")
    assert "**Quotes not checked:**" in note


def shown_date(iso: str, precision: str) -> str:
    """How the chronology writes a date, spelled out here (not with helpers.fmt):
    5 Nov 2025 at "day" precision, "Nov 2025" (month), "week of 5 Nov 2025" (week), "c. 5 Nov 2025" (approximate)."""
    d = dt.date.fromisoformat(iso)
    day = f"{d.day} {d:%b %Y}"
    return {"day": day, "month": f"{d:%b %Y}", "week": f"week of {day}", "approximate": f"c. {day}"}[precision]


def test_shown_date_spells_out_each_precision() -> None:
    assert [shown_date("2025-11-05", p) for p in ("day", "month", "week", "approximate")] == [
        "5 Nov 2025", "Nov 2025", "week of 5 Nov 2025", "c. 5 Nov 2025"]


def test_chronology_lists_every_dated_event_with_date_and_source(published: Path) -> None:
    html = (published / "briefing.html").read_text(encoding="utf-8")
    section = page_text(html.split('id="chronology"', 1)[1].split('id="where-sources-disagree-or-a-stance-changed"', 1)[0])
    # the curated rows, as written; descriptions of the plan are not events: they have their own section
    plan = {t["event_type"] for t in read_rows(paths.REFERENCE_DIR / "event_types.csv") if t["plan"] == "true"}
    events = [e for e in read_rows(paths.CURATED_DIR / "events.csv") if e["reported_date"] <= AS_OF and e["event_type"] not in plan]
    assert events
    for e in events:
        row = f"{shown_date(e['event_date'], e['event_date_precision'])} {e['title']}"
        assert " ".join(row.split()) in section, row
        assert f"{e['source_id']}, reported" in section


def test_every_citation_links_to_an_entry_in_sources(published: Path) -> None:
    html = (published / "briefing.html").read_text(encoding="utf-8")
    targets = set(re.findall(r'href="#(src-S\d+)"', html))
    anchors = set(re.findall(r'id="(src-S\d+)"', html))
    assert targets and targets <= anchors
    sources = (published / "editions" / AS_OF / "processed" / "sources.csv").read_text(encoding="utf-8")
    assert {a.removeprefix("src-") for a in anchors} == set(re.findall(r"^(S\d+),", sources, flags=re.M))


def test_the_csv_download_holds_exactly_the_editions_claims(published: Path) -> None:
    import base64
    import csv as csv_lib
    import io

    html = (published / "briefing.html").read_text(encoding="utf-8")
    link = re.search(r'href="data:text/csv;base64,([A-Za-z0-9+/=]+)" download="isf-gaza-claims-' + AS_OF + r'\.csv"', html)
    assert link, "no CSV download on the page"
    rows = list(csv_lib.DictReader(io.StringIO(base64.b64decode(link.group(1)).decode("utf-8"))))
    with (published / "editions" / AS_OF / "processed" / "claims.csv").open(encoding="utf-8") as fh:
        claims = list(csv_lib.DictReader(fh))
    assert [r["claim_id"] for r in rows] == [c["claim_id"] for c in claims]
    assert all(r["quote"] and r["source_id"] for r in rows)
