"""`reelforge chat` fed from a pipe: one user turn per line, never auto-approves, prints the MP4 paths."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes.agent_studio import FakeStudio
from rich.console import Console

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.ui.cli_chat import chat


async def _chat(monkeypatch, lines: str) -> tuple[str, FakeStudio]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    out = io.StringIO()
    studio = FakeStudio()
    assert await chat(None, Console(file=out, width=200), brain=OfflineDirector(), studio=studio) == 0
    return out.getvalue(), studio


async def test_piped_chat_approves_only_when_told(monkeypatch) -> None:
    text, studio = await _chat(monkeypatch, "a 9 second teaser for a coffee shop, vertical\n")
    assert "Storyboard v1" in text and "waiting for your approval" in text and studio.renders == {}
    text, studio = await _chat(monkeypatch, "a 9 second teaser for a coffee shop, vertical\napprove\n")
    last = text.strip().splitlines()[-1]
    assert last.endswith("9x16.mp4") and Path(last).is_file()


def _real_planning() -> bool:
    try:
        from reelforge.tools.planning import plan_storyboard  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _real_planning(), reason="tools.planning is not in this checkout yet")
def test_reelforge_chat_pipe_makes_playable_vertical_mp4(isolated_home: Path) -> None:
    from reelforge.tools.media import probe

    env = {**os.environ, "REELFORGE_BRAIN": "offline", "REELFORGE_DEFAULT_ASPECTS": "9:16"}
    out = subprocess.run([sys.executable, "-m", "reelforge", "chat"], input="a 6 second teaser for a coffee shop, "
                         "vertical\napprove\n", capture_output=True, text=True, env=env, timeout=400)
    assert out.returncode == 0, out.stderr[-3000:]
    path = out.stdout.strip().splitlines()[-1]
    info = probe(path)
    assert path.endswith(".mp4") and info.has_video and info.has_audio
    assert info.height > info.width and 5 < info.duration_s < 9
