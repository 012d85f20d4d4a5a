"""Segments: the programme cut into spans that are encoded on their own and joined by stream copy.

A timeline becomes alternating *solo* spans (one clip alone on screen) and *transition* spans (the
crossfade from one clip into the next). Each span's ffmpeg command is a pure function of its
:func:`segment_key` (the clips' bytes and placement, the captions and overlays over it, the size and the
encoder), so an encoded span can be cached and reused: after one scene changes, only the spans that show
that scene's clips (its own spans plus the transitions into and out of it) are encoded again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ffmpeg

from reelforge.tools.assembly.captions import CaptionEvent, ass_document
from reelforge.tools.assembly.graph import XFADE, EncodeSettings, _dress, _Inputs, _normalised, _x264
from reelforge.tools.assembly.timeline import fit_clip
from reelforge.tools.media import MediaInfo, ffmpeg_exe, probe
from reelforge.tools.production import Overlay, Timeline, TimelineClip, stable_hash

SEGMENT_FORMAT = "segment-v2"  # bump when the command a key stands for changes


@dataclass(frozen=True)
class Window:
    """Frames ``[first, end)`` of clip ``clip``'s slot (frame 0 is where the clip starts on the timeline)."""

    clip: int
    first: int
    end: int

    @property
    def frames(self) -> int:
        return self.end - self.first


@dataclass(frozen=True)
class Segment:
    """Programme frames ``[start_frame, end_frame)``: one clip alone, or a transition between two."""

    start_frame: int
    end_frame: int
    windows: tuple[Window, ...]
    transition: str = ""  # the xfade name when two windows cross

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame

    @property
    def clips(self) -> tuple[int, ...]:
        return tuple(w.clip for w in self.windows)


def plan_segments(tl: Timeline) -> list[Segment]:
    """Solo and transition spans covering the whole programme, in order, on the frame grid.

    ``ValueError`` when the clips do not tile the programme (a gap, or transitions that overlap).
    """
    if not tl.clips:
        raise ValueError("the timeline has no clips")
    fps, clips = tl.fps, tl.clips
    total = round(tl.duration_s * fps)
    starts = [round(c.start * fps) for c in clips]
    into = [round(c.transition_s * fps) if k and c.transition != "cut" else 0 for k, c in enumerate(clips)]
    segments: list[Segment] = []
    for k in range(len(clips)):
        solo_from = starts[k] + into[k]
        solo_to = starts[k + 1] if k + 1 < len(clips) else total
        if solo_to > solo_from:
            segments.append(Segment(solo_from, solo_to, (Window(k, solo_from - starts[k], solo_to - starts[k]),)))
        if k + 1 < len(clips) and into[k + 1] > 0:
            nxt = clips[k + 1]
            name = XFADE.get(nxt.transition)
            if name is None:
                raise ValueError(f"unknown transition {nxt.transition!r} on shot {nxt.shot_id}")
            at, length = starts[k + 1], into[k + 1]
            segments.append(Segment(at, at + length, (Window(k, at - starts[k], at - starts[k] + length),
                                                      Window(k + 1, 0, length)), name))
    cursor = 0
    for seg in segments:
        if seg.start_frame != cursor:
            raise ValueError(f"the clips do not tile the programme at frame {cursor} (next span starts at "
                             f"{seg.start_frame})")
        cursor = seg.end_frame
    if cursor != total:
        raise ValueError(f"the clips end at frame {cursor}, the programme at {total}")
    return segments


def _window_stream(inputs: _Inputs, k: int, c: TimelineClip, info: MediaInfo, width: int, height: int,
                   fps: int, window: Window):
    """The clip's frames ``window.first .. window.end`` normalised to the output (size, fps, pixel format)."""
    v = inputs.clip(k, c, info).video
    if c.is_image:
        speed, hold, shown = 1.0, c.duration, 0.0
    else:
        fit = fit_clip(info.duration_s, c.duration)
        speed, hold, shown = fit.speed, fit.hold_s, fit.read_s * fit.speed
    if speed != 1.0:
        v = v.filter("setpts", expr=f"{speed:.6f}*PTS")
    skip = min((window.first - 1) / fps, shown - 2 / fps)
    if not c.is_image and skip > 0:  # frames before the window never reach the per-frame filters
        v = v.filter("trim", start=f"{skip:.6f}")
    v = _normalised(v, c, info, width, height, fps, max(hold, window.end / fps - shown) + 2 / fps)
    half = 0.5 / fps  # cut between two frames
    if window.first:
        v = v.filter("trim", start=f"{window.first / fps - half:.6f}")
    v = v.filter("trim", end_frame=window.frames)
    return v.filter("setpts", expr="PTS-STARTPTS").filter("settb", expr="AVTB")


