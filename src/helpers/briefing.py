"""The briefing's sentences and tables, written from the analysis results.

Every function returns Markdown with every piece of data escaped (``escape_md``), so a quote or a name
holding ``<script>`` or Markdown/typst control characters prints literally. No number is typed here:
each comes from the summary or tables that ``helpers.analysis`` computed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers import fmt
from helpers.fmt import date_label
from helpers.markdown import escape_md as esc
from helpers.markdown import md_table

# Longest table or list the briefing prints; the rest is in the edition's processed/ and analysis/ files.
MAX_ROWS = 40
MAX_NAMES = 15


def _capped(df: pd.DataFrame, what: str, limit: int = MAX_ROWS) -> tuple[pd.DataFrame, str]:
    """The first ``limit`` rows, and a note saying how many more there are ('' when none)."""
    if len(df) <= limit:
        return df, ""
    return df.head(limit), f"\n\n*Showing the first {limit} of {len(df)} {what}; all are in the edition's data files.*"


def _capped_items(items: list[str], what: str, limit: int = MAX_ROWS) -> list[str]:
    """Bullet items, cut at ``limit`` with a last line saying how many were left out."""
    if len(items) <= limit:
        return items
    return [*items[:limit], f"- *… and {len(items) - limit} more {what}*"]


def _joined(parts: Any, limit: int = 8) -> str:
    """Items joined with "; ", the first ``limit`` only and "and N more" after them, so no list outgrows a sentence."""
    items = list(parts)
    more = f"; and {len(items) - limit} more" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


def ref(source_id: str) -> str:
    """An in-text citation that links to the source's entry under Sources: "[S001](#src-S001)".

    pandoc turns it into a link in the HTML page and in the PDF (typst labels); the id is data, so it
    is escaped like any other text.
    """
    return f"[{esc(source_id)}](#src-{source_id})" if source_id else ""


def refs(source_ids: str | list[str]) -> str:
    """Several citations: "S001, S003" as links (a "S001, S003" string or a list)."""
    ids = [s.strip() for s in source_ids.split(",")] if isinstance(source_ids, str) else list(source_ids)
    return ", ".join(ref(s) for s in dict.fromkeys(i for i in ids if i))


def _sourced(source_id: str, date_label: str, confidence: str = "", via: str = "") -> str:
    """ "(S001, c. 13 Dec 2025; anonymous officials, via The Wall Street Journal)": citation, date, sourcing."""
    how = f"; {esc(fmt.sourcing(confidence, via or ''))}" if confidence else ""
    return f"({ref(source_id)}, {esc(date_label)}{how})"


def _claims_phrase(claims: list[dict[str, Any]]) -> str:
    """ "19 countries (S001, c. 13 Dec 2025; anonymous officials, via The Wall Street Journal)" for each claim, joined."""
    return _joined(f"{esc(c['value'])} {_sourced(c['source_id'], c['reported_date'], c.get('confidence', ''), c.get('via') or '')}" for c in claims)


def _names(items: list[dict[str, str]] | list[str], limit: int = MAX_NAMES) -> str:
    names = [i["name"] if isinstance(i, dict) else i for i in items]
    return esc(fmt.names(names, limit)) or "none"


def title_block_fields(as_of: str, built_on: str, summary: dict[str, Any]) -> dict[str, str]:
    """The title block's dates: the information date (newest report) apart from the edition and build dates."""
    info = summary["information_date"]
    return {"kicker": "Analytical briefing", "information_date": info["date"], "information_label": info["label"],
            "as_of": as_of, "built_on": built_on}


def title_block(as_of: str, summary: dict[str, Any]) -> str:
    """The line under the title block's dates: what the edition is built from."""
    c = summary["counts"]
    if not c["sources"]:
        return f"No report is in yet for the edition of {esc(fmt.date_label(as_of))}: there is nothing to brief."
    return f"Built from {c['claims']} dated claims in {c['sources']} news reports; the newest is {ref(summary['information_date']['source_id'])}."


def edition_note(info: dict[str, Any]) -> str:
    """What readers must know about this edition itself: a revision, or quotes left unchecked ("" when neither).

    Args:
        info: ``helpers.editions.read_edition_info`` of the edition ({} for a notebook run by hand).
    """
    notes = []
    if info.get("revision"):
        why = f": {esc(info['revision_note'])}" if info.get("revision_note") else ""
        notes.append(f"**Revised edition** (revision {int(info['revision'])} of the edition of "
                     f"{esc(fmt.date_label(info.get('as_of', '')))}){why}. The earlier version stays in the archive.")
    if info and info.get("quotes_checked") is False:
        notes.append("**Quotes not checked:** this build could not read the source reports, so the quotes were not checked against them.")
    return " ".join(notes)


