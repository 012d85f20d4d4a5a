"""HeyGen v3 avatars (https://developers.heygen.com): stock avatars, a user's photo, or lip-sync of a user's video.

Auth ``X-Api-Key``; JSON responses wrap payloads in ``{"data": ...}``; errors are
``{"error": {"code", "message", "param"?}}``. Create ``POST /v3/videos`` (``type`` avatar | image) or
``POST /v3/lipsyncs``; poll ``GET /v3/videos/{id}`` (pending/processing -> completed | failed) or
``GET /v3/lipsyncs/{id}`` (pending/running -> completed | failed). Local files go through
``POST /v3/assets`` (multipart ``file``, <= 32 MB). Billed per output second (registry ``price_per_s``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from reelforge.tools.clips.avatar import AvatarInputs, avatar_inputs, content_type
from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, KeyedProvider, ProviderError, default_error

MAX_UPLOAD_BYTES = 32 * 1024 * 1024
MAX_AUDIO_S = 600.0
MAX_SCRIPT_CHARS = 5000
ASPECTS = {"16:9", "9:16", "4:5", "5:4", "1:1"}
STATUS = {"waiting": JobStatus.QUEUED, "pending": JobStatus.QUEUED, "queued": JobStatus.QUEUED,
          "processing": JobStatus.RUNNING, "running": JobStatus.RUNNING,
          "completed": JobStatus.SUCCEEDED, "failed": JobStatus.FAILED}
INVALID_CODES = {"invalid_parameter", "validation_error", "avatar_not_found", "voice_not_found", "voice_not_usable",
                 "asset_not_available", "payload_too_large"}


class HeyGenProvider(KeyedProvider):
    """HeyGen avatar videos; ``gateway_model`` ``video`` (default) or ``lipsync`` (``lipsync:precision``)."""

    name = "heygen"
    base_url = "https://api.heygen.com"
    concurrency = 10
    poll_interval_s = 15.0
    replays_idempotency_key = True  # research avatars.md: a repeated Idempotency-Key within 24 h replays the original
    max_prompt_chars = MAX_SCRIPT_CHARS
    key_names = ("HEYGEN_API_KEY",)
    key_header = "X-Api-Key"
    key_format = "{key}"

    def map_error(self, resp: httpx.Response) -> ProviderError:
        try:
            err = resp.json().get("error") or {}
        except (ValueError, AttributeError):
            err = {}
        code, msg = str(err.get("code") or ""), str(err.get("message") or "")
        text = f"{code}: {msg}" if code else (msg or None)
        if code in INVALID_CODES or resp.status_code == 413:
            param = f" (field {err['param']})" if err.get("param") else ""
            return ProviderError(self.name, "invalid", f"request rejected ({text}){param}", status_code=resp.status_code)
        if code == "insufficient_credit":
            return ProviderError(self.name, "quota", f"out of credits ({text})", status_code=resp.status_code)
        return default_error(self.name, resp, text)

    # --- catalogue --------------------------------------------------------------------------------

    async def _pages(self, path: str, params: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        token: str | None = None
        while len(out) < limit:
            body = await self.json("GET", path, params={**params, **({"token": token} if token else {})})
            out.extend(body.get("data") or [])
            token = body.get("next_token")
            if not (body.get("has_more") and token):
                break
        return out[:limit]

    async def list_avatars(self, *, ownership: str = "public", limit: int = 100) -> list[dict[str, Any]]:
        """Avatar looks usable as ``avatar_id``: id, name, gender, default_voice_id, orientation, preview."""
        looks = await self._pages("/v3/avatars/looks", {"ownership": ownership, "limit": min(limit, 100)}, limit)
        return [{"id": lk["id"], "name": lk.get("name", ""), "gender": lk.get("gender"),
                 "default_voice_id": lk.get("default_voice_id"), "orientation": lk.get("preferred_orientation"),
                 "preview_image_url": lk.get("preview_image_url"),
                 "engines": lk.get("supported_api_engines") or []} for lk in looks]

    async def list_voices(self, *, language: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Voices usable as ``voice_id`` when HeyGen speaks a script itself."""
        params: dict[str, Any] = {"type": "public", "limit": min(limit, 100)}
        if language:
            params["language"] = language
        return await self._pages("/v3/voices", params, limit)

    # --- uploads ----------------------------------------------------------------------------------

    async def upload(self, path: Path) -> str:
        """Upload a local file with ``POST /v3/assets``; returns its ``asset_id``."""
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise ProviderError(self.name, "invalid", f"{path.name} is {size / 1e6:.1f} MB; HeyGen uploads take 32 MB")
        body = await self.json("POST", "/v3/assets", files={"file": (path.name, path.read_bytes(), content_type(path))})
        asset_id = (body.get("data") or {}).get("asset_id")
        if not asset_id:
            raise ProviderError(self.name, "provider", "upload answered without an asset_id")
        return asset_id

    # --- protocol ---------------------------------------------------------------------------------

    async def _video_body(self, req: ClipRequest, a: AvatarInputs) -> dict[str, Any]:
        body: dict[str, Any]
        if a.source == "image":
            body = {"type": "image", "image": {"type": "asset_id", "asset_id": await self.upload(a.image_path)}}
        else:
            body = {"type": "avatar", "avatar_id": a.avatar_id}
        if a.audio_path is not None:
            body["audio_asset_id"] = await self.upload(a.audio_path)
        else:
            body["script"] = a.script
            if a.voice_id:
                body["voice_id"] = a.voice_id
            elif a.source == "image":
                raise ProviderError(self.name, "invalid", "a photo presenter speaking a script needs a voice_id")
        body["resolution"] = req.resolution if req.resolution in ("720p", "1080p", "4k") else (
            "1080p" if min(req.width, req.height) >= 1080 else "720p")
        body["aspect_ratio"] = req.aspect if req.aspect in ASPECTS else "16:9"
        for key in ("background", "motion_prompt", "expressiveness", "output_format", "engine"):
            if key in req.params:
                body[key] = req.params[key]
        body["title"] = req.shot_id
        return body

    async def submit(self, req: ClipRequest) -> Job:
        """Upload the sources, then create a video (stock avatar / photo) or a lip-sync (user video)."""
        self.check_request(req)
        a = avatar_inputs(self.name, req, max_audio_s=MAX_AUDIO_S)
        headers = {"Idempotency-Key": req.idempotency_key[:255]} if req.idempotency_key else {}
        if a.source == "video" or req.gateway_model.startswith("lipsync"):
            if a.video_path is None or a.audio_path is None:
                raise ProviderError(self.name, "invalid", "a HeyGen lip-sync needs the presenter video and narration audio")
            mode = req.gateway_model.partition(":")[2] or "speed"
            body = {"video": {"type": "asset_id", "asset_id": await self.upload(a.video_path)},
                    "audio": {"type": "asset_id", "asset_id": await self.upload(a.audio_path)},
                    "mode": mode, "title": req.shot_id}
            data = (await self.json("POST", "/v3/lipsyncs", json=body, headers=headers)).get("data") or {}
            job_id, kind = data.get("lipsync_id"), "lipsyncs"
        else:
            body = await self._video_body(req, a)
            data = (await self.json("POST", "/v3/videos", json=body, headers=headers)).get("data") or {}
            job_id, kind = data.get("video_id"), "videos"
        if not job_id:
            raise ProviderError(self.name, "provider", "create answered without an id")
        return Job(id=job_id, provider=self.name, status=STATUS.get(str(data.get("status", "pending")), JobStatus.QUEUED),
                   data={"resource": kind})

    async def poll(self, job: Job) -> Job:
        body = await self.json("GET", f"/v3/{job.data.get('resource', 'videos')}/{job.id}")
        d = body.get("data") or {}
        status = STATUS.get(str(d.get("status")), JobStatus.RUNNING)  # unknown words mean "still running"
        job.status, job.result_url = status, d.get("video_url") or job.result_url
        if d.get("duration") is not None:
            job.data["duration_s"] = float(d["duration"])
        if status == JobStatus.FAILED:
            code, msg = d.get("failure_code") or "", d.get("failure_message") or "render failed"
            job.message = f"{code}: {msg}" if code else msg
            if "moderation" in code or "policy" in code:
                job.status = JobStatus.REFUSED
        elif status == JobStatus.SUCCEEDED and not job.result_url:
            job.status, job.message = JobStatus.FAILED, "completed without a video_url"
        return job


