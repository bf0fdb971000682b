"""The project's one entry point: `python3 dev.py COMMAND` (or `isf COMMAND` inside the environment).

Every command is one small function; heavy libraries are imported inside the functions that need them,
so `--help`, `editions` and an unchanged `build` start in a few hundredths of a second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from helpers import paths

Command = Callable[[argparse.Namespace, list[str]], int]

# Commands whose extra arguments are handed on untouched (to pytest, jupyter lab, the validator…).
PASSTHROUGH = {"validate", "test", "lab", "bench", "codebook", "strip"}


def _today() -> str:
    return dt.date.today().isoformat()


def cmd_build(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.publish.build import EXIT_USAGE, run_build
    from helpers.publish.config import BuildConfig, default_sources_dir
    from helpers.publish.editions import check_as_of
    from helpers.publish.errors import BuildError

    try:
        as_of = check_as_of(args.as_of or _today(), dt.date.today())
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    sources_dir = default_sources_dir()
    config = BuildConfig(
        as_of=as_of, data_dir=Path(args.data_dir).resolve(), force=args.force, if_changed=args.if_changed,
        validator=_validator(sources_dir), sources_dir=sources_dir,
    )
    return run_build(config)


def _validator(sources_dir: Path) -> Callable[[Path], list[object]]:
    """The build's data check: validate_data, with the report texts when this machine has them."""

    def validator(data_dir: Path) -> list[object]:
        # Before anything else, so the curator sees each problem line once (issue 11). Without the reports
        # folder the quotes are checked against the quote-verification record instead (helpers.publish.build).
        from helpers.data.validate import validate_data

        return list(validate_data(data_dir, sources_dir if sources_dir.is_dir() else None))

    return validator


def cmd_correct(args: argparse.Namespace, extra: list[str]) -> int:
    """One revision draft per published edition that reports a corrected claim."""
    from helpers.publish.build import correct, run_build
    from helpers.publish.config import BuildConfig, default_sources_dir

    sources_dir = default_sources_dir()
    config = BuildConfig(as_of=_today(), data_dir=Path(args.data_dir).resolve(), force=args.force,
                         revision_note=args.note, validator=_validator(sources_dir), sources_dir=sources_dir)
    return run_build(config, correct)


def cmd_regenerate(args: argparse.Namespace, extra: list[str]) -> int:
    """Build today's edition in a child process and copy everything it prints to logs/<date>.log."""
    today = _today()
    paths.LOGS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = paths.LOGS_DIR / f"{today}.log"
    command = [sys.executable, "-m", "helpers.cli", "build", "--as-of", today, "--if-changed", "--data-dir", args.data_dir]
    if args.force:
        command.append("--force")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    def stamp() -> str:
        return dt.datetime.now().astimezone().isoformat(timespec="seconds")

    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"{stamp()} === regenerate {today} (pid {os.getpid()}): {' '.join(command)}\n")
        log.flush()
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=paths.ROOT
        ) as child:
            assert child.stdout is not None
            for line in child.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                log.write(f"{stamp()} {line}")
                log.flush()
            code = child.wait()
        log.write(f"{stamp()} === exit {code}\n")
    print(f"log: {log_path}")
    return code


