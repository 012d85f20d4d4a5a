"""Storyboard + produced assets → a format-independent :class:`Timeline` on a frame grid."""

from __future__ import annotations

from dataclasses import dataclass

from reelforge.tools.media import is_image
from reelforge.tools.production import (
    Asset,
    AudioPlacement,
    Brief,
    Narration,
    Shot,
    Storyboard,
    Timeline,
    TimelineClip,
    WordTiming,
)

MAX_SPEED_CHANGE = 0.10  # a clip may be slowed by up to 10 % instead of holding its last frame
SCENE_GAP_S = 0.35  # silence between two scenes' narration (half before, half after)
MIN_SCENE_GAP_S = 0.1  # the shortest pause pacing to a target may leave
MAX_EXTRA_PAUSE_S = 4.0  # the most pacing to a target may add to one scene's pause
TRANSITION_S = 0.4
MIN_SHOT_S = 0.5


@dataclass(frozen=True)
class Fit:
    """How a source clip fills its slot: read ``read_s`` seconds, stretch PTS by ``speed``, hold ``hold_s``."""

    read_s: float
    speed: float = 1.0
    hold_s: float = 0.0


def fit_clip(source_s: float, needed_s: float, *, max_speed_change: float = MAX_SPEED_CHANGE) -> Fit:
    """Trim a long clip, slow a slightly short one (≤ ``max_speed_change``), else hold its last frame."""
    if needed_s <= 0:
        raise ValueError(f"a clip slot must be longer than 0 s (got {needed_s})")
    if source_s <= 0:  # a still or an unknown length: hold it for the whole slot
        return Fit(read_s=0.0, hold_s=needed_s)
    if source_s >= needed_s:
        return Fit(read_s=needed_s)
    if needed_s / source_s <= 1.0 + max_speed_change:
        return Fit(read_s=source_s, speed=needed_s / source_s)
    return Fit(read_s=source_s, hold_s=needed_s - source_s)


