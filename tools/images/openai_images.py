"""OpenAI Images (gpt-image-1): ``POST /images/generations`` (JSON), or ``POST /images/edits`` (multipart, the
references as ``image[]`` files) when a look sheet gives reference images. gpt-image-1 always answers with
``data[0].b64_json``. Sizes: 1024x1024, 1536x1024, 1024x1536; quality low / medium / high (registry param).
``OPENAI_BASE_URL`` is not used (it often points at a chat-only endpoint); ``REELFORGE_OPENAI_IMAGES_BASE_URL``
overrides the base URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelforge.tools.clips.base import ClipRequest, ProviderError
from reelforge.tools.images.request import ratio_for, references, save_b64
from reelforge.tools.images.sync_base import SyncImageProvider
from reelforge.tools.settings import OPENAI_API_URL

SIZES = {"1:1": "1024x1024", "3:2": "1536x1024", "2:3": "1024x1536"}
MAX_REFERENCES = 16


class OpenAIImageProvider(SyncImageProvider):
    name = "openai-images"
    base_url = OPENAI_API_URL
    base_url_env = "REELFORGE_OPENAI_IMAGES_BASE_URL"
    key_names = ("OPENAI_API_KEY",)
    max_prompt_chars = 32000

    def fields(self, req: ClipRequest) -> dict[str, Any]:
        size = SIZES[ratio_for(req, list(SIZES))]
        extra = {k: v for k, v in req.params.items() if k in ("quality", "background", "moderation", "output_format")}
        return {"model": req.gateway_model, "prompt": req.prompt, "size": size, "n": 1,
                "quality": "medium", **extra}

    async def make(self, req: ClipRequest) -> Path:
        refs = references(req, self.name, MAX_REFERENCES)
        fields = self.fields(req)
        if refs:
            files = [("image[]", (f"reference-{i}.{mime.split('/')[-1]}", data, mime))
                     for i, (data, mime) in enumerate(refs)]
            body = await self.json("POST", "/images/edits", data={k: str(v) for k, v in fields.items()}, files=files)
        else:
            body = await self.json("POST", "/images/generations", json=fields)
        items = body.get("data") if isinstance(body, dict) else None
        first = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
        if not first.get("b64_json"):
            raise ProviderError(self.name, "provider", "the answer has no data[0].b64_json")
        return save_b64(self.name, str(first["b64_json"]), self.scratch())