def quotes_note(info: dict[str, Any]) -> str:
    """The methodology's sentence on how this edition's quotes were checked ("" for a notebook run by hand).

    Args:
        info: ``helpers.editions.read_edition_info`` of the edition: ``quotes.how`` is "reports" (checked
            against the report texts at build time), "record" (the texts were absent; every quote matched
            the quote-verification record, verified against the reports on ``quotes.verified_on``) or "none".
    """
    if not info:
        return ""
    quotes = info.get("quotes") if isinstance(info.get("quotes"), dict) else {}
    how = quotes.get("how") or ("reports" if info.get("quotes_checked") else "none")
    if how == "reports":
        return "Every quote was checked against the text of its report when this edition was built."
    if how == "record" and quotes.get("verified_on"):
        return (f"Every quote was verified against the text of its report on {esc(fmt.date_label(quotes['verified_on']))}; "
                "this edition was built without the report texts, from the record of that check, and no quote has "
                "been added or changed since.")
    return "The quotes in this edition were not checked against the reports: the report texts were not available when it was built."


def bottom_line(summary: dict[str, Any], implications: pd.DataFrame) -> str:
    """Three to five numbered judgements, each sourced and computed from the findings."""
    items: list[str] = []
    offers = summary["troop_offers"]
    if not summary["counts"]["sources"]:
        return "No report is in yet."
    # 1. Who is in: the counts officials gave, against the states the reports name.
    asked, counted = summary["countries_approached"], summary["countries_willing"]
    lead = []
    if asked:
        lead.append(f"Washington has asked {esc(asked[0]['value'])} to contribute {_sourced(asked[0]['source_id'], asked[0]['reported_date'], asked[0]['confidence'], asked[0]['via'] or '')}")
    if counted:
        lead.append(f"{esc(counted[0]['value'])} are said to be willing {_sourced(counted[0]['source_id'], counted[0]['reported_date'], counted[0]['confidence'], counted[0]['via'] or '')}")
    named = (f"the reports name only {len(offers)} {'state' if len(offers) == 1 else 'states'} as offering troops: "
             + _joined(f"{esc(o['name'])} {_sourced(o['source_id'], o['reported_date'], o['confidence'], o['via'] or '')}"
                         + (f", but only if: {esc(o['conditions'])} ({refs(o['condition_sources'])})" if o["conditional"] and o["conditions"] else "")
                         for o in offers)
             if offers else "the reports name no state as offering troops")
    items.append(fmt.capitalise(("; ".join(lead) + ", but " if lead else "") + named + "."))
    # 2. Readiness and leadership.
    parts = []
    for n in summary["not_ready"]:
        parts.append(f"{esc(n['actor'])} is {esc(n['summary'][0].lower() + n['summary'][1:])} {_sourced(n['source_id'], n['reported_date'], n['confidence'])}")
    for l in summary["leaders"]:
        parts.append(f"{esc(l['name'])} is {esc(l['stage_label'].lower())} to lead the force {_sourced(l['source_id'], l['reported_date'], l['confidence'], l['via'] or '')}"
                     if l["stage"] != "mentioned" else
                     f"{esc(l['name'])} is named as expected to lead the force {_sourced(l['source_id'], l['reported_date'], l['confidence'], l['via'] or '')}")
    if parts:
        items.append(fmt.capitalise(_joined(parts, 4)) + ".")
    # 3. Vetoes and objections on who may serve.
    vetoes = [o for o in summary["opposed"] if o.get("target")]
    if vetoes:
        items.append(_joined(f"{esc(o['actor'])} on {esc(o['target'])}: {esc(o['summary'][0].lower() + o['summary'][1:])} "
                               f"{_sourced(o['source_id'], o['reported_date'], o['confidence'])}" for o in vetoes) + ".")
    # 4. What the force is meant to do, beside what contributors will accept: the reports leave the fit open.
    attaching = implications[implications["n_attaching"] > 0] if len(implications) else implications
    if len(summary["force_tasks"]) and len(attaching):
        tasks = "; ".join(f"{esc(x['title'])} ({ref(x['source_id'])})" for x in summary["force_tasks"][-3:])
        conds = _joined(f"{esc(r.condition_label)} ({refs(r.sources)})" for r in attaching.itertuples())
        open_q = [q for q in summary.get("open_on_tasks", [])]
        unsettled = (" Still open, as the reports put it: " + _joined(f"{esc(q['question'])} ({ref(q['source_id'])})" for q in open_q) + "."
                     if open_q else "")
        items.append(f"The force's tasks as reported ({tasks}) sit beside the limits willing contributors set ({conds}); "
                     f"the reports do not say how the two fit.{unsettled}")
    # 5. The UN track and the latest target.
    un = summary["un_track"]
    if un:
        last = un[-1]
        line = (f"On the UN track, the last step the reports give is from {esc(last['date'])}: {esc(last['title'])} "
                f"({ref(last['source_id'])})")
        if summary["target_dates"]:
            line += "; targets voiced: " + _joined(f"{esc(x['title'])} ({esc(x['date'])}; {ref(x['source_id'])})" for x in summary["target_dates"])
        items.append(line + ".")
    return "\n".join(f"{i}. {text}" for i, text in enumerate(items[:5], start=1))