def _split_frames(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split ``total`` frames proportionally to ``weights`` (largest remainder), each at least ``minimum``."""
    wsum = sum(max(w, 1e-6) for w in weights)
    raw = [total * max(w, 1e-6) / wsum for w in weights]
    parts = [max(minimum, int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(parts) < total:
        parts[order[i % len(order)]] += 1
        i += 1
    while sum(parts) > total and max(parts) > minimum:
        parts[parts.index(max(parts))] -= 1
    return parts


def build_timeline(storyboard: Storyboard, clips: dict[str, Asset], narrations: list[Narration],
                   music: Asset | None, brief: Brief, *, fps: int = 30, keep_clip_audio: bool = False,
                   transition_s: float = TRANSITION_S, scene_gap_s: float = SCENE_GAP_S,
                   target_s: float | None = None) -> Timeline:
    """Place narration per scene back to back, share each scene's span among its shots, add transitions.

    ``narrations[i]`` belongs to ``storyboard.scenes[i]``; a scene without one lasts its planned seconds.
    With ``target_s`` the pauses between scenes are paced so the video lasts the target: a voice that
    speaks faster than planned gets longer pauses (at most ``MAX_EXTRA_PAUSE_S`` per scene), a slower
    one shorter ones (down to ``MIN_SCENE_GAP_S``); narration itself is never cut or sped up.
    Every time is a whole number of frames at ``fps`` so each output lasts exactly the plan.
    """
    if not storyboard.scenes:
        raise ValueError("the storyboard has no scenes")
    missing = [s.id for s in storyboard.shots if s.id not in clips]
    if missing:
        raise ValueError(f"no clip for shot(s) {', '.join(missing)}")
    min_frames = max(1, round(MIN_SHOT_S * fps))
    trans_frames = max(0, round(transition_s * fps))
    spoken = [narrations[i] if i < len(narrations) and narrations[i].duration_s > 0 else None
              for i in range(len(storyboard.scenes))]
    gaps = _paced_gaps(storyboard, spoken, fps, scene_gap_s, target_s)
    placements: list[AudioPlacement] = []
    words: list[WordTiming] = []
    bounds: list[tuple[str, int, int, str]] = []  # shot id, first frame, end frame, transition into it
    cursor = 0
    for scene, narr, gap in zip(storyboard.scenes, spoken, gaps, strict=True):
        if narr is not None:
            span = round(narr.duration_s * fps) + gap
            lead = (cursor + gap // 2) / fps
            placements.append(AudioPlacement(path=narr.asset.path, start=round(lead, 6),
                                              duration=narr.duration_s, text=narr.text, spoken=narr.spoken))
            words += [WordTiming(word=w.word, start=round(lead + w.start, 3), end=round(lead + w.end, 3))
                      for w in narr.words]
        else:
            span = round(max(scene.seconds, MIN_SHOT_S) * fps)
        span = max(span, min_frames * len(scene.shots))
        lengths = _split_frames(span, [s.seconds for s in scene.shots], min_frames)
        for j, (shot, length) in enumerate(zip(scene.shots, lengths, strict=True)):
            into = (scene.transition if j == 0 else "cut") if bounds else "cut"
            bounds.append((shot.id, cursor, cursor + length, into))
            cursor += length
    shots = {s.id: s for s in storyboard.shots}
    narrated = {s.id for scene, narr in zip(storyboard.scenes, spoken, strict=True) if narr is not None
                for s in scene.shots}
    out: list[TimelineClip] = []
    for k, (shot_id, a, b, into) in enumerate(bounds):
        d_in = _transition_frames(into, trans_frames, bounds, k)
        d_out = _transition_frames(bounds[k + 1][3], trans_frames, bounds, k + 1) if k + 1 < len(bounds) else 0
        start, end = a - d_in // 2, b + (d_out - d_out // 2)
        asset = clips[shot_id]
        sound = shot_sound(shots[shot_id], asset, narrated=shot_id in narrated, keep_clip_audio=keep_clip_audio)
        out.append(TimelineClip(
            shot_id=shot_id, path=asset.path, start=start / fps, duration=(end - start) / fps,
            is_image=asset.kind == "image" or is_image(asset.path), has_audio=asset.has_audio,
            use_audio=sound != "mute", sound=sound, transition=into if d_in else "cut", transition_s=d_in / fps,
            variants=dict(asset.variants)))
    total = cursor / fps
    music_at = AudioPlacement(path=music.path, start=0.0, duration=total) if music is not None else None
    return Timeline(duration_s=total, fps=fps, clips=out, narration=placements, music=music_at, words=words,
                    caption_preset=brief.caption_preset, captions=brief.captions)


def shot_sound(shot: Shot, asset: Asset, *, narrated: bool, keep_clip_audio: bool = False) -> str:
    """How a clip's own sound is mixed: the shot's choice, or for ``auto`` a generated clip's sound as ambience
    under narration and as the scene's sound where nobody speaks; stock and presenter clips stay mute
    (``keep_clip_audio`` keeps every clip's sound as ambience)."""
    if not asset.has_audio or asset.kind == "image":
        return "mute"
    if shot.sound != "auto":
        return shot.sound
    if keep_clip_audio:
        return "ambience"
    if shot.kind != "generated":
        return "mute"
    return "ambience" if narrated else "scene"


def _paced_gaps(storyboard: Storyboard, spoken: list[Narration | None], fps: int, scene_gap_s: float,
                target_s: float | None) -> list[int]:
    """Frames of pause per narrated scene (0 for silent ones) so the whole lasts ``target_s`` where it can."""
    narrated = [i for i, n in enumerate(spoken) if n is not None]
    gaps = [round(scene_gap_s * fps) if n is not None else 0 for n in spoken]
    if target_s is None or not narrated:
        return gaps
    natural = sum(round(n.duration_s * fps) for n in spoken if n is not None) + sum(gaps) + sum(
        round(max(s.seconds, MIN_SHOT_S) * fps) for s, n in zip(storyboard.scenes, spoken, strict=True) if n is None)
    diff = round(target_s * fps) - natural
    if diff > 0:
        room = [round(MAX_EXTRA_PAUSE_S * fps)] * len(narrated)
    else:
        room = [max(0, gaps[i] - round(MIN_SCENE_GAP_S * fps)) for i in narrated]
    change = _split_frames(min(abs(diff), sum(room)), [1.0] * len(narrated), 0) if sum(room) else []
    for k, i in enumerate(narrated):
        step = min(change[k], room[k]) if change else 0
        gaps[i] += step if diff > 0 else -step
    return gaps


def _transition_frames(kind: str, frames: int, bounds: list[tuple[str, int, int, str]], k: int) -> int:
    """Frames of the transition into clip ``k``: 0 for a cut, never more than half of either neighbour."""
    if k == 0 or kind == "cut":
        return 0
    prev_len = bounds[k - 1][2] - bounds[k - 1][1]
    this_len = bounds[k][2] - bounds[k][1]
    return max(0, min(frames, prev_len // 2, this_len // 2))
