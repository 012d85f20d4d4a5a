"""ByteDance Seedance on BytePlus ModelArk: ``POST /contents/generations/tasks``, poll ``.../tasks/{id}``.

Contract: ../shared/research/providers.md §6. Credential ``ARK_API_KEY``; base URL
``REELFORGE_SEEDANCE_BASE_URL`` (default ap-southeast; Volcengine China:
``https://ark.cn-beijing.volces.com/api/v3`` with ``doubao-`` model ids). Generation settings go as
in-prompt flags (``--rs 720p --dur 5 --rt 16:9``) for Seedance 1.0 models and as body fields for newer
ones; registry param ``settings_style = "text" | "body"`` overrides the choice (which styles each
model accepts is UNVERIFIED). Other params: ``durations``, ``resolution``, ``service_tier``.

Reference images (``ClipRequest.references``) are content items ``{"type": "image_url", "image_url": {"url"},
"role": "reference_image"}`` (Seedance 2.0: up to 9; research §6.2). Ark rejects first/last frames mixed with
reference media, so a request with a start frame sends the frame alone.
"""

from __future__ import annotations

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError
from reelforge.tools.clips.vendor_common import (
    VendorProvider,
    dig,
    image_data_url,
    looks_like_refusal,
    map_status,
    nearest_ratio,
)

STATUS = {"queued": JobStatus.QUEUED, "running": JobStatus.RUNNING, "succeeded": JobStatus.SUCCEEDED,
          "failed": JobStatus.FAILED, "cancelled": JobStatus.CANCELLED}
RATIOS = ["16:9", "4:3", "1:1", "3:4", "9:16", "21:9"]


def settings_style(model: str, params: dict) -> str:
    """``text`` (prompt flags) for Seedance 1.0 models, ``body`` (JSON fields) for 1.5 / 2.0."""
    style = params.get("settings_style") or ("text" if "seedance-1-0" in model else "body")
    if style not in ("text", "body"):
        raise ProviderError("seedance", "invalid", f"settings_style must be 'text' or 'body', not {style!r}")
    return str(style)


def is_refusal_code(code: str) -> bool:
    """Ark moderation codes look like ``InputTextSensitiveContentDetected`` (UNVERIFIED list)."""
    return "Sensitive" in code or "Risk" in code or looks_like_refusal(code)


class SeedanceProvider(VendorProvider):
    """Seedance 1.0 pro / pro-fast, 1.5 pro (audio) and 2.0 on ModelArk."""

    name = "seedance"
    base_url = "https://ark.ap-southeast.bytepluses.com/api/v3"
    base_url_setting = "seedance_base_url"
    poll_interval_s = 5.0
    max_prompt_chars = 2000  # UNVERIFIED; override with registry max_prompt_chars
    default_durations = [5, 10]
    supports_references = True

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.require('ARK_API_KEY')}"}

    def map_error(self, resp):
        err = super().map_error(resp)
        code = str(dig(_safe_json(resp), "error", "code") or "")
        if code and is_refusal_code(code):
            err.kind = "refused"
        if code:
            err.message = f"{err.message} [{code}]"
        return err

    def build_body(self, req: ClipRequest) -> dict:
        model = self.model_for(req)
        ratio = nearest_ratio(req.aspect, RATIOS)
        resolution = str(req.params.get("resolution") or req.resolution or "720p")
        duration = int(self.duration_for(req))
        text = req.prompt
        body: dict = {"model": model}
        if settings_style(model, req.params) == "text":
            flags = f"--rs {resolution} --dur {duration} --rt {ratio} --wm false"
            if req.seed:
                flags += f" --seed {req.seed}"
            text = f"{req.prompt} {flags}"
        else:
            body.update(ratio=ratio, resolution=resolution, duration=duration, watermark=False)
            if req.seed:
                body["seed"] = req.seed % 4294967296
            if req.audio:
                body["generate_audio"] = True
        content: list[dict] = [{"type": "text", "text": text}]
        if self.uses_image(req):
            assert req.image_path
            content.append(self.image_item(req.image_path, "first_frame"))
        elif self.takes_references(req):
            content += [self.image_item(path, "reference_image") for path in req.references]
        body["content"] = content
        if tier := req.params.get("service_tier"):
            body["service_tier"] = tier
        return body

    @classmethod
    def takes_references(cls, req: ClipRequest) -> bool:
        """Ark never mixes a first or last frame with reference media."""
        return not cls.uses_image(req)

    def image_item(self, path: str, role: str) -> dict:
        """One image content item: a URL, or a local file as a data URL, in ``role``."""
        what = "reference image" if role == "reference_image" else "start image"
        url = image_data_url(path, max_bytes=self.max_image_bytes, provider=self.name, what=what)
        return {"type": "image_url", "image_url": {"url": url}, "role": role}

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        return await self.create_task("/contents/generations/tasks", self.build_body(req))

    async def poll(self, job: Job) -> Job:
        task = await self.get_task(f"/contents/generations/tasks/{job.id}")
        status = map_status(self.name, task.get("status"), STATUS)
        if status == JobStatus.FAILED:
            code, message = str(dig(task, "error", "code") or ""), str(dig(task, "error", "message") or "")
            return self.failed(job, message, code=code, refused=True if code and is_refusal_code(code) else None)
        return self.settle(job, status, dig(task, "content", "video_url"), "content.video_url")


def _safe_json(resp) -> object:
    try:
        return resp.json()
    except ValueError:
        return None
