"""Putting files and folders in place so readers never see half of one, even across file systems.

Every write the build makes to a published place (an edition folder, reports/briefing.*) goes through
these two functions: readers see the old thing or the new thing, never a mix.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
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


def _make_writable(func, path, exc_info) -> None:  # type: ignore[no-untyped-def]
    """rmtree's error handler: a read-only folder cannot lose its entries until it is writable again."""
    try:
        parent = os.path.dirname(path)
        os.chmod(parent, stat.S_IRWXU)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, stat.S_IRWXU)
        func(path)
    except OSError:
        pass


def remove_tree(path: Path) -> None:
    """Remove a folder (or file) left behind, read-only parts included; never raises."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
        return
    if path.exists():
        shutil.rmtree(path, onerror=_make_writable)


_RENAME_EXCHANGE = 2  # linux/fs.h
_libc = None


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 with RENAME_EXCHANGE): at no moment is either missing.

    Args:
        a: an existing file or folder.
        b: another, on the same file system.

    Returns:
        True when swapped; False when this system or file system cannot (then nothing changed).

    Raises:
        OSError: any other failure (e.g. EBUSY for a mount point, EXDEV across file systems).
    """
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = _libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
