"""Small media files the assembly tests generate with ffmpeg (test patterns, tones, stills)."""

from __future__ import annotations

from pathlib import Path

from reelforge.tools.media import run_ffmpeg
from reelforge.tools.production import TimelineClip


def ffmpeg_input(args: list[str], out: Path) -> str:
    """Run ffmpeg with ``args`` writing ``out`` (e.g. a ``-f lavfi`` test source); the path written."""
    run_ffmpeg([*args, str(out)], what=f"test input {out.name}")
    return str(out)


def one_second_clips(media: dict[str, str], names: list[str], trans: list[float], *,
                     shot_prefix: str = "s") -> list[TimelineClip]:
    """Clips of ``media[name]``, one second each and back to back; ``trans[k]`` seconds of crossfade into clip
    ``k`` (0 = a cut) overlap half on each side (``trans`` has one more entry than ``names``). ``still`` is an
    image."""
    clips = []
    for k, name in enumerate(names):
        start, end = k - trans[k] / 2, k + 1 + trans[k + 1] / 2
        clips.append(TimelineClip(shot_id=f"{shot_prefix}{k}", path=media[name], start=round(start, 4),
                                  duration=round(end - start, 4), is_image=name == "still",
                                  transition="crossfade" if trans[k] else "cut", transition_s=trans[k]))
    return clips
