"""MiniMax Hailuo video API: create → query → files/retrieve download URL (valid about 9 hours).

Contract: ../shared/research/providers.md §2. Credential ``MINIMAX_API_KEY`` (optional
``MINIMAX_GROUP_ID``, sent as ``GroupId`` to files/retrieve as older docs do); base URL
``REELFORGE_MINIMAX_BASE_URL`` (mainland-China accounts: ``https://api.minimaxi.com``). Errors arrive as
``base_resp.status_code`` with HTTP 200. Registry params: ``resolution`` (``768P`` default),
``durations`` (6, 10), ``prompt_optimizer`` (default true), ``fast_pretreatment``.
"""

from __future__ import annotations

from typing import Any

import httpx

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError, default_error, parse_retry_after
from reelforge.tools.clips.vendor_common import VendorProvider, dig, image_data_url, map_status

STATUS = {"Queueing": JobStatus.QUEUED, "Preparing": JobStatus.QUEUED, "Processing": JobStatus.RUNNING,
          "Success": JobStatus.SUCCEEDED, "Fail": JobStatus.FAILED}
CODE_KINDS = {
    1000: "provider", 1001: "timeout", 1002: "rate_limit", 1004: "auth", 2049: "auth", 1008: "quota",
    1026: "refused", 1027: "refused", 1033: "provider", 1039: "rate_limit", 1042: "invalid", 2013: "invalid",
}
RESOLUTIONS = {"512p": "512P", "720p": "720P", "768p": "768P", "1080p": "1080P"}


class MiniMaxProvider(VendorProvider):
    """Hailuo-02 / Hailuo-2.3 (and the 01 series) text- and image-to-video."""

    name = "minimax"
    base_url = "https://api.minimax.io"
    base_url_setting = "minimax_base_url"
    poll_interval_s = 10.0
    max_prompt_chars = 2000
    default_durations = [6, 10]
    max_image_bytes = 20 * 1024 * 1024

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.require('MINIMAX_API_KEY')}"}

    def map_error(self, resp: httpx.Response) -> ProviderError:
        try:
            body = resp.json()
        except ValueError:
            body = None
        err = self._code_error(body)
        if err is None:
            return default_error(self.name, resp)
        err.status_code = resp.status_code
        if (after := parse_retry_after(resp.headers.get("retry-after"))) is not None:
            err.retry_after = after
        return err

    def _code_error(self, body: Any) -> ProviderError | None:
        """The typed error for a non-zero ``base_resp.status_code``, else ``None``."""
        code = dig(body, "base_resp", "status_code")
        if not isinstance(code, int) or code == 0:
            return None
        msg = str(dig(body, "base_resp", "status_msg") or "error")
        kind = CODE_KINDS.get(code, "invalid")
        return ProviderError(self.name, kind, f"{msg} (code {code})",  # type: ignore[arg-type]
                             retry_after=2.0 if kind == "rate_limit" else None)

    def _check(self, body: Any) -> Any:
        """Return ``body`` when ``base_resp.status_code`` is 0; raise the typed error otherwise."""
        if not isinstance(dig(body, "base_resp", "status_code"), int):
            raise ProviderError(self.name, "provider", "malformed response (no base_resp)")
        if err := self._code_error(body):
            raise err
        return body

    def build_body(self, req: ClipRequest) -> dict:
        resolution = req.params.get("resolution") or RESOLUTIONS.get(req.resolution.lower(), "768P")
        body: dict = {
            "model": self.model_for(req),
            "prompt": req.prompt,
            "duration": int(self.duration_for(req)),
            "resolution": resolution,
            "prompt_optimizer": bool(req.params.get("prompt_optimizer", True)),
        }
        if "fast_pretreatment" in req.params:
            body["fast_pretreatment"] = bool(req.params["fast_pretreatment"])
        if self.uses_image(req):
            assert req.image_path
            body["first_frame_image"] = image_data_url(req.image_path, max_bytes=self.max_image_bytes,
                                                       provider=self.name)
        return body

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        body = self._check(await self.json("POST", "/v1/video_generation", json=self.build_body(req)))
        if not body.get("task_id"):
            raise ProviderError(self.name, "provider", "malformed response (no task_id)")
        return Job(id=str(body["task_id"]), provider=self.name, status=JobStatus.QUEUED)

    async def poll(self, job: Job) -> Job:
        body = await self.json("GET", "/v1/query/video_generation", params={"task_id": job.id})
        code = dig(body, "base_resp", "status_code")
        if code in (1026, 1027):  # moderation, reported on the task
            return self.failed(job, str(dig(body, "base_resp", "status_msg") or "sensitive content"), refused=True)
        self._check(body)
        status = map_status(self.name, body.get("status"), STATUS)
        if status == JobStatus.FAILED:
            return self.failed(job, str(dig(body, "base_resp", "status_msg") or body.get("error_message") or ""))
        if status == JobStatus.SUCCEEDED:
            if not body.get("file_id"):
                raise ProviderError(self.name, "provider", f"task {job.id} succeeded without a file_id")
            job.result_url = await self._download_url(str(body["file_id"]))
        job.status = status
        return job

    async def _download_url(self, file_id: str) -> str:
        params = {"file_id": file_id}
        if group := self.settings.secret("MINIMAX_GROUP_ID"):
            params["GroupId"] = group
        body = self._check(await self.json("GET", "/v1/files/retrieve", params=params))
        url = dig(body, "file", "download_url") or dig(body, "file", "backup_download_url")
        if not url:
            raise ProviderError(self.name, "provider", f"file {file_id} has no download_url")
        return str(url)
