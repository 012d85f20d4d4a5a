"""Wan 2.6 / 2.7 on Alibaba Cloud Model Studio (the DashScope API): create an async task, poll it, download.

Contract (Model Studio video-synthesis reference, 2026-12): ``POST /api/v1/services/aigc/video-generation/
video-synthesis`` with ``Authorization: Bearer <DASHSCOPE_API_KEY>`` and ``X-DashScope-Async: enable``;
body ``{"model", "input": {"prompt", "negative_prompt"?, "img_url"?}, "parameters": {"size" (t2v, "1280*720")
| "resolution" (i2v, "720P"), "duration", "prompt_extend", "audio", "seed"?}}``; the answer is
``{"output": {"task_id", "task_status"}, "request_id"}``. ``GET /api/v1/tasks/{task_id}`` walks
PENDING → RUNNING → SUCCEEDED (``output.video_url``, valid 24 h) | FAILED | CANCELED | UNKNOWN (expired id).
Errors are ``{"code", "message", "request_id"}``; ``DataInspectionFailed`` is a content refusal.
Base URL ``REELFORGE_WAN_BASE_URL`` (international accounts: ``https://dashscope-intl.aliyuncs.com``).
"""

from __future__ import annotations

import httpx

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError, default_error
from reelforge.tools.clips.vendor_common import VendorProvider, dig, image_data_url, map_status, nearest_ratio

STATUS = {"PENDING": JobStatus.QUEUED, "RUNNING": JobStatus.RUNNING, "SUCCEEDED": JobStatus.SUCCEEDED,
          "FAILED": JobStatus.FAILED, "CANCELED": JobStatus.CANCELLED, "UNKNOWN": JobStatus.FAILED}
#: Output sizes at 720P and 1080P per aspect ratio (width*height, as the API spells them).
SIZES = {"720P": {"16:9": "1280*720", "9:16": "720*1280", "1:1": "960*960"},
         "1080P": {"16:9": "1920*1080", "9:16": "1080*1920", "1:1": "1440*1440"}}
REFUSAL_CODES = {"DataInspectionFailed", "data_inspection_failed", "IPInfringementSuspect"}
CODE_KINDS = {"InvalidApiKey": "auth", "Throttling": "rate_limit", "Throttling.RateQuota": "rate_limit",
              "Throttling.AllocationQuota": "quota", "Arrearage": "quota", "InvalidParameter": "invalid"}
CREATE_PATH = "/api/v1/services/aigc/video-generation/video-synthesis"


class WanProvider(VendorProvider):
    """Wan text-to-video and image-to-video (first frame) with audio generated in the same pass."""

    name = "wan"
    base_url = "https://dashscope.aliyuncs.com"
    key_names = ("DASHSCOPE_API_KEY",)
    poll_interval_s = 10.0
    max_prompt_chars = 1500  # the i2v models' limit; t2v accepts more
    default_durations = [5, 10, 15]
    max_image_bytes = 10 * 1024 * 1024

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "X-DashScope-Async": "enable"}

    def map_error(self, resp: httpx.Response) -> ProviderError:
        try:
            body = resp.json()
        except ValueError:
            body = None
        code, message = str(dig(body, "code") or ""), str(dig(body, "message") or "")
        if code in REFUSAL_CODES:
            return ProviderError(self.name, "refused", f"refused by content moderation ({message or code})",
                                 status_code=resp.status_code)
        err = default_error(self.name, resp, f"{code}: {message}" if code else None)
        if code in CODE_KINDS and err.kind != "rate_limit":
            err.kind = CODE_KINDS[code]  # type: ignore[assignment]
        return err

    def build_body(self, req: ClipRequest) -> dict:
        resolution = str(req.params.get("resolution") or (req.resolution or "720p")).upper()
        resolution = resolution if resolution in SIZES else "720P"
        inputs: dict = {"prompt": req.prompt}
        if req.negative_prompt:
            inputs["negative_prompt"] = req.negative_prompt
        params: dict = {"duration": int(self.duration_for(req)), "audio": bool(req.audio),
                        "prompt_extend": bool(req.params.get("prompt_extend", True))}
        if self.uses_image(req):
            assert req.image_path
            inputs["img_url"] = image_data_url(req.image_path, max_bytes=self.max_image_bytes, provider=self.name)
            params["resolution"] = resolution  # image-to-video takes a resolution; the picture keeps its aspect
        else:
            params["size"] = SIZES[resolution][nearest_ratio(req.aspect, list(SIZES[resolution]))]
        if req.seed:
            params["seed"] = req.seed % 2147483647
        return {"model": self.model_for(req), "input": inputs, "parameters": params}

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        body = await self.json("POST", CREATE_PATH, json=self.build_body(req))
        task_id = dig(body, "output", "task_id")
        if not task_id:
            raise ProviderError(self.name, "provider", "malformed response (no output.task_id)")
        return Job(id=str(task_id), provider=self.name, status=JobStatus.QUEUED)

    async def poll(self, job: Job) -> Job:
        body = await self.json("GET", f"/api/v1/tasks/{job.id}")
        status = map_status(self.name, dig(body, "output", "task_status"), STATUS)
        if status in (JobStatus.FAILED, JobStatus.CANCELLED):
            code = str(dig(body, "output", "code") or "")
            message = str(dig(body, "output", "message") or ("the task id expired" if dig(body, "output", "task_status")
                                                              == "UNKNOWN" else "generation failed"))
            failed = self.failed(job, f"{code}: {message}" if code else message, refused=code in REFUSAL_CODES or None)
            if status == JobStatus.CANCELLED:
                failed.status = JobStatus.CANCELLED
            return failed
        return self.settle(job, status, dig(body, "output", "video_url"), "output.video_url")
