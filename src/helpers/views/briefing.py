"""The briefing's sentences and tables, written from the analysis results.

Every function returns Markdown with every piece of data escaped (``escape_md``), so a quote or a name
holding ``<script>`` or Markdown/typst control characters prints literally. No number is typed here:
each comes from the summary or tables that ``helpers.analysis`` computed.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from helpers import fmt
from helpers.analysis.standings import WILLING_RANK
from helpers.fmt import date_label
from helpers.views.markdown import escape_md as esc
from helpers.views.markdown import md_table
from helpers.views.cite import mark, ref, refs

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


def _sourced(source_id: str, date_label: str, confidence: str = "", via: str = "", voice: str = "") -> str:
    """ "(S001, c. 13 Dec 2025; anonymous officials, via The Wall Street Journal)": citation, date, sourcing."""
    how = f"; {esc(fmt.sourcing(confidence, via or '', voice))}" if confidence else ""
    return f"({ref(source_id)}, {esc(date_label)}{how})"


def _origins(origins: list[str]) -> str:
    """ "; 1 origin: The Wall Street Journal" after a sourced figure ("" when unknown)."""
    note = fmt.origins_note(origins)
    return f"; {esc(note)}" if note else ""


def _claim(c: dict[str, Any]) -> str:
    """One stated count with its report, date, sourcing and origin: "19 (S001, c. 13 Dec 2025; anonymous officials, via The
    Wall Street Journal; 1 origin: The Wall Street Journal)"."""
    return (f"{esc(c['value'])} ({ref(c['source_id'])}, {esc(c['reported_date'])}; "
            f"{esc(fmt.sourcing(c.get('confidence', ''), c.get('via') or '', c.get('voice', '')))}{_origins(c.get('origins', []))})")


def _claims_phrase(claims: list[dict[str, Any]]) -> str:
    """Each stated count with its sources, joined."""
    return _joined(_claim(c) for c in claims)


def _names(items: list[dict[str, str]] | list[str], limit: int = MAX_NAMES) -> str:
    names = [i["name"] if isinstance(i, dict) else i for i in items]
    return esc(fmt.names(names, limit)) or "none"


def stale_note(summary: dict[str, Any]) -> str:
    """ "357 days before this edition; later events are not covered" when the newest report is older than the
    staleness setting, else ""."""
    s = summary.get("staleness") or {}
    if not s.get("stale"):
        return ""
    return f"{fmt.plural(s['age_days'], 'day')} before this edition; later events are not covered"


def title_block_fields(as_of: str, built_on: str, summary: dict[str, Any]) -> dict[str, str]:
    """The title block's dates: the information date (newest report) apart from the edition and build dates,
    and how old the newest report is when that is past the staleness setting."""
    info = summary["information_date"]
    return {"kicker": "Analytical briefing", "information_date": info["date"], "information_label": info["label"],
            "as_of": as_of, "built_on": built_on, "stale_note": stale_note(summary)}


def staleness_md(summary: dict[str, Any]) -> str:
    """The first line of the bottom line when the newest report is old: how old, and that later events are missing."""
    s = summary.get("staleness") or {}
    if not s.get("stale"):
        return ""
    return (f"**How current this is:** the newest report in this edition is from {esc(s['newest'])}, "
            f"{esc(fmt.plural(s['age_days'], 'day'))} before the edition's date. Nothing that happened since then is covered; "
            "read every finding below as of that date.")


def _mark(source_ids: Any) -> str:
    """The compact citation after a sentence or clause: :func:`mark` from "S001, S003" or a list of ids."""
    ids = source_ids.split(",") if isinstance(source_ids, str) else list(source_ids)
    return mark(i.strip() for i in ids if i and i.strip())


def _offer_phrase(o: dict[str, Any]) -> str:
    """ "Indonesia in public" / "Turkey privately" for a troop offer of the findings."""
    how = {"offered_public": "in public", "offered_private": "privately"}.get(o["stage"], fmt.lower_first(o["stage_label"]))
    return f"{o['name']} {how}"


