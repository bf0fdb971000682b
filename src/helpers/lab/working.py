"""An analyst's working parameters in JupyterLab, one working folder per date, and the notebooks' input checks.

A build runs the notebooks with papermill and passes all four parameters. In JupyterLab each
notebook's parameters cell keeps its blank defaults, and its set-up cell fills them from one file,
``notebooks/working.toml``: the date is set there once, not in three notebooks. Each date works in its
own folder, ``build/lab/<as_of>/``, so the tables of two dates never mix.

Each stage stamps the folder it writes (``stamp.json``: the date, the notebook, a digest of the
files) and the next notebook checks the stamp before it reads. Run out of order, or on tables made for
another date, a notebook stops with one line that says what to run (:class:`InputError`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from helpers import paths

SETTINGS_NAME = "working.toml"
STAMP_NAME = "stamp.json"
# Which notebook writes each working sub-folder: the one to run first when it is missing or stale.
MADE_BY: dict[str, str] = {"processed": "01-clean-and-validate", "analysis": "02-analyse"}
AUTO = "auto"
TODAY = "today"
DEFAULT_SETTINGS = f"""\
# Your working parameters in JupyterLab: every notebook's set-up cell reads them, so set the date here
# once. A build (python3 dev.py build) ignores this file and passes its own. Not committed (.gitignore).
#
# as_of: the edition you are working on, YYYY-MM-DD, or "{TODAY}". Each date has its own working folder,
#   build/lab/<as_of>/, so changing it never mixes two dates' tables: run the notebooks again in order.
# previous_edition: what "What changed" compares with: "{AUTO}" (the edition before as_of in
#   reports/editions, the one a build would pick), "" (none), or an edition's folder.
as_of = "{TODAY}"
previous_edition = "{AUTO}"
"""

_in_lab = False


class InputError(Exception):
    """A notebook's inputs are missing, stale or made for another date; the message says what to run.

    In a notebook it shows as one line, not a traceback (IPython calls ``_render_traceback_``).
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class Parameters(NamedTuple):
    """The four parameters every notebook takes, resolved."""

    as_of: str
    data_dir: str
    out_dir: str
    previous_edition: str


def settings_path() -> Path:
    """The working-settings file: ``notebooks/working.toml``."""
    return paths.NOTEBOOKS_DIR / SETTINGS_NAME


def read_settings(path: Path | None = None) -> dict[str, str]:
    """The analyst's working settings; the file is written with its defaults when it is missing.

    Args:
        path: the settings file (default :func:`settings_path`).

    Returns:
        ``{"as_of": ..., "previous_edition": ...}`` as written in the file.

    Raises:
        InputError: the file is not TOML, or a value is not text (the message names the file).
    """
    path = path or settings_path()
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DEFAULT_SETTINGS, encoding="utf-8")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{shown(path)} is not valid TOML ({err}); delete it to get the defaults back") from None
    settings = {"as_of": raw.get("as_of", TODAY), "previous_edition": raw.get("previous_edition", AUTO)}
    for key, value in settings.items():
        if not isinstance(value, str):
            raise InputError(f'{shown(path)}: {key} must be text in quotes, e.g. {key} = "{TODAY if key == "as_of" else AUTO}"')
    return settings


def working_folder(as_of: str) -> Path:
    """The working folder of one date in JupyterLab: ``build/lab/<as_of>/``."""
    return paths.BUILD_DIR / "lab" / as_of


def in_lab() -> bool:
    """True when the last :func:`parameters` call found no ``out_dir``: a person is running the notebook."""
    return _in_lab


