"""Child processes (ffmpeg, the voice engines, renderers) die with the process that started them.

On Linux every child is started with a parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``): when the
reelforge process ends for any reason — SIGKILL included, which no handler can catch — the kernel kills its
ffmpeg at once, so no orphan keeps writing an output file that a resumed run is about to produce. (Outputs are
written to temporary names and renamed when complete, see :mod:`tools.files`, so even a child that outlived
its parent elsewhere could not corrupt a delivered file.)

The signal follows the *thread* that started the child, so use :func:`child_options` for children that the same
call waits for (``subprocess.run``, or ``Popen`` followed by ``wait``), not for long-lived helpers handed between
threads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import sys
from typing import Any

PR_SET_PDEATHSIG = 1


def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


_LIBC = _libc()


def _die_with_parent() -> None:  # runs in the child between fork and exec: no allocation, no locks
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def child_options() -> dict[str, Any]:
    """Keyword arguments for ``subprocess.run`` / ``Popen`` so that the child is killed when we die."""
    return {"preexec_fn": _die_with_parent} if _LIBC is not None else {}