def bottom_line(summary: dict[str, Any], conditions: pd.DataFrame | None = None) -> str:
    """The generated bottom line, for editions no analyst has written judgements for (``helpers.analysis.judgements``).

    Up to five numbered points in plain sentences computed from the findings, each sentence followed by a
    compact mark linking to its sources (:func:`mark`), never a parenthetical after every clause. It says
    what the reports say; the judgements are the analyst's.
    """
    if not summary["counts"]["sources"]:
        return "No report is in yet."
    items: list[str] = []
    # 1. Who is in: the counts officials gave, then the states the reports name as offering troops.
    asked, counted, offers = summary["countries_approached"], summary["countries_willing"], summary["troop_offers"]
    first = []
    if asked:
        first.append(f"{esc(fmt.capitalise(asked[0]['value']))} have been asked to contribute.{mark([asked[0]['source_id']])}")
    if counted:
        c = counted[0]
        # "several (number not stated)" reads as the report's own word: "Several countries"
        count = f"{c['text']} countries" if c["precision"] == "vague" else c["value"]
        what = f" to give {fmt.names([x.strip() for x in c['contributions'].replace(' and ', ', ').split(',')], conjunction='or')}" if c.get("contributions") else ""
        only = f", a count reported only by {c['origins'][0]}" if len(c.get("origins", [])) == 1 else ""
        first.append(f"{esc(fmt.capitalise(count))} are said to be willing{esc(what)}{esc(only)}.{mark([c['source_id']])}")
    if offers:
        first.append(f"The reports name {fmt.plural(len(offers), 'state')} as offering troops: "
                     f"{esc(fmt.names([_offer_phrase(o) for o in offers]))}.{mark(o['source_id'] for o in offers)}")
    else:
        first.append("The reports name no state as offering troops.")
    items.append(" ".join(first))
    # 2. The conditions named states set, on whose word; what is said of the unnamed would-be contributors in general.
    parts = []
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for c in summary.get("conditions_named", []):
        by_actor.setdefault(c["actor"], []).append(c)
    for actor, cs in by_actor.items():
        terms = esc(fmt.names([fmt.lower_first(c["label"]) for c in cs]))
        whose = "in its own word" if all(c["voice"] == "own" for c in cs) else "as others report it"
        parts.append(f"{esc(actor)} sets conditions, {whose}: {terms}.{mark(c['source_id'] for c in cs)}")
    general = summary.get("conditions_general", [])
    if general:
        terms = esc(fmt.names(sorted({fmt.lower_first(c["label"]) for c in general})))
        parts.append(f"Unnamed would-be contributors set these terms: {terms}.{mark(c['source_id'] for c in general)}")
    if parts:
        items.append(" ".join(parts))
    # 3. Readiness, leadership and objections to who may serve.
    parts = [f"{esc(n['actor'])}: {esc(fmt.lower_first(n['summary']))}.{mark([n['source_id']])}" for n in summary["not_ready"]]
    parts += [f"{esc(ldr['name'])} is named as expected to lead the force.{mark([ldr['source_id']])}" for ldr in summary["leaders"]]
    parts += [f"{esc(o['actor'])}: {esc(fmt.lower_first(o['summary']))}.{mark([o['source_id']])}" for o in summary["opposed"] if o.get("target")]
    if parts:
        items.append(" ".join(parts[:5]))
    # 4. What the plan asks of the force, and what the reports leave open about it.
    tasks = summary.get("force_tasks", [])
    if tasks:
        line = f"The plan as reported has the force {esc(fmt.lower_first(tasks[-1]['title']))}.{mark([tasks[-1]['source_id']])}"
        still = [q for q in summary.get("open_on_tasks", []) if q.get("status", "open") == "open"]
        if still:
            line += " Still open, the reports say: " + " ".join(f"{esc(q['question'])}{mark([q['source_id']])}" for q in still[:3])
        items.append(line)
    # 5. The UN track and the targets voiced, passed or not.
    un = summary["un_track"]
    if un:
        last = un[-1]
        line = f"The last step on the UN track the reports give, from {esc(last['date'])}: {esc(last['title'])}.{mark([last['source_id']])}"
        passed = [t for t in summary.get("targets", []) if t["status"] == "passed"]
        if passed:
            line += " " + " ".join(f"A target has passed with no report of it being met: {esc(t['title'])}.{mark([t['source_id']])}"
                                   for t in passed)
        items.append(line)
    body = "\n".join(f"{i}. {text}" for i, text in enumerate(items[:5], start=1))
    return body + "\n\n*Generated from the findings: no analyst has written key judgements for this edition.*"


