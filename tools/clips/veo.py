"""Google Veo: Gemini API (API key) and Vertex AI (bearer token) long-running video operations.

Contract: ../shared/research/providers.md §3. Two classes, one wire shape:

* :class:`VeoProvider` — Gemini API: ``POST models/{model}:predictLongRunning`` with ``x-goog-api-key``
  (``GEMINI_API_KEY`` or ``GOOGLE_API_KEY``), poll ``GET {operation name}``, download the sample URI
  with the same header (only ever sent to Google hosts or the configured base URL's host). Base URL
  ``REELFORGE_VEO_BASE_URL``. Whether the Gemini API accepts ``generateAudio`` is UNVERIFIED (audio is on
  by default for Veo 3.x there), so it is only sent when the registry sets ``send_generate_audio = true``.
* :class:`VertexVeoProvider` — Vertex AI: ``POST projects/{p}/locations/{l}/publishers/google/models/
  {model}:predictLongRunning`` and ``:fetchPredictOperation`` with ``Authorization: Bearer`` from
  ``CLOUDSDK_AUTH_ACCESS_TOKEN`` (e.g. ``gcloud auth print-access-token``), ``GOOGLE_CLOUD_PROJECT`` and
  ``GOOGLE_CLOUD_LOCATION`` (default us-central1); base URL ``REELFORGE_VERTEX_BASE_URL``.

A finished operation with no samples, or with ``raiMediaFilteredCount`` > 0, is a refusal (the
Responsible-AI filter) carrying Google's reasons.

Reference images (``ClipRequest.references``, the look sheet's subjects) go in ``instances[0].referenceImages``
as ``{"image": {"bytesBase64Encoded", "mimeType"}, "referenceType": "ASSET"}`` (Google's genai SDK wire form,
both APIs). Veo 3.1 takes up to 3 asset images, with a text prompt and no first frame, for 8-second 16:9 clips
only (research §3.1); any other request goes without them rather than being refused or paid longer.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError, RetryPolicy
from reelforge.tools.clips.vendor_common import VendorProvider, dig, image_bytes, is_url, nearest_ratio
from reelforge.tools.settings import Settings

ASPECTS = ["16:9", "9:16"]
#: The only clip length and aspect ratio Veo 3.1 takes reference images with (research §3.1).
REFERENCE_SECONDS = 8
REFERENCE_ASPECT = "16:9"


class VeoProvider(VendorProvider):
    """Veo 3.1 / 3.1 Fast / 3.1 Lite on the Gemini API."""

    name = "veo"
    base_url = "https://generativelanguage.googleapis.com/v1beta"
    base_url_setting = "veo_base_url"
    poll_interval_s = 10.0
    max_prompt_chars = 4000  # UNVERIFIED ceiling; override with registry max_prompt_chars
    default_durations = [4, 6, 8]
    max_image_bytes = 20 * 1024 * 1024
    supports_extend = True  # Gemini API: a Veo-made video continues by about 7 s per call
    supports_references = True

    def headers(self) -> dict[str, str]:
        return {"x-goog-api-key": self.require("GEMINI_API_KEY", "GOOGLE_API_KEY")}

    async def extend(self, job: Job, req: ClipRequest, seconds: float) -> Job:
        """Continue the video ``job`` made (``instances[0].video.uri``); the result is the whole longer video.

        The extension length is the model's own (about 7 s); ``seconds`` only says how much the take still needs.
        """
        if job.status != JobStatus.SUCCEEDED or not job.result_url:
            raise ProviderError(self.name, "invalid", f"job {job.id} has no Veo video to extend")
        model = str(job.data.get("model") or self.model_for(req))
        body = {"instances": [{"prompt": req.prompt, "video": {"uri": job.result_url}}],
                "parameters": {"aspectRatio": nearest_ratio(req.aspect, ASPECTS)}}
        op = await self.json("POST", self.create_path(model), json=body)
        if not isinstance(op, dict) or not op.get("name"):
            raise ProviderError(self.name, "provider", "malformed response (no operation name)")
        return self._apply(Job(id=str(op["name"]), provider=self.name, data={"model": model}), op)

    def check_request(self, req: ClipRequest) -> None:
        if req.image_path and is_url(req.image_path):
            raise ProviderError(self.name, "invalid", "Veo takes the start image as bytes: give a local file")
        if any(is_url(path) for path in req.references):
            raise ProviderError(self.name, "invalid", "Veo takes reference images as bytes: give local files")
        super().check_request(req)

    def inline_image(self, path: str, what: str = "start image") -> dict:
        """A local image as Veo takes it: base64 bytes and their MIME type."""
        data, mime = image_bytes(path, max_bytes=self.max_image_bytes, provider=self.name, what=what)
        return {"bytesBase64Encoded": base64.b64encode(data).decode(), "mimeType": mime}

    @classmethod
    def takes_references(cls, req: ClipRequest) -> bool:
        """Veo takes reference images with a text prompt and no first frame, for 8-second 16:9 clips only."""
        return (not cls.uses_image(req) and int(cls.duration_for(req)) == REFERENCE_SECONDS
                and nearest_ratio(req.aspect, ASPECTS) == REFERENCE_ASPECT)

    def reference_images(self, req: ClipRequest) -> list[dict]:
        """``referenceImages`` for ``req``: its references as assets, when Veo takes them with this request."""
        return [{"image": self.inline_image(path, "reference image"), "referenceType": "ASSET"}
                for path in req.references] if self.takes_references(req) else []

    def build_body(self, req: ClipRequest) -> dict:
        instance: dict = {"prompt": req.prompt}
        if self.uses_image(req):
            assert req.image_path
            instance["image"] = self.inline_image(req.image_path)
        elif references := self.reference_images(req):
            instance["referenceImages"] = references
        params: dict = {"aspectRatio": nearest_ratio(req.aspect, ASPECTS),
                        "durationSeconds": int(self.duration_for(req))}
        if resolution := (req.params.get("resolution") or req.resolution):
            params["resolution"] = resolution
        if req.negative_prompt:
            params["negativePrompt"] = req.negative_prompt
        if req.seed:
            params["seed"] = req.seed % 4294967296
        if person := req.params.get("person_generation"):
            params["personGeneration"] = person
        if self.sends_audio_flag(req):
            params["generateAudio"] = bool(req.audio)
        return {"instances": [instance], "parameters": params}

    def sends_audio_flag(self, req: ClipRequest) -> bool:
        return bool(req.params.get("send_generate_audio", False))

    def create_path(self, model: str) -> str:
        return f"/models/{model}:predictLongRunning"

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        model = self.model_for(req)
        op = await self.json("POST", self.create_path(model), json=self.build_body(req))
        if not isinstance(op, dict) or not op.get("name"):
            raise ProviderError(self.name, "provider", "malformed response (no operation name)")
        return self._apply(Job(id=str(op["name"]), provider=self.name, data={"model": model}), op)

    async def fetch_operation(self, job: Job) -> object:
        return await self.json("GET", f"/{job.id}")

    async def poll(self, job: Job) -> Job:
        op = await self.fetch_operation(job)
        if not isinstance(op, dict):
            raise ProviderError(self.name, "provider", "malformed response (operation is not an object)")
        return self._apply(job, op)

    def _apply(self, job: Job, op: dict) -> Job:
        if not op.get("done"):
            job.status = JobStatus.RUNNING if op.get("metadata") else JobStatus.QUEUED
            return job
        if isinstance(op.get("error"), dict):
            err = op["error"]
            return self.failed(job, f"{err.get('message') or 'operation failed'} (code {err.get('code')})")
        result = self.result_of(op)
        reasons = result.get("raiMediaFilteredReasons") or []
        sample = self.first_sample(result)
        if sample is None or result.get("raiMediaFilteredCount"):
            text = "; ".join(str(r) for r in reasons) or "no video returned (filtered by Responsible AI)"
            return self.failed(job, text, refused=True)
        job.status = JobStatus.SUCCEEDED
        job.result_url, job.data["bytes"] = sample
        return job

    @staticmethod
    def result_of(op: dict) -> dict:
        return dig(op, "response", "generateVideoResponse") or {}

    @staticmethod
    def first_sample(result: dict) -> tuple[str | None, str | None] | None:
        uri = dig(result, "generatedSamples", 0, "video", "uri")
        return (str(uri), None) if uri else None

    def download_headers(self, url: str) -> dict[str, str]:
        """The API key goes only to Google hosts or to the configured API host."""
        host = urlsplit(url).hostname or ""
        trusted = host == urlsplit(self.base_url).hostname or host.endswith(".googleapis.com")
        return self.headers() if trusted else {}

    async def download(self, job: Job, dest: Path) -> Path:
        if job.status != JobStatus.SUCCEEDED:
            raise ProviderError(self.name, "invalid", f"job {job.id} has no result to download ({job.status})")
        if job.data.get("bytes"):
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(base64.b64decode(job.data["bytes"]))
            return dest
        assert job.result_url
        return await self.fetch_file(job.result_url, dest, headers=self.download_headers(job.result_url))


class VertexVeoProvider(VeoProvider):
    """Veo on Vertex AI with a user-supplied OAuth access token."""

    name = "veo-vertex"
    base_url = ""
    supports_extend = False  # reelforge drives extension on the Gemini API only
    base_url_setting = "vertex_base_url"
    storage_url = "https://storage.googleapis.com/download/storage/v1"

    def __init__(self, *, settings: Settings | None = None, base_url: str | None = None,
                 client: httpx.AsyncClient | None = None, retry: RetryPolicy | None = None) -> None:
        super().__init__(settings=settings, base_url=base_url, client=client, retry=retry)
        if not self.base_url:
            self.base_url = f"https://{self.location}-aiplatform.googleapis.com/v1"

    @property
    def location(self) -> str:
        return self.settings.secret("GOOGLE_CLOUD_LOCATION") or "us-central1"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.require('CLOUDSDK_AUTH_ACCESS_TOKEN')}"}

    def check_request(self, req: ClipRequest) -> None:
        self.require("GOOGLE_CLOUD_PROJECT")
        super().check_request(req)

    def sends_audio_flag(self, req: ClipRequest) -> bool:
        return bool(req.params.get("send_generate_audio", True))

    def model_path(self, model: str) -> str:
        project = self.require("GOOGLE_CLOUD_PROJECT")
        return f"/projects/{project}/locations/{self.location}/publishers/google/models/{model}"

    def create_path(self, model: str) -> str:
        return f"{self.model_path(model)}:predictLongRunning"

    async def fetch_operation(self, job: Job) -> object:
        return await self.json("POST", f"{self.model_path(job.data['model'])}:fetchPredictOperation",
                               json={"operationName": job.id})

    @staticmethod
    def result_of(op: dict) -> dict:
        return op.get("response") if isinstance(op.get("response"), dict) else {}

    @staticmethod
    def first_sample(result: dict) -> tuple[str | None, str | None] | None:
        video = dig(result, "videos", 0) or {}
        if video.get("bytesBase64Encoded"):
            return None, str(video["bytesBase64Encoded"])
        if video.get("gcsUri"):
            return str(video["gcsUri"]), None
        return None

    def download_headers(self, url: str) -> dict[str, str]:
        return self.headers()

    async def download(self, job: Job, dest: Path) -> Path:
        if job.result_url and job.result_url.startswith("gs://"):
            bucket, _, obj = job.result_url[5:].partition("/")
            job.result_url = f"{self.storage_url}/b/{bucket}/o/{quote(obj, safe='')}?alt=media"
        return await super().download(job, dest)
