"""The analyst's key judgements: read them, hold them to the evidence, say when they go stale.

An analyst writes the bottom line as three to six key judgements in ``data/judgements/<YYYY-MM-DD>.md``,
one file per edition they were written or reviewed for. Each judgement is a numbered paragraph in plain
sentences that carries a likelihood word from one fixed scale (``SCALE``, the US ICD 203 words), cites
the claims it rests on (``[CO-001, FI-008]``) and writes every number as a reference to a computed finding
(``{{ territory[actor=Hamas].share }}``), so no number goes stale. The file's front matter lists the
reports the analyst read (``reports_read: S000, S001``).

This module does not write judgements. It checks them (every cited claim is in the edition and in a
report the analyst read; every typed number is a finding or in a cited quote; every judgement cites and
uses the scale; every finding named exists) and reports, per judgement, the claims of reports the
analyst has not read that bear on it (same actor, topic or condition), so the briefing can say which
judgements are not yet reviewed. An edition uses the latest file dated on or before it, never a later one.

Notebook 03 shows the judgements and their check results; ``python3 dev.py review`` prints the new
claims per judgement and, with ``--mark``, starts the next edition's file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers import fmt
from helpers.data.datapackage import claim_id_columns, load_descriptor, read_table, resource

FOLDER = "judgements"
# The US Intelligence Community's likelihood scale (ICD 203, 2015): the only words a judgement may use
# for how likely it is, with the chance each stands for. "almost certainly" is the adverb of the last.
SCALE: tuple[tuple[str, str], ...] = (
    ("almost no chance", "1-5%"),
    ("very unlikely", "5-20%"),
    ("unlikely", "20-45%"),
    ("roughly even chance", "45-55%"),
    ("likely", "55-80%"),
    ("very likely", "80-95%"),
    ("almost certain", "95-99%"),
)
MIN_JUDGEMENTS, MAX_JUDGEMENTS = 3, 6
MAX_WORDS = 40  # per sentence, not counting citations
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.md$")
CLAIM_ID = r"[A-Z]{2}-\d{3,}"
CITATION = re.compile(rf"\[\s*({CLAIM_ID}(?:\s*[,;]\s*{CLAIM_ID})*)\s*\]")
LOOKS_LIKE_CITATION = re.compile(rf"\[[^\]]*{CLAIM_ID}[^\]]*\]")
REFERENCE = re.compile(r"\{\{(.*?)\}\}")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
ITEM = re.compile(r"^(\d+)\.\s+(.*)$")
# Longest first, so "very likely" is not read as "likely".
_TERMS = sorted([t for t, _ in SCALE] + ["almost certainly"], key=len, reverse=True)
LIKELIHOOD = re.compile(r"\b(" + "|".join(re.escape(t) for t in _TERMS) + r")\b", re.IGNORECASE)
# Hedges that are not on the scale: a reader cannot tell how likely "probably" is against "likely".
OFF_SCALE = re.compile(r"\b(probably|probable|possibly|perhaps|conceivably|highly (?:un)?likely|(?<!almost )certainly)\b", re.IGNORECASE)
# The end of a judgement's first sentence in the file's text: its stop, any citation right after it.
FIRST_SENTENCE = re.compile(r"[.!?][\"”’)]?(?:\s*\[[^\]]*\])?(?=\s+[\"“‘(]?[A-Z])")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z])")
# Claim tables and their id, plus the columns whose codes say what a claim is about (topics and conditions).
TOPIC_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # table -> (code column, label column, kind)
    "pledges": (("contribution_type", "contribution_label", "contribution"),),
    "conditions": (("condition_type", "condition_label", "condition"),),
    "positions": (("topic", "topic_label", "topic"),),
    "events": (("event_type", "event_type_label", "topic"),),
    "figures": (("metric", "metric_label", "topic"),),
    "open_questions": (("topic", "topic_label", "topic"),),
}


class JudgementError(ValueError):
    """The judgements file fails its checks; the message has one line per problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the key judgements:\n" + "\n".join(str(p) for p in problems))


