"""``assemble``: one ffmpeg run per output format, with progress from ``-progress`` and peak memory."""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reelforge.tools.assembly.audio import MAX_TRUE_PEAK, MixLevels, measure_file, plan_levels, quieter_peaks
from reelforge.tools.assembly.captions import write_ass
from reelforge.tools.assembly.formats import format_size, output_path
from reelforge.tools.assembly.graph import (
    EncodeSettings,
    build_chunk_command,
    build_command,
    build_join_command,
    build_remix_command,
    plan_chunks,
)
from reelforge.tools.assembly.segment_cache import SegmentCache, render_segmented
from reelforge.tools.assembly.subject import with_subjects
from reelforge.tools.children import child_options
from reelforge.tools.files import atomic_output, publish, remove_leftovers, temp_name
from reelforge.tools.media import MediaError, ffmpeg_exe, probe, run_ffmpeg
from reelforge.tools.production import OutputFile, Timeline
from reelforge.tools.settings import Settings

Progress = Callable[[str, float], None]
PEAK_RETRIES = 2  # remixes of one file's audio when its true peak came out too high
CHUNK_CLIPS = 12  # 1080p clips one ffmpeg run may open (each costs ~50-90 MB while open: ~1.1 GB at 12)
FULL_HD_PIXELS = 1920 * 1080


@dataclass
class RenderStats:
    """Wall time and the ffmpeg process's peak resident memory for one render."""

    aspect: str
    wall_s: float
    peak_rss_mb: float
    segments: int = 0  # with a segment cache: the output's segments, and how many had to be encoded
    segments_encoded: int = 0


