"""A full disk in plain words: which folder, what was being written, how much room it needs.

:func:`disk_guard` wraps a stage that writes files. Before it starts, the folder's free space is compared with
an estimate of what the stage needs (refused at once when it cannot fit); when the disk fills up anyway
(``ENOSPC`` / ``EDQUOT``, or a tool such as ffmpeg or Piper saying so), the stage's partial files are removed
and a :class:`DiskFullError` names the folder, the room needed and the room left.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

MB = 1024 * 1024
FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
FULL_WORDS = ("no space left on device", "disk quota exceeded", "not enough space", "enospc")


class DiskFullError(RuntimeError):
    """Not enough room on the disk for a stage; the message says where, what and how much."""


def free_bytes(folder: Path) -> int:
    """Free space on the disk holding ``folder`` (its nearest existing parent)."""
    probe = Path(folder)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def is_disk_full(exc: BaseException) -> bool:
    """True for an error that means the disk (or the user's quota) is full, however it was reported."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in FULL_ERRNOS:
            return True
        if any(w in str(current).lower() for w in FULL_WORDS):
            return True
        current = current.__cause__ or current.__context__
    return False


def disk_full(folder: Path, what: str, need_bytes: int) -> DiskFullError:
    """The error for a disk too full for ``what`` in ``folder``."""
    free = free_bytes(folder)
    return DiskFullError(
        f"The disk holding {folder} is full: {what} needs about {max(need_bytes, MB) / MB:.0f} MB of free space "
        f"and {free / MB:.0f} MB is left. Free some space there, or set REELFORGE_HOME to a folder on a bigger "
        "disk, and try again (the partly written files were removed).")


def ensure_room(folder: Path, need_bytes: int, what: str) -> None:
    """Refuse to start ``what`` when the disk holding ``folder`` has less than ``need_bytes`` free."""
    if free_bytes(folder) < need_bytes:
        raise disk_full(folder, what, need_bytes).with_traceback(None)


@contextmanager
def disk_guard(folder: Path, what: str, need_bytes: int, *, cleanup: Callable[[], None] | None = None
               ) -> Iterator[None]:
    """Check the room before a stage; turn a disk-full failure inside it into a :class:`DiskFullError`."""
    ensure_room(folder, need_bytes, what)
    try:
        yield
    except DiskFullError:
        raise
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        if cleanup is not None:
            cleanup()
        raise disk_full(folder, what, need_bytes) from exc


def new_files_remover(folder: Path) -> Callable[[], None]:
    """A cleanup that removes the files that appear under ``folder`` after this call (a stage's partial output)."""
    before = {p for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()

    def remove() -> None:
        if folder.is_dir():
            for p in folder.rglob("*"):
                if p.is_file() and p not in before:
                    p.unlink(missing_ok=True)

    return remove