class FindingError(KeyError):
    """A finding reference that the edition's findings do not hold."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a judgements file, with the file and line an analyst opens to fix it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Judgement:
    """One numbered judgement: its number, the lines it spans and its raw text (with marks and references)."""

    number: int
    lines: list[tuple[int, str]]

    @property
    def line(self) -> int:
        return self.lines[0][0]

    @property
    def text(self) -> str:
        return " ".join(text.strip() for _, text in self.lines)

    @property
    def citations(self) -> list[tuple[int, str]]:
        """(line, claim id) of every citation, in order."""
        return [(n, cid.strip()) for n, text in self.lines for group in CITATION.findall(text) for cid in re.split(r"[,;]", group)]

    @property
    def cited(self) -> list[str]:
        return list(dict.fromkeys(cid for _, cid in self.citations))

    @property
    def likelihood(self) -> list[str]:
        """The scale's words the judgement uses, lower case ("almost certainly" counts as "almost certain")."""
        words = [m.lower() for m in LIKELIHOOD.findall(_plain(self.text))]
        return [("almost certain" if w == "almost certainly" else w) for w in words]


@dataclass
class JudgementsFile:
    """A parsed judgements file; ``problems`` are those found while reading it (form, not evidence)."""

    path: Path
    label: str  # the path as messages name it: "data/judgements/2025-12-20.md"
    written_for: str  # YYYY-MM-DD, from the file name
    reports_read: list[str]
    judgements: list[Judgement]
    problems: list[Problem] = field(default_factory=list)
    front_line: int = 1


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------


def folder(data_dir: Path) -> Path:
    """The judgements folder of a data folder."""
    return Path(data_dir) / FOLDER


def _label(data_dir: Path, path: Path) -> str:
    return f"{Path(data_dir).name}/{FOLDER}/{path.name}"


def misnamed(data_dir: Path) -> list[Problem]:
    """A Markdown file in the folder that no edition would ever use (not ``YYYY-MM-DD.md``), as a problem."""
    problems = []
    for path in sorted(folder(data_dir).glob("*.md")) if folder(data_dir).is_dir() else []:
        if path.name.lower() == "readme.md":
            continue
        match = FILE_NAME.match(path.name)
        try:
            ok = bool(match) and dt.date.fromisoformat(match.group(1)) is not None  # type: ignore[union-attr]
        except ValueError:
            ok = False
        if not ok:
            problems.append(Problem(_label(data_dir, path), 1, "not used by any edition: name the file after its edition date, "
                                                               "YYYY-MM-DD.md (e.g. 2025-12-20.md)"))
    return problems


def file_for(data_dir: Path, as_of: str) -> Path | None:
    """The judgements file an edition uses: the latest one dated on or before ``as_of`` (None when there is none).

    Args:
        data_dir: the data folder (its ``judgements/`` subfolder holds the files).
        as_of: the edition date, YYYY-MM-DD.
    """
    if not folder(data_dir).is_dir():
        return None
    dated = []
    for path in folder(data_dir).glob("*.md"):
        match = FILE_NAME.match(path.name)
        if match and match.group(1) <= as_of:
            try:
                dt.date.fromisoformat(match.group(1))
            except ValueError:
                continue  # reported by misnamed()
            dated.append((match.group(1), path))
    return max(dated)[1] if dated else None


def split_ids(value: Any) -> list[str]:
    """ "S000, S001; S002" or a YAML list -> ["S000", "S001", "S002"]."""
    items = value if isinstance(value, list) else re.split(r"[,;\s]+", str(value or ""))
    return [str(i).strip() for i in items if str(i).strip()]


