"""OpenAI Sora videos API: multipart ``POST /videos``, poll ``GET /videos/{id}``, ``GET /videos/{id}/content``.

Contract: ../shared/research/providers.md §5 and the ``openai`` SDK (the wire oracle in tests).
The API was announced to shut down on 2026-09-24: the registry carries ``retire_date`` so the router
skips it; the adapter stays for compatible servers. Credential ``OPENAI_API_KEY``; base URL
``REELFORGE_SORA_BASE_URL`` only (``OPENAI_BASE_URL`` often points at a local chat model, so it is
ignored here). An Azure OpenAI base URL (``*.openai.azure.com``) switches auth to the ``api-key``
header with ``AZURE_OPENAI_API_KEY`` (falling back to ``OPENAI_API_KEY``). Registry params: ``sizes``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError
from reelforge.tools.clips.vendor_common import VendorProvider, dig, image_bytes, is_url, map_status, nearest_ratio
from reelforge.tools.settings import OPENAI_API_URL

STATUS = {"queued": JobStatus.QUEUED, "in_progress": JobStatus.RUNNING, "completed": JobStatus.SUCCEEDED,
          "failed": JobStatus.FAILED}
SIZES = ["1280x720", "720x1280"]
HIGH_SIZES = ["1792x1024", "1024x1792"]


class SoraProvider(VendorProvider):
    """OpenAI ``sora-2`` / ``sora-2-pro`` (and Azure OpenAI deployments of them)."""

    name = "sora"
    base_url = OPENAI_API_URL
    base_url_setting = "sora_base_url"
    poll_interval_s = 5.0
    max_prompt_chars = 10000  # no documented limit; a ceiling that catches runaway prompts
    default_durations = [4, 8, 12]
    max_image_bytes = 20 * 1024 * 1024

    @property
    def azure(self) -> bool:
        host = urlsplit(self.base_url).hostname or ""
        return host.endswith((".openai.azure.com", ".cognitiveservices.azure.com"))

    def headers(self) -> dict[str, str]:
        if self.azure:
            return {"api-key": self.require("AZURE_OPENAI_API_KEY", "OPENAI_API_KEY")}
        return {"Authorization": f"Bearer {self.require('OPENAI_API_KEY')}"}

    def size_for(self, req: ClipRequest) -> str:
        sizes = req.params.get("sizes") or (HIGH_SIZES if req.resolution == "1080p" else SIZES)
        return nearest_ratio(req.aspect, list(sizes))

    def form(self, req: ClipRequest) -> dict[str, tuple]:
        """The multipart fields, as the SDK sends them (every part a form field; the image a file part)."""
        parts: dict[str, tuple] = {
            "prompt": (None, req.prompt),
            "model": (None, self.model_for(req)),
            "seconds": (None, str(int(self.duration_for(req)))),
            "size": (None, self.size_for(req)),
        }
        if self.uses_image(req):
            assert req.image_path
            if is_url(req.image_path):
                parts["input_reference[image_url]"] = (None, req.image_path)
            else:
                data, mime = image_bytes(req.image_path, max_bytes=self.max_image_bytes, provider=self.name)
                parts["input_reference"] = (Path(req.image_path).name, data, mime)
        return parts

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        headers = {"Idempotency-Key": req.idempotency_key} if req.idempotency_key else {}
        video = await self.json("POST", "/videos", files=self.form(req), headers=headers)
        if not isinstance(video, dict) or not video.get("id"):
            raise ProviderError(self.name, "provider", "malformed response (no video id)")
        return self._apply(Job(id=str(video["id"]), provider=self.name), video)

    async def poll(self, job: Job) -> Job:
        resp = await self.request("GET", f"/videos/{job.id}")
        try:
            video = resp.json()
        except ValueError as exc:
            raise ProviderError(self.name, "provider", f"malformed response from GET /videos/{job.id}") from exc
        if after := resp.headers.get("openai-poll-after-ms"):
            job.data["poll_after_s"] = int(after) / 1000 if after.isdigit() else None
        return self._apply(job, video)

    def _apply(self, job: Job, video: object) -> Job:
        if not isinstance(video, dict):
            raise ProviderError(self.name, "provider", "malformed response (video is not an object)")
        status = map_status(self.name, video.get("status"), STATUS)
        if isinstance(video.get("progress"), (int, float)):
            job.progress = float(video["progress"]) / 100
        if status == JobStatus.FAILED:
            code, message = str(dig(video, "error", "code") or ""), str(dig(video, "error", "message") or "")
            return self.failed(job, message, code=code, refused=True if "moderation" in code else None)
        job.status = status
        if status == JobStatus.SUCCEEDED:
            job.result_url = self.url(f"/videos/{job.id}/content")
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        """The content endpoint needs the same credentials as the API."""
        if job.status != JobStatus.SUCCEEDED or not job.result_url:
            raise ProviderError(self.name, "invalid", f"job {job.id} has no result to download ({job.status})")
        return await self.fetch_file(job.result_url, dest, headers=self.headers())
