"""LTX-2 on the LTX API (Lightricks): text-to-video, image-to-video and extend, answered with the MP4 itself.

Contract (docs.ltx.video quick start and API changelog, 2026): ``POST /v1/text-to-video`` and
``POST /v1/image-to-video`` (``image_uri``) with ``Authorization: Bearer <LTXV_API_KEY>`` and a JSON body
``{"prompt", "model" ("ltx-2-pro" | "ltx-2-fast"), "duration", "resolution" ("1920x1080")}``; the answer is
the generated MP4 (``Content-Type: video/mp4``, ``x-request-id``), with no polling. ``POST /v1/extend``
(2026-02-18) takes ``{"video_uri", "prompt", "duration", "mode": "end"}`` and answers with the longer clip.
UNVERIFIED: that ``video_uri`` / ``image_uri`` accept ``data:`` URIs for local files, and the error body
shape (read as ``{"error": {"message"}}`` or ``{"message"}``). Base URL ``REELFORGE_LTX_BASE_URL``.

The answer is streamed to a scratch file next to nowhere else: ``download`` moves it into place, so a
synchronous job is never paid for twice by a second download.
"""

from __future__ import annotations

import asyncio
import base64
import mimetypes
import shutil
import tempfile
from pathlib import Path

import httpx

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError, default_error
from reelforge.tools.clips.vendor_common import VendorProvider, dig, image_data_url, nearest_ratio

RESOLUTIONS = {"16:9": "1920x1080", "9:16": "1080x1920"}
MAX_EXTEND_INPUT_BYTES = 100 * 1024 * 1024


class LtxProvider(VendorProvider):
    """LTX-2 Pro / Fast; synchronous generation, extension at the end of a clip."""

    name = "ltx"
    base_url = "https://api.ltx.video"
    key_names = ("LTXV_API_KEY",)
    poll_interval_s = 0.0
    max_prompt_chars = 5000  # UNVERIFIED ceiling
    default_durations = [6, 8, 10]
    supports_extend = True

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("timeout_s", 900.0)  # the request stays open while the video renders
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def map_error(self, resp: httpx.Response) -> ProviderError:
        try:
            body = resp.json()
        except ValueError:
            body = None
        text = dig(body, "error", "message") or dig(body, "message") or dig(body, "detail")
        err = default_error(self.name, resp, str(text) if text else None)
        if resp.status_code in (400, 422) and "moderat" in err.message.lower():
            err.kind = "refused"
        return err

    def build_body(self, req: ClipRequest) -> tuple[str, dict]:
        body: dict = {"prompt": req.prompt, "model": self.model_for(req), "duration": int(self.duration_for(req)),
                      "resolution": RESOLUTIONS[nearest_ratio(req.aspect, list(RESOLUTIONS))]}
        if self.uses_image(req):
            assert req.image_path
            body["image_uri"] = image_data_url(req.image_path, max_bytes=self.max_image_bytes, provider=self.name)
            return "/v1/image-to-video", body
        return "/v1/text-to-video", body

    async def _render(self, path: str, body: dict) -> Job:
        """POST and keep the MP4 it answers with in a scratch file; the job is done when this returns.

        Only answers that say the request was not taken (429, 5xx) are retried: after a timeout or a dropped
        connection the render may already be paid for, and there is no job to look up, so it is not resent.
        """
        for attempt in range(self.retry.attempts):
            try:
                resp = await self.request("POST", path, json=body, retry=False)
                break
            except ProviderError as exc:
                if exc.status_code is None or not exc.retryable or attempt == self.retry.attempts - 1:
                    raise
                await asyncio.sleep(self.retry.delay(attempt, exc.retry_after))
        if not resp.headers.get("content-type", "").startswith("video/") or not resp.content:
            raise ProviderError(self.name, "provider", f"expected an MP4 from {path}, got "
                                f"{resp.headers.get('content-type') or 'nothing'}")
        fd, scratch = tempfile.mkstemp(prefix="reelforge-ltx-", suffix=".mp4")
        with open(fd, "wb") as fh:
            fh.write(resp.content)
        job_id = resp.headers.get("x-request-id") or Path(scratch).stem
        return Job(id=job_id, provider=self.name, status=JobStatus.SUCCEEDED, data={"path": scratch})

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        path, body = self.build_body(req)
        return await self._render(path, body)

    async def poll(self, job: Job) -> Job:
        return job  # answered synchronously: a job is finished when submit returns

    async def extend(self, job: Job, req: ClipRequest, seconds: float) -> Job:
        """Add ``seconds`` (2-20) at the end of the clip ``job`` made, guided by the shot's prompt."""
        source = job.data.get("path")
        if job.status != JobStatus.SUCCEEDED or not source or not Path(source).is_file():
            raise ProviderError(self.name, "invalid", f"job {job.id} has no clip to extend")
        data = Path(source).read_bytes()
        if len(data) > MAX_EXTEND_INPUT_BYTES:
            raise ProviderError(self.name, "invalid", "the clip is too large to extend here")
        mime = mimetypes.guess_type(source)[0] or "video/mp4"
        body = {"video_uri": f"data:{mime};base64,{base64.b64encode(data).decode()}", "prompt": req.prompt,
                "duration": int(round(min(20.0, max(2.0, seconds)))), "mode": "end", "model": self.model_for(req)}
        extended = await self._render("/v1/extend", body)
        Path(source).unlink(missing_ok=True)  # the longer clip replaces the shorter one
        return extended

    async def download(self, job: Job, dest: Path) -> Path:
        source = job.data.get("path")
        if job.status != JobStatus.SUCCEEDED or not source or not Path(source).is_file():
            raise ProviderError(self.name, "invalid", f"job {job.id} has no result to download ({job.status})")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, dest)
        return dest
