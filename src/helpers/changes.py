"""What changed since the previous edition, ranked as news: the headline first, what is not new apart.

Input is two editions' processed tables (``helpers.clean.build_processed`` or ``read_processed``);
output is a JSON-ready dict that notebook 02 writes to ``analysis/changes.json`` and that
:func:`changes_md` turns into the reader-facing section. The rules and their reasons are in the
codebook ("What changed: news, ranked"). In short:

- **Every new claim lands in exactly one item.** A claim id the previous edition did not have is either
  news, or not new: a **restatement** (a stage, stance, figure or condition an earlier report already
  gave: "reported again"; or a pledge weaker than where the actor already stands) or **background** (an
  event that happened before the previous edition's newest report).
- **News is ranked by what it means to a reader** (:data:`KINDS`): a milestone of the process; a state's
  new offer, refusal, withdrawal or condition; a condition met or lapsed; a new count of contributors or
  countries asked; a stance change by a named actor; then the rest. Ties go to named states, then other
  named actors, then unnamed groups; then to what is newer. Claims of one report that say one thing
  (one actor's conditions, one request to several states) are one item.
- **Pledges are compared with the actor's standing** in the previous edition (``analysis.standings``:
  the strongest stage it holds), never with its latest claim, so a later, weaker mention is not a step
  back and not news.
- **"Added late"** marks a new claim from a report the previous edition already had; a report new to
  this edition is never late, whatever its date.
- **Corrections**: a claim id present in both editions whose curated fields differ (derived label
  columns and the explanatory ``notes`` are not compared; the notes are shown beside the change), and a
  claim id present before and gone now. Sources get the same treatment (a re-dated report is a
  correction). A change of a condition's or question's ``status`` to met, lapsed or answered is news,
  not a correction: it records a development, not a fix.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict

import numpy as np
import pandas as pd

from helpers import analysis, fmt
from helpers.briefing import ref
from helpers.clean import date_label, latest_stance
from helpers.markdown import escape_md as esc

Tables = dict[str, pd.DataFrame]

# Claim tables and their id columns, in the order the data package lists them.
CLAIM_IDS: dict[str, str] = {
    "pledges": "pledge_id",
    "conditions": "condition_id",
    "positions": "position_id",
    "events": "event_id",
    "figures": "figure_id",
    "open_questions": "question_id",
}


class Kind(NamedTuple):
    """How a kind of news ranks (lower weight = told first) and under which heading the rest is grouped."""

    weight: int
    group: str


# The news model (codebook, "What changed: news, ranked"). Lower weight = told first.
KINDS: dict[str, Kind] = {
    "milestone": Kind(1, "events"),            # a step of the process: resolution, ceasefire, coordination centre
    "offer": Kind(2, "offers"),                # a new offer (offered or beyond), above where the actor stood
    "refusal": Kind(2, "offers"),              # the actor says it will not contribute
    "withdrawal": Kind(2, "offers"),           # an offer taken back
    "condition": Kind(2, "conditions"),        # a new condition, or "will only if"
    "holding_back": Kind(2, "positions"),      # a state's own word that holds its part back ("not yet ready")
    "condition_met": Kind(3, "conditions"),
    "condition_lapsed": Kind(3, "conditions"),
    "question_answered": Kind(5, "questions"),  # an open question a later claim answers: like a stance settled
    "count": Kind(4, "figures"),               # a new or revised count of contributors or of countries asked
    "stance_change": Kind(5, "positions"),     # a named actor's stance on a topic differs from its last one
    "ladder": Kind(6, "offers"),               # other moves: named, asked, willing, not expected
    "position": Kind(7, "positions"),          # a first stance on a topic, or an unnamed group's change
    "figure": Kind(8, "figures"),              # any other figure
    "event": Kind(9, "events"),
    "question": Kind(10, "questions"),
    "source": Kind(11, "sources"),
    "actor": Kind(11, "sources"),
}
# Not news: shown apart, counted, never ranked.
NOT_NEWS: dict[str, str] = {
    "repeat": "reported again",
    "weaker": "weaker than where the actor already stands",
    "background": "background newly reported",
}
# Reader headings of the groups, in the order the section lists them.
GROUPS: dict[str, str] = {
    "offers": "Offers and requests",
    "conditions": "Conditions",
    "positions": "Positions",
    "figures": "Figures",
    "events": "Events",
    "questions": "Open questions",
    "sources": "Reports and actors named for the first time",
}
# Headline: the news items of weight up to HEADLINE_WEIGHT, at most HEADLINE_MAX; at least HEADLINE_MIN
# items when there is that much news (the next ones fill in).
HEADLINE_MAX, HEADLINE_MIN, HEADLINE_WEIGHT = 5, 3, 5
# Ladder rank from which a pledge is an offer (stages.csv: 3 = offered, not announced).
OFFER_RANK = 3
CONDITIONAL_STAGE = "conditional"
REFUSALS: dict[str, str] = {"declined": "refusal", "withdrawn": "withdrawal"}
UNSPECIFIED = "unspecified"
# Counts of contributors and of countries asked (metrics.csv): a new or revised one is a "count".
COUNT_METRICS: frozenset[str] = frozenset({"countries_approached", "countries_willing", "countries_in_talks", "countries_committed_formally"})
# A state's stance on its own taking part that holds it back is a move of that state, like a condition.
OWN_PART_TOPIC = "isf_participation"
HOLDING_BACK: frozenset[str] = frozenset({"opposes", "conditional", "not_ready"})
STATE_KINDS: frozenset[str] = frozenset({"state", "state_body"})
# Status values that make a condition or an open question news when they change to them.
STATUS_NEWS: dict[str, dict[str, str]] = {
    "conditions": {"met": "condition_met", "lapsed": "condition_lapsed"},
    "open_questions": {"answered": "question_answered"},
}
# Columns that build_processed derives from codes and reference tables: not compared for corrections.
DERIVED_SUFFIXES: tuple[str, ...] = ("_label", "_name", "_kind", "_region", "_rank")
DERIVED_COLUMNS: frozenset[str] = frozenset({"outlet", "on_ladder", "withdraws", "part_of_force", "inside_gaza", "milestone", "notes"})
# Columns that may hold actor ids ("; "-separated lists included).
ACTOR_ID_COLUMNS: tuple[str, ...] = ("actor_id", "requested_by", "target_actor_id", "other_actor_ids")
# Label columns build_processed names other than "<code>_label".
LABEL_COLUMNS: dict[str, str] = {"condition_type": "condition_label", "contribution_type": "contribution_label"}
MAX_ITEMS = 40
MAX_VALUE_CHARS = 120

# --- words of the plain sentences (codes from data/reference; an unknown code falls back to its label) ---
# {A}: who; {c}: what; {was}/{is}/{its}: agree with one actor or several.
STAGE_SENTENCES: dict[str, str] = {
    "mentioned": "{A} {was} named as a candidate for {c}",
    "approached": "{A} {was} asked for {c}",
    "signalled_willingness": "{A} signalled willingness to provide {c}",
    "conditional": "{A} will provide {c} only on conditions",
    "offered_private": "{A} reportedly offered {c} (not announced)",
    "offered_public": "{A} publicly offered {c}",
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
    "non_combat": "in a non-combative role",
    "will_not_fight_hamas": "if their soldiers do not fight Hamas",
    "israeli_controlled_areas_only": "inside Israeli-controlled areas",
    "after_fighting_stops": "once fighting completely stops",
    "parliamentary_approval": "with parliamentary approval",
    "coordination_palestinian_authorities": "in coordination with Palestinian authorities",
    "no_troops_inside_gaza": "with its personnel outside Gaza",
}


class Basis(TypedDict):
    """What a claim that is not new was compared with: the earlier claim (or report) and how it reads."""

    source_id: str
    date_label: str
    label: str


class NewsItem(TypedDict):
    """One item of "what changed": news (``news`` true, ranked by ``weight``) or not new (``weight`` None).

    ``claim_ids`` lists every new claim the item stands for (one report's claims that say one thing are
    one item); ``claim_id`` is the first. ``old``/``new`` hold codes or value labels of the kind
    (stage, direction, figure, status), None when not used; ``basis`` is set for items that are not new.
    """

    kind: str
    weight: int | None
    group: str
    news: bool
    table: str
    claim_id: str
    claim_ids: list[str]
    source_id: str
    date: str | None
    date_label: str
    sort_date: str
    late: bool
    actor_id: str
    named: int
    subject: str
    old: str | None
    new: str | None
    value_low: float | None
    value_high: float | None
    text: str
    basis: Basis | None


class FieldChange(TypedDict):
    """One curated field edited: codes in old/new, reader labels (the codes when there are none) beside them."""

    field: str
    old: str
    new: str
    old_label: str
    new_label: str


class Correction(TypedDict):
    """A claim (or source) edited or removed since the previous edition."""

    kind: str  # "edited" or "removed"
    table: str
    claim_id: str
    source_id: str
    date: str | None  # the claim's report date (a source's publication date)
    date_label: str
    changes: list[FieldChange]
    summary: str
    notes: str


# --- small helpers ------------------------------------------------------------------------------


def _py(value: Any) -> Any:
    """A JSON-ready scalar: None for missing values, Python numbers for numpy ones."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _text(value: Any) -> str:
    """A cell as plain text, '' when missing."""
    value = _py(value)
    return "" if value is None else str(value)


