"""Putting files and folders in place so readers never see half of one, even across file systems.

Every write the build makes to a published place (an edition folder, reports/briefing.*) goes through
these two functions: readers see the old thing or the new thing, never a mix.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path


def move_dir(src: Path, dst: Path) -> Path:
    """Rename the folder ``src`` to ``dst`` (which must not exist).

    A rename cannot cross file systems (EXDEV: e.g. reports/editions mounted elsewhere), so then the
    folder is copied to a hidden folder beside ``dst`` first and renamed there, which is atomic again.

    Args:
        src: the finished folder (e.g. a build's staging folder).
        dst: where it goes; its parent must exist.

    Returns:
        ``dst``.
    """
    try:
        os.replace(src, dst)
        return dst
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    incoming = dst.parent / f".incoming-{dst.name}-{os.getpid()}"
    try:
        shutil.copytree(src, incoming)
        os.replace(incoming, dst)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    shutil.rmtree(src, ignore_errors=True)
    return dst


def copy_file(src: Path, dst: Path) -> Path:
    """Replace the file ``dst`` with a copy of ``src``: written beside ``dst``, then renamed over it.

    Args:
        src: the file to copy (any file system).
        dst: the published file.

    Returns:
        ``dst``.
    """
    tmp = dst.with_name(f".{dst.name}.tmp-{os.getpid()}")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dst
