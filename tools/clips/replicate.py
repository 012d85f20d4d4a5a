"""Replicate predictions adapter: create with ``Prefer: wait``, then poll ``urls.get`` until a final status.

Official models: ``POST /v1/models/{owner}/{name}/predictions``; a pinned version (``owner/name:version``)
goes to ``POST /v1/predictions``. Statuses: starting, processing, succeeded, failed, canceled, aborted.
Video models return ``output`` as one URI (a list is accepted too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, KeyedProvider, ProviderError
from reelforge.tools.clips.gateway_input import build_input
from reelforge.tools.clips.vendor_common import looks_like_refusal, recent_jobs

_STATUS = {
    "starting": JobStatus.QUEUED,
    "processing": JobStatus.RUNNING,
    "succeeded": JobStatus.SUCCEEDED,
    "failed": JobStatus.FAILED,
    "aborted": JobStatus.FAILED,
    "canceled": JobStatus.CANCELLED,
}


class ReplicateProvider(KeyedProvider):
    """Any Replicate-hosted video model (Kling, Hailuo, Veo, Seedance, Wan)."""

    name = "replicate"
    base_url = "https://api.replicate.com/v1"
    base_url_env = "REELFORGE_REPLICATE_BASE_URL"
    key_names = ("REPLICATE_API_TOKEN",)
    poll_interval_s = 3.0

    def __init__(self, *, wait_s: int = 30, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wait_s = max(1, min(wait_s, int(self.timeout_s) - 5))  # the server holds the answer this long

    def input_for(self, req: ClipRequest) -> dict[str, Any]:
        """The model's ``input`` object for ``req`` (video models: prompt, duration, start image...)."""
        return build_input(req, self.name, duration="int", image_field="start_image")

    async def submit(self, req: ClipRequest) -> Job:
        if not req.gateway_model:
            raise ProviderError(self.name, "invalid", f"no Replicate model for {req.model_id or req.shot_id}")
        self.check_request(req)
        payload: dict[str, Any] = {"input": self.input_for(req)}
        slug, _, version = req.gateway_model.partition(":")
        if version:
            path, payload["version"] = "/predictions", version
        else:
            path = f"/models/{slug.strip('/')}/predictions"
        body = await self.json("POST", path, json=payload, headers={"Prefer": f"wait={self.wait_s}"})
        return self._read(Job("", self.name), body)

    async def find_job(self, req: ClipRequest, since: float) -> Job | None:
        """The prediction an interrupted create made: Replicate has no idempotency key, so the account's
        prediction list (newest first) is searched, back to a minute before ``since``, for this model with
        exactly this input."""
        if not req.gateway_model:
            return None
        payload = self.input_for(req)
        slug, _, version = req.gateway_model.partition(":")
        predictions = recent_jobs(lambda url: self.json("GET", url), "/predictions", "results",
                                  lambda listing, _: listing.get("next") or None, since)
        async for pred in predictions:
            same_model = pred.get("version") == version if version else pred.get("model") == slug.strip("/")
            if same_model and pred.get("input") == payload:
                return self._read(Job("", self.name), pred)
        return None

    async def poll(self, job: Job) -> Job:
        return self._read(job, await self.json("GET", job.data.get("get_url") or f"/predictions/{job.id}"))

    def _read(self, job: Job, body: Any) -> Job:
        if not isinstance(body, dict) or not body.get("id"):
            raise ProviderError(self.name, "provider", "prediction answer has no id")
        job.id = str(body["id"])
        urls = body.get("urls") if isinstance(body.get("urls"), dict) else {}
        if urls.get("get"):
            job.data["get_url"] = urls["get"]
        raw = str(body.get("status", ""))
        if raw not in _STATUS:
            raise ProviderError(self.name, "provider", f"unknown Replicate status {raw!r}")
        job.status = _STATUS[raw]
        error = body.get("error")
        if job.status is JobStatus.FAILED:
            job.message = str(error or ("aborted before it started" if raw == "aborted" else "prediction failed"))
            if looks_like_refusal(job.message):
                job.status = JobStatus.REFUSED
        elif job.status is JobStatus.CANCELLED:
            job.message = "prediction was canceled"
        elif job.status is JobStatus.SUCCEEDED:
            output = body.get("output")
            if isinstance(output, list):
                output = output[0] if output else None
            if isinstance(output, dict):
                output = output.get("url") or output.get("video")
            if not output:
                raise ProviderError(self.name, "provider", "prediction succeeded without an output URI")
            job.result_url = str(output)
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        if not job.result_url:
            raise ProviderError(self.name, "provider", "job has no result URL")
        return await self.fetch_file(job.result_url, dest)
