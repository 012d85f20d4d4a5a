"""Kling (Kuaishou) official API: JWT auth, text2video / image2video tasks, ``succeed`` polling.

Contract: ../shared/research/providers.md §1. Credentials ``KLING_ACCESS_KEY`` + ``KLING_SECRET_KEY``;
base URL ``REELFORGE_KLING_BASE_URL`` (default the Singapore endpoint; older accounts may need
``https://api.klingai.com``). Registry params: ``mode`` (``std``/``pro``), ``durations`` (default 5, 10),
``max_prompt_chars`` (2500; set 500 for image-to-video if the server enforces ComfyUI's limit).

Omni models (``kling-v3-omni``, ``kling-video-o1``) have their own endpoint, ``/v1/videos/omni-video`` (research
§1.2, body from the mirrored "Video Omni" page): ``image_list`` holds the start frame (``{"image_url", "type":
"first_frame"}``) and reference images (``{"image_url"}``, up to 7 images in all), each a URL or raw base64,
and the prompt names each reference as ``<<<image_N>>>`` (its place in ``image_list``). ``aspect_ratio`` goes
only without a start frame; ``negative_prompt`` and ``cfg_scale`` are not in that body; ``sound`` on an omni
model is UNVERIFIED.
"""

from __future__ import annotations

import base64
import time

import httpx
import jwt

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError, default_error, parse_retry_after
from reelforge.tools.clips.vendor_common import (
    VendorProvider,
    dig,
    image_bytes,
    is_url,
    map_status,
    name_references,
    nearest_ratio,
)

STATUS = {"submitted": JobStatus.QUEUED, "processing": JobStatus.RUNNING,
          "succeed": JobStatus.SUCCEEDED, "failed": JobStatus.FAILED}
ASPECTS = ["16:9", "9:16", "1:1"]
OMNI = "omni-video"
OMNI_MAX_IMAGES = 7  # start frame and reference images together, with no reference video
# Kling business codes (§1.6) → error kinds. 1302/1303 are back-pressure: retry after a pause.
CODE_KINDS = {
    **dict.fromkeys((1000, 1001, 1002, 1003, 1004, 1103, 1304), "auth"),
    **dict.fromkeys((1100, 1101, 1102), "quota"),
    **dict.fromkeys((1200, 1201, 1202, 1203), "invalid"),
    **dict.fromkeys((1300, 1301), "refused"),
    **dict.fromkeys((1302, 1303), "rate_limit"),
    **dict.fromkeys((5000, 5001), "provider"),
    5002: "timeout",
}


def kling_token(access_key: str, secret_key: str, *, now: float | None = None, ttl_s: int = 1800) -> str:
    """The per-request JWT: HS256 signed with the secret key, ``iss`` = access key, 30 min, nbf −5 s."""
    t = int(now if now is not None else time.time())
    return jwt.encode({"iss": access_key, "exp": t + ttl_s, "nbf": t - 5}, secret_key,
                      algorithm="HS256", headers={"alg": "HS256", "typ": "JWT"})


