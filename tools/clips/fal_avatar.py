"""Presenters through fal.ai (research: avatars.md §7): a user's photo talking the narration, or a user's
video lip-synced to it. Same queue protocol as :mod:`tools.clips.fal`; only the input differs.

Local files go to fal storage first (``POST {rest}/storage/upload/initiate?storage_type=gcs`` with
``{file_name, content_type}`` and the ``Key`` header → ``{upload_url, file_url}``; ``PUT`` the bytes to the
signed ``upload_url`` *without* our key; ``file_url`` is the model input). The registry's gateway ``model``
names the fal model (``veed/fabric-1.0``: ``image_url`` + ``audio_url`` + ``resolution``;
``fal-ai/sync-lipsync/v2``: ``video_url`` + ``audio_url`` + ``sync_mode``); its ``params`` are sent as is.
These models speak only audio, so the runner's narration (``params["audio_path"]``) is required.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx

from reelforge.tools.clips.avatar import avatar_inputs, content_type
from reelforge.tools.clips.base import ClipRequest, Job, ProviderError
from reelforge.tools.clips.fal import FalProvider

REST_URL = "https://rest.fal.ai"
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
MAX_AUDIO_S = 300.0
#: ClipRequest.params keys that describe our inputs, never sent to the model.
AVATAR_KEYS = {"audio_path", "video_path", "script", "voice_id", "avatar_id", "traits", "on_screen_text"}


class FalAvatarProvider(FalProvider):
    """A photo talking (image + audio) or a user's video lip-synced (video + audio) on a fal-hosted model."""

    poll_interval_s = 5.0
    max_prompt_chars = 10_000  # the prompt is not sent; the narration audio is what is spoken

    def __init__(self, *, rest_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rest_url = (rest_url or os.environ.get("REELFORGE_FAL_REST_URL") or REST_URL).rstrip("/")

    async def upload(self, path: Path) -> str:
        """Put a local file on fal storage; returns the URL to pass as a model input."""
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise ProviderError(self.name, "invalid", f"{path.name} is {size / 1e6:.1f} MB; fal uploads take "
                                f"{MAX_UPLOAD_BYTES / 1e6:.0f} MB here")
        ctype = content_type(path)
        init = await self.json("POST", f"{self.rest_url}/storage/upload/initiate?storage_type=gcs",
                               json={"file_name": path.name, "content_type": ctype})
        if not isinstance(init, dict) or not init.get("upload_url") or not init.get("file_url"):
            raise ProviderError(self.name, "provider", "storage upload answered without upload_url / file_url")
        try:  # a signed URL on another host: never send our key there
            resp = await self.client.put(str(init["upload_url"]), content=path.read_bytes(),
                                         headers={"Content-Type": ctype})
        except httpx.HTTPError as exc:
            raise ProviderError(self.name, "provider", f"upload of {path.name} failed ({type(exc).__name__})") from exc
        if resp.status_code >= 400:
            raise ProviderError(self.name, "provider", f"upload of {path.name} failed (HTTP {resp.status_code})",
                                status_code=resp.status_code)
        return str(init["file_url"])

    async def submit(self, req: ClipRequest) -> Job:
        if not req.gateway_model:
            raise ProviderError(self.name, "invalid", f"no fal model id for {req.model_id or req.shot_id}")
        self.check_request(req)
        a = avatar_inputs(self.name, req, max_audio_s=MAX_AUDIO_S)
        if a.audio_path is None:
            raise ProviderError(self.name, "invalid", "this presenter model lip-syncs narration audio; none was made")
        payload: dict[str, Any] = {}
        if a.video_path is not None:
            payload["video_url"] = await self.upload(a.video_path)
        elif a.image_path is not None:
            payload["image_url"] = await self.upload(a.image_path)
        else:
            raise ProviderError(self.name, "invalid", "this presenter model needs your photo or video")
        payload["audio_url"] = await self.upload(a.audio_path)
        for k, v in req.params.items():
            if k not in AVATAR_KEYS and not k.startswith("_") and v is not None:
                payload[k] = v
        return await self.enqueue(req.gateway_model, payload)
