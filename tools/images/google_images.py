"""Google image models on the Gemini API, through the call the google-genai SDK makes.

Gemini image models (``gemini-2.5-flash-image``, ``gemini-3-pro-image``, ...): ``POST /models/{model}:generateContent``
with the reference images as ``inlineData`` parts and then the prompt, ``generationConfig.responseModalities =
["IMAGE"]`` and ``imageConfig.aspectRatio`` → the first ``inlineData`` part of ``candidates[0].content.parts``. A
blocked prompt answers ``promptFeedback.blockReason`` or a ``finishReason`` such as ``SAFETY``. (The SDK now
serves Imagen's ``generate_images`` on Vertex only and points Gemini API users to these models instead.)
Auth: ``x-goog-api-key: $GEMINI_API_KEY`` (or ``GOOGLE_API_KEY``).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from reelforge.tools.clips.base import ClipRequest, ProviderError
from reelforge.tools.images.request import ratio_for, references, save_b64
from reelforge.tools.images.sync_base import SyncImageProvider

GEMINI_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"]
BLOCKED = {"SAFETY", "PROHIBITED_CONTENT", "IMAGE_SAFETY", "BLOCKLIST", "RECITATION", "IMAGE_PROHIBITED_CONTENT"}
MAX_REFERENCES = 3


class GoogleImageProvider(SyncImageProvider):
    name = "google-images"
    base_url = "https://generativelanguage.googleapis.com/v1"  # the API version the google-genai SDK uses
    base_url_env = "REELFORGE_GOOGLE_IMAGES_BASE_URL"
    key_names = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
    key_header = "x-goog-api-key"
    key_format = "{key}"

    async def make(self, req: ClipRequest) -> Path:
        model = req.gateway_model.strip("/")
        parts: list[dict[str, Any]] = [{"inlineData": {"mimeType": mime, "data": base64.b64encode(data).decode()}}
                                       for data, mime in references(req, self.name, MAX_REFERENCES)]
        parts.append({"text": req.prompt})
        body = {"contents": [{"role": "user", "parts": parts}],
                "generationConfig": {"responseModalities": ["IMAGE"],
                                     "imageConfig": {"aspectRatio": ratio_for(req, GEMINI_RATIOS)}}}
        out = await self.json("POST", f"/models/{model}:generateContent", json=body)
        if not isinstance(out, dict):
            raise ProviderError(self.name, "provider", "the answer is not a JSON object")
        block = (out.get("promptFeedback") or {}).get("blockReason") if isinstance(out.get("promptFeedback"),
                                                                                   dict) else None
        cands = out.get("candidates") if isinstance(out.get("candidates"), list) else []
        cand = cands[0] if cands and isinstance(cands[0], dict) else {}
        if block or cand.get("finishReason") in BLOCKED:
            raise ProviderError(self.name, "refused",
                                f"refused by the content policy ({block or cand.get('finishReason')})")
        content = cand.get("content") if isinstance(cand.get("content"), dict) else {}
        for part in content.get("parts") or []:
            inline = part.get("inlineData") or part.get("inline_data") if isinstance(part, dict) else None
            if isinstance(inline, dict) and inline.get("data"):
                return save_b64(self.name, str(inline["data"]), self.scratch())
        raise ProviderError(self.name, "provider", "the answer holds no image part")
