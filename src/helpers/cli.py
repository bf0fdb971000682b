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
    from helpers.build import EXIT_USAGE, BuildConfig, BuildError, check_as_of, default_sources_dir, run_build

    try:
        as_of = check_as_of(args.as_of or _today(), dt.date.today())
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    sources_dir = default_sources_dir()

    def validator(data_dir: Path) -> list[object]:
        # Before any kernel starts, so the curator sees each problem line once (issue 11).
        from helpers.validate import validate_data

        # Without the reports folder the build goes on and says the quotes were not checked (issue 10);
        # `validate` on its own still calls the missing folder a problem.
        return list(validate_data(data_dir, sources_dir if sources_dir.is_dir() else None))

    config = BuildConfig(
        as_of=as_of, data_dir=Path(args.data_dir).resolve(), force=args.force, revise=args.revise or bool(args.note),
        revision_note=args.note, validator=validator, sources_dir=sources_dir,
    )
    return run_build(config)


def cmd_regenerate(args: argparse.Namespace, extra: list[str]) -> int:
    """Build today's edition in a child process and copy everything it prints to logs/<date>.log."""
    today = _today()
    paths.LOGS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = paths.LOGS_DIR / f"{today}.log"
    command = [sys.executable, "-m", "helpers.cli", "build", "--as-of", today, "--data-dir", args.data_dir]
    if args.force:
        command.append("--force")
    if args.revise:
        command.append("--revise")
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
    from helpers.validate import main as validate_main

    return int(validate_main(extra) or 0)


def cmd_test(args: argparse.Namespace, extra: list[str]) -> int:
    return subprocess.call([sys.executable, "-m", "pytest", *extra], cwd=paths.ROOT)