def parse(path: Path, data_dir: Path) -> JudgementsFile:
    """Read one judgements file: front matter (``reports_read``), then numbered judgements.

    Comment lines (``<!-- ... -->``) and headings are skipped; any other text outside a numbered
    paragraph is a problem, so nothing an analyst writes is silently left out.

    Args:
        path: the file.
        data_dir: the data folder (for the label messages use).

    Returns:
        The parsed file; form problems (front matter, numbering, stray text) in ``problems``.
    """
    label = _label(data_dir, path)
    written_for = FILE_NAME.match(path.name).group(1) if FILE_NAME.match(path.name) else ""  # type: ignore[union-attr]
    lines = path.read_text(encoding="utf-8").splitlines()
    problems: list[Problem] = []
    start, reports, front_line = 0, [], 1
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            problems.append(Problem(label, 1, "front matter opened with --- is never closed with ---"))
            end = len(lines) - 1
        try:
            front = yaml.safe_load("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as exc:
            problems.append(Problem(label, 2, f"front matter is not valid YAML: {str(exc).splitlines()[0]}"))
            front = {}
        if not isinstance(front, dict):
            problems.append(Problem(label, 2, "front matter should be lines of 'key: value'"))
            front = {}
        front_line = next((i + 1 for i in range(1, end) if lines[i].lstrip().startswith("reports_read")), 1)
        reports = split_ids(front.get("reports_read"))
        for key in sorted(set(front) - {"reports_read"}):
            problems.append(Problem(label, 2, f"unknown front matter key {key!r}; the only one is reports_read"))
        start = end + 1
    if not reports:
        problems.append(Problem(label, 1, "no reports_read in the front matter: list the reports you read, e.g. "
                                          "'---' / 'reports_read: S000, S001' / '---' at the top"))
    judgements: list[Judgement] = []
    in_comment = False
    current: Judgement | None = None
    for number, raw in enumerate(lines[start:], start=start + 1):
        text = raw.strip()
        if in_comment or text.startswith("<!--"):
            in_comment = "-->" not in text
            continue
        if not text:
            current = None
            continue
        if text.startswith("#"):
            current = None
            continue
        item = ITEM.match(text)
        if item:
            current = Judgement(int(item.group(1)), [(number, item.group(2))])
            judgements.append(current)
        elif current is not None and current.lines[-1][1].count("[") > current.lines[-1][1].count("]"):
            # a citation wrapped onto the next line ("[PL-015,\n PO-005]") is one citation: keep it on its first line
            first, before = current.lines[-1]
            current.lines[-1] = (first, f"{before} {text}")
        elif current is not None:
            current.lines.append((number, text))
        else:
            problems.append(Problem(label, number, "text outside a judgement: start each judgement with its number, e.g. '1. '"))
    for expected, j in enumerate(judgements, start=1):
        if j.number != expected:
            problems.append(Problem(label, j.line, f"judgement numbered {j.number}; expected {expected} (number them 1, 2, 3 in order)"))
    if not MIN_JUDGEMENTS <= len(judgements) <= MAX_JUDGEMENTS:
        problems.append(Problem(label, judgements[-1].line if judgements else 1,
                                f"{len(judgements)} judgement(s); write {MIN_JUDGEMENTS} to {MAX_JUDGEMENTS}"))
    return JudgementsFile(path, label, written_for, reports, judgements, problems, front_line)


# --------------------------------------------------------------------------------------------------
# Finding references: a path into the edition's findings (analysis/key_figures.json)
# --------------------------------------------------------------------------------------------------

_SEGMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\]]+\])*)$")