def key_figures_md(summary: dict[str, Any]) -> str:
    """The key figures as a bullet list, each with its sources and how they are sourced."""
    lines = []
    if summary["countries_approached"]:
        lines.append(f"- **Countries approached by the US:** {_claims_phrase(summary['countries_approached'])}")
    if summary["countries_willing"]:
        lines.append(f"- **Countries willing to contribute, as each report counts them:** {_claims_phrase(summary['countries_willing'])}")
    if summary["countries_committed"]:
        lines.append(f"- **Countries formally committed:** {_claims_phrase(summary['countries_committed'])}")
    willing = summary["contributors_willing"]
    lines.append(f"- **States the reports name as willing contributors:** {len(willing)}"
                 + (" (" + _joined(f"{esc(w['name'])}: {esc(w['stage_label'].lower())}" + (", on conditions" if w["conditional"] else "") for w in willing) + ")" if willing else ""))
    groups = summary["groups_willing"]
    if groups:
        lines.append(f"- **Unnamed groups said to be willing:** {len(groups)} ({_names([g['name'] for g in groups])}); each is counted once, whatever its size")
    offer = summary["largest_offer"]
    if offer:
        wording = _joined(f"\u201c{esc(l['text'])}\u201d, as {ref(l['source_id'])} writes it ({esc(l['reported_date'])})" for l in offer["labels"])
        lines.append(f"- **Largest troop offer:** {esc(offer['actor'])}, {esc(offer['labels'][-1]['label'])} ({wording})")
    else:
        lines.append("- **Largest troop offer:** no contributor has put a number on its troops")
    outside = summary["outside_support"]
    if outside:
        parts = _joined(f"{esc(o['name'])}, {esc(o['contribution'].lower())}: "
                          + (f"the reports differ: {esc(o['reports'])}" if o["figures_differ"] else
                             f"{esc(o['stage_label'].lower())} {_sourced(o['source_id'], o['reported_date'], o['confidence'], o['via'] or '')}")
                          for o in outside)
        lines.append(f"- **Organising and supporting from outside the force (not contributors):** {parts}")
    if summary["territory"]:
        parts = _joined(f"{esc(t['actor'])} {esc(t['share'])} {_sourced(t['source_id'], t['reported_date'], t['confidence'], t['via'] or '')}"
                          for t in summary["territory"])
        lines.append(f"- **Share of Gaza each side controls:** {parts}")
    return "\n".join(lines)