def _true(value: Any) -> bool:
    """A flag from a boolean or a "true"/"True" string (processed CSVs read back as text); missing is False."""
    return _text(value).strip().lower() == "true"


def _when(value: Any, precision: str = "day") -> str:
    """A date as readers write it, never more exact than known: "8 Nov 2025", "c. 5 Nov 2025", "Oct 2025".

    Args:
        value: a date (Timestamp or YYYY-MM-DD), or missing.
        precision: day, approximate, week or month (reference/date_precisions.csv).

    Returns:
        The label, or '' when the date is missing.
    """
    if _py(value) is None or value == "":
        return ""
    stamp = pd.Timestamp(value)
    if precision == "month":
        return f"{stamp:%b %Y}"
    if precision == "week":
        return f"week of {date_label(stamp)}"
    return date_label(stamp, precision)


def _iso(value: Any) -> str | None:
    """A date as YYYY-MM-DD, None when missing."""
    return None if _py(value) is None or value == "" else f"{pd.Timestamp(value):%Y-%m-%d}"


def _table(tables: Tables | None, name: str) -> pd.DataFrame:
    """A table of an edition, or an empty frame when the edition or the table is missing."""
    if tables is None or name not in tables:
        return pd.DataFrame()
    return tables[name]


def _as_text(series: pd.Series) -> pd.Series:
    """Values as comparable text, the same whether a table was built in memory or read back from CSV.

    Args:
        series: one column.

    Returns:
        Strings: dates as YYYY-MM-DD, whole floats without ".0", booleans as true/false, missing as ''.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("").astype(object)
    if pd.api.types.is_bool_dtype(series):
        return series.astype(object).map(lambda v: "" if _py(v) is None else str(bool(v)).lower())
    if pd.api.types.is_numeric_dtype(series):
        return series.map(lambda v: "" if _py(v) is None else (f"{v:.0f}" if float(v).is_integer() else repr(float(v)))).astype(object)
    return series.astype(object).map(_text)


def _number(value: Any) -> str:
    """A number as comparable text ("20000" for 20000.0 and "20000"), '' when missing."""
    value = _py(value)
    if value is None or value == "":
        return ""
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else repr(number)


def curated_columns(df: pd.DataFrame) -> list[str]:
    """The columns of a processed table that a curator writes (derived labels and notes left out).

    Args:
        df: a processed claim or sources table.

    Returns:
        Column names in table order.
    """
    return [c for c in df.columns if c not in DERIVED_COLUMNS and not c.endswith(DERIVED_SUFFIXES) and c != "source_label"]


def _precision_of(sources: pd.DataFrame) -> dict[str, str]:
    """source_id -> date precision of the report's own date ("approximate" gives "c. ")."""
    if sources.empty or "date_precision" not in sources:
        return {}
    return dict(zip(sources["source_id"], sources["date_precision"].fillna("day")))


def _label(row: dict[str, Any], code: str) -> str:
    """The reader label of a code column, or the code itself when no label column is there."""
    return _text(row.get(LABEL_COLUMNS.get(code, f"{code}_label"))) or _text(row.get(code)).replace("_", " ")


def _lower_first(text: str) -> str:
    """ "Opposes Turkish troops" -> "opposes Turkish troops"; "US troops" stays (an acronym or a name)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _named(kind: str) -> int:
    """Tie order of who an item is about: 0 a named state (or its body), 1 another named actor, 2 an unnamed group, 3 none."""
    return 0 if kind in STATE_KINDS else 2 if kind == "unnamed_group" else 3 if not kind else 1


def _event_end(date: Any, precision: str) -> pd.Timestamp | None:
    """The last day an event dated this way can have happened: a month's last day, a week's seventh."""
    if _py(date) is None or date == "":
        return None
    day = pd.Timestamp(date)
    if precision == "month":
        return day + pd.offsets.MonthEnd(0)
    return day + pd.Timedelta(days=6) if precision == "week" else day


@dataclass
class Context:
    """What every classifier needs about the two editions.

    Attributes:
        precision: source_id -> the report's date precision.
        kinds: actor_id -> kind of actor (state, state_body, unnamed_group, ...).
        names: actor_id -> name.
        previous_info: the previous edition's information date (its newest report) and that report, or None.
        old_sources: source ids of the previous edition.
    """

    precision: dict[str, str]
    kinds: dict[str, str]
    names: dict[str, str]
    previous_info: dict[str, str] | None
    old_sources: set[str] = field(default_factory=set)

    def name(self, actor_id: str) -> str:
        return self.names.get(actor_id, actor_id)

    def plural(self, actor_ids: list[str]) -> bool:
        """Several actors, or one unnamed group: the sentence's verb agrees with "they"."""
        return len(actor_ids) > 1 or any(self.kinds.get(a) == "unnamed_group" for a in actor_ids)


def _item(kind: str, table: str, row: dict[str, Any], id_col: str, ctx: Context, text: str, **extra: Any) -> NewsItem:
    """An item for one claim row, dated by its report and cited by its source; ``extra`` sets any other field."""
    news = kind in KINDS
    source = _text(row.get("source_id"))
    actor = _text(row.get("actor_id"))
    item: NewsItem = {
        "kind": kind, "weight": KINDS[kind].weight if news else None, "group": KINDS[kind].group if news else table,
        "news": news, "table": table, "claim_id": _text(row.get(id_col)), "claim_ids": [_text(row.get(id_col))],
        "source_id": source, "date": _iso(row.get("reported_date")),
        "date_label": _when(row.get("reported_date"), ctx.precision.get(source, "day")),
        "sort_date": _iso(row.get("reported_date")) or "", "late": bool(row.get("_late", False)), "actor_id": actor,
        "named": _named(ctx.kinds.get(actor, _text(row.get("actor_kind")))), "subject": "",
        "old": None, "new": None, "value_low": None, "value_high": None, "text": text, "basis": None,
    }
    item.update({k: _py(v) if not isinstance(v, (list, dict)) else v for k, v in extra.items()})  # type: ignore[typeddict-item]
    return item


def _basis(source_id: Any, date: Any, ctx: Context, label: str = "") -> Basis:
    """The earlier claim an item that is not new was compared with."""
    source = _text(source_id)
    return {"source_id": source, "date_label": _when(date, ctx.precision.get(source, "day")), "label": label}


def _merge(items: list[NewsItem], key: Callable[[NewsItem], Hashable | None], compose: Callable[[list[NewsItem]], str]) -> list[NewsItem]:
    """Items with the same key made one (the first kept, the others' claim ids added); key None = never merged.

    Args:
        items: items in order.
        key: what makes items say one thing (same report, actor, kind, ...), or None to leave an item alone.
        compose: the merged item's text from the group's items.

    Returns:
        The items, merged groups at the place of their first item.
    """
    groups: dict[Hashable, list[NewsItem]] = {}
    order: list[Hashable] = []
    for i, item in enumerate(items):
        k = key(item)
        k = ("__alone__", i) if k is None else k
        if k not in groups:
            groups[k] = []
            order.append(k)
        groups[k].append(item)
    out = []
    for k in order:
        group = groups[k]
        first = dict(group[0])
        if len(group) > 1:
            first["claim_ids"] = [c for g in group for c in g["claim_ids"]]
            first["sort_date"] = max(g["sort_date"] for g in group)
            first["text"] = compose(group)
        out.append(first)  # type: ignore[arg-type]
    return out


