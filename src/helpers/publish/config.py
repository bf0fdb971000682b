"""What one build needs (``BuildConfig``), with defaults from ``helpers.paths``.

The notebooks, renderer and validator are fields, so tests drive the real driver with fixture notebooks.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import paths
from helpers.publish.editions import DRAFTS_FOLDER, PUBLISHED_FOLDER, Editions, HTML_NAME, PDF_NAME, scan_editions


Renderer = Callable[[Path, Path], Any]


Validator = Callable[[Path], Sequence[Any]]


def default_notebooks() -> tuple[Path, ...]:
    return tuple(paths.NOTEBOOKS_DIR / name for name in paths.NOTEBOOKS)


def default_renderer(executed_notebook: Path, out_dir: Path) -> Any:
    """helpers.publish.render.render_briefing, imported only when a build really renders; it writes briefing.html/.pdf."""
    from helpers.publish.render import render_briefing

    return render_briefing(executed_notebook, out_dir, stem=Path(HTML_NAME).stem)


def default_key_paths() -> tuple[Path, ...]:
    """The package (source and assets), the pins, and the Quarto project's files."""
    found = [paths.PACKAGE_DIR, paths.PYPROJECT, paths.QUARTO_CONFIG, *(paths.ROOT / f for f in paths.QUARTO_PROJECT_FILES)]
    unique: list[Path] = []
    for path in found:
        if path not in unique and not any(path.is_relative_to(p) for p in unique if p.is_dir()):
            unique.append(path)
    return tuple(unique)


def default_sources_dir() -> Path:
    """ISF_SOURCES_DIR as it is when the config is made (tests and schedulers set it late), else paths.SOURCES_DIR."""
    return Path(os.environ.get("ISF_SOURCES_DIR") or paths.SOURCES_DIR)


@dataclass(frozen=True)
class BuildConfig:
    """Everything one build needs. Defaults come from helpers.paths."""

    as_of: str
    data_dir: Path = paths.DATA_DIR
    notebooks: tuple[Path, ...] = field(default_factory=default_notebooks)
    reports_dir: Path = paths.REPORTS_DIR
    build_dir: Path = paths.BUILD_DIR
    # Files and folders (besides data and notebooks) whose content changes the output.
    key_paths: tuple[Path, ...] = field(default_factory=default_key_paths)
    renderer: Renderer = default_renderer
    # None: notebook 01 validates; the CLI passes validate_data so problems stop the build before any kernel.
    validator: Validator | None = None
    force: bool = False
    # What a scheduler runs: build only when the data changed since the latest published edition.
    if_changed: bool = False
    # Why a correction is made (`correct`), shown with each revision ("S004 re-dated to 19 Nov").
    revision_note: str = ""
    execution_timeout: int | None = 900  # seconds per cell
    # The news reports quotes are checked against; hashed into the key. Absent: quotes go unchecked.
    sources_dir: Path = field(default_factory=default_sources_dir)
    # as_of may not be after this date; None: the local date today.
    today: dt.date | None = None

    @property
    def editions_dir(self) -> Path:
        """The published editions' local copies (only `publish` writes here)."""
        return self.reports_dir / PUBLISHED_FOLDER

    @property
    def drafts_dir(self) -> Path:
        return self.reports_dir / DRAFTS_FOLDER

    @property
    def lock_path(self) -> Path:
        return self.reports_dir / ".build.lock"

    @property
    def published_html(self) -> Path:
        return self.reports_dir / HTML_NAME

    @property
    def published_pdf(self) -> Path:
        return self.reports_dir / PDF_NAME

    def scan(self) -> Editions:
        return Editions(scan_editions(self.editions_dir), scan_editions(self.drafts_dir))
