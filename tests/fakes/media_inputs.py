"""Small media files the assembly tests generate with ffmpeg (test patterns, tones, stills)."""

from __future__ import annotations

from pathlib import Path

from reelforge.tools.media import run_ffmpeg


def ffmpeg_input(args: list[str], out: Path) -> str:
    """Run ffmpeg with ``args`` writing ``out`` (e.g. a ``-f lavfi`` test source); the path written."""
    run_ffmpeg([*args, str(out)], what=f"test input {out.name}")
    return str(out)
