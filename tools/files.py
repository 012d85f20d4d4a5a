"""Files that are either complete or absent: written to a temporary name in the same folder, checked, then
renamed into place (an atomic step on one filesystem), so a crash never leaves a half-written output, cache
entry or journal record under its real name, and a resumed run never reads or serves a partial file.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

TEMP_MARK = ".part-"  # temporary names look like "<name>.part-<random><suffix>"; safe to delete when found


def temp_name(path: str | Path) -> Path:
    """A fresh temporary name beside ``path``, keeping its suffix (ffmpeg picks the format from it)."""
    p = Path(path)
    return p.with_name(f"{p.stem}{TEMP_MARK}{uuid.uuid4().hex[:10]}{p.suffix}")


def fsync_dir(folder: str | Path) -> None:
    """Flush a folder's entries (a rename is durable once its folder is)."""
    with contextlib.suppress(OSError):  # some filesystems cannot open folders
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish(tmp: str | Path, path: str | Path, *, durable: bool = False) -> Path:
    """Rename the finished ``tmp`` to ``path`` (same folder); with ``durable`` flush it to disk first."""
    tmp, path = Path(tmp), Path(path)
    if durable:
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
    os.replace(tmp, path)
    if durable:
        fsync_dir(path.parent)
    return path


def write_durably(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and durably (fsync of the file and its folder)."""
    path = Path(path)
    tmp = temp_name(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


@contextlib.contextmanager
def atomic_output(path: str | Path, *, check: Callable[[Path], None] | None = None,
                  durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds and ``check(tmp)`` passes, rename it to
    ``path``. On any error the temporary file is removed and ``path`` is left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path)
    try:
        yield tmp
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise OSError(f"{path.name} was not written")
        if check is not None:
            check(tmp)
        publish(tmp, path, durable=durable)
    finally:
        tmp.unlink(missing_ok=True)


def remove_leftovers(folder: str | Path) -> int:
    """Delete temporary files a killed run left in ``folder``; returns how many."""
    n = 0
    for p in Path(folder).glob(f"*{TEMP_MARK}*"):
        with contextlib.suppress(OSError):
            p.unlink()
            n += 1
    return n
