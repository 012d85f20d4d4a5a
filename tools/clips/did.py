"""D-ID Talks (https://docs.d-id.com): a photo (the user's, or a stock presenter image) talking our narration.

Auth ``Authorization: Basic <DID_API_KEY as issued>`` (scheme overridable). Upload ``POST /images``
(multipart ``image``, <= 10 MB) and ``POST /audios`` (multipart ``audio``, <= 6 MB); create
``POST /talks`` (201, ``created``); poll ``GET /talks/{id}``: created -> started -> done (``result_url``)
| error | rejected. Errors are ``{"kind", "description"}``; 451 is a moderation refusal. Billing
rounds each video up to 15-second steps.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import httpx

from reelforge.tools.clips.avatar import AvatarInputs, avatar_inputs, content_type
from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, KeyedProvider, ProviderError, default_error

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_AUDIO_BYTES = 6 * 1024 * 1024
MAX_AUDIO_S = 300.0  # talks render at most 5 minutes
BILLING_STEP_S = 15.0
DEFAULT_VOICE = "en-US-JennyNeural"
STATUS = {"created": JobStatus.QUEUED, "started": JobStatus.RUNNING, "done": JobStatus.SUCCEEDED,
          "error": JobStatus.FAILED, "rejected": JobStatus.REFUSED}


def billed_seconds(seconds: float) -> float:
    """D-ID bills whole 15-second steps: 16 s of video costs 30 s of credit."""
    return math.ceil(max(seconds, 0.001) / BILLING_STEP_S) * BILLING_STEP_S


class DIDProvider(KeyedProvider):
    """D-ID talking photos; ``params['avatar_id']`` may name a presenter image URL when no photo is uploaded."""

    name = "did"
    base_url = "https://api.d-id.com"
    concurrency = 4
    poll_interval_s = 3.0
    max_prompt_chars = 10_000
    key_names = ("DID_API_KEY",)
    key_format = "Basic {key}"  # D-ID issues the key already encoded for Basic auth

    def map_error(self, resp: httpx.Response) -> ProviderError:
        try:
            body = resp.json()
        except ValueError:
            body = {}
        kind = str(body.get("kind") or "") if isinstance(body, dict) else ""
        desc = str(body.get("description") or "") if isinstance(body, dict) else ""
        text = f"{kind}: {desc}" if kind else (desc or None)
        if resp.status_code == 451 or "Moderation" in kind or "Celebrity" in kind:
            return ProviderError(self.name, "refused", f"refused by content moderation ({text})", status_code=451)
        if resp.status_code == 402 or kind == "InsufficientCreditsError":
            return ProviderError(self.name, "quota", f"out of credits ({text})", status_code=resp.status_code)
        return default_error(self.name, resp, text)

    async def list_voices(self) -> list[dict[str, Any]]:
        """Text-to-speech voices for scripts (``GET /tts/voices``): id, name, language, gender, provider."""
        body = await self.json("GET", "/tts/voices")
        items = body if isinstance(body, list) else body.get("voices") or []
        return [{"id": v.get("id"), "name": v.get("name"), "gender": v.get("gender"),
                 "language": (v.get("languages") or [{}])[0].get("language") if v.get("languages") else v.get("language"),
                 "provider": v.get("provider")} for v in items]

    async def _upload(self, path: Path, route: str, field: str, cap: int) -> str:
        size = path.stat().st_size
        if size > cap:
            raise ProviderError(self.name, "invalid",
                                f"{path.name} is {size / 1e6:.1f} MB; D-ID {field} uploads take {cap / 1e6:.0f} MB")
        body = await self.json("POST", route, files={field: (path.name, path.read_bytes(), content_type(path))})
        if not body.get("url"):
            raise ProviderError(self.name, "provider", f"{route} answered without a url")
        return body["url"]

    async def _script(self, a: AvatarInputs) -> dict[str, Any]:
        if a.audio_path is not None:
            return {"type": "audio", "audio_url": await self._upload(a.audio_path, "/audios", "audio", MAX_AUDIO_BYTES)}
        return {"type": "text", "input": a.script,
                "provider": {"type": "microsoft", "voice_id": a.voice_id or DEFAULT_VOICE}}

    async def submit(self, req: ClipRequest) -> Job:
        """Upload the photo and narration, then create a talk."""
        self.check_request(req)
        a = avatar_inputs(self.name, req, max_audio_s=MAX_AUDIO_S)
        if a.source == "video":
            raise ProviderError(self.name, "invalid", "D-ID talks animate a photo; lip-syncing a video needs HeyGen")
        if a.image_path is not None:
            source = await self._upload(a.image_path, "/images", "image", MAX_IMAGE_BYTES)
        elif str(a.avatar_id).startswith(("https://", "http://", "s3://")):
            source = str(a.avatar_id)
        else:
            raise ProviderError(self.name, "invalid", "D-ID needs a presenter photo or an image URL as avatar_id")
        body = {"source_url": source, "script": await self._script(a),
                "config": {"result_format": "mp4", "stitch": True, "fluent": True},
                "name": req.shot_id, "user_data": req.idempotency_key[:1000] or req.shot_id}
        talk = await self.json("POST", "/talks", json=body)
        if not talk.get("id"):
            raise ProviderError(self.name, "provider", "POST /talks answered without an id")
        return Job(id=talk["id"], provider=self.name, status=STATUS.get(talk.get("status", "created"), JobStatus.QUEUED))

    async def poll(self, job: Job) -> Job:
        t = await self.json("GET", f"/talks/{job.id}")
        job.status = STATUS.get(str(t.get("status")), JobStatus.RUNNING)  # unknown words mean "still running"
        job.result_url = t.get("result_url") or job.result_url
        if t.get("duration") is not None:
            job.data["duration_s"] = float(t["duration"])
            job.data["billed_s"] = billed_seconds(float(t["duration"]))
        if job.status in (JobStatus.FAILED, JobStatus.REFUSED):
            err = t.get("error") or {}
            job.message = (f"{err.get('kind', '')}: {err.get('description', '')}".strip(": ")
                           if isinstance(err, dict) and err else f"talk {t.get('status')}")
        elif job.status == JobStatus.SUCCEEDED and not job.result_url:
            job.status, job.message = JobStatus.FAILED, "done without a result_url"
        return job


