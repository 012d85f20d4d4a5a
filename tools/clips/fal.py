"""fal.ai queue API adapter: submit to queue.fal.run/{model}, poll the returned status_url, read response_url.

Auth is ``Authorization: Key <FAL_KEY>``. Status is ``IN_QUEUE`` / ``IN_PROGRESS`` (HTTP 202) or
``COMPLETED`` (200) — a COMPLETED status may carry ``error`` / ``error_type``, and the result itself may
be a 4xx model error (``detail``). Result JSON holds ``video.url``; results expire within the hour.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, KeyedProvider, ProviderError, default_error
from reelforge.tools.clips.gateway_input import build_input
from reelforge.tools.clips.vendor_common import looks_like_refusal

_STATUS = {"IN_QUEUE": JobStatus.QUEUED, "IN_PROGRESS": JobStatus.RUNNING}
#: fal's Platform API; ``GET /models/requests/by-endpoint`` lists an endpoint's requests with their inputs.
PLATFORM_URL = "https://api.fal.ai/v1"
LOOKUP_PAGES = 5


def _detail_item(d: Any) -> str:
    """One validation item as ``type field: msg`` (the field is the last ``loc`` part)."""
    if not isinstance(d, dict):
        return str(d)
    loc = d.get("loc") if isinstance(d.get("loc"), list) else []
    where = f" {loc[-1]}" if loc and loc[-1] != "body" else ""
    return f"{d.get('type', '')}{where}: {d.get('msg', '')}"


class FalProvider(KeyedProvider):
    """Any fal.ai-hosted video model (Kling, Hailuo, Veo, Seedance, Luma, Pika, Wan, LTX)."""

    name = "fal"
    base_url = "https://queue.fal.run"
    base_url_env = "REELFORGE_FAL_BASE_URL"
    key_names = ("FAL_KEY",)
    key_format = "Key {key}"
    poll_interval_s = 3.0

    @property
    def platform_url(self) -> str:
        """fal's Platform API base (``REELFORGE_FAL_API_URL`` overrides it, e.g. for a local fake)."""
        return (os.environ.get("REELFORGE_FAL_API_URL") or PLATFORM_URL).rstrip("/")

    def map_error(self, resp: httpx.Response) -> ProviderError:
        """fal model errors carry ``detail`` as text or a list of ``{type, msg}``; keep both words."""
        try:
            detail = resp.json().get("detail")
        except (ValueError, AttributeError):
            detail = None
        if isinstance(detail, list):
            detail = "; ".join(_detail_item(d) for d in detail)[:400]
        return default_error(self.name, resp, str(detail) if detail else None)

    async def submit(self, req: ClipRequest) -> Job:
        if not req.gateway_model:
            raise ProviderError(self.name, "invalid", f"no fal model id for {req.model_id or req.shot_id}")
        self.check_request(req)
        return await self.enqueue(req.gateway_model, build_input(req, self.name))

    async def find_job(self, req: ClipRequest, since: float) -> Job | None:
        """The request an interrupted submit made: fal has no idempotency key, so the Platform API's request list
        for this endpoint (``expand=payloads``, from a minute before ``since``) is searched for the exact input.
        fal documents that list with start/end times and statuses; whether a request still in the queue is
        listed is not stated, so an unfinished request may be missed (then the clip is made again)."""
        if not req.gateway_model:
            return None
        payload = build_input(req, self.name)
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(max(0.0, since - 60)))
        params: dict[str, Any] = {"endpoint_id": req.gateway_model.strip("/"), "start": start,
                                  "expand": "payloads", "limit": 100}
        for _ in range(LOOKUP_PAGES):
            body = await self.json("GET", f"{self.platform_url}/models/requests/by-endpoint", params=params)
            items = body.get("items") if isinstance(body, dict) else None
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and item.get("json_input") == payload and item.get("request_id"):
                    return self.job_for(req.gateway_model, str(item["request_id"]))
            if not (isinstance(body, dict) and body.get("has_more") and body.get("next_cursor")):
                return None
            params["cursor"] = body["next_cursor"]
        return None

    def job_for(self, model: str, rid: str, body: dict[str, Any] | None = None) -> Job:
        """A queued job for request ``rid`` of ``model`` (status and result URLs from ``body`` when given)."""
        body = body or {}
        owner_app = "/".join(model.strip("/").split("/")[:2])
        data = {
            "status_url": body.get("status_url") or self.url(f"/{owner_app}/requests/{rid}/status"),
            "response_url": body.get("response_url") or self.url(f"/{owner_app}/requests/{rid}"),
        }
        return Job(rid, self.name, _STATUS.get(str(body.get("status")), JobStatus.QUEUED), data=data)

    async def enqueue(self, model: str, payload: dict[str, Any]) -> Job:
        """``POST queue.fal.run/<model>`` with the model input; the job keeps the returned status/response URLs."""
        body = await self.json("POST", f"/{model.strip('/')}", json=payload)
        if not isinstance(body, dict) or not body.get("request_id"):
            raise ProviderError(self.name, "provider", "submit answer has no request_id")
        return self.job_for(model, str(body["request_id"]), body)

    async def poll(self, job: Job) -> Job:
        body = await self.json("GET", job.data["status_url"])
        if not isinstance(body, dict):
            raise ProviderError(self.name, "provider", "status answer is not a JSON object")
        status = str(body.get("status", ""))
        if status in _STATUS:
            pos = body.get("queue_position")
            job.status, job.message = _STATUS[status], f"queue position {pos}" if pos is not None else ""
            return job
        if status != "COMPLETED":
            raise ProviderError(self.name, "provider", f"unknown fal status {status!r}")
        if body.get("error"):
            return self._failed(job, str(body["error"]), str(body.get("error_type") or ""))
        return await self._result(job, body.get("response_url") or job.data["response_url"])

    async def _result(self, job: Job, url: str) -> Job:
        try:
            out = await self.json("GET", url)
        except ProviderError as exc:
            if exc.kind in ("invalid", "quota"):  # the model's own error (e.g. 422 with detail)
                return self._failed(job, exc.message, "")
            raise
        video = out.get("video") if isinstance(out, dict) else None
        video_url = video.get("url") if isinstance(video, dict) else None
        if not video_url:
            raise ProviderError(self.name, "provider", "result has no video.url")
        job.status, job.result_url = JobStatus.SUCCEEDED, str(video_url)
        return job

    def _failed(self, job: Job, message: str, error_type: str) -> Job:
        refused = looks_like_refusal(message, error_type) or "content_policy" in f"{message} {error_type}"
        job.status = JobStatus.REFUSED if refused else JobStatus.FAILED
        job.message = f"{message} ({error_type})" if error_type else message
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        if not job.result_url:
            raise ProviderError(self.name, "provider", "job has no result URL")
        return await self.fetch_file(job.result_url, dest)