def key_figures_md(summary: dict[str, Any]) -> str:
    """The key figures as a bullet list: each figure as the reports state it, with its report, date, sourcing
    and how many independent origins it rests on."""
    lines = []
    if summary["countries_approached"]:
        lines.append("- **Countries asked to contribute:** " + _joined(
            _claim(c) + (f"; who asked: {esc(c['actor'])}" if c.get("actor") else "") for c in summary["countries_approached"]))
    if summary["countries_willing"]:
        lines.append("- **Countries said to be willing, as each report counts them:** " + _joined(
            _claim(c) + (f", to give {esc(c['contributions'].replace(' and ', ' or '))}" if c.get("contributions") else "")
            for c in summary["countries_willing"]))
    if summary["countries_committed"]:
        lines.append(f"- **Countries formally committed:** {_claims_phrase(summary['countries_committed'])}")
    willing = summary["contributors_willing"]
    lines.append(f"- **Named states willing to contribute:** {len(willing)}"
                 + (" (" + _joined(f"{esc(w['name'])}: {esc(fmt.lower_first(w['stage_label']))}"
                                   + (f", {esc(fmt.lower_first(w['contribution']))}" if w['contribution_type'] != 'unspecified' else "")
                                   + (f"; its conditions: {esc(w['conditions'])}" if w["conditions"] else "") for w in willing) + ")" if willing else ""))
    offers = summary["troop_offers"]
    # a state reported offering that has since set conditions in its own word is said beside the count, not dropped silently
    since_own = [w for w in willing if w.get("offered_before") and w["name"] not in {o["name"] for o in offers}]
    lines.append(f"- **Named states offering troops:** {len(offers)}" + (f" ({_names(offers)})" if offers else "")
                 + "".join(f"; {esc(w['name'])}, reported earlier as offering, now sets conditions in its own word "
                           f"{_sourced(w['source_id'], w['reported_date'], w['confidence'], w['via'] or '', w.get('voice', ''))}" for w in since_own))
    for p in summary.get("would_be", []):
        described = _joined(f"{esc(fmt.group_name(d['name']))} ({ref(d['source_id'])})" for d in p["descriptions"])
        lines.append(f"- **{esc(p['label'].replace(' (unnamed)', ''))}, not named:** the reports describe them "
                     f"{fmt.plural(len(p['descriptions']), 'way')}, which may overlap, so they are counted once, as a group, never as a "
                     f"number of countries: {described}")
    offer = summary["largest_offer"]
    if offer:
        wording = _joined(f"\u201c{esc(lbl['text'])}\u201d ({ref(lbl['source_id'])}, {esc(lbl['reported_date'])})" for lbl in offer["labels"])
        head = (f"only {esc(offer['actor'])} has put a number on its troops" if offer["n_with_figure"] == 1 else
                f"{offer['n_with_figure']} states have put a number on their troops; the largest is {esc(offer['actor'])}'s")
        lines.append(f"- **Troop numbers offered:** {head}: {esc(offer['labels'][-1]['label'])}, as {wording}{_origins(offer.get('origins', []))}")
    else:
        lines.append("- **Troop numbers offered:** no named state has put a number on its troops")
    outside = summary["outside_support"]
    if outside:
        parts = _joined(f"{esc(o['name'])}, {esc(fmt.lower_first(o['contribution']))}: "
                        + (f"the reports differ: {esc(o['reports'])}" if o["figures_differ"] else
                           f"{esc(fmt.lower_first(o['stage_label']))} {_sourced(o['source_id'], o['reported_date'], o['confidence'], o['via'] or '', o.get('voice', ''))}")
                        for o in outside)
        lines.append(f"- **Organising and supporting from outside the force (not contributors):** {parts}")
    if summary["territory"]:
        parts = _joined(f"{esc(t['actor'])} {esc(t['share'])} {_sourced(t['source_id'], t['reported_date'], t['confidence'], t['via'] or '')}"
                        for t in summary["territory"])
        lines.append(f"- **Share of Gaza each side controls:** {parts}")
    others = summary.get("other_figures", [])
    if others:
        lines.append("- **Other figures the reports give:** " + _joined(
            (f"{esc(f['metric'])}{' (' + esc(f['actor']) + ')' if f.get('actor') else ''}: {esc(f['value'])} {_sourced(f['source_id'], f['reported_date'], f['confidence'], f['via'])}"
             for f in others), limit=12))
    return "\n".join(lines)


