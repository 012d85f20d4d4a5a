"""Durable threads: a process killed during production; a new process resumes the same thread and finishes
without producing any finished shot again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

WORKER = Path(__file__).with_name("agent_crash_worker.py")
TESTS = Path(__file__).parents[1]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}


def test_killed_during_production_resumes_in_new_process(isolated_home: Path) -> None:
    proc = subprocess.Popen([sys.executable, str(WORKER), "start", "cli:crash"], stdout=subprocess.PIPE,
                            text=True, env=_env())
    done_before: set[str] = set()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            ev = json.loads(line)
            if ev["type"] == "progress" and ev["status"] == "done" and ev.get("shot_id"):
                done_before.add(ev["shot_id"])
                proc.send_signal(signal.SIGKILL)  # die mid-production, after the first finished shot
                break
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert done_before == {"s1"}
    log = isolated_home / "store" / "fake-renders.log"
    assert log.read_text().split() == ["s1"]

    out = subprocess.run([sys.executable, str(WORKER), "resume", "cli:crash"], capture_output=True, text=True,
                         env=_env(), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0] == "pending True"  # listed as interrupted from the checkpointer
    events = [json.loads(x) for x in lines[1:]]
    generated = {e["shot_id"] for e in events if e["type"] == "progress" and e["status"] == "generating"}
    assert generated == {"s2", "s3"}
    assert [e for e in events if e["type"] == "video"]
    assert sorted(log.read_text().split()) == ["s1", "s2", "s3"]  # every shot produced exactly once