def cmd_validate(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.data.validate import main as validate_main

    return int(validate_main(extra) or 0)


def cmd_test(args: argparse.Namespace, extra: list[str]) -> int:
    return subprocess.call([sys.executable, "-m", "pytest", *extra], cwd=paths.ROOT)


def cmd_lab(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.lab import nbclean, working
    from helpers.publish.kernelspec import DISPLAY_NAME, ensure_kernelspec

    if importlib.util.find_spec("jupyterlab") is None:
        print('JupyterLab is not installed: pip install -e ".[lab]"', file=sys.stderr)
        return 2
    ensure_kernelspec()  # also makes Lab save notebooks without outputs
    settings = working.read_settings()  # written with its defaults on first use
    if note := nbclean.install_git_hook(paths.ROOT):
        print(note)
    print(f"kernel: {DISPLAY_NAME}; notebooks in {paths.NOTEBOOKS_DIR}; working date: {settings['as_of']} "
          f"(set it in {working.settings_path()})", flush=True)
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={paths.ROOT}", *extra]
    if os.geteuid() == 0 and "--allow-root" not in extra:
        argv.append("--allow-root")  # containers run as root; Jupyter refuses it otherwise
    os.execv(sys.executable, argv)
    return 0  # not reached


def cmd_strip(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.lab import nbclean

    return nbclean.main(extra, root=paths.ROOT)


def cmd_codebook(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.data.codebook import main as codebook_main

    return codebook_main(extra)


# --- The curator's commands (issue 11): register a report, next ids, mentioned_in -------------------


def _refresh_codebook(data_dir: Path) -> None:
    """Keep docs/CODEBOOK.md's generated tables in step after a data change (repo data only)."""
    from helpers.data import codebook

    if data_dir.resolve() == paths.DATA_DIR.resolve() and codebook.refresh(data_dir):
        print(f"codebook: updated {codebook.CODEBOOK}")


def cmd_add_report(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.data.curate import CurateError, add_report

    data_dir, sources_dir = Path(args.data_dir), Path(args.sources_dir)
    try:
        added = add_report(Path(args.file), data_dir, sources_dir)
    except CurateError as exc:
        print(f"add-report: {exc}", file=sys.stderr)
        return 1
    print(f"add-report: stored {added.stored_at}")
    print(f"add-report: {added.source_id} added to {data_dir.name}/curated/sources.csv (sha256 {added.sha256[:16]}…); "
          "complete its outlet, title, dates and date_note, then: python3 dev.py validate")
    _refresh_codebook(data_dir)
    return 0


def cmd_next_id(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.data.curate import CurateError, next_ids

    try:
        ids = next_ids(Path(args.data_dir))
    except CurateError as exc:
        print(f"next-id: {exc}", file=sys.stderr)
        return 1
    for table, next_one in ids.items():
        print(f"{table:<15} {next_one}")
    return 0


def cmd_fill_mentions(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.data.curate import CurateError, fill_mentions

    data_dir = Path(args.data_dir)
    try:
        added = fill_mentions(data_dir)
    except CurateError as exc:
        print(f"fill-mentions: {exc}", file=sys.stderr)
        return 1
    for actor_id, ids in added.items():
        print(f"fill-mentions: {actor_id}: added {', '.join(ids)}")
    print(f"fill-mentions: {len(added)} actor(s) updated in {data_dir.name}/curated/actors.csv")
    _refresh_codebook(data_dir)
    return 0


def cmd_review(args: argparse.Namespace, extra: list[str]) -> int:
    """Check the key judgements an edition uses and list, per judgement, the claims of unread reports bearing on it."""
    from helpers.analysis import judgements, run
    from helpers.data import clean
    from helpers.views.judgements_md import review_text

    as_of = args.as_of or _today()
    data_dir = Path(args.data_dir)
    tables = clean.build_processed(data_dir, as_of)
    _, findings = run.analyse(tables, as_of, None)
    judged = judgements.for_edition(data_dir, as_of, tables, findings)
    if args.mark:
        if judged.problems:
            print(review_text(judged))
            print("review: fix the problems above before marking the judgements reviewed", file=sys.stderr)
            return 1
        try:
            written, source = judgements.mark_reviewed(data_dir, as_of, tables["sources"]["source_id"])
        except FileNotFoundError as exc:
            print(f"review: {exc}", file=sys.stderr)
            return 1
        origin = "updated" if written == source else f"written from {source.name}"
        print(f"review: {written} {origin}, reviewed against {', '.join(tables['sources']['source_id'])}; "
              "revise the judgements there, then: python3 dev.py review --as-of " + as_of)
        return 0
    print(review_text(judged))
    return 1 if judged.problems else 0


def cmd_editions(args: argparse.Namespace, extra: list[str]) -> int:
    """List every draft and published edition, mark the one reports/briefing.html shows, then each problem with its repair (exit 1)."""
    from helpers.publish.editions import BrokenEdition
    from helpers.publish.manifest import file_sha256
    from helpers.publish.editions import Editions

    editions = Editions.scan(paths.REPORTS_DIR)
    folders = sorted([*editions.published.folders(), *editions.drafts.folders()], key=lambda e: (e.as_of, e.revision))
    if not folders:
        print(f"no editions yet in {paths.REPORTS_DIR} (run: python3 dev.py build)")
        return 0
    shown_html = paths.REPORTS_DIR / "briefing.html"
    shown = file_sha256(shown_html) if shown_html.is_file() else None
    current = {e.path for e in editions.timeline()}
    print(f"{'edition':<15} {'rev':>3} {'state':<10} {'built (UTC)':<26} {'renderer':<26} {'key':<12}  compared with")
    for edition in folders:
        state = "draft" if editions.is_draft(edition) else "published"
        if isinstance(edition, BrokenEdition):
            print(f"{edition.name:<15} {edition.revision:>3} {state:<10} BROKEN: {edition.reason}")
            continue
        m = edition.manifest
        is_shown = shown is not None and m.get("files", {}).get("briefing.html", {}).get("sha256") == shown
        mark = "  <- reports/briefing.html" if is_shown and edition.path in current else ("" if edition.path in current else "  (superseded)")
        print(
            f"{edition.name:<15} {edition.revision:>3} {state:<10} {str(m.get('built_at', '?')):<26} {str(m.get('renderer', '?')):<26} "
            f"{edition.input_key[:12]:<12}  {m.get('previous_edition') or '-'}{mark}"
        )
    problems = editions.problems()
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems else 0


def cmd_publish(args: argparse.Namespace, extra: list[str]) -> int:
    """Restore the archive into reports/editions (--restore), or publish the drafts and swap in the site."""
    from helpers.publish.build import EXIT_LOCKED
    from helpers.publish.archive import restore_editions
    from helpers.publish.site import publish_site, reports_lock, site_settings
    from helpers.publish.site_editions import PublishBusy, PublishError

    archive = Path(args.archive).resolve() if args.archive else None
    try:
        if args.restore:
            if archive is None:
                print("publish --restore needs --archive DIR (the restored previous site)", file=sys.stderr)
                return 2
            with reports_lock(paths.REPORTS_DIR):
                copied = restore_editions(archive, paths.EDITIONS_DIR, args.first_run)
            print(f"restored {len(copied)} published edition(s) from {archive} into {paths.EDITIONS_DIR}"
                  + (f": {', '.join(copied)}" if copied else ""))
            return 0
        if not args.site:
            print("publish needs --site DIR (or --restore --archive DIR)", file=sys.stderr)
            return 2
        # --base-url, else the project's setting (site.toml), else the address the host reports (the workflow sets
        # ISF_BASE_URL from GitHub Pages' configure-pages): one setting, every recipe
        base_url = (args.base_url or str(site_settings(paths.SITE_SETTINGS).get("base_url") or "")
                    or os.environ.get("ISF_BASE_URL", "").strip())
        site = Path(args.site).resolve()
        result = publish_site(paths.REPORTS_DIR, site, archive, args.first_run, base_url, data_dir=paths.DATA_DIR)
    except PublishBusy as exc:
        print(f"publish refused: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except PublishError as exc:
        print(f"publish failed: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"publish failed: {exc.strerror or exc}{where}; the site is as it was", file=sys.stderr)
        return 1
    if not result.published:
        print(f"nothing new to publish: no draft, and {result.site if archive is None else archive} already holds every "
              f"published edition ({len(result.editions)}); nothing was written")
        return 0
    print(
        f"published {', '.join(result.published)} to {result.site} ({len(result.editions)} edition(s) on the site, "
        f"latest {result.editions[0].folder}; {len(result.restored)} from the archive only)"
    )
    return 0


def cmd_bench(args: argparse.Namespace, extra: list[str]) -> int:
    if not paths.BENCH_SCRIPT.is_file():
        print(f"{paths.BENCH_SCRIPT.relative_to(paths.ROOT)} is not written yet", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, str(paths.BENCH_SCRIPT), *extra], cwd=paths.ROOT)


def cmd_clean(args: argparse.Namespace, extra: list[str]) -> int:
    """Remove build/ and what crashed builds and publishes left; never a published edition."""
    from helpers.publish.atomic import remove_tree
    from helpers.publish.build import clean_leftovers, EXIT_LOCKED, publish_latest
    from helpers.publish.config import BuildConfig
    from helpers.publish.lock import build_lock, BuildLocked
    from helpers.publish.site import clean_site_leftovers, publish_lock, site_mode
    from helpers.publish.site_editions import PublishBusy, PublishError

    config = BuildConfig(as_of=_today())
    try:
        with build_lock(config.lock_path):
            clean_leftovers(config)
            targets: list[Path] = [paths.BUILD_DIR]
            if args.drafts:
                targets.append(config.drafts_dir)
            if args.logs:
                targets.append(paths.LOGS_DIR)
            for target in targets:
                if target.exists():
                    remove_tree(target)
                    print(f"removed {target}")
            if args.drafts:
                for path in (config.published_html, config.published_pdf):
                    path.unlink(missing_ok=True)
                latest = publish_latest(config)
                if latest is not None:
                    print(f"{config.published_html.name} shows {latest.name} again")
            if config.editions_dir.is_dir():
                print(f"kept the published editions in {config.editions_dir}: no command removes them")
        if args.site:
            site = Path(args.site).resolve()
            with publish_lock(site, site_mode(site)):
                for line in clean_site_leftovers(site):
                    print(line)
    except (BuildLocked, PublishBusy) as exc:
        print(f"clean refused: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except PublishError as exc:
        print(f"clean failed: {exc}", file=sys.stderr)
        return 1
    return 0


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or os.environ.get("ISF_PROG", "isf"),
        formatter_class=lambda prog: argparse.HelpFormatter(prog, max_help_position=18, width=100),
        description="Build, check and explore the ISF briefing. dev.py makes .venv on first use, then runs these.",
        epilog="Extra arguments after validate, test, codebook, lab, strip and bench go to the tool underneath "
        "(e.g. `test -k build -x`).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def add(name: str, func: Command, help_line: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_line, description=help_line)
        p.set_defaults(func=func)
        return p

    p = add("build", cmd_build, "build the draft of a date (reports/drafts/<date>); reports/briefing.html shows it")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the edition's date (default: today)")
    p.add_argument("--force", action="store_true", help="rebuild the draft even when nothing changed")
    p.add_argument("--if-changed", action="store_true",
                   help="build only if the data changed since the latest published edition (what regenerate does)")
    p.add_argument("--data-dir", default=str(paths.DATA_DIR), help="data folder (default: data/)")
    p = add("correct", cmd_correct, "draft a revision of each published edition whose claims were corrected")
    p.add_argument("--note", required=True, metavar="TEXT", help="what was corrected and why (shown with each revision)")
    p.add_argument("--force", action="store_true", help="rebuild the revision drafts even when nothing changed")
    p.add_argument("--data-dir", default=str(paths.DATA_DIR), help="data folder (default: data/)")
    p = add("regenerate", cmd_regenerate, "draft today's edition if the data changed; logs to logs/<date>.log (for schedulers)")
    p.add_argument("--force", action="store_true", help="rebuild the draft even when nothing changed")
    p.add_argument("--data-dir", default=str(paths.DATA_DIR), help="data folder (default: data/)")
    add("validate", cmd_validate, "check the data against its schema; one line per problem")
    add("test", cmd_test, "run the whole test suite with pytest (exit code is pytest's)")
    add("codebook", cmd_codebook, "regenerate the tables in docs/CODEBOOK.md from the schema (--check: only report)")
    p = add("add-report", cmd_add_report, "store a new report's text in the sources folder and add its row to sources.csv")
    p.add_argument("file", help="the report as a UTF-8 text file")
    p.add_argument("--data-dir", default=str(paths.DATA_DIR), help="data folder (default: data/)")
    p.add_argument("--sources-dir", default=str(paths.SOURCES_DIR),
                   help="sources folder (default: env ISF_SOURCES_DIR, else ../shared/sources)")
    p = add("next-id", cmd_next_id, "print the next free id of each table (PL-034, S005, …)")
    p.add_argument("--data-dir", default=str(paths.DATA_DIR), help="data folder (default: data/)")
    p = add("fill-mentions", cmd_fill_mentions, "add to actors' mentioned_in every report whose rows cite them")
    p.add_argument("--data-dir", default=str(paths.DATA_DIR), help="data folder (default: data/)")
    p = add("review", cmd_review, "check the key judgements and list the new claims that bear on each (--mark: reviewed)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the edition's date (default: today)")
    p.add_argument("--mark", action="store_true",
                   help="mark the judgements reviewed for this edition: write data/judgements/<as-of>.md with reports_read updated")
    p.add_argument("--data-dir", default=str(paths.DATA_DIR), help="data folder (default: data/)")
    add("lab", cmd_lab, "start JupyterLab at the repo root with the project kernel")
    add("strip", cmd_strip, "remove outputs and volatile metadata from notebooks (--check: only list them)")
    add("editions", cmd_editions, "list drafts, editions and revisions; report problems and their repairs")
    p = add("publish", cmd_publish, "publish the drafts: freeze them and build the site (editions, page, feed)")
    p.add_argument("--site", metavar="DIR", help="the site folder to write (replaced only on success)")
    p.add_argument("--archive", metavar="DIR", help="the restored previous site (default: --site itself)")
    p.add_argument("--restore", action="store_true", help="only copy the archive's published editions into reports/editions")
    p.add_argument("--first-run", action="store_true", help="no edition was ever published: start an empty archive")
    p.add_argument("--base-url", default="", metavar="URL",
                   help="the site's public address, for the feed's links (default: base_url in site.toml)")
    add("bench", cmd_bench, "time the build (benchmarks/bench_build.py)")
    p = add("clean", cmd_clean, "remove build/ and what crashed runs left (never a published edition)")
    p.add_argument("--drafts", action="store_true", help="also remove the drafts (reports/drafts)")
    p.add_argument("--logs", action="store_true", help="also remove logs/")
    p.add_argument("--site", metavar="DIR", help="also remove what interrupted publishes left beside or in this site folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        parser.print_help()
        return 0
    if extra and args.command not in PASSTHROUGH:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra[:1] == ["--"]:
        extra = extra[1:]
    return int(args.func(args, extra))


if __name__ == "__main__":
    sys.exit(main())