def segment_command(tl: Timeline, seg: Segment, width: int, height: int, out: Path, *, ass_path: Path | None,
                    overlays: list[Overlay], encode: EncodeSettings, work_dir: Path) -> list[str]:
    """ffmpeg arguments (without the binary) encoding one segment's video to an MPEG-TS file."""
    fps = tl.fps
    inputs = _Inputs()
    streams = [_window_stream(inputs, w.clip, tl.clips[w.clip], probe(tl.clips[w.clip].path), width, height,
                              fps, w) for w in seg.windows]
    video = streams[0]
    if len(streams) == 2:
        video = ffmpeg.filter(streams, "xfade", transition=seg.transition, duration=f"{seg.frames / fps:.4f}",
                              offset="0")
    video = video.filter("setpts", expr=f"PTS+{seg.start_frame / fps:.6f}/TB")  # programme time for the dressing
    video = _dress(video, inputs, tl.model_copy(update={"overlays": overlays}), width, height, ass_path, work_dir)
    video = video.filter("setpts", expr="PTS-STARTPTS")
    output = ffmpeg.output(video, str(out), **_x264(encode, fps), an=None, format="mpegts",
                           **{"frames:v": seg.frames, "map_metadata": -1})
    return output.global_args("-progress", "pipe:1", "-nostats").get_args()


def overlays_over(tl: Timeline, seg: Segment) -> list[Overlay]:
    """The picture-in-picture overlays on screen during ``seg``."""
    t0, t1 = seg.start_frame / tl.fps, seg.end_frame / tl.fps
    return [ov for ov in tl.overlays if ov.start < t1 and (ov.duration is None or ov.start + ov.duration > t0)]


def captions_over(events: list[CaptionEvent], tl: Timeline, seg: Segment) -> list[CaptionEvent]:
    """The caption events shown during ``seg`` (programme times, one frame of margin either side)."""
    margin = 1 / tl.fps
    t0, t1 = seg.start_frame / tl.fps - margin, seg.end_frame / tl.fps + margin
    return [e for e in events if e.start < t1 and e.end > t0]


def segment_ass(events: list[CaptionEvent], tl: Timeline, seg: Segment, width: int, height: int) -> str | None:
    """The ASS text burned into ``seg`` (None when no caption shows there)."""
    shown = captions_over(events, tl, seg)
    return ass_document(shown, width, height, tl.caption_preset) if shown else None


_FILE_IDS: dict[tuple[str, int, int], str] = {}


def file_id(path: str | Path) -> str:
    """A hash of a file's bytes (remembered per path, size and modification time)."""
    st = os.stat(path)
    memo = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)
    if memo not in _FILE_IDS:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        _FILE_IDS[memo] = digest.hexdigest()[:24]
    return _FILE_IDS[memo]


@lru_cache(maxsize=4)
def _encoder_id(exe: str) -> str:
    st = os.stat(exe)
    return f"{Path(exe).name}:{st.st_size}:{st.st_mtime_ns}"


def segment_key(tl: Timeline, seg: Segment, width: int, height: int, encode: EncodeSettings, ass_text: str | None,
                overlays: list[Overlay]) -> str:
    """What the segment's encoded bytes depend on: equal keys, equal files (same ffmpeg build)."""
    fps = tl.fps
    clips = []
    for w in seg.windows:
        c = tl.clips[w.clip]
        clips.append([file_id(c.path), c.is_image, round(c.duration * fps), w.first, w.end, c.focus])
    dressing = [[ov.model_dump(mode="json", exclude={"path"}), file_id(ov.path)] for ov in overlays]
    if overlays:  # an open-ended overlay lasts until the programme ends
        dressing.append(round(tl.duration_s * fps))
    return stable_hash(SEGMENT_FORMAT, _encoder_id(ffmpeg_exe()), width, height, fps,
                       [encode.preset, encode.crf], seg.start_frame, seg.end_frame, seg.transition, clips,
                       ass_text or "", dressing)