def resolve(reference: str, findings: Mapping[str, Any]) -> str:
    """The text a finding reference stands for.

    A reference is a path into the findings: names joined by dots, ``[0]`` for a list's item by
    position, ``[field=value]`` for the first item whose field is that value, and ``|count`` at the end
    for how many items a list holds. E.g. ``countries_willing[source_id=S001].value`` gives "19 countries",
    ``territory[actor=Hamas].share`` gives "about 47 percent", ``troop_offers|count`` gives "3".

    Args:
        reference: the text between ``{{`` and ``}}``.
        findings: the edition's findings (``helpers.analysis.key_figures`` plus ``as_of``).

    Returns:
        The value as text: numbers with thousands separators, whole floats without ".0".

    Raises:
        FindingError: a name, position or item the findings do not hold, or a path that ends on a table.
    """
    path, _, flt = reference.strip().partition("|")
    flt = flt.strip()
    value: Any = findings
    walked = ""
    for segment in path.strip().split("."):
        match = _SEGMENT.match(segment.strip())
        if not match:
            raise FindingError(f"finding reference {{{{{reference.strip()}}}}}: cannot read {segment!r} "
                               "(write names joined by dots, with [0] or [field=value] to pick an item)")
        name, selectors = match.group(1), re.findall(r"\[([^\]]+)\]", match.group(2))
        if value is None:
            raise FindingError(f"finding {walked.rstrip('.')!r} is empty in this edition, so it has no {name!r}")
        if not isinstance(value, Mapping) or name not in value:
            known = ", ".join(sorted(value)) if isinstance(value, Mapping) else "nothing (it is not a group of findings)"
            raise FindingError(f"unknown finding {walked + name!r}; {walked.rstrip('.') or 'the findings'} hold: {known}")
        value, walked = value[name], walked + name
        for sel in selectors:
            value = _select(value, sel.strip(), walked)
            walked += f"[{sel.strip()}]"
        walked += "."
    where = walked.rstrip(".")
    if flt:
        if flt != "count":
            raise FindingError(f"finding reference {where!r}: unknown filter |{flt}; the one filter is |count")
        if not isinstance(value, (list, dict)):
            raise FindingError(f"finding {where!r} is a single value; |count counts the items of a list")
        return str(len(value))
    if isinstance(value, (list, dict)):
        raise FindingError(f"finding {where!r} is a {'list' if isinstance(value, list) else 'group'}, not one value: "
                           "pick a field (e.g. .value), an item ([0]) or count it (|count)")
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        raise FindingError(f"finding {where!r} is empty in this edition")
    if isinstance(value, bool):
        raise FindingError(f"finding {where!r} is true/false, not a value a sentence can print")
    if isinstance(value, (int, float)):
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return str(value)


def _select(value: Any, selector: str, where: str) -> Any:
    """One ``[0]`` or ``[field=value]`` step of :func:`resolve`."""
    if not isinstance(value, list):
        raise FindingError(f"finding {where!r} is not a list, so [{selector}] cannot pick from it")
    if re.fullmatch(r"-?\d+", selector):
        i = int(selector)
        if not -len(value) <= i < len(value):
            raise FindingError(f"finding {where!r} has {len(value)} item(s) in this edition; there is no [{selector}]")
        return value[i]
    key, eq, wanted = selector.partition("=")
    if not eq:
        raise FindingError(f"finding {where!r}: write [0] or [field=value], not [{selector}]")
    key, wanted = key.strip(), wanted.strip().strip("'\"")
    for item in value:
        if isinstance(item, Mapping) and str(item.get(key, "")) == wanted:
            return item
    fields = sorted({k for item in value if isinstance(item, Mapping) for k in item})
    raise FindingError(f"finding {where!r} holds no item with {key} = {wanted!r} in this edition"
                       + (f" (its items have: {', '.join(fields)})" if key not in fields and fields else ""))