def run_with_progress(args: list[str], duration_s: float, *, what: str,
                      on_fraction: Callable[[float], None] | None = None) -> tuple[float, float]:
    """Run ffmpeg (no shell) reading ``-progress`` from stdout; returns (wall seconds, peak RSS MB)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, **child_options())
        assert proc.stdout is not None
        for line in proc.stdout:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and on_fraction and value.lstrip("-").isdigit() and duration_s > 0:
                on_fraction(max(0.0, min(1.0, int(value) / 1e6 / duration_s)))
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            peak = usage.ru_maxrss / 1024.0
        except (AttributeError, ChildProcessError):  # no wait4 (Windows) or already reaped
            proc.wait()
            peak = 0.0
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            err.seek(0)
            tail = "\n".join(err.read().strip().splitlines()[-8:])
            raise MediaError(f"{what} failed (ffmpeg exit {proc.returncode}): {tail}")
    return wall, peak


def _clips_per_run(timeline: Timeline, max_clips: int) -> int:
    """``max_clips`` for 1080p sources, proportionally fewer when the largest source is bigger (4K stock)."""
    pixels = max((info.width * info.height for info in (probe(c.path) for c in timeline.clips if not c.is_image)),
                 default=0)
    if pixels <= FULL_HD_PIXELS:
        return max_clips
    return max(2, int(max_clips * FULL_HD_PIXELS / pixels))


def render_one(timeline: Timeline, width: int, height: int, target: Path, *, encode: EncodeSettings,
               levels: MixLevels, on_fraction: Callable[[float], None] | None = None,
               max_clips: int = CHUNK_CLIPS, cache: SegmentCache | None = None) -> RenderStats:
    """Render one ``width × height`` file; captions go to ``target`` with suffix ``.ass``.

    With a segment ``cache`` the programme is encoded span by span (each clip alone, each transition) and
    spans already in the cache are reused, so re-rendering after one scene changed encodes only its spans
    (see :mod:`tools.assembly.segment_cache`).

    Up to ``max_clips`` clips render in one ffmpeg run. A longer timeline renders in chunks cut where a
    single clip is on screen (each frame still encoded once), then the chunks are joined by stream copy
    with the audio: ffmpeg opens every input of a run up front, so this keeps memory flat for long videos.
    """
    if cache is not None:
        done = render_segmented(timeline, width, height, target, encode=encode, levels=levels, cache=cache,
                                run=run_with_progress, on_fraction=on_fraction)
        return RenderStats(aspect=f"{width}x{height}", wall_s=done.wall_s, peak_rss_mb=done.peak_rss_mb,
                           segments=done.segments, segments_encoded=done.encoded)
    ass = None
    if timeline.captions and timeline.words:
        ass = write_ass(timeline.words, width, height, timeline.caption_preset, target.with_suffix(".ass"),
                        end_s=timeline.duration_s)
    chunks = plan_chunks(timeline, _clips_per_run(timeline, max_clips))
    with tempfile.TemporaryDirectory(prefix="reelforge-assembly-") as tmp:
        work = Path(tmp)
        if len(chunks) == 1:
            args = build_command(timeline, width, height, target, ass_path=ass, levels=levels, encode=encode,
                                 work_dir=work)
            wall, peak = run_with_progress(args, timeline.duration_s, what=f"assembly of {width}x{height}",
                                           on_fraction=on_fraction)
            return RenderStats(aspect=f"{width}x{height}", wall_s=wall, peak_rss_mb=peak)
        wall, peak, listing = 0.0, 0.0, []
        total_frames = max(1, chunks[-1].end_frame)
        for i, chunk in enumerate(chunks):
            part = work / f"chunk{i:03d}.ts"
            seconds = (chunk.end_frame - chunk.start_frame) / timeline.fps

            def report(f: float, chunk=chunk) -> None:
                if on_fraction:  # the join is quick: chunks take the first 97 % of the bar
                    done = chunk.start_frame + f * (chunk.end_frame - chunk.start_frame)
                    on_fraction(0.97 * done / total_frames)

            args = build_chunk_command(timeline, chunk, width, height, part, ass_path=ass, encode=encode,
                                       work_dir=work)
            w, p = run_with_progress(args, seconds, what=f"assembly of {width}x{height} (part {i + 1})",
                                     on_fraction=report)
            wall, peak = wall + w, max(peak, p)
            listing += [f"file '{part.name}'", f"duration {seconds:.6f}"]
        (work / "chunks.txt").write_text("\n".join(listing) + "\n")
        args = build_join_command(timeline, work / "chunks.txt", target, levels=levels, encode=encode)
        w, p = run_with_progress(args, timeline.duration_s, what=f"joining {width}x{height}")
    return RenderStats(aspect=f"{width}x{height}", wall_s=wall + w, peak_rss_mb=max(peak, p))


def _playable(path: Path) -> None:
    """A rendered file must open and hold a video stream with a duration, or it is not published."""
    info = probe(path)
    if not info.has_video or not info.duration_s:
        raise MediaError(f"{path.name}: the render produced no playable video")


def settle_true_peak(tl: Timeline, rendered: Path, levels: MixLevels, encode: EncodeSettings) -> None:
    """The AAC encoder can overshoot the planned true peak by more than the room kept for it: measure the encoded
    file and, while it is over ``MAX_TRUE_PEAK``, mix its audio again with a lower limiter ceiling (the video is
    copied, not encoded again)."""
    for _ in range(PEAK_RETRIES):
        loud = measure_file(rendered)
        if not math.isfinite(loud.true_peak) or loud.true_peak <= MAX_TRUE_PEAK:
            return
        levels = quieter_peaks(levels, loud.true_peak - MAX_TRUE_PEAK)
        remixed = temp_name(rendered)
        try:
            run_ffmpeg(build_remix_command(tl, rendered, remixed, levels=levels, encode=encode),
                       what=f"true-peak correction of {rendered.name}")
            os.replace(remixed, rendered)
        finally:
            remixed.unlink(missing_ok=True)


def assemble(timeline: Timeline, aspects: list[str], out_dir: str | Path, slug: str, *, settings: Settings,
             on_progress: Progress | None = None, levels: MixLevels | None = None,
             cache_dir: str | Path | None = None) -> list[OutputFile]:
    """Render ``out_dir/<slug>-<w>x<h>.mp4`` for each aspect, one ffmpeg run (one encode) each.

    With ``cache_dir`` each format is rendered from cached segments (only changed spans are encoded).

    The mix is measured once (audio-only pass) and normalised to −14 LUFS / ≤ −1 dBTP in the video pass.
    Each format's captions are written to ``<slug>-<w>x<h>.ass`` next to the video (PlayRes = its size).
    QC is separate: :func:`tools.assembly.qc.run_qc`.
    """
    sizes = {a: format_size(a) for a in aspects}
    if not sizes:
        raise ValueError("no aspect ratio given")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)  # what a killed run was writing: never served, never read
    for c in timeline.clips:
        for path in (c.path, *c.variants.values()):
            if not Path(path).is_file():
                raise MediaError(f"clip for shot {c.shot_id}: {path} does not exist")
    levels = levels if levels is not None else plan_levels(timeline)
    timeline = with_subjects(timeline, list(sizes))  # crops keep the subject in frame
    encode = EncodeSettings(preset=settings.x264_preset, crf=settings.crf)
    results: list[OutputFile] = []
    for aspect, (w, h) in sizes.items():
        target = output_path(out, slug, w, h)
        native = timeline.for_aspect(aspect)  # what reelforge drew itself, laid out for this format

        def report(fraction: float, aspect: str = aspect) -> None:
            if on_progress:
                on_progress(aspect, fraction)

        cache = SegmentCache(cache_dir, settings.segment_cache_mb) if cache_dir is not None else None
        with atomic_output(target, check=_playable) as tmp:  # never a half-written MP4 under its real name
            stats = render_one(native, w, h, tmp, encode=encode, levels=levels, on_fraction=report, cache=cache)
            settle_true_peak(native, tmp, levels, encode)
            if tmp.with_suffix(".ass").is_file():
                publish(tmp.with_suffix(".ass"), target.with_suffix(".ass"))
        report(1.0)
        results.append(OutputFile(aspect=aspect, width=w, height=h, path=str(target), duration_s=timeline.duration_s,
                                  render_s=stats.wall_s, render_peak_mb=stats.peak_rss_mb, segments=stats.segments,
                                  segments_encoded=stats.segments_encoded))
    return results
