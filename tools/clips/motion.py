"""The offline motion-graphics renderer: a real clip for any shot, with no keys and no network.

A shot is drawn by :mod:`tools.clips.motion_frames` (an animated background or a camera move over a still,
with kinetic on-screen text), or laid out as a motion graphic by :mod:`tools.graphics.render`. Output is
deterministic: same inputs, same decoded frames (x264 runs with a fixed thread count).

:class:`MotionProvider` wraps :func:`render_motion` in the clip-provider protocol (name ``motion``,
free, always available): the runner's last fallback, so a video always completes.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reelforge.tools.clips.base import ClipProvider, ClipRequest, Job, JobStatus, ProviderError
from reelforge.tools.clips.motion_frames import check_render, render_plain
from reelforge.tools.graphics.render import render_graphic
from reelforge.tools.media import MediaError
from reelforge.tools.production import Graphic

if TYPE_CHECKING:
    from reelforge.tools.graphics.brand import BrandKit


# --- public API ----------------------------------------------------------------------------------------


def _as_graphic(graphic: Graphic | dict[str, Any] | None) -> Graphic | None:
    """A graphic from a model or its JSON form (``ValueError`` naming what is wrong)."""
    if graphic is None or isinstance(graphic, Graphic):
        return graphic
    return Graphic.model_validate(graphic)


def render_motion(prompt: str, seconds: float, width: int, height: int, fps: float, out: str | Path, *,
                  seed: int = 0, on_screen_text: str | None = None, image_path: str | Path | None = None,
                  graphic: Graphic | dict[str, Any] | None = None, brand: BrandKit | None = None) -> Path:
    """Render an H.264 MP4 (yuv420p, no audio) of exactly ``round(seconds * fps)`` frames for a visual prompt.

    Palette and pace follow mood, pace, colour and subject words in ``prompt``. A ``graphic`` (see
    ``tools.graphics``) is laid out for this frame size and animated over a calmer background, in the
    ``brand`` kit's colours and fonts; otherwise ``on_screen_text`` is shown as kinetic text. ``image_path``
    gets a slow camera move instead of the drawn background.
    Raises ``ValueError`` for bad input and :class:`~tools.media.MediaError` when ffmpeg fails.
    """
    check_render(seconds, width, height, fps, image_path)
    out = _output(out, ".mp4", "render_motion")
    chosen = _as_graphic(graphic)
    if chosen is not None:
        return render_graphic(chosen, prompt, seconds, width, height, fps, out, seed=seed, kit=brand,
                              image_path=image_path)
    return render_plain(prompt, round(seconds * fps), fps, width, height, out, seed, on_screen_text, image_path,
                   animate=True)


def _output(out: str | Path, suffix: str, what: str) -> Path:
    """``out`` as a path, refused unless it ends in ``suffix``."""
    path = Path(out)
    if path.suffix.lower() != suffix:
        raise ValueError(f"{what} writes a {suffix} file, got {path.name!r}")
    return path


def keyframe(prompt: str, width: int, height: int, out: str | Path, *, seed: int = 0,
             on_screen_text: str | None = None, image_path: str | Path | None = None,
             graphic: Graphic | dict[str, Any] | None = None, brand: BrandKit | None = None) -> Path:
    """A PNG still with the look of the shot's first frame (text fully shown), for the storyboard."""
    check_render(None, width, height, None, image_path)
    out = _output(out, ".png", "keyframe")
    chosen = _as_graphic(graphic)
    if chosen is not None:
        return render_graphic(chosen, prompt, 1.0, width, height, 30, out, seed=seed, kit=brand,
                              image_path=image_path)
    return render_plain(prompt, 1, 30, width, height, out, seed, on_screen_text, image_path, animate=False)


class MotionProvider(ClipProvider):
    """The offline renderer as a clip provider: free, always available, finishes on submit."""

    name = "motion"
    concurrency = 2
    poll_interval_s = 0.0
    max_prompt_chars = 20_000
    cost_per_second = 0.0

    def __init__(self, settings: Any | None = None, *, scratch_dir: str | Path | None = None) -> None:
        if scratch_dir is None and settings is not None:
            scratch_dir = Path(settings.store_dir) / "tmp"
        self.scratch_dir = Path(scratch_dir) if scratch_dir else None
        self.settings = settings

    @staticmethod
    def available(settings: Any | None = None) -> bool:
        """Always true: the renderer needs no credentials and no network."""
        return True

    def estimate_cost(self, req: ClipRequest) -> float:
        return 0.0

    def check_request(self, req: ClipRequest) -> None:
        super().check_request(req)
        try:
            check_render(req.seconds, req.width, req.height, req.fps, req.image_path)
        except ValueError as exc:
            raise ProviderError(self.name, "invalid", str(exc)) from exc

    def _scratch(self) -> Path:
        d = self.scratch_dir or Path(tempfile.gettempdir()) / "reelforge-motion"
        d.mkdir(parents=True, exist_ok=True)
        return d / f"{uuid.uuid4().hex}.mp4"

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        path = self._scratch()
        try:
            brand = None
            if req.params.get("graphic") is not None:
                from reelforge.tools.graphics import brand_from_settings

                brand = brand_from_settings(self.settings)
            await asyncio.to_thread(render_motion, req.prompt, req.seconds, req.width, req.height, req.fps, path,
                                    seed=req.seed, on_screen_text=req.params.get("on_screen_text"),
                                    image_path=req.image_path, graphic=req.params.get("graphic"), brand=brand)
        except ValueError as exc:
            path.unlink(missing_ok=True)
            raise ProviderError(self.name, "invalid", str(exc)) from exc
        except MediaError as exc:
            path.unlink(missing_ok=True)
            raise ProviderError(self.name, "provider", str(exc)) from exc
        return Job(id=path.stem, provider=self.name, status=JobStatus.SUCCEEDED, progress=1.0,
                   message="rendered offline", data={"path": str(path)})

    async def poll(self, job: Job) -> Job:
        path = job.data.get("path")
        if job.status is JobStatus.SUCCEEDED and not (path and Path(path).is_file()):
            job.status, job.message = JobStatus.FAILED, "rendered file is gone"
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        src = job.data.get("path")
        if job.status is not JobStatus.SUCCEEDED or not src or not Path(src).is_file():
            raise ProviderError(self.name, "expired", f"job {job.id} has no rendered file to download")
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(shutil.move, src, dest)
        return dest