# --------------------------------------------------------------------------------------------------
# The evidence one edition holds
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What an edition's judgements are checked against.

    Attributes:
        as_of: the edition date.
        claims: the edition's claims (processed ``claims``: claim_id, source_id, reported_date, summary, quote, ...).
        keys: what each claim is about: claim_id, kind ("actor", "topic", "condition", "contribution"), code, label.
        findings: the edition's findings (``analysis/key_figures.json``).
        sources: every source in the data (source_id, published, date_precision, published_latest), to say when a later
            one was reported.
        every_claim: every claim in the data (claim_id, source_id), to tell a later claim from a missing one.
    """

    as_of: str
    claims: pd.DataFrame
    keys: pd.DataFrame
    findings: Mapping[str, Any]
    sources: pd.DataFrame
    every_claim: pd.DataFrame

    @classmethod
    def of(cls, tables: Mapping[str, pd.DataFrame], findings: Mapping[str, Any], data_dir: Path, as_of: str) -> Evidence:
        """The evidence of one edition, from its processed tables and findings and the curated data folder."""
        descriptor = load_descriptor(Path(data_dir))
        table = lambda name: read_table(Path(data_dir), resource(descriptor, name))  # noqa: E731
        every = pd.concat([table(name).rename(columns={col: "claim_id"})[["claim_id", "source_id"]]
                           for name, col in claim_id_columns().items()], ignore_index=True)
        sources = table("sources")
        sources = sources.assign(published_latest=sources["published_latest"].fillna(sources["published"]) if "published_latest" in sources
                                 else sources["published"])[["source_id", "published", "date_precision", "published_latest"]]
        return cls(as_of, tables["claims"], claim_keys(tables), findings, sources, every)

    def source_label(self, source_id: str) -> str:
        """ "S001 (c. 13 Dec 2025)"."""
        row = self.sources[self.sources["source_id"] == source_id]
        if row.empty:
            return source_id
        return f"{source_id} ({fmt.date_label(row['published'].iloc[0], row['date_precision'].iloc[0])})"


def claim_keys(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """What each claim is about, one row per claim and key: its actors (the actor and whom a stance
    targets, each as its top-level actor: a ministry counts as its state), its topic and its condition.

    Args:
        tables: processed tables of one edition (the claim tables and ``actors``).

    Returns:
        Columns claim_id, kind, code, label.
    """
    actors = tables["actors"].set_index("actor_id") if "actors" in tables and len(tables["actors"]) else pd.DataFrame(columns=["name", "parent_actor_id"])
    parent = {a: str(p) for a, p in actors.get("parent_actor_id", pd.Series(dtype=str)).items() if isinstance(p, str) and p}
    names = {a: str(n) for a, n in actors.get("name", pd.Series(dtype=str)).items()}

    def top(actor: str) -> str:
        seen = set()
        while actor in parent and actor not in seen:
            seen.add(actor)
            actor = parent[actor]
        return actor

    rows: list[tuple[str, str, str, str]] = []
    for table, id_col in claim_id_columns().items():
        df = tables.get(table)
        if df is None or df.empty:
            continue
        for col in ("actor_id", "target_actor_id"):
            if col in df:
                for cid, actor in zip(df[id_col], df[col]):
                    if isinstance(actor, str) and actor:
                        a = top(actor)
                        rows.append((cid, "actor", a, names.get(a, a)))
        for code_col, label_col, kind in TOPIC_COLUMNS[table]:
            if code_col in df:
                labels = df[label_col] if label_col in df else df[code_col]
                for cid, code, label in zip(df[id_col], df[code_col], labels):
                    if isinstance(code, str) and code and code != "unspecified":
                        rows.append((cid, kind, code, str(label) if isinstance(label, str) and label else code))
    # a condition on a pledge is about what was pledged too (a limit on troops bears on judgements about troops)
    conds, pledges = tables.get("conditions"), tables.get("pledges")
    if conds is not None and pledges is not None and len(conds) and len(pledges) and "pledge_id" in conds:
        on = conds[["condition_id", "pledge_id"]].merge(pledges[["pledge_id", "contribution_type", "contribution_label"]], on="pledge_id")
        rows += [(cid, "contribution", code, label) for cid, code, label in zip(on["condition_id"], on["contribution_type"], on["contribution_label"])
                 if isinstance(code, str) and code and code != "unspecified"]
    return pd.DataFrame(rows, columns=["claim_id", "kind", "code", "label"]).drop_duplicates().reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """The text as readers get it, without citations (references left in place)."""
    return re.sub(r"\s+", " ", CITATION.sub("", text)).strip()


def _numbers(text: str) -> set[str]:
    """Every number in a text, as its digits alone ("20,000" and "20.000" are both "20000")."""
    return {re.sub(r"[.,]", "", n) for n in NUMBER.findall(text)}


def check(jf: JudgementsFile, evidence: Evidence) -> list[Problem]:
    """Every problem of a judgements file against one edition's evidence, one line each, in file order.

    Checks, beyond the file's form (:func:`parse`): each judgement cites at least one claim; each cited
    claim exists, is in this edition (none reported after it) and comes from a report the analyst read;
    the reports read are in the data and dated on or before the file; each finding reference resolves;
    each typed number is in the quote of a claim the judgement cites; each judgement uses a likelihood
    word from the scale and no other hedge; no sentence runs over ``MAX_WORDS`` words without its citations.
    """
    problems = list(jf.problems)
    label = jf.label
    in_edition = set(evidence.claims["claim_id"])
    source_of = dict(zip(evidence.claims["claim_id"], evidence.claims["source_id"]))
    quotes = dict(zip(evidence.claims["claim_id"], evidence.claims["quote"].fillna("")))
    every = dict(zip(evidence.every_claim["claim_id"], evidence.every_claim["source_id"]))
    published = dict(zip(evidence.sources["source_id"], evidence.sources["published"]))
    latest = dict(zip(evidence.sources["source_id"], evidence.sources["published_latest"]))
    read = set(jf.reports_read)
    for sid in jf.reports_read:
        if sid not in published:
            problems.append(Problem(label, jf.front_line, f"reports_read lists {sid}, which is not in sources.csv"))
        elif jf.written_for and published[sid] > pd.Timestamp(jf.written_for):
            problems.append(Problem(label, jf.front_line, f"reports_read lists {evidence.source_label(sid)}, dated after this file's "
                                                          f"edition ({fmt.date_label(jf.written_for)}): write a file for a later edition"))
        elif jf.written_for and latest[sid] > pd.Timestamp(jf.written_for):
            problems.append(Problem(label, jf.front_line, f"reports_read lists {evidence.source_label(sid)}, which may have appeared as late "
                                                          f"as {fmt.date_label(latest[sid])}, after this file's edition "
                                                          f"({fmt.date_label(jf.written_for)}): an edition uses a report only once it "
                                                          "cannot post-date it"))
    for j in jf.judgements:
        name = f"judgement {j.number}"
        if not j.citations:
            problems.append(Problem(label, j.line, f"{name} cites no claim: add the claims it rests on, e.g. [CO-001, FI-008]"))
        for n, text in j.lines:
            for bad in LOOKS_LIKE_CITATION.findall(REFERENCE.sub("", text)):
                if not CITATION.fullmatch(bad):
                    problems.append(Problem(label, n, f"{name}: cannot read the citation {bad}: write claim ids only, e.g. [CO-001, FI-008]"))
            if "{{" in REFERENCE.sub("", text) or "}}" in REFERENCE.sub("", text):
                problems.append(Problem(label, n, f"{name}: a finding reference must open with {{{{ and close with }}}} on one line"))
        for n, cid in j.citations:
            if cid not in every:
                problems.append(Problem(label, n, f"{name} cites {cid}: no claim in the data has this id"))
            elif cid not in in_edition:
                problems.append(Problem(label, n, f"{name} cites {cid}, reported in {evidence.source_label(every[cid])}, "
                                                  f"after the edition of {fmt.date_label(evidence.as_of)}"))
            elif read and source_of[cid] not in read:
                problems.append(Problem(label, n, f"{name} cites {cid} from {source_of[cid]}, which reports_read does not list"))
        allowed = set().union(*(_numbers(quotes.get(cid, "")) for cid in j.cited)) if j.cited else set()
        for n, text in j.lines:
            for ref in REFERENCE.findall(text):
                try:
                    resolve(ref, evidence.findings)
                except FindingError as exc:
                    problems.append(Problem(label, n, f"{name}: {exc}"))
            typed = _numbers(CITATION.sub("", REFERENCE.sub("", text)))
            for number in sorted(typed - allowed):
                problems.append(Problem(label, n, f"{name} types the number {number}, which no claim it cites quotes: "
                                                  "write it as a finding reference, {{ ... }}, or cite the claim that gives it"))
        if not j.likelihood:
            problems.append(Problem(label, j.line, f"{name} has no likelihood word: use one of the scale's "
                                                   f"({', '.join(t for t, _ in SCALE)})"))
        for n, text in j.lines:
            for hedge in OFF_SCALE.findall(_plain(text)):
                problems.append(Problem(label, n, f"{name} says {hedge!r}, which is not on the likelihood scale: use its words"))
        for sentence, n in _sentences(j, evidence.findings):
            words = len(sentence.split())
            if words > MAX_WORDS:
                problems.append(Problem(label, n, f"{name}: a sentence of {words} words (at most {MAX_WORDS}, citations not counted): "
                                                  f"\u201c{sentence[:60]}\u2026\u201d"))
    return sorted(dict.fromkeys(problems), key=lambda p: p.line)


def _rendered_plain(text: str, findings: Mapping[str, Any]) -> str:
    """The text with references replaced by their values (or left as written when they fail) and citations dropped."""
    def value(m: re.Match[str]) -> str:
        try:
            return resolve(m.group(1), findings)
        except FindingError:
            return m.group(0)
    return _plain(REFERENCE.sub(value, text))


def _sentences(j: Judgement, findings: Mapping[str, Any]) -> list[tuple[str, int]]:
    """Each sentence of a judgement as readers get it, with the line it starts on."""
    out: list[tuple[str, int]] = []
    offsets, text = [], ""
    for n, line in j.lines:
        offsets.append((len(text), n))
        text += _rendered_plain(line, findings) + " "
    start = 0
    for piece in [*SENTENCE_END.split(text), ""]:
        if not piece.strip():
            continue
        at = text.find(piece, start)
        start = at + len(piece)
        line = max((n for off, n in offsets if off <= at), default=j.line)
        out.append((piece.strip(), line))
    return out


# --------------------------------------------------------------------------------------------------
# Staleness: the claims of reports the analyst has not read, and the judgements they bear on
# --------------------------------------------------------------------------------------------------


def unread_claims(jf: JudgementsFile, evidence: Evidence) -> pd.DataFrame:
    """The edition's claims from reports the judgements were not reviewed against, oldest first."""
    claims = evidence.claims
    return claims[~claims["source_id"].isin(set(jf.reports_read))].sort_values(["reported_date", "claim_id"]).reset_index(drop=True)