# --- news ---------------------------------------------------------------------------------------


def new_claims(current: pd.DataFrame, previous: pd.DataFrame, id_col: str, old_sources: set[str]) -> pd.DataFrame:
    """Rows of ``current`` whose id the previous edition did not have, flagged ``_late`` when their report was already in it.

    A report new to this edition is never "added late", whatever its date: the reader has not seen it.

    Args:
        current: this edition's claim table.
        previous: the previous edition's claim table (may be empty).
        id_col: the id column.
        old_sources: source ids of the previous edition.

    Returns:
        The new rows with a boolean ``_late`` column.
    """
    if current.empty:
        return current.assign(_late=pd.Series(dtype=bool))
    old_ids = set(previous[id_col]) if id_col in previous else set()
    new = current[~current[id_col].isin(old_ids)]
    return new.assign(_late=new["source_id"].isin(old_sources).to_numpy(dtype=bool))


def _latest(df: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], dict[str, Any]]:
    """The latest claim per key (as the briefing picks it: clean.latest_stance), as key -> row."""
    if df.empty or not {*keys, "reported_date", "confidence"} <= set(df.columns):
        return {}
    filled = df.assign(**{k: df[k].fillna("").astype(str) for k in keys})
    latest = latest_stance(filled, filled["reported_date"].max(), tuple(keys))
    return {tuple(r[k] for k in keys): r for r in latest.to_dict("records")}


def previous_standings(previous: Tables) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, dict[str, Any]]]:
    """Where each actor stood in the previous edition (``analysis.standings``): per contribution, and its strongest.

    Args:
        previous: the previous edition's processed tables.

    Returns:
        ((actor_id, contribution_type) -> standing row, actor_id -> its strongest standing on a contribution
        to the force, ties to the first in standings' order).
    """
    pledges = _table(previous, "pledges")
    if pledges.empty:
        return {}, {}
    standing = analysis.standings(pledges, _table(previous, "conditions"))
    pairs = {(r["actor_id"], r["contribution_type"]): r for r in standing.to_dict("records")}
    force = standing[standing["part_of_force"].map(lambda v: _true(v) or v is True) & standing["rank"].notna()]
    best = force.sort_values("rank", ascending=False, kind="stable").drop_duplicates("actor_id")
    return pairs, {r["actor_id"]: r for r in best.to_dict("records")}


def _contribution(row: dict[str, Any]) -> str:
    """What a pledge is about, as words: "troops", "about 200 personnel (coordination and support staff)"."""
    code = _text(row.get("contribution_type"))
    words = CONTRIBUTION_WORDS.get(code) or _lower_first(_label(row, "contribution_type"))
    stated = _py(row.get("amount_low")) is not None or _py(row.get("amount_high")) is not None
    amount = _text(row.get("amount_label")) if stated else ""
    if not amount:
        return words
    return amount if words.split()[0] in amount.split() else f"{amount} ({words})"


