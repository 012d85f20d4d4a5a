"""Assembly benchmark (not a test): reelforge's single pass vs a MoviePy pipeline vs one re-encode.

    .venv/bin/python bench/assembly.py [--minutes N] [--skip-moviepy] [--work DIR]

Builds the research note's inputs (../shared/research/assembly_bench.md §2): 10 clips × 6.5 s of 1080p30
per minute (6 s on screen each, 0.5 s crossfades), a speech-like narration, a 1.5× longer music bed and 40
captions per minute. Then times (a) reelforge's assembly of a 9:16 video, (b) a MoviePy pipeline shaped like
MoneyPrinterTurbo (per-clip cover-crop encodes, then one composite render with text clips and mixed audio at
MoviePy's default preset), (c) the floor: decode reelforge's output and re-encode it once with the same preset
and CRF. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reelforge.tools.assembly.handoff import grab_frame  # noqa: E402,F401  (keeps the import path honest)
from reelforge.tools.assembly.qc import run_qc  # noqa: E402
from reelforge.tools.assembly.render import assemble, run_with_progress  # noqa: E402
from reelforge.tools.assets import CAPTION_FONT  # noqa: E402
from reelforge.tools.media import run_ffmpeg  # noqa: E402
from reelforge.tools.production import AudioPlacement, Timeline, TimelineClip, WordTiming  # noqa: E402
from reelforge.tools.settings import get_settings  # noqa: E402

CLIP_S, XFADE_S, SLOT_S = 6.5, 0.5, 6.0
SOURCES = ["testsrc2=s=1920x1080:r=30", "cellauto=s=1920x1080:r=30:rule=110",
           "life=s=1920x1080:r=30:mold=10:ratio=0.1", "testsrc2=s=1920x1080:r=30,hue=h=t*40",
           "testsrc=s=1920x1080:r=30", "smptehdbars=s=1920x1080:r=30,rotate=a=t/4",
           "cellauto=s=1920x1080:r=30:rule=30", "rgbtestsrc=s=1920x1080:r=30,hue=h=t*25",
           "life=s=1920x1080:r=30:ratio=0.3:mold=25", "colorspectrum=s=1920x1080:r=30,hue=h=t*60"]
WORDS = ["these", "are", "captions", "with", "a", "few", "hostile", "ones:", "it's", "[fine],", "isn't", "it;", "50%", "of", "\\N", "people", "agree", "the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]


def make_inputs(work: Path, minutes: float) -> tuple[list[Path], Path, Path, float]:
    """Generate (or reuse) the clips, narration and music for ``minutes`` of output."""
    work.mkdir(parents=True, exist_ok=True)
    duration = round(60 * minutes, 3)
    n = max(2, round(duration / SLOT_S))
    clips = []
    for k in range(n):  # ten distinct clips, reused cyclically beyond a minute (each use is its own input)
        path = work / f"clip{k % len(SOURCES):02d}.mp4"
        if not path.exists():
            src = SOURCES[k % len(SOURCES)]
            run_ffmpeg(["-f", "lavfi", "-i", f"{src},noise=alls=6:allf=t,format=yuv420p", "-t", str(CLIP_S),
                        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-maxrate", "10M",
                        "-bufsize", "20M", str(path)], what=f"bench clip {k}")
        clips.append(path)
    voice = work / f"voice-{duration:g}.wav"
    if not voice.exists():  # syllable-rate modulated harmonics with pauses: loud, peaky, speech-like
        expr = ("(0.5*sin(2*PI*160*t)+0.25*sin(2*PI*320*t)+0.12*sin(2*PI*640*t))"
                "*(0.55+0.45*sin(2*PI*4.3*t))*gt(mod(t,1.5),0.25)*lt(mod(t,12),10.5)")
        run_ffmpeg(["-f", "lavfi", "-i", f"aevalsrc='{expr}':s=24000:d={duration}", "-ac", "1", str(voice)],
                   what="bench narration")
    music = work / f"music-{duration:g}.mp3"
    if not music.exists():
        expr = ("0.2*sin(2*PI*220*t)+0.15*sin(2*PI*277*t)+0.15*sin(2*PI*330*t)"
                "+0.3*sin(2*PI*55*t)*exp(-8*mod(t,0.5))")
        run_ffmpeg(["-f", "lavfi", "-i", f"aevalsrc='{expr}|{expr}':s=44100:d={duration * 1.5}",
                    "-b:a", "192k", str(music)], what="bench music")
    return clips, voice, music, duration


def timeline_for(clips: list[Path], voice: Path, music: Path, duration: float) -> Timeline:
    placed = []
    for k, c in enumerate(clips):
        start = 0.0 if k == 0 else k * SLOT_S - XFADE_S / 2
        end = duration if k == len(clips) - 1 else (k + 1) * SLOT_S + XFADE_S / 2
        placed.append(TimelineClip(shot_id=f"s{k}", path=str(c), start=start, duration=end - start,
                                   transition="crossfade" if k else "cut", transition_s=XFADE_S if k else 0.0))
    words = []
    per_caption = 1.5  # 40 captions a minute, three words each
    for i in range(int(duration / per_caption)):
        for j in range(3):
            t = i * per_caption + j * 0.45
            words.append(WordTiming(word=WORDS[(3 * i + j) % len(WORDS)], start=round(t, 3),
                                    end=round(t + 0.4, 3)))
    return Timeline(duration_s=duration, fps=30, clips=placed,
                    narration=[AudioPlacement(path=str(voice), start=0.0, duration=duration)],
                    music=AudioPlacement(path=str(music), start=0.0, duration=duration), words=words)


def run_moviepy(clips: list[Path], voice: Path, music: Path, tl: Timeline, work: Path) -> float:
    """MoneyPrinterTurbo's shape in MoviePy 2: per-clip resize+crop encodes, then one composite render."""
    from moviepy import (
        AudioFileClip,
        CompositeAudioClip,
        CompositeVideoClip,
        TextClip,
        VideoFileClip,
        afx,
        concatenate_videoclips,
        vfx,
    )

    t0 = time.perf_counter()
    w, h = 1080, 1920
    parts = []
    for k, src in enumerate(clips):
        clip = VideoFileClip(str(src), audio=False).subclipped(0, CLIP_S)
        scale = max(w / clip.w, h / clip.h)
        clip = clip.resized(scale).cropped(x_center=clip.w * scale / 2, y_center=clip.h * scale / 2,
                                           width=w, height=h)
        part = work / f"mpt-part{k:02d}.mp4"
        clip.write_videofile(str(part), codec="libx264", fps=30, logger=None)  # MPT: default preset
        clip.close()
        parts.append(part)
    videos = [VideoFileClip(str(p), audio=False) for p in parts]
    videos = [v if i == 0 else v.with_effects([vfx.CrossFadeIn(XFADE_S)]) for i, v in enumerate(videos)]
    video = concatenate_videoclips(videos, method="compose", padding=-XFADE_S).subclipped(0, tl.duration_s)
    pages = [tl.words[i:i + 3] for i in range(0, len(tl.words), 3)]
    texts = [TextClip(font=str(CAPTION_FONT), text=" ".join(x.word.upper() for x in p), font_size=80,
                      color="white", stroke_color="black", stroke_width=6, method="caption", size=(860, None))
             .with_start(p[0].start).with_duration(p[-1].end - p[0].start).with_position(("center", 1250))
             for p in pages]
    final = CompositeVideoClip([video, *texts], size=(w, h))
    narration = AudioFileClip(str(voice))
    bgm = AudioFileClip(str(music)).subclipped(0, tl.duration_s).with_effects(
        [afx.MultiplyVolume(0.2), afx.AudioFadeOut(3)])
    mixed = work / "mpt-audio.m4a"
    CompositeAudioClip([narration, bgm]).with_duration(tl.duration_s).write_audiofile(
        str(mixed), fps=48000, codec="aac", bitrate="192k", logger=None,
        ffmpeg_params=["-af", "loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000"])
    final.write_videofile(str(work / "moviepy-1080x1920.mp4"), codec="libx264", fps=30, audio=str(mixed),
                          audio_codec="aac", audio_bitrate="192k", threads=2, logger=None)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=1.0)
    ap.add_argument("--skip-moviepy", action="store_true")
    ap.add_argument("--work", type=Path, default=Path("/tmp/reelforge-bench"))
    args = ap.parse_args()
    settings = get_settings()
    clips, voice, music, duration = make_inputs(args.work, args.minutes)
    tl = timeline_for(clips, voice, music, duration)
    out = args.work / "out"

    t0 = time.perf_counter()
    [made] = assemble(tl, ["9:16"], out, "bench", settings=settings)
    reelforge_s = time.perf_counter() - t0
    peak = made.render_peak_mb
    t0 = time.perf_counter()
    qc = run_qc(made.path, expected_duration=duration, width=1080, height=1920, words=tl.words)
    qc_s = time.perf_counter() - t0
    print(f"reelforge: {reelforge_s:.1f}s, ffmpeg peak RSS {peak:.0f} MB; {qc.summary()} ({qc_s:.1f}s)",
          file=sys.stderr)

    floor_s, _ = run_with_progress(["-i", made.path, "-c:v", "libx264", "-preset", settings.x264_preset,
                                    "-crf", str(settings.crf), "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k",
                                    str(out / "floor.mp4")], duration, what="floor re-encode")
    print(f"floor: {floor_s:.1f}s", file=sys.stderr)
    moviepy_s = None
    if not args.skip_moviepy:
        moviepy_s = run_moviepy(clips, voice, music, tl, args.work)
        print(f"moviepy (MPT shape): {moviepy_s:.1f}s", file=sys.stderr)
    print(json.dumps({
        "minutes": args.minutes, "preset": settings.x264_preset, "crf": settings.crf, "aspect": "9:16",
        "reelforge_s": round(reelforge_s, 2), "floor_s": round(floor_s, 2),
        "moviepy_s": round(moviepy_s, 2) if moviepy_s else None,
        "reelforge_peak_rss_mb": round(peak), "vs_floor": round(reelforge_s / floor_s, 3),
        "moviepy_over_reelforge": round(moviepy_s / reelforge_s, 2) if moviepy_s else None,
        "qc_passed": qc.passed, "qc_s": round(qc_s, 2),
    }))


if __name__ == "__main__":
    main()