class KlingProvider(VendorProvider):
    """Kling text-to-video and image-to-video (``kling-v1`` … ``kling-v3``)."""

    name = "kling"
    base_url = "https://api-singapore.klingai.com"
    base_url_setting = "kling_base_url"
    poll_interval_s = 10.0
    max_prompt_chars = 2500
    default_durations = [5, 10]
    supports_references = True  # on the omni models only (see takes_references)

    def headers(self) -> dict[str, str]:
        ak, sk = self.require("KLING_ACCESS_KEY"), self.require("KLING_SECRET_KEY")
        return {"Authorization": f"Bearer {kling_token(ak, sk)}", "Content-Type": "application/json"}

    def map_error(self, resp: httpx.Response) -> ProviderError:
        try:
            body = resp.json()
        except ValueError:
            body = None
        code = body.get("code") if isinstance(body, dict) else None
        if not isinstance(code, int) or code not in CODE_KINDS:
            return default_error(self.name, resp)
        return self._code_error(code, str(body.get("message") or ""), resp)

    def _code_error(self, code: int, message: str, resp: httpx.Response | None = None) -> ProviderError:
        kind = CODE_KINDS.get(code, "invalid")
        retry_after = parse_retry_after(resp.headers.get("retry-after")) if resp is not None else None
        if kind == "rate_limit" and retry_after is None:
            retry_after = 1.0  # the docs ask for at least a second of backoff on 1302/1303
        text = f"{message or 'error'} (code {code})"
        return ProviderError(self.name, kind, text, retry_after=retry_after,  # type: ignore[arg-type]
                             status_code=resp.status_code if resp is not None else None)

    def _data(self, body: object) -> dict:
        """The ``data`` of a Kling envelope; a non-zero ``code`` on HTTP 200 is still an error."""
        if not isinstance(body, dict) or "code" not in body:
            raise ProviderError(self.name, "provider", "malformed response (no Kling envelope)")
        if body["code"] != 0:
            raise self._code_error(int(body["code"]), str(body.get("message") or ""))
        data = body.get("data")
        if not isinstance(data, dict) or not data.get("task_id"):
            raise ProviderError(self.name, "provider", "malformed response (no task data)")
        return data

    @staticmethod
    def is_omni(model: str) -> bool:
        return "omni" in model or model.startswith("kling-video-o")

    @classmethod
    def takes_references(cls, req: ClipRequest) -> bool:
        """Only the omni models take reference images."""
        return cls.is_omni(req.gateway_model or str(req.params.get("model", "")))

    def endpoint(self, req: ClipRequest) -> str:
        """The endpoint kind: ``omni-video`` for omni models, else ``image2video`` / ``text2video``."""
        if self.is_omni(self.model_for(req)):
            return OMNI
        return "image2video" if self.uses_image(req) else "text2video"

    def image_value(self, path: str, what: str = "start image") -> str:
        """A URL as it is, a local file as raw base64 without a ``data:`` prefix (§1.4)."""
        if is_url(path):
            return path
        data, _ = image_bytes(path, max_bytes=self.max_image_bytes, provider=self.name, what=what)
        return base64.b64encode(data).decode()

    def build_body(self, req: ClipRequest) -> tuple[str, dict]:
        """The endpoint kind (``text2video``/``image2video``/``omni-video``) and its JSON body."""
        kind = self.endpoint(req)
        if kind == OMNI:
            return kind, self.omni_body(req)
        body: dict = {
            "model_name": self.model_for(req),
            "prompt": req.prompt,
            "mode": req.params.get("mode", "std"),
            "aspect_ratio": nearest_ratio(req.aspect, ASPECTS),
            "duration": str(self.duration_for(req)),
        }
        if req.negative_prompt:
            body["negative_prompt"] = req.negative_prompt
        if "cfg_scale" in req.params:
            body["cfg_scale"] = req.params["cfg_scale"]
        if req.audio:
            body["sound"] = "on"
        if req.idempotency_key:
            body["external_task_id"] = req.idempotency_key
        if kind == "image2video":
            assert req.image_path
            body["image"] = self.image_value(req.image_path)
        return kind, body

    def omni_references(self, req: ClipRequest) -> list[str]:
        """The reference images an omni request sends: as many as fit beside its start frame."""
        return req.references[:OMNI_MAX_IMAGES - (1 if self.uses_image(req) else 0)]

    def omni_prompt(self, req: ClipRequest) -> str:
        """The prompt naming each reference image by its place in ``image_list`` (after the start frame)."""
        first = 2 if self.uses_image(req) else 1
        return name_references(req.prompt, [f"<<<image_{n}>>>"
                                            for n in range(first, first + len(self.omni_references(req)))])

    def check_request(self, req: ClipRequest) -> None:
        """The vendor checks, and on an omni model the prompt's length with the reference names added."""
        super().check_request(req)
        limit = int(req.params.get("max_prompt_chars", self.max_prompt_chars))
        if self.endpoint(req) == OMNI and len(prompt := self.omni_prompt(req)) > limit:
            raise ProviderError(self.name, "invalid", f"prompt with its reference names is {len(prompt)} characters; "
                                                      f"this model accepts {limit}")

    def omni_body(self, req: ClipRequest) -> dict:
        """The omni-video body: start frame and reference images in ``image_list``, each reference named in the
        prompt by its place there."""
        images: list[dict] = []
        body: dict = {"model_name": self.model_for(req), "mode": req.params.get("mode", "pro"),
                      "duration": str(self.duration_for(req))}
        if self.uses_image(req):
            assert req.image_path
            images.append({"image_url": self.image_value(req.image_path), "type": "first_frame"})
        else:
            body["aspect_ratio"] = nearest_ratio(req.aspect, ASPECTS)
        images += [{"image_url": self.image_value(path, "reference image")} for path in self.omni_references(req)]
        body["prompt"] = self.omni_prompt(req)
        if images:
            body["image_list"] = images
        if req.audio:
            body["sound"] = "on"
        if req.idempotency_key:
            body["external_task_id"] = req.idempotency_key
        return body

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        kind, body = self.build_body(req)
        data = self._data(await self.json("POST", f"/v1/videos/{kind}", json=body))
        job = Job(id=str(data["task_id"]), provider=self.name, data={"kind": kind})
        return self._apply(job, data)

    async def find_job(self, req: ClipRequest, since: float) -> Job | None:
        """The task an interrupted create made, queried by the ``external_task_id`` it was sent with (Kling
        documents querying by it; the exact query form is unverified, research §1: the task path is used)."""
        if not req.idempotency_key:
            return None
        kind = self.endpoint(req)
        try:
            data = self._data(await self.json("GET", f"/v1/videos/{kind}/{req.idempotency_key}"))
        except ProviderError as exc:
            if exc.status_code == 404 or exc.kind == "expired":  # no task with that external id
                return None
            raise
        return self._apply(Job(id=str(data["task_id"]), provider=self.name, data={"kind": kind}), data)

    async def poll(self, job: Job) -> Job:
        data = self._data(await self.json("GET", f"/v1/videos/{job.data['kind']}/{job.id}"))
        return self._apply(job, data)

    def _apply(self, job: Job, data: dict) -> Job:
        status = map_status(self.name, data.get("task_status"), STATUS)
        if status == JobStatus.FAILED:
            return self.failed(job, str(data.get("task_status_msg") or ""))
        job.status = status
        if status == JobStatus.SUCCEEDED:
            url = dig(data, "task_result", "videos", 0, "url")
            if not url:
                raise ProviderError(self.name, "provider", f"task {job.id} succeeded without a video URL")
            job.result_url = str(url)
            job.data["duration"] = dig(data, "task_result", "videos", 0, "duration")
        return job