def bearing(jf: JudgementsFile, evidence: Evidence) -> dict[int, pd.DataFrame]:
    """Per judgement number, the unread claims that bear on it: those sharing an actor, topic or condition
    with a claim it cites. Each frame holds the claim's columns plus ``shared`` (the labels in common).
    Judgements no unread claim bears on are left out.
    """
    new = unread_claims(jf, evidence)
    if new.empty:
        return {}
    keys = evidence.keys
    new_keys = keys[keys["claim_id"].isin(set(new["claim_id"]))]
    out: dict[int, pd.DataFrame] = {}
    for j in jf.judgements:
        mine = keys[keys["claim_id"].isin(set(j.cited))][["kind", "code"]].drop_duplicates()
        hits = new_keys.merge(mine, on=["kind", "code"])
        if hits.empty:
            continue
        shared = hits.groupby("claim_id")["label"].agg(lambda s: fmt.names(sorted(set(s))))
        rows = new[new["claim_id"].isin(shared.index)].assign(shared=lambda d: d["claim_id"].map(shared))
        out[j.number] = rows.reset_index(drop=True)
    return out


def notice(jf: JudgementsFile, evidence: Evidence) -> str:
    """The line at the top of the bottom line when later reports are in: which judgements they bear on.

    Returns:
        "Written for the edition of 20 Dec 2025; 13 claims from 1 later report bear on judgements 2 and 4
        and are not yet reviewed.", a line saying the later claims bear on none, or "" when every report
        of the edition was read.
    """
    new = unread_claims(jf, evidence)
    if new.empty:
        return ""
    hits = bearing(jf, evidence)
    written = f"Written for the edition of {fmt.date_label(jf.written_for)}"
    if not hits:
        return (f"{written}; the {fmt.plural(len(new), 'claim')} from {fmt.plural(new['source_id'].nunique(), 'later report')} "
                "bear on none of these judgements.")
    bearing_ids = pd.concat(hits.values())["claim_id"].unique()
    n_reports = new[new["claim_id"].isin(bearing_ids)]["source_id"].nunique()
    numbers = sorted(hits)
    which = ("judgement " if len(numbers) == 1 else "judgements ") + fmt.names(str(n) for n in numbers)
    verb = "bears" if len(bearing_ids) == 1 else "bear"
    return (f"{written}; {fmt.plural(len(bearing_ids), 'claim')} from {fmt.plural(n_reports, 'later report')} {verb} on {which} "
            "and " + ("is" if len(bearing_ids) == 1 else "are") + " not yet reviewed.")


