"""Notebooks are saved and committed without outputs or volatile metadata: the cleaner, in three places.

- ``python3 dev.py strip [NOTEBOOK ...]`` cleans notebooks by hand (``--check`` only lists the ones that
  need it), which is what a failing test names.
- JupyterLab started from this environment cleans every notebook it saves (:func:`pre_save_hook`, set
  up by ``helpers.publish.kernelspec.ensure_kernelspec``): an analyst's Run All stays on screen, never on disk.
- A git pre-commit hook, installed by the README's set-up (``dev.py`` on its first run), cleans each
  staged ``.ipynb`` (``--staged``) so a notebook saved by any other tool is committed clean too.

Clean means: no outputs, no execution counts, and none of the metadata that changes on every run
(``language_info``, papermill's records, cell timings, scroll and collapse state). Tags, cell ids,
the kernelspec and jupytext's pairing stay. Standard library only, so the git hook runs with any
``python3``; files are written as nbformat writes them (sorted keys, one-space indent).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

if not __package__:  # run as a script by the git hook: the package is two folders up (src/)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from helpers.paths import BRIEFING_NOTEBOOK  # noqa: E402  (stdlib only)

# Notebook-level and cell-level metadata that records a run or a view, not the notebook.
VOLATILE_NOTEBOOK_KEYS: frozenset[str] = frozenset({"language_info", "papermill", "widgets", "vscode", "colab", "interpreter"})
VOLATILE_CELL_KEYS: frozenset[str] = frozenset({"execution", "ExecuteTime", "collapsed", "scrolled", "trusted", "papermill", "jupyter"})
HOOK_MARKER = "isf-briefing: strip notebook outputs"
COMMAND = "python3 dev.py strip"


def clean_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """Remove outputs, execution counts and volatile metadata, in place.

    Args:
        nb: a notebook as a JSON dict (an nbformat NotebookNode works too).

    Returns:
        The same dict.
    """
    metadata = nb.get("metadata", {})
    for key in VOLATILE_NOTEBOOK_KEYS & set(metadata):
        del metadata[key]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell_meta = cell.get("metadata", {})
        for key in VOLATILE_CELL_KEYS & set(cell_meta):
            del cell_meta[key]
    return nb


def dumps(nb: dict[str, Any]) -> str:
    """A notebook as nbformat writes it: sorted keys, one-space indent, a final newline."""
    return json.dumps(nb, indent=1, sort_keys=True, separators=(",", ": "), ensure_ascii=False) + "\n"


def cleaned_text(text: str) -> str:
    """The clean form of a notebook's file text."""
    return dumps(clean_notebook(json.loads(text)))


def is_clean(text: str) -> bool:
    """True when the notebook text holds no outputs or volatile metadata (formatting aside)."""
    nb = json.loads(text)
    return clean_notebook(json.loads(text)) == nb


def clean_file(path: Path, check: bool = False) -> bool:
    """Clean one notebook file.

    Args:
        path: an ``.ipynb`` file.
        check: only report; leave the file as it is.

    Returns:
        True when the file needed cleaning (and, unless ``check``, was cleaned).
    """
    text = path.read_text(encoding="utf-8")
    if is_clean(text):
        return False
    if not check:
        path.write_text(cleaned_text(text), encoding="utf-8")
    return True


def pre_save_hook(model: dict[str, Any], path: str = "", **_: Any) -> None:
    """Jupyter server pre-save hook: a notebook is written to disk clean; the open notebook keeps its outputs.

    Args:
        model: the contents model being saved; only ``type == "notebook"`` models are touched.
        path: the file's path under the server's root (unused).
    """
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        clean_notebook(model["content"])


# --- prose in the briefing notebook ---------------------------------------------------------------

# A Markdown cell of the briefing notebook shows in every edition. Its standing text opens with the
# section's heading and names no date, report or claim: those belong to one edition.
_HEADING = re.compile(r"\A\s*#{1,6}\s")
_EDITION_SPECIFIC = re.compile(
    r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|\b(?:19|20)\d{2}\b|\bS\d{3,}\b|\b[A-Z]{2}-\d{3}\b"
)
PROSE_FIX = ('a note for one edition goes in a code cell, show_note("YYYY-MM-DD", as_of, "..."); a key judgement in '
             "data/judgements/<date>.md")


def prose_problems(nb: dict[str, Any], name: str = BRIEFING_NOTEBOOK) -> list[str]:
    """Markdown cells of the briefing notebook that would show undated editorial text in every edition.

    Args:
        nb: the notebook as a JSON dict.
        name: its file name, for the messages.

    Returns:
        One line per cell: prose without a section heading, or standing text naming a date, report or claim.
    """
    problems = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if not _HEADING.match(text):
            problems.append(f"{name} cell {number}: Markdown prose without a section heading shows in every edition; {PROSE_FIX}")
        elif found := _EDITION_SPECIFIC.search(text):
            problems.append(f"{name} cell {number}: standing Markdown names {found.group(0)!r}, which belongs to one edition; {PROSE_FIX}")
    return problems