def _standing_cell(r: Any) -> str:
    """One contribution's standing, on whose word, its conditions and limits, and what later reports said."""
    if r.figures_differ:  # reports in tension: each one, not a range or a winner
        return f"{r.contribution_label}: reports differ: {r.reports}"
    fig = f", {r.figure}" if r.figure else ""
    cond = f"; its conditions: {r.conditions}" if r.conditions else ""
    limits = f"; limits: {r.limits}" if r.limits else ""
    since = f"; since then {r.since}" if r.since else ""
    earlier = f". Reports its own word supersedes: {r.history}" if r.history else ""
    # one sentence's "troops, equipment or logistics": one entry, the mix not stated
    label = f"{r.alternatives[:1].upper()}{r.alternatives[1:]} (the mix not stated)" if getattr(r, "alternatives", "") else r.contribution_label
    return (f"{label}: {fmt.lower_first(r.stage_label)}{fig} ({r.basis_source}, {r.basis_label}; "
            f"{fmt.sourcing(r.basis_confidence, r.basis_via or '', r.basis_voice)}){cond}{limits}{since}{earlier}")


def _serve(locations: Any) -> str:
    """Where an actor's contributions would serve, the general place dropped when a narrower one says more
    ("inside Gaza" beside "inside Gaza (Israeli-controlled areas only)")."""
    places = sorted({p.strip() for cell in locations if cell for p in re.split(r",| and ", cell) if p.strip()})
    narrower = [p for p in places if not any(o != p and o.startswith(p) for o in places)]
    return fmt.names(narrower) or "—"


def _one_entry_per_sentence(rows: pd.DataFrame) -> pd.DataFrame:
    """The standings of one actor with the kinds one "or" sentence names kept once (the first of them)."""
    if "alternatives" not in rows:
        return rows
    alt = rows["alternatives"].fillna("")
    return rows[alt.eq("") | ~(rows["actor_id"] + "|" + alt).duplicated()]


