"""espeak-ng (GPL-3, Debian package) as a separate process, with word timings from its word events."""

from __future__ import annotations

import ctypes.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from reelforge.tools.children import child_options
from reelforge.tools.production import WordTiming
from reelforge.tools.voice.audio import trim_end, voiced
from reelforge.tools.voice.base import VoiceError, load_mono
from reelforge.tools.voice.text import word_weight
from reelforge.tools.voice.words import spread

LICENCE = "espeak-ng synthetic speech (engine GPL-3, run as a separate process; output unrestricted)"
INSTALL_HINT = "apt-get install espeak-ng"
_RUNNER = Path(__file__).with_name("espeak_runner.py")
_TOKEN = re.compile(r"\S+")


def available() -> bool:
    """True when libespeak-ng can be loaded (the Debian ``espeak-ng`` package provides it)."""
    return bool(ctypes.util.find_library("espeak-ng") or shutil.which("espeak-ng"))


def voice_for(language: str) -> str:
    lang = (language or "en").lower()
    return "en-us" if lang in ("en", "en-us") else lang


def synthesize_espeak(text: str, out: Path, *, language: str = "en", rate_wpm: int = 165
                      ) -> tuple[float, list[WordTiming]]:
    """Speak ``text`` into the WAV ``out``; return (duration, word timings). Raises VoiceError."""
    if not available():
        raise VoiceError(f"espeak-ng is not installed: {INSTALL_HINT}", kind="unavailable")
    proc = subprocess.run([sys.executable, "-I", str(_RUNNER), voice_for(language), str(rate_wpm), str(out)],
                          input=text, capture_output=True, text=True, timeout=120, check=False,
                          **child_options())
    if proc.returncode != 0:
        raise VoiceError(f"espeak-ng failed: {(proc.stdout + proc.stderr).strip()[-300:]}", kind="provider")
    reply = json.loads(proc.stdout.strip().splitlines()[-1])
    duration = reply["samples"] / reply["sample_rate"]
    return duration, words_from_events(text, reply["words"], out, duration)


def words_from_events(text: str, events: list[list[int]], wav: Path, duration: float) -> list[WordTiming]:
    """Caption words from espeak word events (1-based text position, length, audio ms).

    Words espeak merged into a neighbour (no event of their own) share that event's span by letter count;
    each span ends where the next word starts, less trailing silence.
    """
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(text) if any(c.isalnum() for c in m.group())]
    if not tokens:
        return []
    starts: dict[int, float] = {}
    for pos, _length, ms in events:
        idx = max((i for i, (off, _) in enumerate(tokens) if off <= pos - 1), default=0)
        starts.setdefault(idx, ms / 1000.0)
    starts.setdefault(0, 0.0)
    flags = voiced(load_mono(wav, 16000), 16000)
    keys = sorted(starts)
    out: list[WordTiming] = []
    for n, k in enumerate(keys):
        nxt = keys[n + 1] if n + 1 < len(keys) else len(tokens)
        s = min(starts[k], duration)
        e = starts[keys[n + 1]] if n + 1 < len(keys) else duration
        e = trim_end(flags, s, max(e, s)) if flags.size else e
        group = [w for _, w in tokens[k:nxt]]
        out += spread(group, [word_weight(w) for w in group], s, min(max(e, s + 0.01), duration))
    return out

