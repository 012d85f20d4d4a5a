"""Base for image APIs that answer with the picture itself (OpenAI images, Google Imagen / Gemini).

``submit`` calls the API, saves the decoded image to a scratch file and returns a job that has already
succeeded; ``download`` moves that file into place. A refusal (content policy) becomes a ``refused`` job
error, never retried on the same model.
"""

from __future__ import annotations

import shutil
from abc import abstractmethod
from pathlib import Path
from typing import Any

import httpx

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, KeyedProvider, ProviderError, default_error
from reelforge.tools.clips.vendor_common import looks_like_refusal


class SyncImageProvider(KeyedProvider):
    """An image API that returns the image in the answer to one request."""

    poll_interval_s = 0.0
    timeout_s_default = 180.0  # image models take tens of seconds

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout_s", self.timeout_s_default)
        super().__init__(**kwargs)

    def scratch(self) -> Path:
        return Path(self.settings.store_dir) / "tmp"

    def map_error(self, resp: httpx.Response) -> ProviderError:
        err = default_error(self.name, resp)
        try:
            body = resp.json()
        except ValueError:
            body = None
        detail = body.get("error") if isinstance(body, dict) else None
        code = str(detail.get("code") or detail.get("status") or "") if isinstance(detail, dict) else ""
        message = str(detail.get("message") or "") if isinstance(detail, dict) else ""
        if resp.status_code == 400 and (looks_like_refusal(message, code) or "moderation" in code or
                                        "safety" in message.lower()):
            return ProviderError(self.name, "refused", f"refused by the content policy ({message or code})",
                                 status_code=400)
        return err

    @abstractmethod
    async def make(self, req: ClipRequest) -> Path:
        """Call the API; return the scratch file holding the image."""

    async def submit(self, req: ClipRequest) -> Job:
        if not req.gateway_model:
            raise ProviderError(self.name, "invalid", f"no model id for {req.model_id or req.shot_id}")
        self.check_request(req)
        path = await self.make(req)
        return Job(id=path.stem, provider=self.name, status=JobStatus.SUCCEEDED, progress=1.0,
                   data={"path": str(path)})

    async def poll(self, job: Job) -> Job:
        if job.status is JobStatus.SUCCEEDED and not Path(job.data.get("path", "")).is_file():
            job.status, job.message = JobStatus.FAILED, "the image is gone"
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        src = Path(job.data.get("path", ""))
        if job.status is not JobStatus.SUCCEEDED or not src.is_file():
            raise ProviderError(self.name, "expired", f"job {job.id} has no image to download")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(src), dest)
        return dest