# --- the git pre-commit hook ------------------------------------------------------------------------

HOOK_SCRIPT = f"""#!/bin/sh
# {HOOK_MARKER} (installed by dev.py; see src/helpers/lab/nbclean.py)
# Each staged .ipynb is committed without outputs; the command that does the same by hand: {COMMAND}
# (src/helpers/nbclean.py is where checkouts made before the stage folders keep it.)
root=$(git rev-parse --show-toplevel) || exit 1
for cleaner in "$root/src/helpers/lab/nbclean.py" "$root/src/helpers/nbclean.py"; do
  [ -f "$cleaner" ] && exec python3 "$cleaner" --staged
done
exit 0
"""


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, check=True).stdout


def hooks_dir(root: Path) -> Path | None:
    """The checkout's hooks folder (shared by its worktrees), or None outside a git checkout."""
    try:
        out = _git(["rev-parse", "--git-path", "hooks"], root).decode().strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return (root / out).resolve()


def install_git_hook(root: Path) -> str:
    """Install the pre-commit hook into the checkout at ``root``; never overwrite someone else's hook.

    Returns:
        One line saying what was done ("" when the hook was already in place).
    """
    folder = hooks_dir(root)
    if folder is None:
        return "git hook: not a git checkout; notebooks are still cleaned on save in JupyterLab"
    hook = folder / "pre-commit"
    if hook.exists():
        current = hook.read_text(encoding="utf-8", errors="replace")
        if current == HOOK_SCRIPT:
            return ""
        if HOOK_MARKER not in current:
            return (f"git hook: {hook} is someone else's; add this line to it to commit notebooks clean: "
                    'python3 "$(git rev-parse --show-toplevel)/src/helpers/lab/nbclean.py" --staged')
    folder.mkdir(parents=True, exist_ok=True)
    hook.write_text(HOOK_SCRIPT, encoding="utf-8")
    hook.chmod(0o755)
    return f"git hook: installed {hook} (staged notebooks are committed without outputs)"


def clean_staged(root: Path) -> list[str]:
    """Clean every staged ``.ipynb`` in the index (and in the working tree when it holds the same text).

    Returns:
        The paths cleaned.
    """
    listed = _git(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z", "--", "*.ipynb"], root)
    cleaned: list[str] = []
    for name in filter(None, listed.decode().split("\0")):
        staged = _git(["show", f":{name}"], root).decode("utf-8")
        if is_clean(staged):
            continue
        clean = cleaned_text(staged)
        blob = _git(["hash-object", "-w", "--stdin"], root, clean.encode("utf-8")).decode().strip()
        mode = _git(["ls-files", "-s", "--", name], root).decode().split()[0]
        _git(["update-index", "--cacheinfo", f"{mode},{blob},{name}"], root)
        work = root / name
        # The working copy is cleaned too unless it holds edits that are not staged.
        if work.is_file() and work.read_text(encoding="utf-8") == staged:
            work.write_text(clean, encoding="utf-8")
        cleaned.append(name)
    return cleaned


def staged_prose_problems(root: Path) -> list[str]:
    """:func:`prose_problems` of the briefing notebook as staged (none when it is not staged)."""
    listed = _git(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z", "--", f"*{BRIEFING_NOTEBOOK}"], root)
    problems: list[str] = []
    for name in filter(None, listed.decode().split("\0")):
        problems += prose_problems(json.loads(_git(["show", f":{name}"], root)), name)
    return problems


# --- command line -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    """``dev.py strip``: clean notebooks (default: every notebook in notebooks/); exit 1 if --check finds any."""
    parser = argparse.ArgumentParser(prog=COMMAND, description="Remove outputs and volatile metadata from notebooks.")
    parser.add_argument("notebooks", nargs="*", type=Path, help="the .ipynb files (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true", help="only list the notebooks that need cleaning (exit 1 if any)")
    parser.add_argument("--staged", action="store_true", help="clean the .ipynb files staged in git (the pre-commit hook)")
    parser.add_argument("--install-hook", action="store_true", help="install the git pre-commit hook")
    args = parser.parse_args(argv)
    root = root or Path(__file__).resolve().parents[3]
    if args.install_hook:
        print(install_git_hook(root) or "git hook: already installed")
        return 0
    if args.staged:
        for name in clean_staged(root):
            print(f"pre-commit: committed {name} without outputs ({COMMAND} does the same by hand)")
        problems = staged_prose_problems(root)
        for problem in problems:
            print(f"pre-commit: {problem}", file=sys.stderr)
        return 1 if problems else 0
    notebooks = args.notebooks or sorted((root / "notebooks").glob("*.ipynb"))
    dirty = [path for path in notebooks if clean_file(path, check=args.check)]
    for path in dirty:
        print(f"{path}: {'has outputs or volatile metadata; run: ' + COMMAND + ' ' + str(path) if args.check else 'cleaned'}")
    return 1 if args.check and dirty else 0


if __name__ == "__main__":
    sys.exit(main())
