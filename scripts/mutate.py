#!/usr/bin/env python3
"""Plant plausible bugs one at a time and check that the tests catch each: a small mutation test.

    python3 scripts/mutate.py            # every mutant: plant, run its tests, restore; print the table
    python3 scripts/mutate.py --list     # the mutants, one line each
    python3 scripts/mutate.py NAME ...   # only these mutants

Each mutant replaces one exact snippet of a module under src/helpers/ (the analysis's standings, findings and
tables, what changed, cleaning, validation's rules, editions)
with a bug a reviewer could plausibly write, runs the tests that cover that code (pytest -x, so a caught
mutant stops at the first failure), and restores the file byte for byte, also on Ctrl-C. A copy of the
file waits in build/mutate/ while a mutant is planted; a later run restores any copy a killed run left.

A mutant is "caught" when its tests fail, "SURVIVED" when they pass, and "stale" when its snippet is no
longer in the file (the code was rewritten: update the mutant here). Exit 0 when every mutant is caught
or a survivor is listed in ACCEPTED with the reason; 1 otherwise. Needs the project's .venv (python3
dev.py test creates it); standard library only. Do not run the test suite in this checkout meanwhile:
the mutant is in the working tree.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELPERS = ROOT / "src" / "helpers"
BACKUP_DIR = ROOT / "build" / "mutate"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


@dataclass(frozen=True)
class Mutant:
    """One planted bug: where, the exact snippet and its replacement, what it breaks, and the tests to run."""

    name: str
    module: str  # path under src/helpers/, e.g. "analysis/standings.py"
    old: str
    new: str
    bug: str
    tests: tuple[str, ...]


MUTANTS: tuple[Mutant, ...] = (
    # --- The three bugs issue 24 found surviving the suite ----------------------------------------------
    Mutant("changes-repeat-as-news", "analysis/news_rules.py",
           "if earlier is not None and not renewed:",
           "if False:",
           "a stage an earlier report already gave counts as a new offer",
           ("tests/analysis/test_changes.py", "tests/pipeline/test_notebooks.py")),
    # The "added late" rule changed with the findings merge: only a new claim in a report the previous
    # edition already had is late; a new report is news whatever its date. Both directions are planted.
    Mutant("changes-added-late-flag-dropped", "analysis/news.py",
           'return new.assign(_late=new["source_id"].isin(old_sources).to_numpy(dtype=bool))',
           "return new.assign(_late=False)",
           "a claim added to a report the previous edition already had is not marked added late",
           ("tests/analysis/test_changes.py", "tests/pipeline/test_notebooks.py")),
    Mutant("changes-new-report-dated-early-marked-late", "analysis/news.py",
           'return new.assign(_late=new["source_id"].isin(old_sources).to_numpy(dtype=bool))',
           'return new.assign(_late=(new["source_id"].isin(old_sources) | (new["reported_date"] <= previous["reported_date"].max())).to_numpy(dtype=bool))',
           "a new report dated before the previous edition's newest is marked added late, not news",
           ("tests/analysis/test_changes.py", "tests/pipeline/test_notebooks.py")),
    Mutant("edition-uses-report-by-its-recorded-date", "data/clean.py",
           'latest = sources["published_latest"].fillna(sources["published"]) if "published_latest" in sources else sources["published"]',
           'latest = sources["published"]',
           "an edition uses a report dated only roughly before the last day it could have appeared",
           ("tests/data/test_clean.py",)),
    Mutant("edition-claims-index-ignores-report-dates", "publish/manifest.py",
           "            if (row.get(\"reported_date\") or \"\") <= as_of and (sources is None or (row.get(\"source_id\") or \"\") in sources)]",
           "            if (row.get(\"reported_date\") or \"\") <= as_of]",
           "the claims index holds claims of a report the edition may not use yet",
           ("tests/data/test_clean.py",)),
    Mutant("changes-older-report-claims-as-news", "analysis/changes.py",
           '    items = _older_reports_apart(items, ctx)\n',
           '',
           "the claims of a report older than the previous edition's newest lead the news",
           ("tests/analysis/test_changes.py",)),
    Mutant("changes-reported-stance-as-own", "analysis/news_rules.py",
           'if (cell_text(r.get("voice")) not in ("", "own") and cell_text(r.get("confidence")) in ("relayed", "anonymous_officials")',
           'if (False',
           "a stance others report reads as the actor's own word in what changed",
           ("tests/analysis/test_changes.py",)),
    Mutant("validate-quotes-ignore-case", "data/rules.py",
           'if text is not None and normalise_space(row["quote"]) not in text:',
           'if text is not None and normalise_space(row["quote"]).lower() not in text.lower():',
           "a quote that differs from its report only in upper and lower case passes",
           ("tests/data/test_validate.py",)),
    Mutant("validate-report-line-breaks-kept", "data/rules.py",
           'texts[sid] = normalise_space(raw.decode("utf-8"))',
           'texts[sid] = raw.decode("utf-8")',
           "a quote that runs across a line break of its report is refused",
           ("tests/data/test_validate.py",)),
    Mutant("validate-quotes-fold-apostrophes", "data/rules.py",
           'if text is not None and normalise_space(row["quote"]) not in text:',
           'if text is not None and normalise_space(row["quote"]).replace("’", "\'") not in text.replace("’", "\'"):',
           "a straight apostrophe passes for the report's curly one",
           ("tests/data/test_validate.py",)),
    Mutant("validate-quotes-fold-dashes", "data/rules.py",
           'if text is not None and normalise_space(row["quote"]) not in text:',
           'if text is not None and re.sub("[–—]", "-", normalise_space(row["quote"])) not in re.sub("[–—]", "-", text):',
           "a hyphen passes for the report's en or em dash",
           ("tests/data/test_validate.py",)),
    # --- Standings ----------------------------------------------------------------------------------
    Mutant("standings-latest-claim-wins", "analysis/standings.py",
           'best = positive.sort_values(["_rank", "_conf", "reported_date", "pledge_id"])',
           'best = positive.sort_values(["reported_date", "_rank", "_conf", "pledge_id"])',
           "a later, weaker mention demotes an offer (the latest claim stands, not the strongest)",
           ("tests/analysis/test_analysis.py",)),
    Mutant("standings-ties-to-the-later-claim", "analysis/standings.py",
           'best = positive.sort_values(["_rank", "_conf", "reported_date", "pledge_id"])',
           'best = positive.sort_values(["_rank", "reported_date", "_conf", "pledge_id"])',
           "between two claims at the same stage the later one stands, not the better-sourced one",
           ("tests/analysis/test_analysis.py",)),
    Mutant("standings-withdrawal-ignored", "analysis/standings.py",
           'positive = p[p["_rank"].notna() & (cut.isna() | (p["reported_date"] > cut))]',
           'positive = p[p["_rank"].notna()]',
           "a withdrawal does not take an earlier offer back",
           ("tests/analysis/test_analysis.py",)),
    Mutant("standings-outside-support-contributes", "analysis/standings.py",
           's = standing[standing["part_of_force"].astype(bool) & (standing["rank"].fillna(-1) >= min_rank)]',
           's = standing[standing["rank"].fillna(-1) >= min_rank]',
           "support from outside the force (the US organisers, UK advisers) counts as a contribution",
           ("tests/analysis/test_analysis.py",)),
    Mutant("standings-linked-conditions-ignored", "analysis/standings.py",
           '"conditional": pd.Series(pair.isin(conds["will_only_if"]) | pair.isin(conds["conditions"].index) | pair.isin(conds["limits"].index),',
           '"conditional": pd.Series(pair.isin(conds["will_only_if"]) | pair.isin(conds["limits"].index),',
           "a condition linked to an offer does not make the standing 'only if'",
           ("tests/analysis/test_analysis.py",)),
    Mutant("information-date-oldest-report", "analysis/findings.py",
           'newest = sources.sort_values(["published", "source_id"]).iloc[-1]',
           'newest = sources.sort_values(["published", "source_id"]).iloc[0]',
           "the information date is the oldest report's, not the newest",
           ("tests/analysis/test_analysis.py",)),
    # --- Conditions ---------------------------------------------------------------------------------
    Mutant("conditions-counted-from-non-contributors", "analysis/tables.py",
           'c = conditions[conditions["actor_id"].isin(ids) & conditions["applies_to"].ne("taking_part")]',
           'c = conditions[conditions["applies_to"].ne("taking_part")]',
           "a condition set by an actor that is not a willing contributor is counted",
           ("tests/analysis/test_analysis.py",)),
    Mutant("conditions-organisers-limits-as-only-if", "analysis/standings.py",
           'conds = conditions[conditions["pledge_id"].fillna("").ne("") & conditions["applies_to"].ne("taking_part")] if len(conditions) else conditions',
           'conds = conditions[conditions["pledge_id"].fillna("").ne("")] if len(conditions) else conditions',
           "the organiser's own limits (its staff stay outside Gaza) make its standing 'only if'",
           ("tests/analysis/test_analysis.py",)),
    Mutant("conditions-met-before-the-event-is-reported", "data/clean.py",
           'conditions = conditions.assign(status=conditions["status"].where(known, "open"),',
           'conditions = conditions.assign(status=conditions["status"],',
           "an edition shows a condition met before the event reporting it is in that edition",
           ("tests/analysis/test_analysis.py",)),
    # --- Editions -----------------------------------------------------------------------------------
    Mutant("editions-previous-on-or-before", "publish/editions.py",
           "earlier = [e for e in current if e.as_of < as_of]",
           "earlier = [e for e in current if e.as_of <= as_of]",
           "an edition's 'previous edition' can be itself (on or before, not strictly before)",
           ("tests/publish/test_build.py", "tests/pipeline/test_cli.py", "tests/publish/test_site.py")),
    Mutant("editions-broken-previous-skipped", "publish/editions.py",
           "earlier = [e for e in current if e.as_of < as_of]",
           "earlier = [e for e in current if e.as_of < as_of and isinstance(e, Edition)]",
           "a broken previous edition is skipped silently and an older one compared with",
           ("tests/publish/test_build.py", "tests/pipeline/test_cli.py", "tests/publish/test_site.py")),
    Mutant("editions-current-is-lowest-revision", "publish/editions.py",
           "return sorted([*self.editions, *self.broken], key=lambda e: (e.as_of, e.revision))",
           "return sorted([*self.editions, *self.broken], key=lambda e: (e.as_of, -e.revision))",
           "a date's current edition is its first build, not its latest revision",
           ("tests/publish/test_build.py", "tests/pipeline/test_cli.py", "tests/publish/test_site.py")),
    Mutant("editions-revision-reuses-a-number", "publish/editions.py",
           "return 1 + max((e.revision for e in self.folders() if e.as_of == as_of), default=-1)",
           "return max((e.revision for e in self.folders() if e.as_of == as_of), default=0)",
           "a revision gets the number of the edition it revises",
           ("tests/publish/test_build.py", "tests/pipeline/test_cli.py", "tests/publish/test_site.py")),
    Mutant("editions-changed-file-not-noticed", "publish/editions.py",
           'if not isinstance(info, dict) or (edition.path / rel).stat().st_size != info.get("bytes"):',
           "if not isinstance(info, dict) or not (edition.path / rel).exists():",
           "an edition file of another size than its manifest says is not reported",
           ("tests/publish/test_build.py", "tests/pipeline/test_cli.py", "tests/publish/test_site.py")),
)

# Survivors kept on purpose, with the reason (name -> why the surviving mutant is acceptable).
ACCEPTED: dict[str, str] = {}


def python() -> str:
    return str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable


def restore_leftovers() -> list[str]:
    """Put back any file a killed run left mutated (its copy is in build/mutate/)."""
    restored = []
    for copy in sorted(BACKUP_DIR.glob("*.py")) if BACKUP_DIR.is_dir() else []:
        module = copy.name.replace("__", "/")  # the copy of analysis/standings.py is analysis__standings.py
        shutil.copyfile(copy, HELPERS / module)
        copy.unlink()
        restored.append(module)
    return restored


def run(mutant: Mutant) -> tuple[str, float, str]:
    """Plant ``mutant``, run its tests, restore the file. Returns (outcome, seconds, the failing test or "")."""
    path = HELPERS / mutant.module
    original = path.read_bytes()
    text = original.decode("utf-8")
    if text.count(mutant.old) != 1:
        return "stale", 0.0, f"snippet found {text.count(mutant.old)} times in {mutant.module}"
    BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    backup = BACKUP_DIR / mutant.module.replace("/", "__")
    backup.write_bytes(original)
    start = time.monotonic()
    try:
        path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
        proc = subprocess.run([python(), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *mutant.tests],
                              cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    finally:
        path.write_bytes(original)
        backup.unlink()
    seconds = time.monotonic() - start
    failed = next((line.split(" ")[1] for line in proc.stdout.splitlines() if line.startswith("FAILED ")), "")
    outcome = {0: "SURVIVED", 1: "caught"}.get(proc.returncode, f"error (pytest exit {proc.returncode})")
    if outcome.startswith("error"):
        failed = (proc.stdout + proc.stderr).strip().splitlines()[-1:][0] if (proc.stdout + proc.stderr).strip() else ""
    return outcome, seconds, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.names or m.name in args.names]
    unknown = set(args.names) - {m.name for m in MUTANTS}
    if unknown:
        parser.error(f"unknown mutant(s): {', '.join(sorted(unknown))} (see --list)")
    if args.list:
        for m in chosen:
            print(f"{m.name:45} {m.module:24} {m.bug}")
        return 0
    for name in restore_leftovers():
        print(f"mutate: restored src/helpers/{name} from a run that was stopped")
    print(f"mutate: {len(chosen)} mutants; each is planted, its tests run (pytest -x), the file restored\n")
    results = []
    for i, m in enumerate(chosen, 1):
        try:
            outcome, seconds, detail = run(m)
        except KeyboardInterrupt:
            print(f"\nmutate: interrupted at {m.name}; src/helpers/{m.module} restored")
            return 130
        results.append((m, outcome, detail))
        print(f"[{i:2}/{len(chosen)}] {outcome:9} {m.name:45} {seconds:5.0f} s  {detail}", flush=True)
    caught = [m for m, o, _ in results if o == "caught"]
    survived = [m for m, o, _ in results if o == "SURVIVED"]
    other = [(m, o, d) for m, o, d in results if o not in ("caught", "SURVIVED")]
    print(f"\nmutants: {len(results)}; caught: {len(caught)}; survived: {len(survived)}; stale or errors: {len(other)}")
    for m in survived:
        print(f"  survived {m.name} ({m.module}): {m.bug}. " + (f"Accepted: {ACCEPTED[m.name]}" if m.name in ACCEPTED else "NOT ACCEPTED: add a test"))
    for m, o, d in other:
        print(f"  {o} {m.name} ({m.module}): {d}")
    bad = [m for m in survived if m.name not in ACCEPTED] + [m for m, _, _ in other]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
