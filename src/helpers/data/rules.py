"""Rules that span rows and tables: dates, ISO codes, mentions, linked pledges, amounts against their words,
quotes against their reports, and the standing model's rules (docs/CODEBOOK.md, "Standing").

Each takes the curated tables as rows of strings, exactly as written (``datapackage.read_rows``), and
returns one problem per broken rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from pathlib import Path

from helpers.data.datapackage import CLAIM_TABLES, claim_id_columns, read_rows, split_list
from helpers.data.problems import Problem
from helpers.data.quotes import first_mismatch, holders, normalise_space
from helpers.data.structure import check_encoding

# Columns of claim tables that hold an actor id, for the "mentioned_in" cross-check.
ACTOR_COLUMNS: tuple[str, ...] = ("actor_id", "requested_by", "target_actor_id")


def source_problems(file: str, sources: list[dict[str, str]], sources_dir: Path, cited: dict[str, int]) -> tuple[list[Problem], dict[str, str]]:
    """Check every report sources.csv lists and read the texts of the sound ones.

    Args:
        file: sources.csv's name to report.
        sources: rows of sources.csv.
        sources_dir: folder holding the report files.
        cited: source id -> number of claim rows citing it (said when its quotes cannot be checked).

    Returns:
        Problems (missing folder or file, changed checksum, not UTF-8) and source id -> whitespace-
        normalised text for each report whose quotes can be checked.
    """
    if not sources_dir.is_dir():
        return [Problem(str(sources_dir), None, None, "no such folder",
                        "the folder holding the reports (set ISF_SOURCES_DIR or --sources-dir; --no-sources skips quotes)")], {}
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for line, s in enumerate(sources, start=2):
        sid, name = s.get("source_id", ""), s.get("file", "")
        path = sources_dir / name
        if not name or not path.is_file():
            problems.append(Problem(file, line, "file", name, f"that file ({cited.get(sid, 0)} quotes of {sid} "
                                    f"cannot be checked without it) in the sources folder {sources_dir}"))
            continue
        raw = path.read_bytes()
        recorded, actual = s.get("sha256", ""), hashlib.sha256(raw).hexdigest()
        if recorded and recorded != actual:
            problems.append(Problem(file, line, "sha256", recorded[:16] + "…", f"{actual}: {name} changed since "
                                    "it was registered (if that is intended, record this checksum)"))
        bad = check_encoding(raw, f"{sources_dir.name}/{name}")
        if bad:
            problems += bad
            continue
        texts[sid] = normalise_space(raw.decode("utf-8"))
    return problems, texts


def quote_problem(file: str, line: int, row: dict[str, str], source_file: str, texts: dict[str, str]) -> Problem:
    """The line for a quote that is not in its source: first difference, nearest passage, who has it.

    Args:
        file: the claim table's name to report.
        line: the row's line number.
        row: the claim row (quote, source_id).
        source_file: file name of the cited report.
        texts: source id -> normalised text of every readable report.

    Returns:
        One problem.
    """
    m = first_mismatch(row["quote"], texts[row["source_id"]])
    others = [sid for sid in holders(row["quote"], texts) if sid != row["source_id"]]
    where = f"; the exact quote is in {others[0]} (check source_id)" if others else ""
    return Problem(file, line, "quote", m.quote_excerpt,
                   f"text of {source_file}: differs at {m.describe()}; the file has {m.text_excerpt!r}{where}")


_NUMBER_WORDS = {
    "no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "dozen": 12, "two dozen": 24, "half": 50,
}


def stated_numbers(text: str) -> set[float]:
    """Numbers a phrase states, in digits ("20.000", "20,000", "53%") or words ("two dozen", "half").

    Args:
        text: a phrase from a report, e.g. "some 20.000".

    Returns:
        The set of numbers found.
    """
    found: set[float] = set()
    for token in re.findall(r"\d[\d.,]*", text):
        token = token.rstrip(".,")
        # "20.000" and "20,000" are thousands; "2.5" would be a decimal.
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", token):
            found.add(float(re.sub(r"[.,]", "", token)))
        else:
            found.add(float(token.replace(",", "")))
    lowered = text.lower()
    for word, number in _NUMBER_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            found.add(float(number))
    return found


def _num(value: str) -> float | None:
    """A cell as a finite number, or None (blank, or a bad value the schema and value checks report)."""
    try:
        number = float(value) if value.strip() else None
    except ValueError:
        return None
    return number if number is None or math.isfinite(number) else None


def range_problems(file: str, rows: list[dict[str, str]], low: str, high: str, text: str, unit: str | None) -> list[Problem]:
    """Check low <= high, the precision's rule for filling low/high, and numbers against their words.

    Args:
        file: name to report.
        rows: the table's rows.
        low, high: names of the low/high columns.
        text: name of the column holding the report's words for the amount.
        unit: name of the unit column, or None when the table has none.

    Returns:
        Problems found.
    """
    problems: list[Problem] = []
    precision_col = "amount_precision" if low.startswith("amount") else "precision"
    for line, row in enumerate(rows, start=2):
        lo, hi = _num(row[low]), _num(row[high])
        if (lo is None and row[low].strip()) or (hi is None and row[high].strip()):
            continue  # a bad number is reported once, by the schema or value check
        precision = row[precision_col]
        if lo is not None and hi is not None and lo > hi:
            problems.append(Problem(file, line, high, row[high], f"a value at least {low} ({row[low]})"))
        rule = {
            "exact": (lo is not None and hi is not None and lo == hi, "low = high = the stated number"),
            "approximate": (lo is not None and hi is not None and lo == hi, "low = high = the stated number"),
            "up_to": (lo is None and hi is not None, "high = the stated maximum, low blank"),
            "at_least": (lo is not None and hi is None, "low = the stated minimum, high blank"),
            "vague": (hi is None, "high blank (the codebook's rule for vague words)"),
            "unspecified": (lo is None and hi is None, "low and high blank"),
        }.get(precision)
        if rule and not rule[0]:
            problems.append(Problem(file, line, precision_col, precision, f"{rule[1]} (low={row[low]!r}, high={row[high]!r})"))
        if unit and (lo is not None or hi is not None) and not row[unit]:
            problems.append(Problem(file, line, unit, "", "a unit when an amount is given"))
        words = row[text]
        if words and normalise_space(words) not in normalise_space(row["quote"]):
            problems.append(Problem(file, line, text, words, "words copied from this row's quote"))
        stated = stated_numbers(words)
        if precision in ("exact", "approximate", "up_to"):
            number = hi if precision == "up_to" else lo
            if number is not None and number not in stated:
                problems.append(
                    Problem(file, line, high if precision == "up_to" else low, row[high if precision == "up_to" else low],
                            f"a number stated in {text} ({words!r})")
                )
    return problems


def derived_mentions(tables: dict[str, list[dict[str, str]]]) -> dict[str, set[str]]:
    """Which reports cite each actor, from the claim rows (what ``mentioned_in`` must include).

    Args:
        tables: claim table name -> rows as strings (tables missing from the dict are skipped).

    Returns:
        actor_id -> ids of the sources whose rows name it (actor_id, requested_by, target_actor_id,
        other_actor_ids).
    """
    mentions: dict[str, set[str]] = {}
    for name in CLAIM_TABLES:
        for row in tables.get(name, []):
            ids = [row.get(c, "") for c in ACTOR_COLUMNS] + split_list(row.get("other_actor_ids", ""))
            for actor_id in filter(None, ids):
                mentions.setdefault(actor_id, set()).add(row["source_id"])
    return mentions


def cross_table_problems(data_dir: Path, sources_dir: Path | None) -> list[Problem]:
    """Rules that span rows and tables: dates, ISO codes, mentions, linked pledges, quotes.

    Args:
        data_dir: folder holding curated/.
        sources_dir: folder with the source reports, or None to skip the source files and quotes.

    Returns:
        Problems found.
    """
    import pycountry

    cur = data_dir / "curated"
    rel = lambda name: f"{data_dir.name}/curated/{name}.csv"  # noqa: E731
    tables = {name: read_rows(cur / f"{name}.csv") for name in ("sources", "actors", *CLAIM_TABLES)}
    tables["tensions"] = read_rows(cur / "tensions.csv") if (cur / "tensions.csv").is_file() else []
    problems: list[Problem] = []
    sources = {r["source_id"]: r for r in tables["sources"]}
    actors = {r["actor_id"]: r for r in tables["actors"]}

    for line, s in enumerate(tables["sources"], start=2):
        if not s["published_earliest"] <= s["published"] <= s["published_latest"]:
            problems.append(Problem(rel("sources"), line, "published", s["published"], "a date between published_earliest and published_latest"))

    derived = derived_mentions(tables)
    for line, a in enumerate(tables["actors"], start=2):
        if a["kind"] == "state":
            country = pycountry.countries.get(alpha_3=a["iso3"]) if a["iso3"] else None
            if country is None:
                problems.append(Problem(rel("actors"), line, "iso3", a["iso3"], "an ISO 3166-1 alpha-3 code (states need one)"))
            elif a["actor_id"] != a["iso3"]:
                problems.append(Problem(rel("actors"), line, "actor_id", a["actor_id"], f"the state's ISO code {a['iso3']}"))
        elif a["iso3"]:
            problems.append(Problem(rel("actors"), line, "iso3", a["iso3"], "blank (only states have an ISO code)"))
        if not split_list(a["mentioned_in"]) and a["actor_id"] not in derived:
            problems.append(Problem(rel("actors"), line, "mentioned_in", "", "the ids of the reports that name this actor (no row cites it)"))
        for sid in split_list(a["mentioned_in"]):
            if sid not in sources:
                problems.append(Problem(rel("actors"), line, "mentioned_in", sid, "one of the source_id values in sources.csv"))

    texts: dict[str, str] = {}
    if sources_dir is not None:
        cited = {sid: sum(r["source_id"] == sid for n in CLAIM_TABLES for r in tables[n]) for sid in sources}
        found, texts = source_problems(rel("sources"), tables["sources"], sources_dir, cited)
        problems += found
    for name in CLAIM_TABLES:
        for line, row in enumerate(tables[name], start=2):
            source = sources.get(row["source_id"])
            for actor_id in split_list(row.get("other_actor_ids", "")):
                if actor_id not in actors:
                    problems.append(Problem(rel(name), line, "other_actor_ids", actor_id, "one of the actor_id values in actors.csv"))
            if source is None:
                continue  # the schema's foreign key check reports it
            if is_date(row["reported_date"]) and row["reported_date"] != source["published"]:
                problems.append(Problem(rel(name), line, "reported_date", row["reported_date"], f"the source's publication date {source['published']}"))
            if bool(row.get("event_date")) != bool(row.get("event_date_precision")) and name != "events":
                problems.append(Problem(rel(name), line, "event_date_precision", row.get("event_date_precision", ""), "a precision exactly when event_date is given"))
            if name != "events" and row.get("event_date") and row["event_date"] > row["reported_date"]:
                problems.append(Problem(rel(name), line, "event_date", row["event_date"], f"a date on or before reported_date {row['reported_date']}"))
            text = texts.get(row["source_id"])
            if text is not None and normalise_space(row["quote"]) not in text:
                problems.append(quote_problem(rel(name), line, row, source["file"], texts))

    for actor_id, seen in sorted(derived.items()):
        actor = actors.get(actor_id)
        if actor is None:
            continue
        missing = sorted(seen - set(split_list(actor["mentioned_in"])))
        if missing:
            line = list(actors).index(actor_id) + 2
            problems.append(Problem(rel("actors"), line, "mentioned_in", actor["mentioned_in"], f"to include {', '.join(missing)} (rows from those reports cite {actor_id}; run: python3 dev.py fill-mentions)"))

    pledges = {r["pledge_id"]: r for r in tables["pledges"]}
    for line, c in enumerate(tables["conditions"], start=2):
        pledge = pledges.get(c["pledge_id"])
        if pledge and pledge["actor_id"] != c["actor_id"]:
            problems.append(Problem(rel("conditions"), line, "pledge_id", c["pledge_id"], f"a pledge by {c['actor_id']} (it is by {pledge['actor_id']})"))

    problems += range_problems(rel("pledges"), tables["pledges"], "amount_low", "amount_high", "amount_text", "amount_unit")
    problems += range_problems(rel("figures"), tables["figures"], "value_low", "value_high", "value_text", None)
    problems += model_problems(data_dir, tables)
    return problems


def _reference_rows(data_dir: Path, name: str) -> list[dict[str, str]]:
    path = data_dir / "reference" / f"{name}.csv"
    return read_rows(path) if path.is_file() else []


def model_problems(data_dir: Path, tables: dict[str, list[dict[str, str]]]) -> list[Problem]:
    """Rules of the standing model (docs/CODEBOOK.md, "Standing"): voices, populations, limits, plan rows,
    targets, answered questions and tensions.

    Args:
        data_dir: folder holding curated/ and reference/.
        tables: sources, actors and the claim tables as rows of strings.

    Returns:
        Problems found.
    """
    rel = lambda name: f"{data_dir.name}/curated/{name}.csv"  # noqa: E731
    problems: list[Problem] = []
    for name in CLAIM_TABLES:
        for line, row in enumerate(tables[name], start=2):
            if row.get("voice") == "own" and not row.get("actor_id"):
                problems.append(Problem(rel(name), line, "voice", "own", "third_party or outlet: a claim with no actor_id is nobody's own word"))
    for line, a in enumerate(tables["actors"], start=2):
        if a.get("population") and a["kind"] != "unnamed_group":
            problems.append(Problem(rel("actors"), line, "population", a["population"], "blank: only unnamed groups belong to a population"))
        if bool(a.get("population")) != bool(a.get("population_relation")):
            problems.append(Problem(rel("actors"), line, "population_relation", a.get("population_relation", ""),
                                    "same_as or part_of exactly when population is given"))
    kinds = {r["condition_type"]: r.get("kind", "") for r in _reference_rows(data_dir, "condition_types")}
    for line, c in enumerate(tables["conditions"], start=2):
        if kinds.get(c["condition_type"]) == "limit" and (c["status"] != "open" or c.get("status_event_id")):
            problems.append(Problem(rel("conditions"), line, "status", c["status"],
                                    f"open with no status_event_id: {c['condition_type']} is a limit on the mission, which is never met"))
    plan = {r["event_type"] for r in _reference_rows(data_dir, "event_types") if r.get("plan") == "true"}
    for line, e in enumerate(tables["events"], start=2):
        if e["event_type"] in plan and (e["event_date"] or e["event_date_precision"]):
            problems.append(Problem(rel("events"), line, "event_date", e["event_date"],
                                    f"blank: {e['event_type']} describes the plan, not something that happened on a date"))
        elif e["event_type"] not in plan and not (e["event_date"] and e["event_date_precision"]):
            problems.append(Problem(rel("events"), line, "event_date", e["event_date"], "a date and its precision (only rows describing the plan are undated)"))
        if e.get("target_by") and e["event_type"] != "target_date":
            problems.append(Problem(rel("events"), line, "target_by", e["target_by"], "blank: only target_date rows have a target"))
        elif e.get("target_by") and e["event_date"] and e["target_by"] < e["event_date"]:
            problems.append(Problem(rel("events"), line, "target_by", e["target_by"], f"a date on or after the day it was said, {e['event_date']}"))
    claims = {row[id_col]: (name, row) for name, id_col in claim_id_columns().items() for row in tables[name]}
    for line, q in enumerate(tables["open_questions"], start=2):
        answer = q.get("answered_by", "")
        if (q.get("status") == "answered") != bool(answer):
            problems.append(Problem(rel("open_questions"), line, "answered_by", answer, "the id of the claim that answers it exactly when status is answered"))
        elif answer and answer not in claims:
            problems.append(Problem(rel("open_questions"), line, "answered_by", answer, "the id of a claim in the claim tables"))
        elif answer and claims[answer][1]["reported_date"] < q["reported_date"]:
            problems.append(Problem(rel("open_questions"), line, "answered_by", answer, f"a claim reported on or after the question ({q['reported_date']})"))
    for line, t in enumerate(tables.get("tensions", []), start=2):
        ids = split_list(t["claim_ids"])
        if len(set(ids)) < 2:
            problems.append(Problem(rel("tensions"), line, "claim_ids", t["claim_ids"], "two or more different claim ids separated by '; '"))
        for claim_id in ids:
            if claim_id not in claims:
                problems.append(Problem(rel("tensions"), line, "claim_ids", claim_id, "the id of a claim in the claim tables"))
    return problems


def is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10