def commitments_md(standing: pd.DataFrame) -> str:
    """Who offers what: one row per actor that has gone beyond being asked; the asked-only in one sentence."""
    if standing.empty:
        return "No pledge or request reported yet."
    rank = standing["rank"].fillna(99)  # off the ladder (not expected, withdrawn) is news too: keep it in the table
    # an actor that has gone beyond being asked on anything gets a row with every contribution it is named for
    gone_beyond = set(standing.loc[(rank >= 2) | standing["contribution_type"].eq("leadership"), "actor_id"])
    beyond = standing[standing["actor_id"].isin(gone_beyond)]
    rows = []
    for actor, g in beyond.groupby("actor_name", sort=False):
        parts = []
        for r in g.itertuples():
            if r.figures_differ:  # reports in tension: each one, not a range or a winner
                parts.append(f"{r.contribution_label}: reports differ: {r.reports}")
                continue
            cond = f"; only if: {r.condition_types} ({r.condition_sources})" if r.conditional and r.condition_types else ""
            fig = f", {r.figure}" if r.figure else ""
            since = f"; since then {r.since}" if r.since else ""
            parts.append(f"{r.contribution_label}: {r.stage_label.lower()}{fig} ({r.basis_source}, {r.basis_label}; "
                         f"{fmt.sourcing(r.basis_confidence, r.basis_via or '')}){cond}{since}")
        rows.append({"actor": actor, "what": " · ".join(parts), "where": fmt.names(sorted({x for x in g["locations"] if x})) or "—"})
    # each stage carries its own citation; no separate sources column, so the stages get the width
    shown, note = _capped(pd.DataFrame(rows), "actors, those furthest along")
    table = md_table(shown, columns=["actor", "what", "where"],
                     headers={"actor": "Actor", "what": "Where it stands, and on whose word", "where": "Where it would serve"}) + note
    rest = standing[~standing["actor_name"].isin(set(beyond["actor_name"]))]
    asked = rest[rest["stage"] == "approached"]
    mentioned = rest[(rest["stage"] == "mentioned") & ~rest["actor_name"].isin(set(asked["actor_name"]))]
    notes = []
    if len(asked):
        # "Saudi Arabia (funding)": the kind of contribution asked for, where the report names one
        kinds = asked.groupby("actor_name")["contribution_type"].agg(lambda s: sorted(set(s) - {"unspecified"}))
        labels = asked.drop_duplicates("contribution_type").set_index("contribution_type")["contribution_label"]
        who = [f"{a} ({', '.join(labels[k].lower() for k in ks)})" if ks else a for a, ks in kinds.items()]
        notes.append(f"Asked or in talks, no offer reported: {_names(who)} ({refs(fmt.cite(asked['basis_source']))}).")
    if len(mentioned):
        notes.append(f"Named by others as likely or candidate contributors only: {_names(sorted(mentioned['actor_name'].unique()))} ({refs(fmt.cite(mentioned['basis_source']))}).")
    return table + ("\n\n" + " ".join(notes) if notes else "")


def conditions_md(implications: pd.DataFrame) -> str:
    """What the conditions imply for the willing contributors (the same set the bottom line names)."""
    if implications.empty:
        return "No conditions reported yet."
    first = implications.iloc[0]
    lines = [f"The reports name {first['n_willing']} willing contributors to the force: {first['n_willing_states']} states and "
             f"{first['n_willing_groups']} unnamed groups of countries (a group's size is mostly not stated, so groups are counted as groups).", ""]
    for r in implications.itertuples():
        who = "; ".join(x for x in (r.named, r.groups) if x)
        status = f"; {esc(r.status.lower())}" if r.n_attaching and r.status else ""
        if r.n_attaching:
            lines.append(f"- **{esc(r.condition_label)}:** {r.n_attaching} of {r.n_willing} ({esc(who)}; {refs(r.sources)}{status})")
        else:
            lines.append(f"- **{esc(r.condition_label)}:** none of the {r.n_willing} so far")
    return "\n".join(lines)


def chronology_md(chronology: pd.DataFrame) -> str:
    """Every dated event, oldest first: date as precisely as reported, what happened, who, source."""
    if chronology.empty:
        return "No dated event reported yet."
    df = chronology.assign(src=chronology["source_id"] + ", reported " + chronology["reported_label"])
    shown, note = _capped(df, "events")
    return md_table(shown, columns=["date", "title", "who", "src"],
                    headers={"date": "When", "title": "What happened or was said", "who": "Who", "src": "Source"}) + note