# --------------------------------------------------------------------------------------------------
# One edition's judgements (their words: helpers.views.judgements_md)
# --------------------------------------------------------------------------------------------------


@dataclass
class EditionJudgements:
    """The judgements one edition uses, checked against its evidence (``file`` None when there are none)."""

    as_of: str
    file: JudgementsFile | None
    evidence: Evidence
    problems: list[Problem]
    folder_label: str = f"data/{FOLDER}/"

    @property
    def stale(self) -> str:
        return notice(self.file, self.evidence) if self.file else ""

    @property
    def days_old(self) -> int:
        """How many days the edition comes after the one the judgements were written for."""
        if not (self.file and self.file.written_for):
            return 0
        return (dt.date.fromisoformat(self.as_of) - dt.date.fromisoformat(self.file.written_for)).days

    def raise_for_problems(self) -> None:
        """Stop the build (or the notebook) when the checks failed."""
        if self.problems:
            raise JudgementError(self.problems)


def for_edition(data_dir: Path, as_of: str, tables: Mapping[str, pd.DataFrame], findings: Mapping[str, Any]) -> EditionJudgements:
    """The judgements an edition uses, parsed and checked.

    Args:
        data_dir: the data folder (``judgements/`` and ``curated/``).
        as_of: the edition date.
        tables: the edition's processed tables (``helpers.data.processed.read_processed``).
        findings: the edition's findings (``helpers.analysis.read_analysis``'s summary).
    """
    evidence = Evidence.of(tables, findings, data_dir, as_of)
    problems = misnamed(data_dir)
    path = file_for(data_dir, as_of)
    label = f"{Path(data_dir).name}/{FOLDER}/"
    if path is None:
        return EditionJudgements(as_of, None, evidence, problems, label)
    jf = parse(path, data_dir)
    return EditionJudgements(as_of, jf, evidence, sorted(problems + check(jf, evidence), key=lambda p: (p.file, p.line)), label)


def mark_reviewed(data_dir: Path, as_of: str, reports: Iterable[str]) -> tuple[Path, Path]:
    """Record that the judgements were reviewed for an edition: ``<as_of>.md`` from the latest earlier file,
    with ``reports_read`` set to the edition's reports. The earlier file stays, for the earlier editions.

    Args:
        data_dir: the data folder.
        as_of: the edition the judgements were reviewed for.
        reports: the ids of every report in that edition.

    Returns:
        (the file written, the file it came from).

    Raises:
        FileNotFoundError: there is no judgements file on or before ``as_of``.
    """
    source = file_for(data_dir, as_of)
    if source is None:
        raise FileNotFoundError(f"no judgements file dated on or before {as_of} in {folder(data_dir)}")
    target = folder(data_dir) / f"{as_of}.md"
    text = source.read_text(encoding="utf-8")
    line = f"reports_read: {', '.join(sorted(dict.fromkeys(reports)))}"
    if re.search(r"(?m)^reports_read:.*$", text):
        text = re.sub(r"(?m)^reports_read:.*$", line, text, count=1)
    else:
        text = f"---\n{line}\n---\n\n" + text
    target.write_text(text, encoding="utf-8")
    return target, source
