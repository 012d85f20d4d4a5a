"""QC on the produced file: streams, size, duration, loudness, black and frozen spans, caption timing."""

from __future__ import annotations

import re
from pathlib import Path

import ffmpeg

from reelforge.tools.assembly.audio import MAX_TRUE_PEAK, TARGET_LUFS, Loudness
from reelforge.tools.assembly.timeline import fit_clip
from reelforge.tools.media import MediaError, probe, run_ffmpeg
from reelforge.tools.production import QCCheck, QCReport, Timeline, WordTiming

LOUDNESS_TOLERANCE = 1.0
BLACK_MIN_S = 0.5  # a dip-to-black transition is shorter than this
FREEZE_MIN_S = 4.0  # slow motion graphics and short holds are not "frozen"
FREEZE_NOISE = "0.0005"  # mean abs difference; motion graphics that move at all stay above it


def _spans(log: str, start_key: str, end_key: str) -> list[tuple[float, float]]:
    starts = [float(x) for x in re.findall(start_key + r"[:=]\s*(-?[\d.]+)", log)]
    ends = [float(x) for x in re.findall(end_key + r"[:=]\s*(-?[\d.]+)", log)]
    return [(s, ends[i] if i < len(ends) else float("inf")) for i, s in enumerate(starts)]


def _allowed(span: tuple[float, float], allowed: list[tuple[float, float]], end: float) -> bool:
    s, e = span[0], min(span[1], end)
    return any(a - 0.1 <= s and e <= b + 0.1 for a, b in allowed)


def planned_static_spans(timeline: Timeline) -> list[tuple[float, float]]:
    """Where the plan itself shows a still: image clips and held last frames (pass to ``run_qc``)."""
    spans = []
    for c in timeline.clips:
        if c.is_image:
            spans.append((c.start, c.start + c.duration))
            continue
        try:
            fit = fit_clip(probe(c.path).duration_s, c.duration)
        except MediaError:
            continue
        if fit.hold_s > 0:
            spans.append((c.start + fit.read_s * fit.speed, c.start + c.duration))
    return spans


def ass_events(path: str | Path) -> list[tuple[float, float]]:
    """``(start, end)`` of every Dialogue event in an ASS file, in seconds."""
    def secs(t: str) -> float:
        h, m, s = t.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("Dialogue:"):
            parts = line.split(",", 9)
            out.append((secs(parts[1]), secs(parts[2])))
    return out


def caption_check(events: list[tuple[float, float]], words: list[WordTiming], duration: float) -> QCCheck:
    """Each drawable word starts an event within 20 ms; events never overlap and stay inside the video."""
    starts = sorted(s for s, _ in events)
    problems = []
    for a, b in zip(events, events[1:], strict=False):
        if b[0] < a[1] - 0.005:
            problems.append(f"events overlap at {b[0]:.2f}s")
    if events and events[-1][1] > duration + 0.05:
        problems.append(f"last caption ends at {events[-1][1]:.2f}s after the video")
    missed = [w for w in words if w.word.strip() and not any(abs(s - w.start) <= 0.02 for s in starts)]
    if len(missed) > max(1, len(words) // 20):  # emoji-only words are dropped from burned captions
        problems.append(f"{len(missed)} of {len(words)} words have no caption event (first: {missed[0].word!r})")
    return QCCheck(name="captions", passed=not problems, value=len(events), detail="; ".join(problems[:3]))


def run_qc(path: str | Path, *, expected_duration: float, width: int, height: int,
           words: list[WordTiming] | None = None, captions_ass: str | Path | None = None,
           static_spans: list[tuple[float, float]] | None = None, fps: int = 30) -> QCReport:
    """Check the real file; every failed check is in the report with a reason, nothing is hidden.

    ``static_spans`` are planned still images / held frames, where a freeze is expected. When ``words`` is
    given and no ``captions_ass``, the ``.ass`` written next to the video is used.
    """
    report = QCReport()
    add = report.checks.append
    try:
        info = probe(path)
    except MediaError as exc:
        add(QCCheck(name="decodable", passed=False, detail=str(exc)))
        return report
    add(QCCheck(name="streams", passed=info.video_codec == "h264" and info.audio_codec == "aac"
                and info.pix_fmt == "yuv420p",
                value=f"{info.video_codec}/{info.pix_fmt} + {info.audio_codec or 'no audio'}",
                detail="want h264 yuv420p + aac"))
    add(QCCheck(name="size", passed=(info.width, info.height) == (width, height),
                value=f"{info.width}x{info.height}", detail=f"want {width}x{height}"))
    frame = 1.0 / fps
    add(QCCheck(name="duration", passed=abs(info.duration_s - expected_duration) <= frame + 0.025,
                value=round(info.duration_s, 3), detail=f"planned {expected_duration:.3f}s (± 1 frame)"))
    add(QCCheck(name="audio_rate", passed=info.sample_rate == 48000, value=info.sample_rate, detail="want 48 kHz"))
    src = ffmpeg.input(str(path))
    video = (src.video.filter("blackdetect", d=BLACK_MIN_S, pix_th=0.08)
             .filter("freezedetect", n=FREEZE_NOISE, d=FREEZE_MIN_S))
    outs = [ffmpeg.output(video, "-", format="null")]
    if info.has_audio:
        outs = [ffmpeg.output(video, src.audio.filter("ebur128", peak="true", framelog="quiet"), "-", format="null")]
    log = run_ffmpeg(["-loglevel", "info", *ffmpeg.merge_outputs(*outs).get_args()], what=f"QC of {path}")
    if info.has_audio:
        loud = Loudness.from_log(log)
        add(QCCheck(name="loudness", passed=abs(loud.integrated - TARGET_LUFS) <= LOUDNESS_TOLERANCE,
                    value=loud.integrated, detail=f"integrated {loud.integrated} LUFS, want {TARGET_LUFS} ± 1"))
        add(QCCheck(name="true_peak", passed=loud.true_peak <= MAX_TRUE_PEAK, value=loud.true_peak,
                    detail=f"true peak {loud.true_peak} dBTP, want ≤ {MAX_TRUE_PEAK}"))
    else:
        add(QCCheck(name="loudness", passed=False, detail="no audio stream"))
    black = _spans(log, "black_start", "black_end")
    add(QCCheck(name="black_frames", passed=not black, value=black,
                detail=", ".join(f"{s:.2f}-{e:.2f}s" for s, e in black) or "none"))
    frozen = [s for s in _spans(log, "freeze_start", "freeze_end")
              if not _allowed(s, static_spans or [], info.duration_s)]
    add(QCCheck(name="frozen_frames", passed=not frozen, value=frozen,
                detail=", ".join(f"{s:.2f}-{min(e, info.duration_s):.2f}s" for s, e in frozen) or "none"))
    if words:
        ass = Path(captions_ass) if captions_ass else Path(path).with_suffix(".ass")
        if ass.is_file():
            add(caption_check(ass_events(ass), words, info.duration_s))
        else:
            add(QCCheck(name="captions", passed=False, detail=f"no caption file {ass.name} to check against"))
    return report
