"""Every path the project uses, in one place (cookiecutter-data-science habit).

Environment variables let tests and the scheduler point the same code at other folders.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(os.environ.get("ISF_ROOT", Path(__file__).resolve().parents[2]))
DATA_DIR: Path = ROOT / "data"
CURATED_DIR: Path = DATA_DIR / "curated"
REFERENCE_DIR: Path = DATA_DIR / "reference"
DATAPACKAGE: Path = DATA_DIR / "datapackage.yaml"
NOTEBOOKS_DIR: Path = ROOT / "notebooks"
CODEBOOK: Path = ROOT / "docs" / "CODEBOOK.md"
BUILD_DIR: Path = Path(os.environ.get("ISF_BUILD_DIR", ROOT / "build"))
REPORTS_DIR: Path = Path(os.environ.get("ISF_REPORTS_DIR", ROOT / "reports"))
# Published editions' local copies (written only by `publish`).
EDITIONS_DIR: Path = REPORTS_DIR / "editions"
# The published site's settings (base_url), read by every `publish`.
SITE_SETTINGS: Path = ROOT / "site.toml"
# The five news reports live beside the repo, never inside it.
SOURCES_DIR: Path = Path(os.environ.get("ISF_SOURCES_DIR", ROOT.parent / "shared" / "sources"))

# The pipeline, in order. Each notebook takes the same parameters (see notebooks/README.md).
NOTEBOOKS: tuple[str, ...] = (
    "01-clean-and-validate.ipynb",
    "02-analyse.ipynb",
    "03-write-briefing.ipynb",
)
BRIEFING_NOTEBOOK: str = NOTEBOOKS[-1]

# --- Build, editions and entry point (src/helpers/publish/build.py, src/helpers/cli.py, dev.py) ---
# The package's own source folder: hashed into the build's content key.
PACKAGE_DIR: Path = Path(__file__).resolve().parent
# Templates, styles, fonts list and the map's shapes, installed with the package.
ASSETS_DIR: Path = PACKAGE_DIR / "assets"
PYPROJECT: Path = ROOT / "pyproject.toml"
QUARTO_CONFIG: Path = ROOT / "_quarto.yml"
# Dated logs of scheduled runs (`dev.py regenerate` writes logs/<date>.log).
LOGS_DIR: Path = Path(os.environ.get("ISF_LOGS_DIR", ROOT / "logs"))
BENCH_SCRIPT: Path = ROOT / "benchmarks" / "bench_build.py"
# The Quarto project: its config and every file the config names, relative to ROOT
# (helpers.publish.render copies them beside the notebook it stages for Quarto).
QUARTO_PROJECT_FILES: tuple[str, ...] = (
    "_quarto.yml",
    "scripts/quarto_post_render.py",
    "src/helpers/assets/briefing.css",
    "src/helpers/assets/styles.typ",
    "src/helpers/assets/title-block.html",
    "src/helpers/assets/typst-show.typ",
)
# Slow, deterministic artefacts that depend only on installed package versions (the 0.9 MB Vega
# JavaScript bundle, keyed by vl-convert's version): kept in the user's cache like pip's, so a clean
# build folder does not pay 1-3 s to rebuild them.
CACHE_DIR: Path = Path(
    os.environ.get("ISF_CACHE_DIR", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "isf-briefing")
)


def shown(path: Path) -> str:
    """A path as an analyst reads it: relative to the project when it is inside it."""
    try:
        return Path(path).resolve().relative_to(ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)