def commitments_md(standing: pd.DataFrame, summary: dict[str, Any] | None = None) -> str:
    """Who offers what: one row per named actor that has gone beyond being asked, one row per population of unnamed
    would-be contributors (its descriptions together, counted once as a group); the asked-only and the named-only in
    sentences. An actor's latest own word about its readiness (``summary["not_ready"]``) stands beside its offer."""
    not_ready = {n["actor"]: n for n in (summary or {}).get("not_ready", [])}
    if standing.empty:
        return "No pledge or request reported yet."
    rank = standing["rank"].fillna(99)  # off the ladder (not expected, withdrawn) is news too: keep it in the table
    gone_beyond = set(standing.loc[(rank >= WILLING_RANK) | standing["contribution_type"].eq("leadership"), "actor_id"])
    beyond = standing[standing["actor_id"].isin(gone_beyond)]
    # descriptions of one population (the would-be contributors) share one row
    row_key = beyond["population_label"].where(beyond["population"].ne(""), beyond["actor_name"])
    rows = []
    for key, g in beyond.groupby(row_key, sort=False):
        pooled = g["population"].ne("").any()
        if pooled:
            what = " · ".join(f"described as {fmt.group_name(name)}: " + " · ".join(_standing_cell(r) for r in _one_entry_per_sentence(d).itertuples())
                              for name, d in g.groupby("actor_name", sort=False))
            actor = f"{key}, counted once as a group"
            # where each description would serve: a limit one description sets is not the whole group's
            places = [f"{fmt.group_name(name)}: {_serve(d['locations'])}" for name, d in g.groupby("actor_name", sort=False)
                      if _serve(d["locations"]) != "—"]
            rows.append({"actor": actor, "what": what, "where": "; ".join(places) or "—"})
            continue
        else:
            what = " · ".join(_standing_cell(r) for r in _one_entry_per_sentence(g).itertuples())
            actor = key
            if key in not_ready:  # the offer stands; the actor's own later word on readiness is beside it
                n = not_ready[key]
                what += f" · Its latest word: {fmt.lower_first(n['summary'])} ({n['source_id']}, {n['reported_date']})"
        rows.append({"actor": actor, "what": what, "where": _serve(g["locations"])})
    shown, note = _capped(pd.DataFrame(rows), "actors, those furthest along")
    table = md_table(shown, columns=["actor", "what", "where"],
                     headers={"actor": "Actor", "what": "Where it stands, and on whose word", "where": "Where it would serve"}) + note
    rest = standing[~standing["actor_id"].isin(gone_beyond)]
    asked = rest[rest["stage"] == "approached"]
    mentioned = rest[(rest["stage"] == "mentioned") & ~rest["actor_name"].isin(set(asked["actor_name"]))]
    notes = []
    if len(asked):
        # "Saudi Arabia (funding)": the kind of contribution asked for, where the report names one
        kinds = asked.groupby("actor_name")["contribution_type"].agg(lambda s: sorted(set(s) - {"unspecified"}))
        labels = asked.drop_duplicates("contribution_type").set_index("contribution_type")["contribution_label"]
        who = [f"{a} ({', '.join(fmt.lower_first(labels[k]) for k in ks)})" if ks else a for a, ks in kinds.items()]
        notes.append(f"Asked or in talks, no offer reported: {_names(who)}{_mark(fmt.cite(asked['basis_source']))}.")
    if len(mentioned):
        notes.append(f"Named by others as likely contributors only: {_names(sorted(fmt.group_name(n) if k == 'unnamed_group' else n for n, k in zip(mentioned['actor_name'], mentioned['actor_kind'])))}"
                     f"{_mark(fmt.cite(mentioned['basis_source']))}.")
    return table + ("\n\n" + " ".join(notes) if notes else "")


def conditions_md(summary_table: pd.DataFrame, summary: dict[str, Any]) -> str:
    """The conditions named states set on taking part (which can be met), the limits on the mission (which are
    never met), and what the reports say of the unnamed would-be contributors in general."""
    if summary_table.empty:
        return "No condition on taking part reported yet."
    n_named = int(summary_table["n_named"].iloc[0])
    lines = [f"Counts are of the {fmt.plural(n_named, 'named state')} willing to contribute "
             f"({_names(summary['contributors_willing'])}); a condition set by unnamed would-be contributors is shown with the words the "
             "report uses for them, not counted.", ""]
    for kind, title in (("condition", "Conditions: can be met, or lapse"), ("limit", "Limits on the mission: where the troops would go and what they would do")):
        rows = summary_table[summary_table["kind"] == kind]
        if rows.empty:
            continue
        lines += [f"### {title}", ""]
        for r in rows.itertuples():
            who = []
            if r.n_setting:
                who.append(f"{r.n_setting} of the {n_named} named states ({esc(r.named)})")
            if r.general:
                who.append(f"set by unnamed would-be contributors: {esc(fmt.names([fmt.group_name(d) for d in r.descriptions]))}")
            status = f"; {esc(r.status.lower())}" if kind == "condition" and r.status else ""
            lines.append(f"- **{esc(r.condition_label)}:** {'; '.join(who)}{status}{_mark(r.sources)}")
        lines.append("")
    return "\n".join(lines).strip()


