"""Stamps: what date each stage's output folder was made for, so the next stage reads only what fits.

Notebook 01 stamps ``processed/`` and notebook 02 ``analysis/`` (``stamp.json``: the date, the notebook, a
digest of the files). The next reader checks the stamp before it reads: run out of order, or on tables
made for another date, a notebook stops with one line that says what to run (:class:`InputError`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.files import JSONFileError, read_json_object, write_json

STAMP_NAME = "stamp.json"
# Which notebook writes each working sub-folder: the one to run first when it is missing or stale.
MADE_BY: dict[str, str] = {"processed": "01-clean-and-validate", "analysis": "02-analyse"}


class InputError(Exception):
    """A notebook's inputs are missing, stale or made for another date; the message says what to run.

    In a notebook it shows as one line, not a traceback (IPython calls ``_render_traceback_``).
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


def folder_digest(folder: Path) -> str:
    """sha256 over the names and bytes of a working folder's files (its stamp left out)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != STAMP_NAME):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def stamp(folder: Path, as_of: str, made_from: Path | None = None) -> None:
    """Record what a working folder was made for, once its notebook has written it.

    Args:
        folder: ``<out_dir>/processed`` or ``<out_dir>/analysis``.
        as_of: the edition date the files were made for.
        made_from: the stamped folder these files were computed from (analysis: processed).

    Writes ``folder/stamp.json`` (nothing is returned, so a notebook cell ending with it shows nothing).
    """
    record: dict[str, Any] = {"as_of": as_of, "made_by": MADE_BY.get(folder.name, ""), "digest": folder_digest(folder)}
    if made_from is not None:
        record["made_from"] = {"folder": made_from.name, "digest": _read_stamp(made_from).get("digest", "")}
    write_json(folder / STAMP_NAME, record, indent=1)


def check(folder: Path, as_of: str, made_from: Path | None = None) -> None:
    """Stop, with one line saying what to run, unless ``folder`` holds files made for ``as_of`` (and from ``made_from``).

    Args:
        folder: the working folder to read (``processed`` or ``analysis``).
        as_of: the date the reading notebook works on.
        made_from: the folder ``folder`` must have been computed from, as it is now.

    Raises:
        InputError: the folder is missing or unstamped (run its notebook first), made for another date
            (both dates named), changed since it was stamped, or computed from other inputs.
    """
    run = MADE_BY.get(folder.name, "the notebook that writes it")
    record = _read_stamp(folder)
    if not record:
        raise InputError(f"no {folder.name} tables for {as_of} in {paths.shown(folder)}: run {run} first")
    if record.get("as_of") != as_of:
        raise InputError(f"the {folder.name} tables in {paths.shown(folder)} were made for {record.get('as_of')}, not {as_of}: "
                         f"run {run} for {as_of} first")
    if record.get("digest") != folder_digest(folder):
        raise InputError(f"the {folder.name} tables in {paths.shown(folder)} changed after {run} wrote them: run {run} again")
    if made_from is not None:
        check(made_from, as_of)
        if record.get("made_from", {}).get("digest") != _read_stamp(made_from).get("digest"):
            raise InputError(f"the {folder.name} in {paths.shown(folder)} was made from older {made_from.name} tables "
                             f"({MADE_BY.get(made_from.name, 'its input')} ran again since): run {run} again")


def _read_stamp(folder: Path) -> dict[str, Any]:
    try:
        return read_json_object(folder / STAMP_NAME, missing_ok=True) or {}
    except JSONFileError:
        return {}
