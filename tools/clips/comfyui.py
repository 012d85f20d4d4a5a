"""ComfyUI adapter for self-hosted Wan / LTX-Video: fill an API-format workflow, queue it, read history.

``POST /prompt`` with the workflow (``{"prompt": {...}, "client_id", "prompt_id"}``); ``GET /history/{id}``
is ``{}`` until the run ends; outputs sit under ``images`` (core SaveVideo, ``animated``) or ``gifs``
(VideoHelperSuite); files come from ``GET /view?filename=&subfolder=&type=``. Start frames go through
``POST /upload/image``. Templates live in ``tools/clips/workflows/<name>.json`` with ``"{{placeholder}}"``
strings (prompt, negative_prompt, seed, width, height, frames, fps, filename_prefix, image) and a
``_reelforge`` block (fps, frame_step, size_multiple, long_side) that is stripped before sending.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from reelforge.tools.clips.base import ClipRequest, HttpProvider, Job, JobStatus, ProviderError, RetryPolicy
from reelforge.tools.production import FORMATS
from reelforge.tools.settings import Settings

WORKFLOW_DIR = Path(__file__).with_name("workflows")


def load_workflow(name: str) -> dict[str, Any]:
    """The API-format workflow template ``name`` (a file stem in tools/clips/workflows)."""
    path = WORKFLOW_DIR / f"{name}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in WORKFLOW_DIR.glob("*.json")))
        raise ProviderError("comfyui", "invalid", f"no workflow template {name!r}; known: {known}")
    return json.loads(path.read_text())


def frame_plan(seconds: float, aspect: str, meta: dict[str, Any]) -> dict[str, int]:
    """Frames (``step*n + 1``), fps and a size the model accepts for ``aspect``."""
    fps = int(meta.get("fps", 24))
    step = int(meta.get("frame_step", 8))
    mult = int(meta.get("size_multiple", 32))
    long_side = int(meta.get("long_side", 768))
    frames = step * max(1, math.ceil(seconds * fps / step)) + 1
    w, h = FORMATS.get(aspect, (1920, 1080))
    scale = long_side / max(w, h)
    return {"fps": fps, "frames": frames,
            "width": max(mult, round(w * scale / mult) * mult), "height": max(mult, round(h * scale / mult) * mult)}


def fill(template: Any, values: dict[str, Any]) -> Any:
    """Replace ``"{{name}}"`` strings (whole value → typed value; inside text → str) throughout ``template``."""
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items() if k != "_reelforge"}
    if isinstance(template, list):
        return [fill(v, values) for v in template]
    if isinstance(template, str) and "{{" in template:
        for name, val in values.items():
            if template == f"{{{{{name}}}}}":
                return val
        for name, val in values.items():
            template = template.replace(f"{{{{{name}}}}}", str(val))
    return template


class ComfyUIProvider(HttpProvider):
    """A self-hosted ComfyUI server (``REELFORGE_COMFYUI_URL``) running a Wan or LTX-Video workflow."""

    name = "comfyui"
    concurrency = 1
    poll_interval_s = 2.0
    max_prompt_chars = 4000

    def __init__(self, *, settings: Settings | None = None, base_url: str | None = None,
                 retry: RetryPolicy | None = None, **kwargs: Any) -> None:
        url = base_url or os.environ.get("REELFORGE_COMFYUI_URL") or (settings.secret("REELFORGE_COMFYUI_URL")
                                                                       if settings else None)
        if not url:
            raise ProviderError(self.name, "auth", "REELFORGE_COMFYUI_URL is not set")
        super().__init__(base_url=url, retry=retry, **kwargs)
        self.client_id = uuid.uuid4().hex

    async def _upload(self, image_path: str) -> str:
        p = Path(image_path)
        if not p.is_file():
            raise ProviderError(self.name, "invalid", f"start image {p.name!r} does not exist")
        files = {"image": (p.name, p.read_bytes(), "application/octet-stream")}
        body = await self.json("POST", "/upload/image", files=files, data={"type": "input", "overwrite": "true"})
        if not isinstance(body, dict) or not body.get("name"):
            raise ProviderError(self.name, "provider", "upload answer has no name")
        return f"{body['subfolder']}/{body['name']}" if body.get("subfolder") else str(body["name"])

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        template = load_workflow(req.gateway_model or "ltxv_t2v")
        plan = frame_plan(req.seconds, req.aspect, template.get("_reelforge", {}))
        values: dict[str, Any] = {**plan, "prompt": req.prompt, "negative_prompt": req.negative_prompt or "",
                                  "seed": int(req.seed), "filename_prefix": f"reelforge/{req.shot_id}"}
        if "{{image}}" in json.dumps(template):
            if not req.image_path:
                raise ProviderError(self.name, "invalid", "this workflow needs a start image")
            values["image"] = await self._upload(req.image_path)
        prompt_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"reelforge:{req.idempotency_key}") if req.idempotency_key
                        else uuid.uuid4())
        payload = {"prompt": fill(template, values), "client_id": self.client_id, "prompt_id": prompt_id}
        body = await self.json("POST", "/prompt", json=payload)
        if not isinstance(body, dict) or not body.get("prompt_id"):
            raise ProviderError(self.name, "provider", "queue answer has no prompt_id")
        if body.get("node_errors"):
            raise ProviderError(self.name, "invalid", f"workflow rejected: {json.dumps(body['node_errors'])[:300]}")
        return Job(str(body["prompt_id"]), self.name, JobStatus.QUEUED)

    async def poll(self, job: Job) -> Job:
        body = await self.json("GET", f"/history/{job.id}")
        entry = body.get(job.id) if isinstance(body, dict) else None
        if not entry:
            job.status = await self._queue_state(job.id)
            return job
        status = entry.get("status") or {}
        if status.get("status_str") == "error":
            job.status, job.message = JobStatus.FAILED, _error_message(status)
            return job
        if not status.get("completed", True):
            job.status = JobStatus.RUNNING
            return job
        found = _find_video(entry.get("outputs") or {})
        if not found:
            job.status, job.message = JobStatus.FAILED, "workflow finished without a video output"
            return job
        job.status = JobStatus.SUCCEEDED
        job.result_url = self.url("/view?" + urlencode(found))
        return job

    async def _queue_state(self, prompt_id: str) -> JobStatus:
        try:
            q = await self.json("GET", "/queue", retry=False)
        except ProviderError:
            return JobStatus.RUNNING
        pending = {str(item[1]) for item in q.get("queue_pending", []) if isinstance(item, list) and len(item) > 1}
        return JobStatus.QUEUED if prompt_id in pending else JobStatus.RUNNING

    async def download(self, job: Job, dest: Path) -> Path:
        if not job.result_url:
            raise ProviderError(self.name, "provider", "job has no result URL")
        return await self.fetch_file(job.result_url, dest)


def _find_video(outputs: dict[str, Any]) -> dict[str, str] | None:
    """The first video file among every output node's ``images`` (animated) or ``gifs``."""
    for node_id in sorted(outputs, key=str):
        out = outputs[node_id] or {}
        candidates = list(out.get("gifs") or [])
        if out.get("animated") and any(out["animated"]):
            candidates += list(out.get("images") or [])
        candidates += [i for i in out.get("images") or [] if str(i.get("filename", "")).endswith((".mp4", ".webm"))]
        for item in candidates:
            if isinstance(item, dict) and item.get("filename"):
                return {"filename": str(item["filename"]), "subfolder": str(item.get("subfolder", "")),
                        "type": str(item.get("type", "output"))}
    return None


def _error_message(status: dict[str, Any]) -> str:
    for event, data in status.get("messages") or []:
        if event == "execution_error" and isinstance(data, dict):
            return f"{data.get('node_type', 'node')}: {data.get('exception_message', 'error')}"[:300]
    return "workflow failed"