def chronology_md(chronology: pd.DataFrame) -> str:
    """Every event that happened, oldest first: date as precisely as reported, what happened, who, source."""
    if chronology.empty:
        return "No dated event reported yet."
    df = chronology.assign(src=chronology["source_id"] + ", reported " + chronology["reported_label"])
    shown, note = _capped(df, "events")
    return md_table(shown, columns=["date", "title", "who", "src"],
                    headers={"date": "When", "title": "What happened or was said", "who": "Who", "src": "Source"}) + note


def plan_md(plan: pd.DataFrame) -> str:
    """The plan as the reports describe it: the force's tasks and form, each credited as the report credits it."""
    if plan.empty:
        return "No report describes the plan yet."
    items = []
    for r in plan.itertuples():
        by = f", as the report credits it to {esc(r.credited)}" if r.credited else ""
        items.append(f"- **{esc(r.aspect)}:** {esc(r.title)}{by}{_mark(r.source_id)}")
    return "\n".join(_capped_items(items, "descriptions"))


def security_md(summary: dict[str, Any]) -> str:
    """The security picture on the ground: the ceasefire and the violence the reports record, oldest first."""
    events = summary.get("security", [])
    if not events:
        return "No report describes the security situation yet."
    return "\n".join(_capped_items([f"- {esc(e['date'])}: {esc(e['title'])}{_mark(e['source_id'])}" for e in events], "events", limit=12))


def watch_md(summary: dict[str, Any], conditions: pd.DataFrame) -> str:
    """What to watch: targets (passed ones marked), the UN track's last step, and the conditions still open."""
    items = []
    for t in summary.get("targets", []):
        if t["status"] == "passed":
            state = f"passed (read as by {esc(t['target_by_label'])} at the latest), with no report in this edition of it being met"
        elif t["status"] == "undated":
            state = f"said {esc(t['said'])}, {esc(fmt.plural(t['days_since_said'], 'day'))} before this edition; no date given"
        else:
            state = f"not yet passed (read as by {esc(t['target_by_label'])} at the latest)"
        items.append(f"- **Target:** {esc(t['title'])}: {state}{_mark(t['source_id'])}")
    if summary["un_track"]:
        last = summary["un_track"][-1]
        mandate_open = len(conditions) and ((conditions["condition_type"] == "un_mandate") & ~conditions["status"].str.contains("Met", na=False)).any()
        items.append(f"- **UN Security Council:** the last step reported is from {esc(last['date'])}: {esc(last['title'])}"
                     f"{_mark(last['source_id'])}." + (" A mandate, if a later report gives one, would meet the UN-mandate condition below."
                                                      if mandate_open else ""))
    open_conds = conditions[conditions["kind"] == "condition"] if len(conditions) else conditions
    for r in open_conds.itertuples():
        who = "; ".join(x for x in (r.named, fmt.names([fmt.group_name(d) for d in r.descriptions]) + " (unnamed)" if r.general else "") if x)
        items.append(f"- **{esc(r.condition_label)}:** {esc(r.status.lower() or 'not reported met')}; set by {esc(who)}{_mark(r.sources)}")
    return "\n".join(_capped_items(items, "items", limit=12)) if items else "Nothing dated to watch yet."


