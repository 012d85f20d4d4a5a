"""Incremental rendering: encode only the segments whose key is not cached, then join them by stream copy.

The cache is a folder of MPEG-TS files named by :func:`tools.assembly.segments.segment_key`. A file is
written under a temporary name and renamed into place, so a crash or a second renderer never leaves a
half-written segment under a real key. The folder is kept under a size cap (least recently used go first).
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reelforge.tools.assembly.audio import MixLevels
from reelforge.tools.assembly.captions import caption_events, write_ass
from reelforge.tools.assembly.graph import EncodeSettings, build_join_command
from reelforge.tools.assembly.segments import (
    Segment,
    overlays_over,
    plan_segments,
    segment_ass,
    segment_command,
    segment_key,
)
from reelforge.tools.production import Timeline

DEFAULT_CAP_MB = 4096
PARALLEL_SEGMENTS = 2  # ffmpeg runs at once: each opens at most two clips, so memory stays small


class SegmentCache:
    """Encoded segments by key under ``root`` (``<key[:2]>/<key>.ts``), at most ``cap_mb`` in all."""

    def __init__(self, root: str | Path, cap_mb: int = DEFAULT_CAP_MB) -> None:
        self.root = Path(root)
        self.cap_bytes = cap_mb * 1024 * 1024

    def path_for(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.ts"

    def get(self, key: str) -> Path | None:
        """The cached segment for ``key`` (its use time refreshed), or None."""
        path = self.path_for(key)
        try:
            if path.stat().st_size <= 0:
                return None
            os.utime(path)
        except OSError:
            return None
        return path

    def staging(self, key: str) -> Path:
        """A private temporary name next to where ``key`` will live."""
        final = self.path_for(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        return final.with_name(f".{key}.{uuid.uuid4().hex[:8]}.tmp.ts")

    def commit(self, key: str, staged: Path) -> Path:
        """Move a fully written file into place (atomic on one filesystem)."""
        final = self.path_for(key)
        os.replace(staged, final)
        return final

    def prune(self) -> int:
        """Delete the least recently used segments until the folder is under its cap; returns files removed."""
        if not self.root.is_dir():
            return 0
        files = []
        for path in self.root.glob("*/*.ts"):
            if path.name.startswith("."):
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            files.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in files)
        removed = 0
        for _, size, path in sorted(files):
            if total <= self.cap_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed


@dataclass
class SegmentedRender:
    """How one output was made from segments: how many there are and how many had to be encoded."""

    segments: int
    encoded: int
    wall_s: float
    peak_rss_mb: float


Runner = Callable[..., tuple[float, float]]


def render_segmented(timeline: Timeline, width: int, height: int, target: Path, *, encode: EncodeSettings,
                     levels: MixLevels, cache: SegmentCache, run: Runner,
                     on_fraction: Callable[[float], None] | None = None) -> SegmentedRender:
    """Render ``target`` from cached segments, encoding the missing ones, then join them with the mixed audio.

    ``run(args, seconds, what=..., on_fraction=...)`` runs one ffmpeg command (tools.assembly.render).
    The full caption file for the format is written next to ``target`` (suffix ``.ass``) as before.
    """
    segments = plan_segments(timeline)
    events = []
    if timeline.captions and timeline.words:
        write_ass(timeline.words, width, height, timeline.caption_preset, target.with_suffix(".ass"),
                  end_s=timeline.duration_s)
        events = caption_events(timeline.words, width, height, timeline.caption_preset, end_s=timeline.duration_s)
    plans = []
    for seg in segments:
        overlays = overlays_over(timeline, seg)
        ass_text = segment_ass(events, timeline, seg, width, height)
        plans.append((seg, overlays, ass_text, segment_key(timeline, seg, width, height, encode, ass_text, overlays)))
    missing = {key: (seg, overlays, ass_text) for seg, overlays, ass_text, key in plans if cache.get(key) is None}
    todo_frames = sum(seg.frames for seg, _, _ in missing.values())
    done = {key: 0.0 for key in missing}
    lock = threading.Lock()
    wall = peak = 0.0

    def progress(key: str, fraction: float) -> None:
        if on_fraction is None or not todo_frames:
            return
        with lock:
            done[key] = fraction * missing[key][0].frames
            on_fraction(0.95 * sum(done.values()) / todo_frames)

    with tempfile.TemporaryDirectory(prefix="reelforge-segments-") as tmp:
        work = Path(tmp)

        def encode_one(key: str) -> tuple[float, float]:
            seg, overlays, ass_text = missing[key]
            own = work / key  # segments encode in parallel: each writes its masks and captions in its own folder
            own.mkdir()
            ass_path = None
            if ass_text is not None:
                ass_path = own / f"{key}.ass"
                ass_path.write_text(ass_text, encoding="utf-8")
            staged = cache.staging(key)
            try:
                args = segment_command(timeline, seg, width, height, staged, ass_path=ass_path, overlays=overlays,
                                       encode=encode, work_dir=own)
                result = run(args, seg.frames / timeline.fps, what=_what(seg, width, height),
                             on_fraction=lambda f, key=key: progress(key, f))
                cache.commit(key, staged)
            finally:
                staged.unlink(missing_ok=True)
            return result

        if missing:
            with ThreadPoolExecutor(max_workers=min(PARALLEL_SEGMENTS, len(missing))) as pool:
                for w, p in pool.map(encode_one, list(missing)):
                    wall, peak = wall + w, max(peak, p)
        listing = []
        for seg, _, _, key in plans:
            path = cache.get(key)
            if path is None:
                raise FileNotFoundError(f"segment {key} vanished from the cache at {cache.root}")
            listing += [f"file '{_concat_path(path)}'", f"duration {seg.frames / timeline.fps:.6f}"]
        (work / "segments.txt").write_text("\n".join(listing) + "\n")
        args = build_join_command(timeline, work / "segments.txt", target, levels=levels, encode=encode)
        w, p = run(args, timeline.duration_s, what=f"joining {width}x{height}")
    cache.prune()
    if on_fraction:
        on_fraction(1.0)
    return SegmentedRender(segments=len(segments), encoded=len(missing), wall_s=wall + w,
                           peak_rss_mb=max(peak, p))


def _what(seg: Segment, width: int, height: int) -> str:
    kind = "transition" if len(seg.windows) == 2 else "shot"
    return f"assembly of {width}x{height} ({kind} at frame {seg.start_frame})"


def _concat_path(path: Path) -> str:
    """A path quoted for the concat demuxer's ``file '...'`` line."""
    return str(path.resolve()).replace("'", "'\\''")
