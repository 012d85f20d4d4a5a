"""Turn a downloaded stock file into a shot: trim/loop/crop a clip, or a Ken Burns move over a still."""

from __future__ import annotations

from pathlib import Path

from reelforge.tools.media import probe, run_ffmpeg


def _even(n: int) -> int:
    return max(2, n - n % 2)


def fit_clip(src: str | Path, seconds: float, width: int, height: int, fps: int, out: str | Path) -> Path:
    """Cover-crop ``src`` to ``width``x``height``, trim (or loop) it to ``seconds``, drop its audio."""
    if seconds <= 0:
        raise ValueError(f"shot length must be positive, got {seconds}")
    w, h = _even(width), _even(height)
    dur = probe(src).duration_s
    offset = min(1.0, max(0.0, (dur - seconds) / 2)) if dur > seconds else 0.0
    loop = ["-stream_loop", "-1"] if dur and dur < seconds else []
    vf = (f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},"
          f"fps={fps},setsar=1,format=yuv420p")
    run_ffmpeg([*loop, "-ss", f"{offset:.3f}", "-i", str(src), "-t", f"{seconds:.3f}", "-vf", vf, "-an",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-movflags", "+faststart", str(out)],
               what=f"fitting stock clip {Path(src).name}")
    return Path(out)


def still_clip(image: str | Path, seconds: float, width: int, height: int, fps: int, out: str | Path,
               *, prompt: str = "", seed: int = 0) -> Path:
    """A slow Ken Burns push over a still, through the offline renderer when it is available."""
    try:
        from reelforge.tools.clips.motion import render_motion
    except ImportError:  # the motion renderer is optional for this module; ffmpeg alone suffices
        return _zoompan(image, seconds, width, height, fps, out)
    return Path(render_motion(prompt, seconds, width, height, fps, Path(out), seed=seed, image_path=str(image)))


def _zoompan(image: str | Path, seconds: float, width: int, height: int, fps: int, out: str | Path) -> Path:
    w, h = _even(width), _even(height)
    frames = max(1, round(seconds * fps))
    vf = (f"scale={2 * w}:{2 * h}:force_original_aspect_ratio=increase,crop={2 * w}:{2 * h},"
          f"zoompan=z='1+0.12*on/{frames}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d={frames}:s={w}x{h}:fps={fps},"
          "setsar=1,format=yuv420p")
    run_ffmpeg(["-i", str(image), "-vf", vf, "-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast",
                "-crf", "20", "-movflags", "+faststart", str(out)], what=f"Ken Burns over {Path(image).name}")
    return Path(out)
