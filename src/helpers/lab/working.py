"""An analyst's working parameters in JupyterLab, one working folder per date.

A build runs the notebooks with papermill and passes all four parameters. In JupyterLab each
notebook's parameters cell keeps its blank defaults, and its set-up cell fills them from one file,
``notebooks/working.toml``: the date is set there once, not in three notebooks. Each date works in its
own folder, ``build/lab/<as_of>/``, so the tables of two dates never mix. (What each folder was made
for is checked by ``helpers.data.stamps``.)
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import NamedTuple

from helpers import paths
from helpers.data.stamps import InputError

SETTINGS_NAME = "working.toml"
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
        raise InputError(f"{paths.shown(path)} is not valid TOML ({err}); delete it to get the defaults back") from None
    settings = {"as_of": raw.get("as_of", TODAY), "previous_edition": raw.get("previous_edition", AUTO)}
    for key, value in settings.items():
        if not isinstance(value, str):
            raise InputError(f'{paths.shown(path)}: {key} must be text in quotes, e.g. {key} = "{TODAY if key == "as_of" else AUTO}"')
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
    source = "set in the parameters cell" if as_of else f"from {paths.shown(settings_file or settings_path())}"
    as_of = as_of or settings["as_of"]
    as_of = today.isoformat() if as_of == TODAY else _checked_date(as_of, today, "as_of")
    folder = working_folder(as_of)
    previous_edition = previous_edition or _previous(settings["previous_edition"], as_of)
    previous = paths.shown(Path(previous_edition)) if previous_edition else "none"
    print(f"Working on the edition of {as_of} ({source}); folder {paths.shown(folder)}; previous edition: {previous}")
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
            raise InputError(f"previous_edition {setting!r} in {paths.shown(settings_path())} is not a folder; use \"{AUTO}\" or \"\"")
        return setting
    from helpers.publish.editions import EditionError, scan_editions

    try:
        found = scan_editions(paths.EDITIONS_DIR).previous(as_of)
    except EditionError as err:
        raise InputError(str(err)) from None
    return str(found.path) if found else ""
