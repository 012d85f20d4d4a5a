"""No orphans, no half-written files: a child started with ``child_options`` dies with its parent (even on
SIGKILL), and ``atomic_output`` publishes a file only when it is complete and checked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reelforge.tools.files import atomic_output, remove_leftovers

PARENT = """
import subprocess, sys, time
from reelforge.tools.children import child_options
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], **child_options())
print(child.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie waiting for init to reap it is dead too
        return fh.read().split(") ")[-1][0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are a Linux feature")
def test_a_child_dies_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_a_file_appears_only_when_complete_and_checked(tmp_path: Path) -> None:
    target = tmp_path / "video.mp4"
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_bytes(b"half a vid")
        raise RuntimeError("killed mid-render")
    assert not target.exists() and list(tmp_path.iterdir()) == []

    def reject(path: Path) -> None:
        raise ValueError(f"{path.name} does not decode")

    with pytest.raises(ValueError), atomic_output(target, check=reject) as tmp:
        tmp.write_bytes(b"garbage")
    assert not target.exists()
    with atomic_output(target) as tmp:
        tmp.write_bytes(b"a whole video")
    assert target.read_bytes() == b"a whole video"
    (tmp_path / "video.part-0123456789.mp4").write_bytes(b"left by a SIGKILL")
    assert remove_leftovers(tmp_path) == 1 and [p.name for p in tmp_path.iterdir()] == ["video.mp4"]