def watch_md(summary: dict[str, Any], implications: pd.DataFrame) -> str:
    """What to watch: dated targets, the UN track's next step and the conditions still open."""
    items = []
    for t in summary["target_dates"]:
        items.append(f"- **Target:** {esc(t['title'])} ({esc(t['date'])}; {ref(t['source_id'])})")
    if summary["un_track"]:
        last = summary["un_track"][-1]
        mandate_open = len(implications) and ((implications["condition_type"] == "un_mandate") & (implications["n_attaching"] > 0)
                                              & ~implications["status"].str.contains("Met", na=False)).any()
        items.append(f"- **UN Security Council:** the reports' last word on the UN track is from {esc(last['date'])}: {esc(last['title'])} "
                     f"({ref(last['source_id'])})." + (" A mandate, if later reports give one, would meet the UN-mandate condition below."
                                                       if mandate_open else ""))
    open_conds = implications[(implications["n_attaching"] > 0)] if len(implications) else implications
    for r in open_conds.itertuples():
        items.append(f"- **{esc(r.condition_label)}:** {esc(r.status.lower() or 'not reported met')}; set by {esc('; '.join(x for x in (r.named, r.groups) if x))} ({refs(r.sources)})")
    return "\n".join(_capped_items(items, "items", limit=12)) if items else "Nothing dated to watch yet."


def conditions_table_md(matrix: pd.DataFrame) -> str:
    """Every condition attached, by whom, first reported when."""
    if matrix.empty:
        return "No condition reported yet."
    df = matrix.assign(first=matrix["first_label"].fillna(""), applies=matrix["applies_to"].str.replace("_", " "))
    df, note = _capped(df, "conditions")
    return md_table(df, columns=["actor_name", "condition_label", "applies", "first", "sources"],
                    headers={"actor_name": "Actor", "condition_label": "Condition", "applies": "Governs",
                             "first": "First reported", "sources": "Sources"}) + note


def positions_md(positions: pd.DataFrame) -> str:
    """Every reported stance, by issue: who, which way, in their words' summary, source, date and sourcing."""
    if positions.empty:
        return "No positions reported yet."
    df = positions.sort_values(["topic_label", "reported_date", "position_id"])
    df = df.assign(src=df["source_id"] + ", " + df["reported_label"],
                   how=[fmt.sourcing(c, v if isinstance(v, str) else "") for c, v in zip(df["confidence"], df["via_outlet"])])
    df, note = _capped(df, "positions")
    return md_table(df, columns=["topic_label", "actor_name", "direction_label", "summary", "src", "how"],
                    headers={"topic_label": "Issue", "actor_name": "Who", "direction_label": "Stance", "summary": "What they said",
                             "src": "Source", "how": "Sourced as"}) + note


