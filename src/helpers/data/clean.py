"""Turn the curated tables into typed, harmonised analysis tables for one edition.

Raw files are only read, through the schema reader (``helpers.data.datapackage.read_tables``), so every
column arrives with the type datapackage.yaml declares. Each function takes and returns DataFrames, so it
can be tested on tiny fixture frames. ``build_processed`` is what notebook 01 calls;
``helpers.data.processed`` writes its tables to disk and reads them back typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers import fmt
from helpers.data.datapackage import CLAIM_TABLES, claim_id_columns, read_tables, reference_tables, split_list

# Source ids as the curated notes write them ("per S003").
SOURCE_ID_RE = re.compile(r"\bS\d{3,}\b")
# Claim-table columns that name actors: an actor named in any of them belongs to the edition.
ACTOR_ID_COLUMNS: tuple[str, ...] = ("actor_id", "requested_by", "target_actor_id", "other_actor_ids")


def withhold_later_notes(df: pd.DataFrame, columns: tuple[str, ...], source_ids: set[str]) -> pd.DataFrame:
    """Blank each note that names a source outside this edition, so no edition cites a later report.

    Args:
        df: a table of strings.
        columns: its free-text note columns (those absent are skipped).
        source_ids: the ids of the sources this edition holds.

    Returns:
        A copy where a note naming any other source id ("per S003") is "".
    """
    out = df.copy()
    for col in (c for c in columns if c in out):
        cites_later = out[col].map(lambda text: bool(set(SOURCE_ID_RE.findall(str(text))) - source_ids))
        out.loc[cites_later, col] = ""
    return out


def edition_actors(actors: pd.DataFrame, claims: list[pd.DataFrame], source_ids: set[str]) -> pd.DataFrame:
    """The actors one edition may show: only what its own reports say about them.

    NOTE: actors.csv does not record which report each alias or note came from, so an actor keeps its
    aliases and notes only when every report that mentions it is in this edition; otherwise both are
    blanked rather than guessed at.

    Args:
        actors: the curated actors table (strings).
        claims: this edition's claim tables (already cut at as_of).
        source_ids: the ids of the sources this edition holds.

    Returns:
        The actors named in a claim (in any actor column, including other_actor_ids), plus their parents,
        with ``mentioned_in`` cut to this edition's sources.
    """
    named = {a for df in claims for col in ACTOR_ID_COLUMNS if col in df for cell in df[col].fillna("") for a in split_list(str(cell))}
    parents = set(actors.loc[actors["actor_id"].isin(named), "parent_actor_id"]) - {""}
    out = actors[actors["actor_id"].isin(named | parents)].reset_index(drop=True)
    mentioned = out["mentioned_in"].map(split_list)
    complete = mentioned.map(lambda ids: set(ids) <= source_ids)
    out["mentioned_in"] = mentioned.map(lambda ids: "; ".join(i for i in ids if i in source_ids))
    for col in ("aliases", "notes"):
        out.loc[~complete, col] = ""
    return withhold_later_notes(out, ("notes",), source_ids)


class UnknownActorError(KeyError):
    """An actor id or name that the actors table does not know."""


def alias_index(actors: pd.DataFrame) -> dict[str, str]:
    """Map every name, alias and id of an actor (case-insensitive) to its actor_id.

    Args:
        actors: the actors table (actor_id, name, aliases).

    Returns:
        Lower-cased name -> actor_id.
    """
    index: dict[str, str] = {}
    for row in actors.itertuples():
        for name in (row.actor_id, row.name, *split_list(row.aliases)):
            index[name.lower()] = row.actor_id
    return index


def harmonise_name(name: str, actors: pd.DataFrame) -> str:
    """The actor_id for a name as the reports write it ("Turkiye", "U.K.", "Washington").

    Args:
        name: a name, alias or id.
        actors: the actors table.

    Returns:
        The actor_id.

    Raises:
        UnknownActorError: the name is in no actor's name or aliases (never silently dropped).
    """
    found = alias_index(actors).get(name.strip().lower())
    if found is None:
        raise UnknownActorError(f"{name!r} is not a name, alias or id in actors.csv; add it to an actor's aliases")
    return found


def add_actor_names(df: pd.DataFrame, actors: pd.DataFrame, column: str = "actor_id", prefix: str = "actor") -> pd.DataFrame:
    """Join the harmonised name, kind and region of the actor in ``column``.

    Args:
        df: a claim table.
        actors: the actors table.
        column: the id column to look up; blank ids get blank names.
        prefix: prefix for the new columns (``{prefix}_name``, ``{prefix}_kind``, ``{prefix}_region``).

    Returns:
        A copy with the three columns added.

    Raises:
        UnknownActorError: an id in ``column`` is not in the actors table.
    """
    known = actors.set_index("actor_id")
    ids = df[column].fillna("")
    unknown = sorted(set(ids[ids != ""]) - set(known.index))
    if unknown:
        raise UnknownActorError(f"{column} holds ids not in actors.csv: {', '.join(unknown)}")
    out = df.copy()
    for field in ("name", "kind", "region", "population", "population_label"):
        if field in known:
            out[f"{prefix}_{field}"] = ids.map(known[field]).fillna("")
    return out


def add_labels(df: pd.DataFrame, reference: pd.DataFrame, key: str, columns: dict[str, str]) -> pd.DataFrame:
    """Join columns of a reference table onto ``df`` by its code column ``key``.

    Args:
        df: a table with a ``key`` column.
        reference: the reference table keyed by ``key``.
        columns: reference column -> new column name (e.g. {"label": "stage_label"}).

    Returns:
        A copy with the new columns.
    """
    ref = reference.set_index(key)
    out = df.copy()
    for source, target in columns.items():
        out[target] = out[key].map(ref[source])
    return out


def amount_label(low: float | None, high: float | None, precision: str, unit: str = "", words: str = "") -> str:
    """A reader-facing amount that keeps the vagueness: "about 20,000 troops", "up to 200", "about two dozen personnel".

    A vague or approximate amount the report gave in words only ("several", "about two dozen") is printed in
    the report's words, never as the number recorded for sorting (3, 24).

    Args:
        low: least value (NaN/None when unknown).
        high: greatest value (NaN/None when open-ended).
        precision: precision code (reference/precisions.csv).
        unit: unit to append, if any.
        words: the report's own words for the amount (amount_text / value_text), if any.

    Returns:
        The label, or "not stated" when there is no amount.
    """
    def fmt(x: float) -> str:
        return f"{x:,.0f}"

    lo = None if low is None or pd.isna(low) else float(low)
    hi = None if high is None or pd.isna(high) else float(high)
    if lo is None and hi is None:
        return "not stated"
    words = words if isinstance(words, str) else ""
    if words and not any(ch.isdigit() for ch in words):
        if precision == "vague":
            return f"{words} (number not stated)"
        if precision == "approximate":  # "about two dozen": the report's words
            return f"{words} {unit}".strip()
        if precision in ("at_least", "up_to") and unit == "percent":  # "over half": a share the report gives in words
            return words
    text = {
        "exact": lambda: fmt(lo),
        "approximate": lambda: f"about {fmt(lo)}",
        "up_to": lambda: f"up to {fmt(hi)}",
        "at_least": lambda: f"at least {fmt(lo)}",
        "vague": lambda: f"{fmt(lo)} or more (vague)",
    }.get(precision, lambda: f"{fmt(lo)}-{fmt(hi)}" if lo is not None and hi is not None else fmt(lo or hi))()
    return f"{text} {unit}".strip()


def filter_as_of(df: pd.DataFrame, as_of: str | pd.Timestamp, column: str = "reported_date") -> pd.DataFrame:
    """Keep the rows reported on or before ``as_of``, so any past edition can be rebuilt.

    Args:
        df: a table with a datetime ``column``.
        as_of: edition date (YYYY-MM-DD or Timestamp).
        column: the date column to compare.

    Returns:
        The rows with ``column`` <= as_of.
    """
    return df[df[column] <= pd.Timestamp(as_of)].reset_index(drop=True)


def edition_sources(sources: pd.DataFrame, as_of: str | pd.Timestamp) -> pd.DataFrame:
    """The reports an edition of ``as_of`` may use: those whose latest possible publication date is on or
    before it. A report dated only roughly (S004: c. 16 Oct, within 15-21 Oct) waits for the first edition
    it cannot post-date; its claims keep their recorded date."""
    latest = sources["published_latest"].fillna(sources["published"]) if "published_latest" in sources else sources["published"]
    return sources[latest <= pd.Timestamp(as_of)].reset_index(drop=True)


def source_label(sources: pd.DataFrame) -> pd.Series:
    """A short citation per source: "Dawn, 8 Nov 2025" or "S002 (unnamed outlet), 18 Oct 2025, via The Guardian"."""
    def label(row: pd.Series) -> str:
        outlet = row["outlet"] or "unnamed outlet"
        return f"{row['source_id']} ({outlet}, {fmt.date_label(row['published'], row['date_precision'])})"
    return sources.apply(label, axis=1)


def build_processed(data_dir: Path, as_of: str) -> dict[str, pd.DataFrame]:
    """All analysis tables for one edition: typed, labelled, harmonised, and limited to ``as_of``.

    Claim tables gain actor names/kinds/regions, labels for their codes, ``source_label`` and
    ``outlet``; pledges also gain ``stage_rank``, ``on_ladder``, ``inside_gaza`` and ``amount_label``.
    ``claims`` stacks every claim table into one long table for the timeline and the change log.

    Nothing reported after ``as_of`` leaks into an edition: sources are those surely published by then
    (:func:`edition_sources`; only their claims count), with date notes and notes that cite a later source
    blanked; claim notes citing a later source are blanked, and actors are cut by :func:`edition_actors`.

    Args:
        data_dir: folder holding curated/ and reference/ (already validated).
        as_of: edition date YYYY-MM-DD; claims reported later are left out.

    Returns:
        Table name -> frame. Keys: sources, actors, pledges, conditions, positions, events, figures,
        open_questions, claims, plus every reference table.
    """
    t = read_tables(data_dir)
    curated_actors = t["actors"]
    sources = t["sources"].assign(source_label=lambda d: source_label(d))
    sources = edition_sources(sources, as_of)
    source_ids = set(sources["source_id"])
    sources = withhold_later_notes(sources, ("date_note", "notes"), source_ids)
    cite = sources.set_index("source_id")
    conf = t["confidence_levels"]
    # an unnamed group's population (the would-be contributors...) travels with its name to every claim
    population_labels = t["populations"].set_index("population")["label"] if "populations" in t else pd.Series(dtype=str)
    if "population" in t["actors"]:
        t["actors"] = t["actors"].assign(population_label=t["actors"]["population"].map(population_labels).fillna(""))

    def common(df: pd.DataFrame) -> pd.DataFrame:
        df = filter_as_of(df, as_of)
        df = withhold_later_notes(df[df["source_id"].isin(source_ids)].reset_index(drop=True), ("notes",), source_ids)
        df = add_actor_names(df, t["actors"]) if "actor_id" in df else df
        df = add_labels(df, conf, "confidence", {"label": "confidence_label", "rank": "confidence_rank"})
        if "voice" in df:
            df = add_labels(df, t["voices"], "voice", {"label": "voice_label"})
        return df.assign(
            source_label=df["source_id"].map(cite["source_label"]),
            outlet=df["source_id"].map(cite["outlet"]),
            # "c. 15 Nov 2025" when the report's own date is an estimate
            reported_label=[fmt.date_label(d, p) for d, p in zip(df["reported_date"], df["source_id"].map(cite["date_precision"]))],
        )

    pledges = common(t["pledges"])
    pledges = add_actor_names(pledges, t["actors"], "requested_by", "requested_by")
    pledges = add_labels(pledges, t["stages"], "stage", {"label": "stage_label", "short_label": "stage_short", "rank": "stage_rank", "on_ladder": "on_ladder",
                                                   "withdraws": "withdraws"})
    pledges = add_labels(pledges, t["contribution_types"], "contribution_type", {"label": "contribution_label", "short_label": "contribution_short",
                                                                                           "part_of_force": "part_of_force"})
    pledges = add_labels(pledges, t["locations"], "location", {"label": "location_label", "inside_gaza": "inside_gaza"})
    pledges["amount_label"] = [
        amount_label(lo, hi, p, u, w) for lo, hi, p, u, w in zip(pledges["amount_low"], pledges["amount_high"], pledges["amount_precision"],
                                                              pledges["amount_unit"], pledges["amount_text"])
    ]
    conditions = add_labels(common(t["conditions"]), t["condition_types"], "condition_type", {"label": "condition_label", "kind": "condition_kind"})
    # a condition is met or lapsed in an edition only once the event reporting it is in that edition
    reported_events = set(t["events"].loc[t["events"]["source_id"].isin(source_ids) & (t["events"]["reported_date"] <= pd.Timestamp(as_of)), "event_id"])
    known = conditions["status_event_id"].isin(reported_events)
    conditions = conditions.assign(status=conditions["status"].where(known, "open"),
                                   status_event_id=conditions["status_event_id"].where(known, ""))  # no later event ids leak
    conditions = add_labels(conditions, t["condition_statuses"], "status", {"label": "status_label"})
    positions = common(t["positions"])
    positions = add_actor_names(positions, t["actors"], "target_actor_id", "target")
    positions = add_labels(positions, t["topics"], "topic", {"label": "topic_label", "short_label": "topic_short"})
    positions = add_labels(positions, t["directions"], "direction", {"label": "direction_label"})
    events = add_labels(common(t["events"]), t["event_types"], "event_type", {"label": "event_type_label", "milestone": "milestone", "plan": "plan"})
    names = t["actors"].set_index("actor_id")["name"]
    events["other_names"] = [[names.get(a, a) for a in split_list(o)] for o in events["other_actor_ids"].fillna("")]
    figures = add_labels(common(t["figures"]), t["metrics"], "metric", {"label": "metric_label"})
    questions = add_labels(common(t["open_questions"]), t["topics"], "topic", {"label": "topic_label"})
    # a question is answered in an edition only once the claim answering it is in that edition
    ids = claim_id_columns()
    edition_claims = {i for name, df in zip(CLAIM_TABLES, (pledges, conditions, positions, events, figures)) for i in df[ids[name]]}
    answered = questions["answered_by"].fillna("").isin(edition_claims) & questions["answered_by"].fillna("").ne("")
    questions = questions.assign(status=questions["status"].where(answered, "open"), answered_by=questions["answered_by"].where(answered, ""))
    figures["value_label"] = [
        amount_label(lo, hi, p, u, w) for lo, hi, p, u, w in zip(figures["value_low"], figures["value_high"], figures["precision"], figures["unit"],
                                                              figures["value_text"])
    ]
    tables = {
        "sources": sources,
        "actors": edition_actors(curated_actors, [pledges, conditions, positions, events, figures, questions], source_ids),
        "pledges": pledges,
        "conditions": conditions,
        "positions": positions,
        "events": events,
        "figures": figures,
        "open_questions": questions,
    }
    tables["claims"] = stack_claims(tables)
    tables["tensions"] = edition_tensions(t["tensions"], set(tables["claims"]["claim_id"]))
    if "population" in tables["actors"]:
        tables["actors"]["population_label"] = tables["actors"]["population"].map(population_labels).fillna("")
    return tables | {name: t[name] for name in reference_tables(data_dir)}


def edition_tensions(tensions: pd.DataFrame, claim_ids: set[str]) -> pd.DataFrame:
    """The tensions an edition may show: those whose every claim is in the edition.

    Args:
        tensions: the curated tensions table (strings).
        claim_ids: the ids of the edition's claims.

    Returns:
        The tensions whose claims are all in ``claim_ids``, with ``claim_ids`` as a list.
    """
    ids = tensions["claim_ids"].map(split_list)
    out = tensions.assign(claim_ids=ids)
    return out[ids.map(lambda xs: bool(xs) and set(xs) <= claim_ids)].reset_index(drop=True)


def stack_claims(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One long table of every claim: id, table, actor, dates, a one-line summary, source and quote.

    Args:
        tables: processed pledges, conditions, positions, events, figures and open questions.

    Returns:
        Columns claim_id, claim_table, actor_id, actor_name, reported_date, event_date, summary,
        stage (pledges only), source_id, source_label, confidence, quote; sorted by reported date then id.
    """
    stated = lambda d: d["amount_low"].notna() | d["amount_high"].notna()  # noqa: E731
    summaries = {
        # "deployed, coordination and support staff, about 200 personnel"; "approached / in talks"
        "pledges": lambda d: (d["stage_label"].map(fmt.lower_first)
                              + d["contribution_label"].map(fmt.lower_first).where(d["contribution_type"].ne("unspecified"), "").map(lambda c: f", {c}" if c else "")
                              + d["amount_label"].where(stated(d), "").map(lambda a: f", {a}" if a else "")),
        "conditions": lambda d: d["condition_kind"].fillna("condition") + ": " + d["condition_label"].map(fmt.lower_first),
        # "opposes Turkish troops close to its borders"; the direction is named when the summary does not start with it
        "positions": lambda d: pd.Series([fmt.lower_first(s) if s.lower().startswith(str(dl).lower().split(" ")[0]) else f"{fmt.lower_first(str(dl))}: {s}"
                                          for s, dl in zip(d["summary"], d["direction_label"])], index=d.index, dtype=object),
        "events": lambda d: d["title"],
        "figures": lambda d: d["metric_label"] + ": " + d["value_label"],
        "open_questions": lambda d: "Open question: " + d["question"],
    }
    frames = []
    ids = claim_id_columns()
    for name, summarise in summaries.items():
        df = tables[name]
        frames.append(pd.DataFrame({
            "claim_id": df[ids[name]],
            "claim_table": name,
            "actor_id": df["actor_id"],
            "actor_name": df["actor_name"],
            "actor_kind": df["actor_kind"],
            "reported_date": df["reported_date"],
            "event_date": df["event_date"] if "event_date" in df else pd.NaT,
            "summary": summarise(df) if len(df) else pd.Series(dtype=str),
            "stage": df["stage"] if "stage" in df else "",
            "source_id": df["source_id"],
            "source_label": df["source_label"],
            "reported_label": df["reported_label"],
            "confidence": df["confidence"],
            "quote": df["quote"],
        }))
    return pd.concat(frames, ignore_index=True).sort_values(["reported_date", "claim_id"]).reset_index(drop=True)