def _pledge_sentence(actors: list[str], stage: str, contributions: list[str], ctx: Context, requester: str = "",
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


def classify_pledge(r: dict[str, Any], pairs: dict[tuple[str, str], dict[str, Any]], best: dict[str, dict[str, Any]],
                    seen: dict[tuple[str, ...], dict[str, Any]], ctx: Context) -> tuple[str, Basis | None, dict[str, Any] | None]:
    """The kind of one new pledge, judged against the actor's standing in the previous edition.

    Args:
        r: the new pledge row.
        pairs: (actor, contribution) -> previous standing (:func:`previous_standings`).
        best: actor -> its strongest previous standing on a contribution to the force.
        seen: (actor, contribution, stage) and (actor, contribution, stage, low, high) -> the first earlier
            claim that gave them.
        ctx: the comparison's context.

    Returns:
        (kind, basis for an item that is not new, the previous standing on the same contribution or None).
    """
    actor, contribution, stage = _text(r.get("actor_id")), _text(r.get("contribution_type")), _text(r.get("stage"))
    rank = _py(r.get("stage_rank"))
    rank = None if rank is None or rank == "" else float(rank)
    pair = pairs.get((actor, contribution))
    pair_rank = None if pair is None or _py(pair.get("rank")) is None else float(pair["rank"])
    renewed = pair is not None and pair_rank is None and rank is not None  # back on the ladder after a withdrawal
    stated = (_number(r.get("amount_low")), _number(r.get("amount_high")))
    earlier = seen.get((actor, contribution, stage, *stated)) if any(stated) else seen.get((actor, contribution, stage))
    if earlier is not None and not renewed:
        return "repeat", _basis(earlier["source_id"], earlier["reported_date"], ctx, _text(earlier.get("stage_label")).lower()), pair
    if stage == CONDITIONAL_STAGE:
        return "condition", None, pair
    if rank is None:
        return REFUSALS.get(stage, "ladder"), None, pair
    if pair_rank is not None and rank <= pair_rank and (actor, contribution, stage) not in seen:
        return "weaker", _basis(pair["basis_source"], pair["basis_date"], ctx, _standing_words(pair)), pair
    if pair_rank is not None and rank <= pair_rank:  # the same stage with a new figure
        return ("offer" if rank >= OFFER_RANK else "ladder"), None, pair
    top = best.get(actor)
    if contribution == UNSPECIFIED and top is not None and rank <= float(top["rank"]):
        return "weaker", _basis(top["basis_source"], top["basis_date"], ctx, _standing_words(top)), pair
    return ("offer" if rank >= OFFER_RANK else "ladder"), None, pair


def _standing_words(standing: dict[str, Any]) -> str:
    """ "offered publicly, troops (20,000 troops)": a standing as the notes name it."""
    figure = _text(standing.get("figure"))
    return f"{_text(standing.get('stage_label')).lower()}, {_lower_first(_text(standing.get('contribution_label')))}" + (f" ({figure})" if figure else "")


def pledge_news(new: pd.DataFrame, previous: Tables, ctx: Context) -> list[NewsItem]:
    """One item per new pledge or request; one report's same move by one actor (or one request to several) is one item.

    Args:
        new: new pledge rows (from :func:`new_claims`).
        previous: the previous edition's tables (its standings and pledges).
        ctx: the comparison's context.

    Returns:
        Items of kind offer, refusal, withdrawal, condition (a "will only if"), ladder, repeat or weaker;
        ``old``/``new`` are stage codes (``old`` = the standing compared with).
    """
    if new.empty:
        return []
    pairs, best = previous_standings(previous)
    seen: dict[tuple[str, ...], dict[str, Any]] = {}
    old = _table(previous, "pledges")
    for r in (old.sort_values(["reported_date", "pledge_id"]).to_dict("records") if len(old) else []):
        key = (_text(r.get("actor_id")), _text(r.get("contribution_type")), _text(r.get("stage")))
        seen.setdefault(key, r)
        seen.setdefault((*key, _number(r.get("amount_low")), _number(r.get("amount_high"))), r)
    items = []
    for r in new.to_dict("records"):
        kind, basis, standing = classify_pledge(r, pairs, best, seen, ctx)
        stage = _text(r.get("stage"))
        text = _pledge_sentence([_text(r.get("actor_id"))], stage, [_contribution(r)], ctx, _text(r.get("requested_by")))
        noted = kind in KINDS and standing is not None
        text += f" (before: {_text(standing.get('stage_label')).lower()})" if noted else ""
        items.append(_item(kind, "pledges", r, "pledge_id", ctx, text, subject=_text(r.get("contribution_type")),
                           old=_text(standing.get("stage")) if standing else None, new=stage, basis=basis,
                           value_low=r.get("amount_low"), value_high=r.get("amount_high"),
                           _row={"actor_id": _text(r.get("actor_id")), "stage": stage, "contribution": _contribution(r),
                                 "requested_by": _text(r.get("requested_by")), "noted": noted, "quote": _text(r.get("quote"))}))

    def key(i: NewsItem) -> Hashable | None:
        row = i["_row"]  # type: ignore[typeddict-item]
        # items with a note of their own, or a figure, stay alone: a merged sentence would drop them
        if not i["news"] or row["noted"] or i["value_low"] is not None or i["value_high"] is not None:
            return None
        if row["stage"] == "approached" and row["requested_by"]:
            return ("ask", row["requested_by"], row["contribution"], i["source_id"], i["late"], i["kind"])
        return ("move", row["actor_id"], row["stage"], i["source_id"], i["late"], i["kind"])

    def compose(group: list[NewsItem]) -> str:
        rows = [g["_row"] for g in group]  # type: ignore[typeddict-item]
        # one sentence of a report covering several kinds ("troops, equipment or logistical support") is an "or"
        one_passage = len({r["quote"] for r in rows}) == 1
        return _pledge_sentence(list(dict.fromkeys(r["actor_id"] for r in rows)), rows[0]["stage"],
                                [r["contribution"] for r in rows], ctx, rows[0]["requested_by"], "or" if one_passage else "and")

    return _merge(items, key, compose)


def _condition_clause(rows: list[dict[str, Any]], ctx: Context, subject: str) -> str:
    """ "Azerbaijan will deploy troops only once fighting completely stops and with parliamentary approval"."""
    by_scope: dict[str, list[str]] = {}
    for r in rows:
        scope = _text(r.get("applies_to"))
        words = CONDITION_WORDS.get(_text(r.get("condition_type"))) or f"on condition of {_lower_first(_label(r, 'condition_type'))}"
        by_scope.setdefault(scope, []).append(words)
    parts = []
    for scope, words in by_scope.items():
        verb = CONDITION_SCOPES.get(scope) or f"agree to {_lower_first(_label({'applies_to': scope}, 'applies_to'))}"
        parts.append(f"will {verb} only {fmt.names(list(dict.fromkeys(words)))}")
    return f"{subject} " + "; and ".join(parts)


def condition_news(new: pd.DataFrame, previous: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per new condition (:func:`merge_conditions` then makes one actor's conditions in one report one item).

    Args:
        new: new condition rows.
        previous: the previous edition's conditions (a condition an earlier report gave is "reported again").
        ctx: the comparison's context.

    Returns:
        Items of kind condition, condition_met, condition_lapsed or repeat; ``new`` is the condition type.
    """
    if new.empty:
        return []
    keys = ["actor_id", "condition_type", "applies_to"]
    seen: dict[tuple[str, ...], dict[str, Any]] = {}
    if len(previous) and set(keys) <= set(previous.columns):
        for r in previous.sort_values(["reported_date", "condition_id"]).to_dict("records"):
            seen.setdefault(tuple(_text(r.get(k)) for k in keys), r)
    items = []
    for r in new.to_dict("records"):
        earlier = seen.get(tuple(_text(r.get(k)) for k in keys))
        kind = "repeat" if earlier else STATUS_NEWS["conditions"].get(_text(r.get("status")), "condition")
        who = ctx.name(_text(r.get("actor_id")))
        text = _condition_clause([r], ctx, who) + (f" (now {_text(r.get('status'))})" if kind in ("condition_met", "condition_lapsed") else "")
        basis = _basis(earlier["source_id"], earlier["reported_date"], ctx, _lower_first(_label(earlier, "condition_type"))) if earlier else None
        items.append(_item(kind, "conditions", r, "condition_id", ctx, text, subject=_text(r.get("condition_type")),
                           new=_text(r.get("condition_type")), basis=basis, _row=r))
    return items


def merge_conditions(items: list[NewsItem], ctx: Context) -> list[NewsItem]:
    """One actor's new conditions from one report as one item: "Azerbaijan will deploy troops only after ... and with ..."."""
    def key(i: NewsItem) -> Hashable | None:
        return (i["actor_id"], i["source_id"], i["late"], i["kind"]) if i["kind"] == "condition" else None

    def compose(group: list[NewsItem]) -> str:
        return _condition_clause([g["_row"] for g in group], ctx, ctx.name(group[0]["actor_id"]))  # type: ignore[typeddict-item]

    return _merge(items, key, compose)


def attach_conditions(pledges: list[NewsItem], conditions: list[NewsItem], ctx: Context) -> tuple[list[NewsItem], list[NewsItem]]:
    """New conditions tied to a new pledge of the same report (``pledge_id``) told with it, as one item.

    "Will only if" (a conditional pledge) becomes the conditions' sentence; an offer keeps its sentence
    and adds "; they will deploy troops only inside Israeli-controlled areas". The item takes the
    stronger (lower) weight of the two.

    Args:
        pledges: pledge items.
        conditions: condition items.
        ctx: the comparison's context.

    Returns:
        (pledge items, the condition items not attached).
    """
    owner = {c: i for i, p in enumerate(pledges) if p["news"] for c in p["claim_ids"]}
    rest: list[NewsItem] = []
    attached: dict[int, list[NewsItem]] = {}
    for c in conditions:
        rows = [c["_row"]] if c["news"] else []  # type: ignore[typeddict-item]
        target = owner.get(_text(rows[0].get("pledge_id"))) if rows else None
        if target is not None and pledges[target]["source_id"] == c["source_id"] and pledges[target]["late"] == c["late"]:
            attached.setdefault(target, []).append(c)
        else:
            rest.append(c)
    out = []
    for i, p in enumerate(pledges):
        if i in attached:
            conds = attached[i]
            p = dict(p)  # type: ignore[assignment]
            rows = [c["_row"] for c in conds]  # type: ignore[typeddict-item]
            actors = [p["actor_id"]]
            subject = ctx.name(p["actor_id"])
            if p["new"] == CONDITIONAL_STAGE:
                before = p["text"][p["text"].find(" (before:"):] if " (before:" in p["text"] else ""
                p["text"] = _condition_clause(rows, ctx, subject) + before
            else:
                p["text"] += "; " + _condition_clause(rows, ctx, "they" if ctx.plural(actors) else "it")
            p["claim_ids"] = [*p["claim_ids"], *(c for k in conds for c in k["claim_ids"])]
            strongest = min([p, *conds], key=lambda x: x["weight"] or 99)
            p.update(kind=strongest["kind"], weight=strongest["weight"], group=strongest["group"])  # type: ignore[typeddict-item]
        out.append(p)
    return out, rest


def position_news(new: pd.DataFrame, previous: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per new position; one actor's stances on one topic in one report are one item.

    Args:
        new: new position rows.
        previous: the previous edition's positions (the actor's latest stance on the topic is compared).
        ctx: the comparison's context.

    Returns:
        Items of kind holding_back, stance_change, position or repeat; ``old``/``new`` are direction codes.
    """
    if new.empty:
        return []
    latest = _latest(previous, ["actor_id", "topic"])
    items = []
    for r in new.to_dict("records"):
        actor, topic, direction = _text(r.get("actor_id")), _text(r.get("topic")), _text(r.get("direction"))
        before = latest.get((actor, topic))
        old = _text(before.get("direction")) if before else ""
        kind_of_actor = ctx.kinds.get(actor, _text(r.get("actor_kind")))
        if old == direction:
            kind = "repeat"
        elif topic == OWN_PART_TOPIC and direction in HOLDING_BACK and kind_of_actor in STATE_KINDS:
            kind = "holding_back"
        elif old and kind_of_actor != "unnamed_group":
            kind = "stance_change"
        else:
            kind = "position"
        summary = _text(r.get("summary"))
        said = _lower_first(summary) if summary else f"{_label(r, 'direction').lower()} on {_label(r, 'topic')}"
        text = f"{ctx.name(actor)}: {said}" + (f" (before: {_text(before.get('direction_label')).lower()})" if old and old != direction else "")
        basis = _basis(before["source_id"], before["reported_date"], ctx, _lower_first(_text(before.get("summary")))) if kind == "repeat" and before else None
        items.append(_item(kind, "positions", r, "position_id", ctx, text, subject=topic, old=old or None, new=direction, basis=basis,
                           _row={"said": said}))

    def key(i: NewsItem) -> Hashable | None:
        return (i["actor_id"], i["subject"], i["source_id"], i["late"], i["kind"]) if i["kind"] == "position" else None

    def compose(group: list[NewsItem]) -> str:
        return f"{ctx.name(group[0]['actor_id'])}: " + "; ".join(dict.fromkeys(g["_row"]["said"] for g in group))  # type: ignore[typeddict-item]

    return _merge(items, key, compose)


def figure_news(new: pd.DataFrame, previous: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per new figure: a count of contributors or countries asked ranks above other figures.

    Args:
        new: new figure rows.
        previous: the previous edition's figures (its latest value of the metric, for the same actor).
        ctx: the comparison's context.

    Returns:
        Items of kind count, figure or repeat (the same value again), with value_low/value_high and
        ``old``/``new`` value labels.
    """
    if new.empty:
        return []
    value = "value_label" if "value_label" in new else "value_text"
    latest = _latest(previous, ["metric", "actor_id"])
    items = []
    for r in new.to_dict("records"):
        before = latest.get((_text(r.get("metric")), _text(r.get("actor_id"))))
        shown, old = _text(r.get(value)), _text(before.get(value)) if before else ""
        kind = "repeat" if old and old == shown else "count" if _text(r.get("metric")) in COUNT_METRICS else "figure"
        who = _text(r.get("actor_name"))
        # a new count is told on its own: counts from different reports often count different things ("19 willing to give
        # troops, equipment or logistics" against "several that insist on a mandate"), so no "before" beside it
        before_note = f" (before: {old})" if old and old != shown and kind != "count" else ""
        text = f"{_label(r, 'metric')}{f' ({who})' if who else ''}: {shown}" + before_note
        basis = _basis(before["source_id"], before["reported_date"], ctx, old) if kind == "repeat" and before else None
        items.append(_item(kind, "figures", r, "figure_id", ctx, text, subject=_text(r.get("metric")), old=old or None, new=shown,
                           value_low=r.get("value_low"), value_high=r.get("value_high"), basis=basis))
    return items


def event_news(new: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per new event: milestones (event_types.csv) first; what happened before the previous edition's newest report is background.

    An event counts as background only when it had surely happened before that report's date (a month's
    or a week's last day is before it), so a milestone dated on the previous edition's own day, and first
    reported after it, is news.

    Args:
        new: new event rows.
        ctx: the comparison's context (``previous_info``: the previous edition's information date).

    Returns:
        Items of kind milestone, event or background; ``subject`` is the event's own date.
    """
    items = []
    cutoff = pd.Timestamp(ctx.previous_info["date"]) if ctx.previous_info and ctx.previous_info.get("date") else None
    for r in new.to_dict("records"):
        date, precision = _py(r.get("event_date")), _text(r.get("event_date_precision")) or "day"
        end = _event_end(date, precision)
        if cutoff is not None and end is not None and end < cutoff:
            kind = "background"
        else:
            kind = "milestone" if _true(r.get("milestone")) else "event"
        # The event's own date, when it says more than the report's date beside it.
        when = _when(date, precision) if _iso(date) != _iso(r.get("reported_date")) else ""
        text = _text(r.get("title")) + (f" ({when})" if when else "")
        basis = (_basis(ctx.previous_info["source_id"], ctx.previous_info["date"], ctx, ctx.previous_info["label"])
                 if kind == "background" and ctx.previous_info else None)
        items.append(_item(kind, "events", r, "event_id", ctx, text, subject=_iso(date) or "", new=_text(r.get("event_type")),
                           sort_date=_iso(date) or _iso(r.get("reported_date")) or "", basis=basis))
    return items


def question_news(new: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per open question raised (or recorded as answered, when a ``status`` column says so)."""
    items = []
    for r in new.to_dict("records"):
        kind = "question_answered" if _text(r.get("status")) in STATUS_NEWS["open_questions"] else "question"
        text = ("Answered: " if kind == "question_answered" else "Open question: ") + _text(r.get("question"))
        items.append(_item(kind, "open_questions", r, "question_id", ctx, text, subject=_text(r.get("topic"))))
    return items


def status_news(table: str, current: pd.DataFrame, previous: pd.DataFrame, ctx: Context, events: pd.DataFrame | None = None,
                claims: pd.DataFrame | None = None) -> list[NewsItem]:
    """Claims kept from the previous edition whose ``status`` moved to met, lapsed or answered.

    The conditions one event meets (a resolution adopted meets every "UN mandate" condition) are one item.

    Args:
        table: "conditions" or "open_questions".
        current: this edition's table.
        previous: the previous edition's table.
        ctx: the comparison's context.
        events: this edition's events: a status backed by ``status_event_id`` is dated and cited by that event.
        claims: this edition's claims: an answered question is told with its answer (``answered_by``), dated and
            cited by the answer's report.

    Returns:
        Items dated and cited by the event that reports the new status when there is one, else by
        ``status_date`` when the data has it, else undated (the report date would overstate).
    """
    id_col = CLAIM_IDS[table]
    if "status" not in current or "status" not in previous or current.empty or previous.empty:
        return []
    before = previous.set_index(id_col)["status"].map(_text)
    now = current[current[id_col].isin(before.index)]
    moved = now[now["status"].map(_text).isin(list(STATUS_NEWS[table])) & (now["status"].map(_text) != now[id_col].map(before))]
    items = []
    for r in moved.to_dict("records"):
        kind, status = STATUS_NEWS[table][_text(r["status"])], _text(r["status"])
        if table == "conditions":
            text = f"The condition “{_label(r, 'condition_type')}” set by {ctx.name(_text(r.get('actor_id')))} is now {status}"
        else:
            text = f"Answered: {_text(r.get('question'))}"
        item = _item(kind, table, r, id_col, ctx, text, old=before[r[id_col]] or None, new=status, subject=_text(r.get("condition_type")))
        item["date"], item["date_label"] = _iso(r.get("status_date")), _when(r.get("status_date"))
        item["sort_date"] = item["date"] or ""
        item["late"] = False
        answer = _text(r.get("answered_by"))
        if claims is not None and answer and answer in set(claims.get("claim_id", [])):
            a = claims[claims["claim_id"] == answer].iloc[0]
            # the answer is the news: its words, its report and its date, not the question's
            who = ctx.name(_text(a.get("actor_id"))) if _text(a.get("actor_id")) else ""
            item.update(text=f"Answered: {_text(r.get('question'))} {who + ': ' if who else ''}{_text(a['summary'])}",
                        source_id=_text(a["source_id"]), date=_iso(a["reported_date"]), sort_date=_iso(a["reported_date"]) or "",
                        date_label=_when(a["reported_date"], ctx.precision.get(_text(a["source_id"]), "day")))
        event = _text(r.get("status_event_id"))
        if events is not None and event and event in set(events.get("event_id", [])):
            e = events[events["event_id"] == event].iloc[0]
            # the report of the event that met (or lapsed) it is the news' source, not the condition's own report
            item.update(source_id=_text(e["source_id"]), date=_iso(e["reported_date"]), sort_date=_iso(e["event_date"]) or "",
                        date_label=_when(e["reported_date"], ctx.precision.get(_text(e["source_id"]), "day")))
        item["_row"] = {"event": event, "actor": _text(r.get("actor_id")), "what": _label(r, "condition_type")}  # type: ignore[typeddict-unknown-key]
        items.append(item)

    def key(i: NewsItem) -> Hashable | None:
        event = i["_row"]["event"]  # type: ignore[typeddict-item]
        return (event, i["subject"], i["new"], i["source_id"]) if table == "conditions" and event else None

    def compose(group: list[NewsItem]) -> str:
        who = fmt.names([ctx.name(g["_row"]["actor"]) for g in group])  # type: ignore[typeddict-item]
        return f"The condition “{group[0]['_row']['what']}” set by {who} is now {group[0]['new']}"  # type: ignore[typeddict-item]

    return _merge(items, key, compose)


def source_news(current: pd.DataFrame, previous: pd.DataFrame, ctx: Context) -> list[NewsItem]:
    """One item per report new in this edition, dated by its publication date; never "added late".

    A new report published before the previous edition's newest report says so ("published before the
    previous edition's newest report"): it is new to readers, and its claims are judged like any other.

    Args:
        current: this edition's sources.
        previous: the previous edition's sources.
        ctx: the comparison's context.

    Returns:
        Items of kind source; ``claim_id`` and ``source_id`` are the source id.
    """
    if current.empty:
        return []
    new = current[~current["source_id"].isin(set(previous.get("source_id", [])))]
    cutoff = ctx.previous_info["date"] if ctx.previous_info and ctx.previous_info.get("date") else ""
    items = []
    for r in new.to_dict("records"):
        outlet = _text(r.get("outlet"))
        outlet = "outlet not named" if outlet.startswith("Outlet not named") else outlet
        title = _text(r.get("title"))
        older = bool(cutoff) and _iso(r.get("published")) is not None and _iso(r.get("published")) < cutoff
        row = {"source_id": r["source_id"], "reported_date": r.get("published"), "_late": False}
        text = f"New report: {outlet}" + (f", “{title}”" if title else "")
        text += f" (published before the previous edition's newest report of {ctx.previous_info['label']}; newly added)" if older else ""
        items.append(_item("source", "sources", row, "source_id", ctx, text, subject="older" if older else "", claim_ids=[]))
    return items


def actor_mentions(tables: Tables) -> pd.DataFrame:
    """Every actor id named by a claim in any actor column, lists ("HAMAS; USA") split.

    Args:
        tables: an edition's processed tables.

    Returns:
        Columns actor_id, table, claim_id, source_id, reported_date; one row per mention.
    """
    frames = []
    for name, id_col in CLAIM_IDS.items():
        df = _table(tables, name)
        cols = [c for c in df.columns if c in ACTOR_ID_COLUMNS or c.endswith(("_actor_id", "_actor_ids"))]
        for col in cols:
            part = df[[id_col, col, "source_id", "reported_date"]].rename(columns={id_col: "claim_id", col: "actor_id"})
            frames.append(part.assign(table=name, actor_id=part["actor_id"].fillna("").astype(str).str.split(";")))
    if not frames:
        return pd.DataFrame(columns=["actor_id", "table", "claim_id", "source_id", "reported_date"])
    long = pd.concat(frames, ignore_index=True).explode("actor_id")
    long["actor_id"] = long["actor_id"].fillna("").str.strip()
    return long[long["actor_id"] != ""][["actor_id", "table", "claim_id", "source_id", "reported_date"]]


def actor_news(current: Tables, previous: Tables, ctx: Context, late_ids: set[str] = frozenset()) -> list[NewsItem]:
    """Actors named for the first time, in any actor column: one item per report, cited by it.

    Args:
        current: this edition's tables.
        previous: the previous edition's tables.
        ctx: the comparison's context.
        late_ids: ids of new claims added late (an actor first named in one is marked late too).

    Returns:
        Items of kind actor; ``actor_id`` is the first new actor, ``claim_id`` the first claim naming it.
    """
    now, before = actor_mentions(current), actor_mentions(previous)
    new = now[~now["actor_id"].isin(set(before["actor_id"]))].sort_values(["reported_date", "claim_id", "actor_id"])
    first = new.drop_duplicates("actor_id")
    # claim_ids stays empty: the claims that name the actors are items of their own
    items = [_item("actor", r["table"], r | {"_late": r["claim_id"] in late_ids}, "claim_id", ctx, f"Named for the first time: {ctx.name(r['actor_id'])}",
                   _row={"name": ctx.name(r["actor_id"])}, actor_id=r["actor_id"], named=3, claim_ids=[]) for r in first.to_dict("records")]
    return _merge(items, lambda i: (i["source_id"], i["late"]),
                  lambda g: "Named for the first time: " + fmt.names([i["_row"]["name"] for i in g], limit=40))  # type: ignore[typeddict-item]


def _sort(items: list[NewsItem]) -> list[NewsItem]:
    """News by weight; ties to named states, other named actors, unnamed groups, then to what is newer, then by id."""
    by_id = sorted(items, key=lambda i: i["claim_id"])
    by_date = sorted(by_id, key=lambda i: i["sort_date"], reverse=True)
    return sorted(by_date, key=lambda i: (i["weight"] if i["weight"] is not None else 99, i["named"]))


def context(current: Tables, previous: Tables) -> Context:
    """The comparison's context: report date precisions, actors' kinds and names, the previous information date."""
    actors = pd.concat([_table(previous, "actors"), _table(current, "actors")])
    has = {"actor_id", "kind", "name"} <= set(actors.columns)
    old_sources = _table(previous, "sources")
    info = analysis.information_date(old_sources) if len(old_sources) else None
    return Context(precision=_precision_of(old_sources) | _precision_of(_table(current, "sources")),
                   kinds=dict(zip(actors["actor_id"], actors["kind"].map(_text))) if has else {},
                   names=dict(zip(actors["actor_id"], actors["name"].map(_text))) if has else {},
                   previous_info=info if info and info.get("date") else None,
                   old_sources=set(old_sources.get("source_id", [])))


def news_items(current: Tables, previous: Tables, ctx: Context | None = None) -> tuple[list[NewsItem], list[NewsItem], dict[str, int]]:
    """Every item of this edition: the news, sorted; what is not new; and the counts.

    Args:
        current: this edition's processed tables.
        previous: the previous edition's processed tables.
        ctx: the comparison's context (:func:`context`), made here when not given.

    Returns:
        (news, not_news, {"new_claims", "late_claims", "restated_claims", "background_claims"}).
    """
    ctx = ctx or context(current, previous)
    new = {name: new_claims(_table(current, name), _table(previous, name), id_col, ctx.old_sources) for name, id_col in CLAIM_IDS.items()}
    pledges, conditions = attach_conditions(pledge_news(new["pledges"], previous, ctx),
                                            condition_news(new["conditions"], _table(previous, "conditions"), ctx), ctx)
    conditions = merge_conditions(conditions, ctx)
    late_ids = {i for df in new.values() if len(df) for i in df.loc[df["_late"]].iloc[:, 0]}
    items = [
        *pledges, *conditions,
        *position_news(new["positions"], _table(previous, "positions"), ctx),
        *figure_news(new["figures"], _table(previous, "figures"), ctx),
        *event_news(new["events"], ctx),
        *question_news(new["open_questions"], ctx),
        *status_news("conditions", _table(current, "conditions"), _table(previous, "conditions"), ctx, _table(current, "events")),
        *status_news("open_questions", _table(current, "open_questions"), _table(previous, "open_questions"), ctx, claims=_table(current, "claims")),
        *source_news(_table(current, "sources"), _table(previous, "sources"), ctx),
        *actor_news(current, previous, ctx, late_ids),
    ]
    for i in items:
        i.pop("_row", None)  # type: ignore[misc]
    news = _sort([i for i in items if i["news"]])
    rest = sorted((i for i in items if not i["news"]), key=lambda i: (list(NOT_NEWS).index(i["kind"]), list(CLAIM_IDS).index(i["table"]), i["claim_id"]))
    counts = {"new_claims": int(sum(len(df) for df in new.values())),
              "late_claims": len(late_ids),
              "restated_claims": sum(len(i["claim_ids"]) for i in rest if i["kind"] in ("repeat", "weaker")),
              "background_claims": sum(len(i["claim_ids"]) for i in rest if i["kind"] == "background")}
    return news, rest, counts


# --- corrections --------------------------------------------------------------------------------


def edited_rows(table: str, current: pd.DataFrame, previous: pd.DataFrame, id_col: str) -> list[Correction]:
    """Rows in both editions whose curated fields differ, each with field: old -> new and its notes.

    A column only one edition has (a column added to the schema) is not compared; a ``status`` moving to
    a news value (met, lapsed, answered) is news (:func:`status_news`), not a correction.

    Args:
        table: table name.
        current: this edition's table.
        previous: the previous edition's table.
        id_col: the id column.

    Returns:
        One Correction of kind "edited" per changed row, in id order.
    """
    if current.empty or previous.empty:
        return []
    columns = [c for c in curated_columns(current) if c in set(curated_columns(previous)) and c != id_col]
    shared = sorted(set(current[id_col]) & set(previous[id_col]))
    now = current.drop_duplicates(id_col).set_index(id_col).loc[shared, columns].apply(_as_text)
    before = previous.drop_duplicates(id_col).set_index(id_col).loc[shared, columns].apply(_as_text)
    differs = (now != before).to_numpy()
    if "status" in columns and table in STATUS_NEWS:  # news, reported by status_news, with the event that reports it
        moved = now["status"].isin(list(STATUS_NEWS[table])).to_numpy()
        for column in ("status", "status_event_id", "answered_by"):
            if column in columns:
                differs[:, columns.index(column)] &= ~moved
    notes = current.drop_duplicates(id_col).set_index(id_col)["notes"].map(_text) if "notes" in current else pd.Series(dtype=str)
    label_now, label_before = _labels(current, id_col, columns), _labels(previous, id_col, columns)
    out: list[Correction] = []
    for i in np.flatnonzero(differs.any(axis=1)):
        claim_id = shared[i]
        changes: list[FieldChange] = [
            {"field": columns[j], "old": before.iat[i, j], "new": now.iat[i, j],
             "old_label": label_before.get((claim_id, columns[j])) or before.iat[i, j],
             "new_label": label_now.get((claim_id, columns[j])) or now.iat[i, j]}
            for j in np.flatnonzero(differs[i])]
        out.append({"kind": "edited", "table": table, "claim_id": claim_id,
                    "source_id": now.at[claim_id, "source_id"] if "source_id" in now else claim_id,
                    **_dated(now, claim_id), "changes": changes, "summary": "", "notes": notes.get(claim_id, "")})
    return out


def _dated(rows: pd.DataFrame, claim_id: str) -> dict[str, Any]:
    """date and date_label of a row (rows as text, indexed by id): its report date, or a source's publication date."""
    col = next((c for c in ("reported_date", "published") if c in rows), None)
    date = rows.at[claim_id, col] if col else ""
    return {"date": date or None, "date_label": _when(date) if date else ""}


def _labels(df: pd.DataFrame, id_col: str, columns: list[str]) -> dict[tuple[str, str], str]:
    """(claim id, code column) -> the row's reader label for that code, for the columns that have one."""
    out: dict[tuple[str, str], str] = {}
    for col in columns:
        label = LABEL_COLUMNS.get(col, f"{col}_label")
        if label in df and label != col:
            out |= {(i, col): _text(v) for i, v in zip(df[id_col], df[label])}
    return out


def removed_rows(table: str, current: pd.DataFrame, previous: pd.DataFrame, id_col: str, summaries: dict[str, str]) -> list[Correction]:
    """Rows the previous edition had and this one has not, with the old row's summary and notes.

    Args:
        table: table name.
        current: this edition's table.
        previous: the previous edition's table.
        id_col: the id column.
        summaries: claim id -> one-line summary in the previous edition (its ``claims`` table).

    Returns:
        One Correction of kind "removed" per row gone, in id order.
    """
    if previous.empty or id_col not in previous:
        return []
    gone = previous[~previous[id_col].isin(set(current.get(id_col, [])))].sort_values(id_col)
    dates = previous.drop_duplicates(id_col).set_index(id_col).reindex(gone[id_col]).apply(_as_text) if len(gone) else pd.DataFrame()
    return [{"kind": "removed", "table": table, "claim_id": r[id_col], "source_id": _text(r.get("source_id")) or r[id_col],
             **_dated(dates, r[id_col]), "changes": [], "summary": summaries.get(r[id_col], _text(r.get("title")) or _text(r.get("summary"))),
             "notes": _text(r.get("notes"))} for r in gone.to_dict("records")]


def corrections(current: Tables, previous: Tables) -> list[Correction]:
    """Claims and sources edited or removed since the previous edition.

    Args:
        current: this edition's processed tables.
        previous: the previous edition's processed tables.

    Returns:
        Corrections, table by table (sources first), edited then removed, each in id order.
    """
    claims = _table(previous, "claims")
    summaries = dict(zip(claims["claim_id"], claims["summary"].map(_text))) if {"claim_id", "summary"} <= set(claims.columns) else {}
    out: list[Correction] = []
    for name, id_col in {"sources": "source_id", **CLAIM_IDS}.items():
        now, before = _table(current, name), _table(previous, name)
        out += edited_rows(name, now, before, id_col)
        out += removed_rows(name, now, before, id_col, summaries)
    # "c. 15 Nov 2025" when the report's own date is an estimate, as in the news items.
    precision = _precision_of(_table(previous, "sources")) | _precision_of(_table(current, "sources"))
    for c in out:
        c["date_label"] = _when(c["date"], precision.get(c["source_id"], "day")) if c["date"] else ""
    return out




# --- the whole comparison -----------------------------------------------------------------------


def changes_since(current: Tables, previous: Tables | None, as_of: str, previous_as_of: str | None) -> dict[str, Any]:
    """What changed since the previous edition: the news, ranked; what is not new; the corrections.

    Args:
        current: this edition's processed tables (clean.build_processed / read_processed).
        previous: the previous edition's processed tables, or None for the first edition.
        as_of: this edition's date, YYYY-MM-DD.
        previous_as_of: the previous edition's date, or None.

    Returns:
        A JSON-ready dict: as_of, previous_as_of, previous_information (the previous edition's newest
        report: date, label, source_id; None without one), has_previous, quiet (nothing new, nothing
        corrected), counts {new_claims, late_claims, restated_claims, background_claims, news, not_news,
        corrections, new_sources}, headline_items (the 3 to 5 items that lead: text, source_id,
        date_label, late, kind), headline (the same as plain lines with their citation, or one line saying
        why there is none), news (NewsItem dicts, most important first), not_news (restatements and
        background) and corrections (Correction dicts).
    """
    empty = {"new_claims": 0, "late_claims": 0, "restated_claims": 0, "background_claims": 0, "news": 0, "not_news": 0,
             "corrections": 0, "new_sources": 0}
    if previous is None:
        return {"as_of": as_of, "previous_as_of": previous_as_of, "previous_information": None, "has_previous": False,
                "quiet": False, "counts": empty, "headline_items": [], "headline": [], "news": [], "not_news": [], "corrections": []}
    ctx = context(current, previous)
    news, not_news, counts = news_items(current, previous, ctx)
    fixes = corrections(current, previous)
    counts = empty | counts | {"news": len(news), "not_news": len(not_news), "corrections": len(fixes),
                               "new_sources": sum(i["kind"] == "source" for i in news)}
    lead = [{"text": i["text"], "source_id": i["source_id"], "date_label": i["date_label"], "late": i["late"], "kind": i["kind"]}
            for i in headline_items(news)]
    return {"as_of": as_of, "previous_as_of": previous_as_of, "previous_information": ctx.previous_info, "has_previous": True,
            "quiet": not news and not not_news and not fixes, "counts": counts, "headline_items": lead,
            "headline": headline(lead, counts, previous_as_of), "news": news, "not_news": not_news, "corrections": fixes}


def headline_items(news: list[NewsItem]) -> list[NewsItem]:
    """The items that lead: the news of weight up to HEADLINE_WEIGHT, at most HEADLINE_MAX, at least HEADLINE_MIN when there is that much.

    Args:
        news: news items, most important first.

    Returns:
        The first items of ``news``.
    """
    strong = sum(1 for i in news if (i["weight"] or 99) <= HEADLINE_WEIGHT)
    return news[: min(HEADLINE_MAX, max(strong, HEADLINE_MIN))]


def plain_cite(item: dict[str, Any]) -> str:
    """ "(S003, 8 Nov 2025)", "(S001, 13 Oct 2025; added late)": a citation in plain text (feeds, logs)."""
    parts = ", ".join(p for p in (item["source_id"], item["date_label"]) if p)
    return f"({parts}{'; added late' if item['late'] else ''})" if parts else ""


def headline(lead: list[dict[str, Any]], counts: dict[str, int], previous_as_of: str | None) -> list[str]:
    """The lines an editions list or a feed shows: the leading items with their citations, or one line saying why there are none.

    Args:
        lead: the headline items (text, source_id, date_label, late).
        counts: the comparison's counts.
        previous_as_of: the previous edition's date, or None.

    Returns:
        Plain-text lines (not escaped).
    """
    if lead:
        return [f"{i['text']} {plain_cite(i)}".strip() for i in lead]
    since = f" since the previous edition of {_when(previous_as_of)}" if previous_as_of else " since the previous edition"
    old = counts["restated_claims"] + counts["background_claims"]
    if old:
        return [f"No news{since}: {_plural(old, 'new claim')} {'adds' if old == 1 else 'add'} nothing to earlier reports"
                + (f"; {_plural(counts['corrections'], 'correction')}." if counts["corrections"] else ".")]
    if counts["corrections"]:
        return [f"No new report or claim{since}; {_plural(counts['corrections'], 'correction')}."]
    return [f"Nothing new{since}."]


def correction_text(c: Correction) -> str:
    """A correction as one plain line (feeds, the editions page): "PL-035 (pledges): stage offered → declined"."""
    head = f"{c['claim_id']} ({c['table'].replace('_', ' ')})"
    if c["kind"] == "removed":
        return f"{head} removed" + (f": {c['summary']}" if c["summary"] else "")
    return f"{head}: " + "; ".join(f"{f['field'].replace('_', ' ')} {_short(f['old_label']) or '(blank)'} → {_short(f['new_label']) or '(blank)'}"
                                  for f in c["changes"])


def for_revision(changes: dict[str, Any], current: Tables, revised: Tables | None, revises: str, revises_as_of: str) -> dict[str, Any]:
    """A revision's "what changed": the news still against the previous edition, the corrections against the
    edition it revises (and leading the headline).

    Args:
        changes: :func:`changes_since` of this edition against its previous edition.
        current: this edition's processed tables.
        revised: the processed tables of the edition it revises (None: not readable, no corrections listed).
        revises: that edition's folder name.
        revises_as_of: its date.

    Returns:
        ``changes`` with ``revises``/``revises_as_of``, the corrections against the revised edition, their
        count, and headline items (kind "correction") of the corrections first, then the news that led.
    """
    fixes = corrections(current, revised) if revised is not None else []
    counts = {**changes["counts"], "corrections": len(fixes)}
    lead = [{"text": f"Corrected: {correction_text(c)}", "source_id": c["source_id"] if c["source_id"] != c["claim_id"] else "",
             "date_label": c["date_label"], "late": False, "kind": "correction"} for c in fixes]
    lead = (lead + list(changes.get("headline_items") or []))[:HEADLINE_MAX]
    return {**changes, "revises": revises, "revises_as_of": revises_as_of, "corrections": fixes, "counts": counts,
            "quiet": not changes["news"] and not changes.get("not_news") and not fixes,
            "headline_items": lead, "headline": headline(lead, counts, changes.get("previous_as_of"))}


# --- the reader's section -----------------------------------------------------------------------


def _cite(item: dict[str, Any]) -> str:
    """ "([S003](#src-S003), 8 Nov 2025)": the citation linked like every other section, "added late" when so."""
    linked = ", ".join(p for p in (ref(item["source_id"]), esc(item["date_label"])) if p)
    return f"({linked}{'; added late' if item['late'] else ''})" if linked else ""


def _short(value: str) -> str:
    """A long field value cut to MAX_VALUE_CHARS, marked with an ellipsis."""
    return value if len(value) <= MAX_VALUE_CHARS else value[: MAX_VALUE_CHARS - 1] + "…"


def _correction_line(c: Correction) -> str:
    """ "- PL-035 (pledges): stage offered_private → declined. Note: ..." or "- PO-019 (positions) removed: ..." """
    head = f"{c['claim_id']} ({c['table'].replace('_', ' ')})"
    if c["kind"] == "removed":
        body = f"{head} removed" + (f": {c['summary']}" if c["summary"] else "")
    else:
        body = f"{head}: " + "; ".join(f"{f['field'].replace('_', ' ')} {_short(f['old_label']) or '(blank)'} → {_short(f['new_label']) or '(blank)'}"
                                       for f in c["changes"])
    source = c["source_id"] if c["source_id"] != c["claim_id"] else ""
    cite = ", ".join(p for p in (ref(source), esc(c["date_label"])) if p)
    return f"- {esc(body)}" + (f" ({cite})" if cite else "") + (f". Note: {esc(c['notes'])}" if c["notes"] else "")


def _capped(lines: list[str], what: str) -> list[str]:
    """The first MAX_ITEMS bullets and one saying how many more the edition's changes.json holds."""
    if len(lines) <= MAX_ITEMS:
        return lines
    return [*lines[:MAX_ITEMS], f"- *… and {len(lines) - MAX_ITEMS} more {what}; all are in the edition's analysis/changes.json*"]


def _plural(n: int, word: str) -> str:
    """ "1 new report", "2 new reports"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _news_line(item: dict[str, Any]) -> str:
    """ "- Indonesia publicly offered 20,000 troops ([S002](#src-S002), 18 Oct 2025)"."""
    return f"- {esc(item['text'])} {_cite(item)}".rstrip()


def _old_line(item: dict[str, Any]) -> str:
    """A claim that is not new, with what it repeats or why it is background, both cited."""
    basis = item.get("basis") or {}
    earlier = ", ".join(p for p in (ref(basis.get("source_id", "")), esc(basis.get("date_label", ""))) if p)
    if item["kind"] == "repeat":
        why = f"reported again, as in {earlier}" if earlier else "reported again"
    elif item["kind"] == "weaker":
        why = f"a weaker mention; the actor already stood at {esc(basis.get('label', ''))} ({earlier})"
    else:
        why = f"it happened before the previous edition's newest report ({earlier})" if earlier else "it happened before the previous edition"
    return f"{_news_line(item)}: {why}"


def _collapsible(summary: str, lines: list[str]) -> list[str]:
    """Lines inside a <details> block of the HTML page (open in the PDF, which shows every line).

    The tags are raw HTML blocks, which both renderers pass to the page only; the Markdown between them
    is rendered as usual, so the PDF prints the lines as a plain list.
    """
    return ["", f"```{{=html}}\n<details class=\"isf-changes\"><summary>{esc(summary)}</summary>\n```", "", *lines, "",
            "```{=html}\n</details>\n```"]


def changes_md(changes: dict[str, Any]) -> str:
    """The "what changed" section: the headline items, the rest of the news by kind, what is not new, the corrections.

    Args:
        changes: the result of :func:`changes_since` (or the same read back from changes.json).

    Returns:
        Markdown, every piece of data escaped and every citation linked to its source; the rest of the
        news and the claims that are not new in collapsible blocks of the page (printed whole in the
        PDF); corrections under a level-3 heading. One line for the first edition, and one line for a
        quiet week.
    """
    fixes_heading = (f"### Corrections to the edition of {esc(_when(changes['revises_as_of']))} that this revision replaces"
                     if changes.get("revises") else "### Corrections since the previous edition")
    if not changes.get("has_previous"):
        first = "There is no previous edition to compare with: this is the first edition."
        if not changes.get("revises") or not changes.get("corrections"):
            return first
        return "\n".join([first, "", fixes_heading, "", *_capped([_correction_line(c) for c in changes["corrections"]], "corrections")])
    since = _when(changes["previous_as_of"]) if changes.get("previous_as_of") else ""
    since_text = f" of {esc(since)}" if since else ""
    if changes["quiet"]:
        return f"Nothing new since the previous edition{since_text}: no new report, claim or correction."
    counts = changes["counts"]
    news, not_news = changes["news"], changes.get("not_news", [])
    reports = _plural(counts["new_sources"], "new report") if counts["new_sources"] else "no new report"
    late = f" ({counts['late_claims']} added late to reports the previous edition had)" if counts["late_claims"] else ""
    lines = [f"Since the previous edition{since_text}: {reports} and {_plural(counts['new_claims'], 'new claim')}{late}."]
    restated, background = counts["restated_claims"], counts["background_claims"]
    apart = [p for p in (f"{_plural(restated, 'claim')} that {'adds' if restated == 1 else 'add'} nothing to earlier reports" if restated else "",
                         f"{_plural(background, 'event')} from before the previous edition" if background else "") if p]
    verb = "is" if restated + background == 1 else "are"
    if news:
        lines[0] += " The news first, the most important at the top" + (f"; {' and '.join(apart)} {verb} listed apart." if apart else ".")
        lead = [i for i in changes.get("headline_items") or [] if i.get("kind") != "correction"]  # a revision's lead its corrections
        lines += ["", *[_news_line(i) for i in news[: len(lead)]]]
        more = news[len(lead):]
        if more:
            grouped: list[str] = []
            for group, title in GROUPS.items():
                members = [_news_line(i) for i in more if i["group"] == group]
                if members:
                    grouped += ["", f"**{title}**", "", *_capped(members, "items")]
            show = "Show the other news item" if len(more) == 1 else f"Show the other {len(more)} news items"
            lines += ["", "### More news, by kind", *_collapsible(show, grouped[1:])]
    else:
        lines[0] += " None of it is news" + (f": {' and '.join(apart)}." if apart else ".")
    if not_news:
        lines += ["", "### Not new: reported again, or background", "",
                  "New rows that tell a reader of the previous edition nothing new: a claim an earlier report already made (or a "
                  "weaker one than where the actor stands), or an event from before the previous edition's newest report."]
        show = "Show the claim" if len(not_news) == 1 else f"Show the {len(not_news)} claims"
        lines += _collapsible(show, _capped([_old_line(i) for i in not_news], "claims"))
    if changes["corrections"]:
        lines += ["", fixes_heading, ""]
        lines += _capped([_correction_line(c) for c in changes["corrections"]], "corrections")
    return "\n".join(lines)