def parameters(as_of: str, data_dir: str, out_dir: str, previous_edition: str, *,
               settings_file: Path | None = None, today: dt.date | None = None) -> Parameters:
    """Resolve a notebook's parameters: as given by a build, or from the working settings in JupyterLab.

    A build (papermill) always passes ``out_dir``. Without one, the notebook is being worked on by hand:
    a blank ``as_of`` and ``previous_edition`` come from ``notebooks/working.toml`` and ``out_dir`` is
    that date's working folder. Outputs are then shaped for reading in JupyterLab
    (:func:`helpers.views.markdown.use_lab_display`), and one line says which edition and folder are in use.

    Args:
        as_of, data_dir, out_dir, previous_edition: the parameters cell's values.
        settings_file: the settings file (default :func:`settings_path`).
        today: the latest date allowed (default: the local date).

    Returns:
        The resolved parameters, in the parameters cell's order.

    Raises:
        InputError: the date is missing, not YYYY-MM-DD or after today, or the previous edition cannot be read.
    """
    from helpers.views import markdown

    global _in_lab
    today = today or dt.date.today()
    _in_lab = not out_dir
    markdown.use_lab_display(_in_lab)
    if not _in_lab:
        if not as_of:
            raise InputError("as_of is blank: pass the edition's date with the other parameters (papermill -p as_of YYYY-MM-DD)")
        return Parameters(_checked_date(as_of, today, "as_of"), data_dir, out_dir, previous_edition)
    settings = read_settings(settings_file)
    source = "set in the parameters cell" if as_of else f"from {shown(settings_file or settings_path())}"
    as_of = as_of or settings["as_of"]
    as_of = today.isoformat() if as_of == TODAY else _checked_date(as_of, today, "as_of")
    folder = working_folder(as_of)
    previous_edition = previous_edition or _previous(settings["previous_edition"], as_of)
    previous = shown(Path(previous_edition)) if previous_edition else "none"
    print(f"Working on the edition of {as_of} ({source}); folder {shown(folder)}; previous edition: {previous}")
    return Parameters(as_of, data_dir, str(folder), previous_edition)


def _checked_date(value: str, today: dt.date, name: str) -> str:
    from helpers.publish.editions import check_as_of
    from helpers.publish.errors import BuildError

    try:
        return check_as_of(value, today)
    except BuildError as err:
        raise InputError(str(err).replace("as_of", name, 1)) from None


def _previous(setting: str, as_of: str) -> str:
    """The previous edition's folder for a setting: "auto" (as a build picks it), "" (none) or a folder."""
    if setting != AUTO:
        if setting and not Path(setting).is_dir():
            raise InputError(f"previous_edition {setting!r} in {shown(settings_path())} is not a folder; use \"{AUTO}\" or \"\"")
        return setting
    from helpers.publish.editions import EditionError, scan_editions

    try:
        found = scan_editions(paths.EDITIONS_DIR).previous(as_of)
    except EditionError as err:
        raise InputError(str(err)) from None
    return str(found.path) if found else ""


# --- stamps: what each working folder was made for ---------------------------------------------------


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
    (folder / STAMP_NAME).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


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
        raise InputError(f"no {folder.name} tables for {as_of} in {shown(folder)}: run {run} first")
    if record.get("as_of") != as_of:
        raise InputError(f"the {folder.name} tables in {shown(folder)} were made for {record.get('as_of')}, not {as_of}: "
                         f"run {run} for {as_of} first")
    if record.get("digest") != folder_digest(folder):
        raise InputError(f"the {folder.name} tables in {shown(folder)} changed after {run} wrote them: run {run} again")
    if made_from is not None:
        check(made_from, as_of)
        if record.get("made_from", {}).get("digest") != _read_stamp(made_from).get("digest"):
            raise InputError(f"the {folder.name} in {shown(folder)} was made from older {made_from.name} tables "
                             f"({MADE_BY.get(made_from.name, 'its input')} ran again since): run {run} again")


def _read_stamp(folder: Path) -> dict[str, Any]:
    try:
        record = json.loads((folder / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def shown(path: Path) -> str:
    """A path as an analyst reads it: relative to the project when it is inside it."""
    try:
        return Path(path).resolve().relative_to(paths.ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)