def cmd_lab(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers import nbclean, working
    from helpers.kernelspec import DISPLAY_NAME, ensure_kernelspec

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
    from helpers import nbclean

    return nbclean.main(extra, root=paths.ROOT)


def cmd_codebook(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.codebook import main as codebook_main

    return codebook_main(extra)


# --- The curator's commands (issue 11): register a report, next ids, mentioned_in -------------------


def _refresh_codebook(data_dir: Path) -> None:
    """Keep docs/CODEBOOK.md's generated tables in step after a data change (repo data only)."""
    from helpers import codebook

    if data_dir.resolve() == paths.DATA_DIR.resolve() and codebook.refresh(data_dir):
        print(f"codebook: updated {codebook.CODEBOOK}")


def cmd_add_report(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.curate import CurateError, add_report

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
    from helpers.curate import CurateError, next_ids

    try:
        ids = next_ids(Path(args.data_dir))
    except CurateError as exc:
        print(f"next-id: {exc}", file=sys.stderr)
        return 1
    for table, next_one in ids.items():
        print(f"{table:<15} {next_one}")
    return 0


def cmd_fill_mentions(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.curate import CurateError, fill_mentions

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
    from helpers import analysis, clean, judgements

    as_of = args.as_of or _today()
    data_dir = Path(args.data_dir)
    tables = clean.build_processed(data_dir, as_of)
    _, findings = analysis.analyse(tables, as_of, None)
    judged = judgements.for_edition(data_dir, as_of, tables, findings)
    if args.mark:
        if judged.problems:
            print(judgements.review_text(judged))
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
    print(judgements.review_text(judged))
    return 1 if judged.problems else 0


def cmd_editions(args: argparse.Namespace, extra: list[str]) -> int:
    """List every edition and revision, mark the one readers see, then each problem with its repair (exit 1)."""
    from helpers.build import BrokenEdition, file_sha256
    from helpers.editions import published_edition, scan_editions

    editions_dir = paths.EDITIONS_DIR
    scan = scan_editions(editions_dir)
    folders = scan.folders()
    if not folders:
        print(f"no editions yet in {editions_dir} (run: python3 dev.py build)")
        return 0
    published_html = paths.REPORTS_DIR / "briefing.html"
    published = published_edition(scan, file_sha256(published_html) if published_html.is_file() else None)
    current = {e.name for e in scan.current()}
    print(f"{'edition':<15} {'rev':>3} {'built (UTC)':<26} {'renderer':<26} {'key':<12}  previous")
    for edition in folders:
        if isinstance(edition, BrokenEdition):
            print(f"{edition.name:<15} {edition.revision:>3} BROKEN: {edition.reason}")
            continue
        m = edition.manifest
        mark = "  <- published" if edition is published else ("" if edition.name in current else "  (superseded)")
        print(
            f"{edition.name:<15} {edition.revision:>3} {str(m.get('built_at', '?')):<26} {str(m.get('renderer', '?')):<26} "
            f"{edition.input_key[:12]:<12}  {m.get('previous_edition') or '-'}{mark}"
        )
    if published is None:
        print(f"the published briefing ({published_html}) is none of these editions' briefing")
    problems = scan.problems()
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems else 0


def cmd_publish(args: argparse.Namespace, extra: list[str]) -> int:
    """Restore the archive into reports/editions (--restore), or build and swap in the site."""
    from helpers.site import PublishError, publish_site, restore_editions

    archive = Path(args.archive).resolve() if args.archive else None
    try:
        if args.restore:
            if archive is None:
                print("publish --restore needs --archive DIR (the restored previous site)", file=sys.stderr)
                return 2
            copied = restore_editions(archive, paths.EDITIONS_DIR, args.first_run)
            print(f"restored {len(copied)} edition(s) from {archive} into {paths.EDITIONS_DIR}")
            return 0
        if not args.site:
            print("publish needs --site DIR (or --restore --archive DIR)", file=sys.stderr)
            return 2
        result = publish_site(paths.REPORTS_DIR, Path(args.site).resolve(), archive, args.first_run, args.base_url)
    except (PublishError, OSError) as exc:
        print(f"publish failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"published {len(result.editions)} edition(s) to {result.site} "
        f"(latest {result.editions[0].folder}; {len(result.restored)} from the archive only)"
    )
    return 0


def cmd_bench(args: argparse.Namespace, extra: list[str]) -> int:
    if not paths.BENCH_SCRIPT.is_file():
        print(f"{paths.BENCH_SCRIPT.relative_to(paths.ROOT)} is not written yet", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, str(paths.BENCH_SCRIPT), *extra], cwd=paths.ROOT)


def cmd_clean(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.build import BuildConfig, BuildLocked, EXIT_LOCKED, build_lock, clean_leftovers

    config = BuildConfig(as_of=_today())
    try:
        with build_lock(config.lock_path):
            clean_leftovers(config)
            targets: list[Path] = [paths.BUILD_DIR]
            if args.editions:
                targets += [config.editions_dir, config.published_html, config.published_pdf]
            if args.logs:
                targets.append(paths.LOGS_DIR)
            for target in targets:
                if target.is_dir():
                    shutil.rmtree(target)
                    print(f"removed {target}/")
                elif target.exists():
                    target.unlink()
                    print(f"removed {target}")
    except BuildLocked as exc:
        print(f"clean refused: {exc}", file=sys.stderr)
        return EXIT_LOCKED
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

    p = add("build", cmd_build, "build the briefing for a date: reports/briefing.html and .pdf (skips if unchanged)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the edition's date (default: today)")
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.add_argument("--revise", action="store_true",
                   help="if the date is published from other inputs, keep it and add a revision <date>-r<n> beside it")
    p.add_argument("--note", default="", metavar="TEXT", help="why this revision was made (shown with it); implies --revise")
    p.add_argument("--data-dir", default=str(paths.DATA_DIR), help="data folder (default: data/)")
    p = add("regenerate", cmd_regenerate, "build today's edition, logging to logs/<date>.log (what a scheduler runs)")
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.add_argument("--revise", action="store_true", help="as for build: add a revision if today's edition changed")
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
    add("editions", cmd_editions, "list editions and revisions; report broken or stale ones and how to repair them")
    p = add("publish", cmd_publish, "build the site (every edition, editions page, Atom feed) from reports/ and the archive")
    p.add_argument("--site", metavar="DIR", help="the site folder to write (replaced only on success)")
    p.add_argument("--archive", metavar="DIR", help="the restored previous site (default: --site itself)")
    p.add_argument("--restore", action="store_true", help="only copy the archive's editions into reports/editions")
    p.add_argument("--first-run", action="store_true", help="no edition was ever published: start an empty archive")
    p.add_argument("--base-url", default="", metavar="URL", help="the site's public address, for the feed's links")
    add("bench", cmd_bench, "time the build (benchmarks/bench_build.py)")
    p = add("clean", cmd_clean, "remove build/ and leftovers of crashed builds")
    p.add_argument("--editions", action="store_true", help="also remove every edition and the published briefing")
    p.add_argument("--logs", action="store_true", help="also remove logs/")
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