def disagreements_md(disagreements: pd.DataFrame) -> str:
    """Each disagreement or change with its dated claims beneath it."""
    if disagreements.empty:
        return "No disagreements or changes of stance in the reports so far."
    shown, note = _capped(disagreements, "disagreements", limit=MAX_ROWS // 2)
    blocks = []
    for r in shown.itertuples():
        head = f"### {esc(r.kind + ': ' + ' — '.join(x for x in (r.actor_name, r.subject) if x))}"
        items = [f"- {esc(c)}: \u201c*{esc(q)}*\u201d" for c, q in zip(r.claims, r.quotes)]
        blocks.append(head + "\n\n" + "\n".join(_capped_items(items, "claims", limit=8)))
    return "\n\n".join(blocks) + note


def open_questions_md(questions: pd.DataFrame) -> str:
    """The open questions, each with what it rests on."""
    if questions.empty:
        return "None recorded."
    items = [f"- {esc(r.question)} ({esc(r.basis)}; {esc(r.sources)})" for r in questions.itertuples()]
    return "\n".join(_capped_items(items, "questions"))


def sources_md(sources: pd.DataFrame) -> str:
    """Every source as a numbered entry the in-text citations link to: id, outlet, date, headline, relays, dating."""
    if sources.empty:
        return "No report is in yet."
    items = []
    for r in sources.sort_values("source_id").itertuples():
        headline = f"“{esc(r.title)}”" if r.title else "no headline in the copy"
        relays = f" Relays: {esc(r.relays)}." if r.relays else ""
        dating = f" How it is dated: {esc(r.date_note)}" if r.date_precision != "day" and r.date_note else ""
        items.append(f"- [{esc(r.source_id)}]{{#src-{r.source_id}}}: {esc(r.outlet)}, {esc(date_label(r.published, r.date_precision))}; "
                     f"{headline}.{relays}{dating}")
    return "\n".join(items)


def source_caveats_md(sources: pd.DataFrame) -> str:
    """How many reports carry no dateline, and which outlets they relay."""
    if sources.empty:
        return ""
    estimated = sources.loc[sources["date_precision"] == "approximate", "source_id"].tolist()
    relayed = sorted({o.strip() for r in sources["relays"] for o in r.split(";") if o.strip()})
    parts = []
    if estimated:
        parts.append(f"{len(estimated)} of the {len(sources)} reports carry no dateline, so their dates are estimates from the stories they relay "
                     f"({', '.join(estimated)}; the reasoning is given with each).")
    if relayed:
        parts.append(f"Between them they relay {len(relayed)} other outlets ({', '.join(relayed)}), so one underlying claim can appear twice.")
    parts.append("Every claim in this briefing cites one of these reports by its id, with how the report sources it.")
    return esc(" ".join(parts))


def ladder_md(stages: pd.DataFrame) -> str:
    """The stage ladder, from the reference table."""
    on = stages[stages["on_ladder"].astype(bool)].sort_values("rank")
    off = stages[~stages["on_ladder"].astype(bool)]
    # ranks as text, not a numbered list: two stages can share a rank (willing, and willing only if)
    lines = [f"- **{int(r.rank)} · {esc(r.label)}**: {esc(r.description)}" for r in on.itertuples()]
    lines += [f"- Off the ladder, **{esc(r.label)}**: {esc(r.description)}" for r in off.itertuples()]
    return "\n".join(lines)


def reference_list_md(table: pd.DataFrame) -> str:
    """A reference table as a bullet list of label: description, in its order."""
    return "\n".join(f"- **{esc(r['label'])}**: {esc(r['description'])}" for _, r in table.iterrows())


# Largest CSV the self-contained page embeds (bytes); beyond it the page links the edition's processed/claims.csv.
EMBED_LIMIT = 500_000
DOWNLOAD_COLUMNS: tuple[str, ...] = ("claim_id", "claim_table", "actor_id", "actor_name", "reported_date", "event_date", "summary",
                                     "source_id", "confidence", "quote")


def claims_csv(claims: pd.DataFrame) -> bytes:
    """The edition's claims as the CSV readers download: one row per claim, with its source and quote."""
    return claims.reindex(columns=list(DOWNLOAD_COLUMNS)).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def data_uri(content: bytes, mime: str) -> str:
    """A ``data:`` URI, so the self-contained page carries its own downloads."""
    import base64
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def downloads_md(claims: pd.DataFrame, codebook: str, summary: dict[str, Any], as_of: str) -> str:
    """The data behind the edition, how to cite it, its licence and where to send corrections.

    The page carries its downloads as ``data:`` links in a raw HTML block (the PDF cannot hold so long a
    link: typst refuses it); the PDF gets a raw typst line pointing to the page and the edition's folder.
    Both renderers (pandoc and Quarto) pass each raw block to its own format only.
    """
    import html

    info = summary["information_date"]
    name = f"isf-gaza-claims-{as_of}.csv"
    content = claims_csv(claims)
    # the page carries the CSV itself up to EMBED_LIMIT; a larger one is linked in the edition's folder, so
    # the page does not grow with the data
    target = data_uri(content, "text/csv") if len(content) <= EMBED_LIMIT else "processed/claims.csv"
    csv_link = (f'<a href="{target}" download="{html.escape(name)}">the {len(claims)} claims of this '
                "edition, with their sources and quotes (CSV)</a>")
    book_link = f'<a href="{data_uri(codebook.encode("utf-8"), "text/markdown")}" download="CODEBOOK.md">the codebook</a>'
    page = (f"<p><strong>Data:</strong> {csv_link}; {book_link} (fields, codes and coding rules). The edition\u2019s folder holds the "
            "same tables under <code>processed/</code>.</p>")
    pdf = (f"*Data:* the {len(claims)} claims of this edition, with their sources and quotes, are a CSV download in the HTML "
           "edition and in the edition folder under processed/claims.csv, with the codebook.")
    lines = [
        f"```{{=html}}\n{page}\n```",
        "",
        f"```{{=typst}}\n{pdf}\n```",
        "",
        f"- **How to cite:** International Stabilization Force for Gaza: who offers what, on which conditions. Analytical briefing, "
        f"edition of {esc(fmt.date_label(as_of))}" + (f", information current to {esc(info['label'])}" if info["label"] else "") + ".",
        "- **Licence:** text and curated data CC BY 4.0; code MIT. Quotes are short excerpts of the cited reports.",
        "- **Corrections:** open an issue in the repository that publishes this briefing, naming the claim id (for example "
        "PL\\-017, from the CSV) and the report; corrections appear, dated, under \u201cWhat changed\u201d in the next edition.",
    ]
    return "\n".join(lines)
