"""The plain sentences news items are told in: "Indonesia publicly offered 20,000 troops".

Codes come from data/reference; a code these tables do not know falls back to its reader label.
{A}: who; {c}: what; {was}/{is}/{its}: agree with one actor or several.
"""

from __future__ import annotations

from typing import Any

from helpers import fmt
from helpers.analysis.cells import cell_text, label_of, py_value
from helpers.analysis.news import Context

UNSPECIFIED = "unspecified"


# {A}: who; {c}: what; {was}/{is}/{its}: agree with one actor or several.
STAGE_SENTENCES: dict[str, str] = {
    "mentioned": "{A} {was} named as a candidate for {c}",
    "approached": "{A} {was} asked for {c}",
    "signalled_willingness": "{A} signalled willingness to provide {c}",
    "conditional": "{A} will provide {c} only on conditions",
    "offered_private": "{A} reportedly offered {c} (not announced)",
    "offered_public": "{A} publicly offered {c}",
    # a public offer a later report repeats as "reportedly", naming no source: said as the report says it
    "offered_reportedly": "{A} reportedly offered {c}",
    "approved_at_home": "{A} approved {its} contribution of {c} at home",
    "deployed": "{A} deployed {c}",
    "not_expected": "{A} {is} not expected to provide {c}",
    "declined": "{A} declined to provide {c}",
    "withdrawn": "{A} withdrew {its} offer of {c}",
}


CONTRIBUTION_WORDS: dict[str, str] = {UNSPECIFIED: "a contribution of a kind not stated", "leadership": "leadership of the force"}


CONDITION_SCOPES: dict[str, str] = {"deploying_troops": "deploy troops", "supporting_resolution": "support the draft resolution",
                                    "taking_part": "take part"}


CONDITION_WORDS: dict[str, str] = {
    "un_mandate": "with a UN Security Council mandate",
    "clear_un_mandate": "with a clear UN mandate in its text",
    "non_combat": "in a non-combative role",
    "israeli_controlled_areas_only": "inside Israeli-controlled areas",
    "after_fighting_stops": "once fighting completely stops",
    "parliamentary_approval": "with parliamentary approval",
    "coordination_palestinian_authorities": "in coordination with Palestinian authorities",
    "no_troops_inside_gaza": "with its personnel outside Gaza",
}


def contribution_words(row: dict[str, Any]) -> str:
    """What a pledge is about, as words: "troops", "about 200 personnel (coordination and support staff)"."""
    code = cell_text(row.get("contribution_type"))
    words = CONTRIBUTION_WORDS.get(code) or fmt.lower_first(label_of(row, "contribution_type"))
    stated = py_value(row.get("amount_low")) is not None or py_value(row.get("amount_high")) is not None
    amount = cell_text(row.get("amount_label")) if stated else ""
    if not amount:
        return words
    return amount if words.split()[0] in amount.split() else f"{amount} ({words})"


def pledge_sentence(actors: list[str], stage: str, contributions: list[str], ctx: Context, requester: str = "",
                    conjunction: str = "and") -> str:
    """ "Indonesia publicly offered 20,000 troops", "United States asked France and Italy for ..."."""
    plural = ctx.plural(actors)
    who = fmt.names([ctx.name(a) for a in actors])
    what = fmt.names(list(dict.fromkeys(contributions)), conjunction=conjunction)
    if stage == "approached" and requester:
        return f"{ctx.name(requester)} asked {who} for {what}"
    template = STAGE_SENTENCES.get(stage)
    if template is None:
        return f"{who}: {stage.replace('_', ' ')}, {what}"
    return template.format(A=who, c=what, was="were" if plural else "was", **{"is": "are" if plural else "is"},
                           its="their" if plural else "its")


def standing_words(standing: dict[str, Any]) -> str:
    """ "offered publicly, troops (20,000 troops)": a standing as the notes name it."""
    figure = cell_text(standing.get("figure"))
    return f"{cell_text(standing.get('stage_label')).lower()}, {fmt.lower_first(cell_text(standing.get('contribution_label')))}" + (f" ({figure})" if figure else "")


# Limits a report gives as the actor's own statement, not as a term it sets: a clause of their own, never "only if".
CONDITION_CLAUSES: dict[str, str] = {"will_not_fight_hamas": "stressed that their soldiers will not fight Hamas"}


def condition_clause(rows: list[dict[str, Any]], ctx: Context, subject: str) -> str:
    """ "Azerbaijan will deploy troops only once fighting completely stops and with parliamentary approval"."""
    by_scope: dict[str, list[str]] = {}
    clauses: list[str] = []
    for r in rows:
        if cell_text(r.get("condition_type")) in CONDITION_CLAUSES:
            clauses.append(CONDITION_CLAUSES[cell_text(r.get("condition_type"))])
            continue
        scope = cell_text(r.get("applies_to"))
        words = CONDITION_WORDS.get(cell_text(r.get("condition_type"))) or f"on condition of {fmt.lower_first(label_of(r, 'condition_type'))}"
        by_scope.setdefault(scope, []).append(words)
    parts = []
    for scope, words in by_scope.items():
        verb = CONDITION_SCOPES.get(scope) or f"agree to {fmt.lower_first(label_of({'applies_to': scope}, 'applies_to'))}"
        parts.append(f"will {verb} only {fmt.names(list(dict.fromkeys(words)))}")
    return f"{subject} " + "; and ".join([*parts, *dict.fromkeys(clauses)])
