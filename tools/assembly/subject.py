"""Where the subject is in a clip, so that a change of aspect ratio crops around it instead of the centre.

A few frames (start, middle, end) are decoded small; faces are found with OpenCV's bundled Haar cascade
(frontal and profile); without faces, the most salient region (spectral residual saliency, computed with
numpy) stands in. The result is one box in normalised coordinates covering the subject over the whole clip.
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from reelforge.tools.production import Timeline, TimelineClip

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in 0..1
SAMPLE_WIDTH = 320
SAMPLES = 3
SALIENT_SHARE = 0.5  # the salient box holds this share of the saliency mass


_PER_THREAD = threading.local()  # a classifier is not shared between threads: each worker loads its own


def _cascades() -> list:
    cached = getattr(_PER_THREAD, "cascades", None)
    if cached is not None:
        return cached
    import cv2

    names = ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml")
    out = []
    for name in names:
        c = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / name))
        if not c.empty():
            out.append(c)
    _PER_THREAD.cascades = out
    return out


def _frames(path: str, is_image: bool) -> list[np.ndarray]:
    """Up to ``SAMPLES`` greyscale frames, ``SAMPLE_WIDTH`` wide."""
    import av
    from PIL import Image

    if is_image:
        with Image.open(path) as im:
            grey = im.convert("L")
            k = SAMPLE_WIDTH / max(1, grey.width)
            return [np.asarray(grey.resize((SAMPLE_WIDTH, max(1, round(grey.height * k)))))]
    out: list[np.ndarray] = []
    with av.open(path) as container:
        stream = container.streams.video[0]
        seconds = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else 0.0
        for at in (0.0, seconds / 2, max(0.0, seconds - 0.1))[:SAMPLES] if seconds else (0.0,):
            # seek to the key frame before each sample point: a few frames decoded, not the whole clip
            if at and stream.time_base:
                container.seek(int(at / stream.time_base), stream=stream, backward=True)
            frame = next(container.decode(stream), None)
            if frame is None:
                break
            k = SAMPLE_WIDTH / max(1, frame.width)
            out.append(frame.to_ndarray(format="gray", width=SAMPLE_WIDTH, height=max(2, round(frame.height * k))))
    return out


def faces(grey: np.ndarray) -> list[Box]:
    """Face boxes in normalised coordinates."""
    h, w = grey.shape
    found: list[Box] = []
    for cascade in _cascades():
        for x, y, fw, fh in cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5,
                                                    minSize=(max(12, w // 20), max(12, w // 20))):
            found.append((x / w, y / h, (x + fw) / w, (y + fh) / h))
    return found


def salient(grey: np.ndarray) -> Box:
    """The region holding most of the spectral-residual saliency (Hou & Zhang 2007)."""
    small = grey.astype(np.float32)
    spectrum = np.fft.fft2(small)
    log_amp = np.log1p(np.abs(spectrum))
    k = np.ones((3, 3), np.float32) / 9
    pad = np.pad(log_amp, 1, mode="edge")
    mean = sum(pad[i:i + log_amp.shape[0], j:j + log_amp.shape[1]] * k[i, j] for i in range(3) for j in range(3))
    sal = np.abs(np.fft.ifft2(np.exp(log_amp - mean + 1j * np.angle(spectrum)))) ** 2
    sal /= sal.sum() or 1.0
    h, w = sal.shape
    cols, rows = sal.sum(axis=0).cumsum(), sal.sum(axis=1).cumsum()
    lo, hi = (1 - SALIENT_SHARE) / 2, 1 - (1 - SALIENT_SHARE) / 2
    x0, x1 = np.searchsorted(cols, lo) / w, (np.searchsorted(cols, hi) + 1) / w
    y0, y1 = np.searchsorted(rows, lo) / h, (np.searchsorted(rows, hi) + 1) / h
    return float(x0), float(y0), float(min(1.0, x1)), float(min(1.0, y1))


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def find_subject(path: str, *, is_image: bool = False) -> tuple[Box, str] | None:
    """(box, "faces" | "salient") for the clip's subject over its sampled frames, or None when unreadable."""
    try:
        frames = _frames(path, is_image)
    except Exception:  # noqa: BLE001 - an unreadable clip keeps the centre crop; assembly reports real errors
        return None
    if not frames:
        return None
    found = [b for f in frames for b in faces(f)]
    if found:
        x0, y0, x1, y1 = _union(found)
        # keep some room above the head and below the chin
        pad = (y1 - y0) * 0.35
        return (x0, max(0.0, y0 - pad), x1, min(1.0, y1 + pad)), "faces"
    return _union([salient(f) for f in frames]), "salient"


def with_subjects(timeline: Timeline, aspects: list[str]) -> Timeline:
    """The timeline with each clip's subject box where some output format must crop it (clips looked at in
    parallel: decoding and detection release the GIL)."""
    from reelforge.tools.assembly.formats import format_size
    from reelforge.tools.media import MediaError, probe

    sizes = [format_size(a) for a in aspects]

    def focused(c: TimelineClip) -> TimelineClip:
        try:
            info = probe(c.path)
        except MediaError:
            return c
        needs_crop = any(not math.isclose(info.width / max(1, info.height), w / h, rel_tol=0.02) for w, h in sizes
                         if aspect_of(w, h) not in c.variants)
        hit = find_subject(c.path, is_image=c.is_image) if needs_crop and info.width and info.height else None
        return c.model_copy(update={"focus": list(hit[0])}) if hit else c

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        clips = list(pool.map(focused, timeline.clips))
    return timeline.model_copy(update={"clips": clips})


def aspect_of(width: int, height: int) -> str:
    from reelforge.tools.production import FORMATS

    return next((a for a, size in FORMATS.items() if size == (width, height)), f"{width}x{height}")
