"""Hand-off files for human editors: an OpenTimelineIO timeline, a thumbnail and a contact sheet."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
from PIL import Image, ImageDraw, ImageFont

from reelforge.tools.assets import CAPTION_FONT
from reelforge.tools.media import probe
from reelforge.tools.production import Storyboard, Timeline


def _rt(seconds: float, fps: int) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(round(seconds * fps), fps)


def _range(start: float, duration: float, fps: int) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_rt(start, fps), _rt(duration, fps))


def _media_ref(path: str, fps: int) -> otio.schema.ExternalReference:
    ref = otio.schema.ExternalReference(target_url=Path(path).resolve().as_uri())
    try:
        length = probe(path).duration_s
        if length > 0:
            ref.available_range = _range(0.0, length, fps)
    except Exception:  # noqa: BLE001 - a still or an unreadable file simply has no available range
        pass
    return ref


def _track(name: str, kind: str, items: list[tuple[str, str, float, float, float]], fps: int) -> otio.schema.Track:
    """A track of ``(name, path, timeline_start, source_in, duration)`` items, with gaps between them."""
    track = otio.schema.Track(name=name, kind=kind)
    cursor = 0
    for clip_name, path, start, src_in, duration in sorted(items, key=lambda i: i[2]):
        start_f, dur_f = round(start * fps), round(duration * fps)
        if start_f > cursor:
            track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, fps), otio.opentime.RationalTime(start_f - cursor, fps))))
        elif start_f < cursor:  # overlaps (transitions) are cut at the overlap's midpoint
            dur_f -= cursor - start_f
            src_in += (cursor - start_f) / fps
            start_f = cursor
        if dur_f <= 0:
            continue
        track.append(otio.schema.Clip(name=clip_name, media_reference=_media_ref(path, fps),
                                      source_range=otio.opentime.TimeRange(_rt(src_in, fps),
                                                                           otio.opentime.RationalTime(dur_f, fps))))
        cursor = start_f + dur_f
    return track


def write_otio(timeline: Timeline, path: str | Path, *, name: str = "reelforge") -> Path:
    """Write an ``.otio`` file: a video track of the clips, audio tracks for narration and music."""
    fps = timeline.fps
    tl = otio.schema.Timeline(name=name, global_start_time=otio.opentime.RationalTime(0, fps))
    video = []
    for k, c in enumerate(timeline.clips):
        nxt = timeline.clips[k + 1] if k + 1 < len(timeline.clips) else None
        # each clip is shown until the middle of the transition into the next one
        end = c.start + c.duration - (nxt.transition_s / 2 if nxt else 0.0)
        start = c.start + c.transition_s / 2 if k else c.start
        video.append((c.shot_id, c.path, start, start - c.start, end - start))
    tl.tracks.append(_track("Video", otio.schema.TrackKind.Video, video, fps))
    narr = [(f"narration {i + 1}", n.path, n.start, 0.0, n.duration) for i, n in enumerate(timeline.narration)]
    narration = _track("Narration", otio.schema.TrackKind.Audio, narr, fps)
    for n in timeline.narration:  # each line as the writer wrote it, where it is spoken
        if n.text:
            narration.markers.append(otio.schema.Marker(
                name=n.text, marked_range=otio.opentime.TimeRange(_rt(n.start, fps), _rt(n.duration, fps)),
                metadata={"reelforge": {"spoken": n.spoken}}))
    tl.tracks.append(narration)
    if timeline.music is not None:
        m = timeline.music
        tl.tracks.append(_track("Music", otio.schema.TrackKind.Audio, [("music", m.path, m.start, 0.0, m.duration)],
                                fps))
    out = Path(path)
    otio.adapters.write_to_file(tl, str(out))
    return out


def grab_frame(path: str | Path, at_s: float) -> Image.Image:
    """The frame shown at ``at_s`` seconds of a video (or the image itself for a still), as RGB."""
    import av

    p = Path(path)
    if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp", ".bmp"}:
        return Image.open(p).convert("RGB")
    with av.open(str(p)) as c:
        stream = c.streams.video[0]
        c.seek(max(0, int(at_s / stream.time_base)) if stream.time_base else 0, stream=stream, backward=True)
        last = None
        for frame in c.decode(stream):
            last = frame
            if frame.time is not None and frame.time >= at_s - 1e-3:
                break
        if last is None:
            raise ValueError(f"{p}: no video frame at {at_s:.2f}s")
        return last.to_image().convert("RGB")


def write_thumbnail(video: str | Path, path: str | Path, *, at_s: float | None = None) -> Path:
    """A JPG/PNG thumbnail from the finished video (default: one third in)."""
    at = at_s if at_s is not None else probe(video).duration_s / 3
    img = grab_frame(video, at)
    out = Path(path)
    img.save(out, quality=90) if out.suffix.lower() in (".jpg", ".jpeg") else img.save(out)
    return out


def write_contact_sheet(timeline: Timeline, path: str | Path, *, cols: int = 4, cell_w: int = 320) -> Path:
    """A PNG grid with one labelled frame per shot (taken from the middle of each source clip)."""
    frames = []
    for c in timeline.clips:
        try:
            mid = min(c.duration, probe(c.path).duration_s or c.duration) / 2
        except Exception:  # noqa: BLE001 - stills have no duration
            mid = 0.0
        frames.append((c.shot_id, grab_frame(c.path, mid)))
    cell_h = round(cell_w * 9 / 16)
    label_h = 28
    cols = max(1, min(cols, len(frames)))
    rows = (len(frames) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * cell_w, rows * (cell_h + label_h)), (24, 24, 24))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(CAPTION_FONT), 16)
    for i, (shot_id, img) in enumerate(frames):
        img.thumbnail((cell_w, cell_h))
        x, y = (i % cols) * cell_w, (i // cols) * (cell_h + label_h)
        sheet.paste(img, (x + (cell_w - img.width) // 2, y + (cell_h - img.height) // 2))
        draw.text((x + 6, y + cell_h + 4), f"{i + 1}. {shot_id}"[:36], fill=(230, 230, 230), font=font)
    out = Path(path)
    sheet.save(out)
    return out


def write_handoff(timeline: Timeline, storyboard: Storyboard | None, out_dir: str | Path, slug: str) -> dict[str, str]:
    """Write ``<slug>.otio``, ``<slug>-contact.png`` and (when a rendered video exists) ``<slug>-thumb.jpg``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = (storyboard.title if storyboard and storyboard.title else slug)
    files = {"otio": str(write_otio(timeline, out / f"{slug}.otio", name=name)),
             "contact_sheet": str(write_contact_sheet(timeline, out / f"{slug}-contact.png"))}
    videos = sorted(out.glob(f"{slug}-*x*.mp4"))
    if videos:
        files["thumbnail"] = str(write_thumbnail(videos[0], out / f"{slug}-thumb.jpg"))
    return files
