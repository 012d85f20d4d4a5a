"""What every image adapter needs from a request: the size it should ask for, the references, the result."""

from __future__ import annotations

import base64
import binascii
import tempfile
import uuid
from pathlib import Path

from reelforge.tools.clips.base import ClipRequest, ProviderError
from reelforge.tools.clips.vendor_common import image_bytes, nearest_ratio

MAX_REFERENCE_BYTES = 10 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def references(req: ClipRequest, provider: str, limit: int) -> list[tuple[bytes, str]]:
    """The request's reference images as (bytes, mime), at most ``limit`` (a bad file is an ``invalid`` error)."""
    paths = req.references[:max(0, limit)]
    return [image_bytes(p, max_bytes=MAX_REFERENCE_BYTES, provider=provider) for p in paths]


def ratio_for(req: ClipRequest, allowed: list[str]) -> str:
    """The model's aspect ratio closest to the output's."""
    return nearest_ratio(req.aspect, allowed)


def save_b64(provider: str, data: str, scratch: Path | None) -> Path:
    """Decode a base64 image the API answered with into a scratch file (its path goes into the job)."""
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProviderError(provider, "provider", "the image in the answer is not valid base64") from exc
    if not raw:
        raise ProviderError(provider, "provider", "the answer holds an empty image")
    folder = scratch or Path(tempfile.gettempdir()) / "reelforge-images"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".png" if raw.startswith(PNG_MAGIC) else ".jpg" if raw[:3] == b"\xff\xd8\xff" else ".webp"
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    path.write_bytes(raw)
    return path
