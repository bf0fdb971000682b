#!/usr/bin/env python3
"""Set up and run the ISF briefing project with nothing but Python 3.11.

    python3 dev.py build     # build the briefing: reports/briefing.html and reports/briefing.pdf
    python3 dev.py test      # run the whole test suite
    python3 dev.py --help    # every command, one line each

On first use this creates .venv (`python3 -m venv .venv`) and installs the project into it
(`pip install -e ".[test,lab]"`, about a minute and a half). It installs again only when pyproject.toml
changes: the sha256 of pyproject.toml is kept in .venv/.isf-installed. Then it hands the command to the
project's CLI (src/helpers/cli.py) inside .venv, so the scheduler, CI and a person all run the same code.
Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
STAMP = VENV / ".isf-installed"
EXTRAS = "test,lab"
MIN_PYTHON = (3, 11)


def venv_python(venv: Path = VENV) -> Path:
    return venv / "bin" / "python"


def wanted_stamp(pyproject: Path = PYPROJECT, extras: str = EXTRAS) -> str:
    """What the stamp must say for the installed environment to be current."""
    digest = hashlib.sha256(pyproject.read_bytes()).hexdigest()
    return f"{digest} [{extras}]\n"


def needs_install(venv: Path = VENV, pyproject: Path = PYPROJECT, extras: str = EXTRAS) -> bool:
    stamp = venv / STAMP.name
    if not venv_python(venv).exists() or not stamp.exists():
        return True
    return stamp.read_text(encoding="utf-8") != wanted_stamp(pyproject, extras)


def _run(command: list[str]) -> None:
    print("+ " + " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def ensure_venv() -> Path:
    """Create .venv and install the project when missing or when pyproject.toml changed."""
    python = venv_python()
    if not needs_install():
        return python
    if not python.exists():
        print("dev.py: creating .venv (first run: about 1.5 minutes with the installs)", flush=True)
        _run([sys.executable, "-m", "venv", "--clear", str(VENV)])
    else:
        print("dev.py: installing the project into .venv (pyproject.toml is new or changed)", flush=True)
    STAMP.unlink(missing_ok=True)
    _run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", "-q",
         "-e", f".[{EXTRAS}]"]
    )
    STAMP.write_text(wanted_stamp(), encoding="utf-8")
    set_up_notebooks(python)
    return python


def set_up_notebooks(python: Path) -> None:
    """Register the project kernel (with Lab's clean-save hook) and the git hook that commits notebooks clean."""
    _run([str(python), "-m", "helpers.publish.kernelspec"])
    sys.path.insert(0, str(ROOT / "src"))
    from helpers.lab.nbclean import install_git_hook  # stdlib only

    if note := install_git_hook(ROOT):
        print(note, flush=True)


def _print_help_without_venv(argv: list[str]) -> bool:
    """`dev.py`, `dev.py -h`: the CLI's help needs only argparse, so show it before any install."""
    if argv and argv[0] not in ("-h", "--help"):
        return False
    sys.path.insert(0, str(ROOT / "src"))
    try:
        from helpers.cli import main  # stdlib-only at import time
    except ImportError:
        return False
    main(["--help"] if not argv else argv[:1])
    return True


def main(argv: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        print(f"dev.py needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; this is {sys.version.split()[0]}",
              file=sys.stderr)
        return 2
    os.environ.setdefault("ISF_PROG", "python3 dev.py")
    if _print_help_without_venv(argv):
        return 0
    try:
        python = ensure_venv()
    except subprocess.CalledProcessError as exc:
        print(f"dev.py: setting up .venv failed ({exc}); fix the error above and run again", file=sys.stderr)
        return exc.returncode or 1
    sys.stdout.flush()
    # Hand over the process: the CLI's exit code (pytest's, for `test`) becomes dev.py's.
    os.execv(str(python), [str(python), "-m", "helpers.cli", *argv])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