def conditions_table_md(matrix: pd.DataFrame) -> str:
    """Every condition and limit recorded, by whom, what it governs, whether met, first reported when."""
    if matrix.empty:
        return "No condition reported yet."
    df = matrix.assign(first=matrix["first_label"].fillna(""), applies=matrix["applies_to"].str.replace("_", " "),
                       what=matrix["kind"].map({"condition": "condition", "limit": "limit"}).fillna(""),
                       status=matrix["status_label"].fillna("").str.lower().replace("", "—"))
    df, note = _capped(df, "conditions")
    return md_table(df, columns=["actor_name", "condition_label", "what", "status", "applies", "first", "sources"],
                    headers={"actor_name": "Actor", "condition_label": "Condition or limit", "what": "Kind", "status": "Met?",
                             "applies": "Governs", "first": "First reported", "sources": "Sources"}) + note


def positions_md(positions: pd.DataFrame) -> str:
    """Every reported stance, by issue: who, which way, in their words' summary, source, date and on whose word."""
    if positions.empty:
        return "No positions reported yet."
    df = positions.sort_values(["topic_label", "reported_date", "position_id"])
    df = df.assign(src=df["source_id"] + ", " + df["reported_label"],
                   how=[fmt.sourcing(c, v if isinstance(v, str) else "", w) for c, v, w in
                        zip(df["confidence"], df["via_outlet"], df["voice"] if "voice" in df else [""] * len(df))])
    df, note = _capped(df, "positions")
    return md_table(df, columns=["topic_label", "actor_name", "direction_label", "summary", "src", "how"],
                    headers={"topic_label": "Issue", "actor_name": "Who", "direction_label": "Stance", "summary": "What they said",
                             "src": "Source", "how": "Sourced as"}) + note


def disagreements_md(disagreements: pd.DataFrame) -> str:
    """Each disagreement, change or tension with its dated claims beneath it, each with the report's words."""
    if disagreements.empty:
        return "No disagreements or changes of stance in the reports so far."
    shown, note = _capped(disagreements, "disagreements", limit=MAX_ROWS // 2)
    blocks = []
    for r in shown.itertuples():
        head = f"### {esc(r.kind + ': ' + ' — '.join(x for x in (r.actor_name, r.subject) if x))}"
        reading = f"{esc(r.reading)}\n\n" if getattr(r, "reading", "") else ""
        items = [f"- {esc(c)}: \u201c*{esc(q)}*\u201d" for c, q in zip(r.claims, r.quotes)]
        blocks.append(head + "\n\n" + reading + "\n".join(_capped_items(items, "claims", limit=8)))
    return "\n\n".join(blocks) + note


def open_questions_md(questions: pd.DataFrame) -> str:
    """The open questions, each with what it rests on; a question a later report answered says so."""
    if questions.empty:
        return "None recorded."
    items = []
    for r in questions.itertuples():
        answered = f" **Answered:** {esc(r.answered_by)}." if getattr(r, "status", "open") == "answered" else ""
        cited = f"; {refs(r.sources)}" if r.sources else ""
        items.append(f"- {esc(r.question)} ({esc(r.basis)}{cited}){answered}")
    return "\n".join(_capped_items(items, "questions"))


def title_block(as_of: str, summary: dict[str, Any]) -> str:
    """The line under the title block's dates: what the edition is built from."""
    c = summary["counts"]
    if not c["sources"]:
        return f"No report is in yet for the edition of {esc(fmt.date_label(as_of))}: there is nothing to brief."
    return f"Built from {c['claims']} dated claims in {c['sources']} news reports; the newest is {ref(summary['information_date']['source_id'])}."


def edition_note(info: dict[str, Any]) -> str:
    """What readers must know about this edition itself: a revision, or quotes left unchecked ("" when neither).

    Args:
        info: ``helpers.publish.editions.read_edition_info`` of the edition ({} for a notebook run by hand).
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
        info: ``helpers.publish.editions.read_edition_info`` of the edition: ``quotes.how`` is "reports" (checked
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
        one = len(estimated) == 1
        parts.append(f"{len(estimated)} of the {len(sources)} reports {'carries' if one else 'carry'} no dateline, so "
                     f"{'its date is an estimate from the story it relays' if one else 'their dates are estimates from the stories they relay'} "
                     f"({', '.join(estimated)}; the reasoning is given with {'it' if one else 'each'}).")
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
