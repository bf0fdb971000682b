"""The build lock: one build at a time per reports folder (fcntl.flock, dropped by the kernel on death)."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers.publish.errors import BuildError


class BuildLocked(BuildError):
    """Another build holds the lock."""

    def __init__(self, pid: str, started: str) -> None:
        self.pid = pid
        self.started = started
        super().__init__(f"another build is running (pid {pid}, started {started})")


@contextlib.contextmanager
def build_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock for a build; raise BuildLocked at once if another process has it.

    The lock file records the holder's pid and start time for the refusal message. The kernel drops
    the lock when the holder dies, so a crashed build never blocks the next one.

    Args:
        lock_path: the lock file (its folder is created if missing).

    Raises:
        BuildLocked: another process holds the lock.
        OSError: the folder cannot be written (e.g. a read-only reports/).
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder: dict[str, Any] = {}
            with contextlib.suppress(ValueError, OSError):
                holder = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
            raise BuildLocked(str(holder.get("pid", "unknown")), str(holder.get("started", "unknown"))) from None
        started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "started": started}).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
