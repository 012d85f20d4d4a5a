"""Build a hosted model's input JSON from a :class:`ClipRequest` plus the registry's gateway params.

Aggregators (fal.ai, Replicate) host many models whose input schemas differ in small ways
(``duration`` as ``"5"``, ``5`` or ``"5s"``; ``image_url`` vs ``start_image``). The registry states
these per gateway as ``_``-prefixed hints in ``params``; every other ``params`` key is sent as is
(``None`` removes a field). ``_references_field`` names the field that takes ``ClipRequest.references``;
``_references_tag`` (``"@Image{n}"``) is how the prompt names the n-th of them.
"""

from __future__ import annotations

import math
from typing import Any

from reelforge.tools.clips.base import ClipRequest, ProviderError
from reelforge.tools.clips.vendor_common import image_data_url, name_references

MAX_IMAGE_BYTES = 10 * 1024 * 1024


def format_duration(seconds: float, style: str) -> Any:
    """``seconds`` as the model expects it: ``str`` → "5", ``int`` → 5, ``s`` → "5s"."""
    whole = max(1, math.ceil(seconds - 1e-6))
    if style == "int":
        return whole
    if style == "s":
        return f"{whole}s"
    if style == "str":
        return str(whole)
    raise ValueError(f"unknown _duration hint {style!r}; use str, int, s or omit")


def build_input(req: ClipRequest, provider: str, *, duration: str = "str", image_field: str = "image_url",
                aspect_field: str = "aspect_ratio") -> dict[str, Any]:
    """The model input for ``req``; hints in ``req.params`` override the keyword defaults."""
    params = dict(req.params)
    duration = params.pop("_duration", duration)
    image_field = params.pop("_image_field", image_field)
    aspect_field = params.pop("_aspect_field", aspect_field)
    with_seed = params.pop("_seed", True)
    refs_field = params.pop("_references_field", "")
    refs_tag = params.pop("_references_tag", "")
    for hint in [k for k in params if k.startswith("_")]:
        params.pop(hint)
    sent = req.references if refs_field else []
    tags = [refs_tag.format(n=n) for n in range(1, len(sent) + 1)] if refs_tag else []
    body: dict[str, Any] = {"prompt": name_references(req.prompt, tags)}
    if req.negative_prompt:
        body["negative_prompt"] = req.negative_prompt
    if duration != "omit":
        body["duration"] = format_duration(req.seconds, duration)
    if aspect_field:
        body[aspect_field] = req.aspect
    if with_seed:
        body["seed"] = req.seed
    if req.resolution:
        body["resolution"] = req.resolution
    if req.mode == "image-to-video":
        if not req.image_path:
            raise ProviderError(provider, "invalid", "image-to-video needs a start image")
        body[image_field] = image_data_url(req.image_path, max_bytes=MAX_IMAGE_BYTES, provider=provider)
    if sent:  # local paths: sent as data URLs in the field the registry names
        body[refs_field] = [image_data_url(p, max_bytes=MAX_IMAGE_BYTES, provider=provider, what="reference image")
                            for p in sent]
    for k, v in params.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    return body
