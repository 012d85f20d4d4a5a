"""What an avatar (talking-presenter) request carries, read from a provider-neutral :class:`ClipRequest`.

An avatar shot is driven by ``ClipRequest.params``:

- ``audio_path``: the narration file to lip-sync (preferred: the voice stays the production's voice);
- ``script`` (else the request's prompt) and ``voice_id``: text for the vendor's own TTS when there is no audio;
- ``avatar_id``: a vendor avatar / look from ``list_avatars()``;
- ``ClipRequest.image_path`` (a user's photo) or ``params["video_path"]`` (a user's short video, lip-synced).

Uploads are validated by :mod:`tools.presenter` and need recorded consent before reaching a vendor.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from reelforge.tools.clips.base import ClipRequest, ProviderError
from reelforge.tools.media import MediaError, probe

AUDIO_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4"}


@dataclass(frozen=True)
class AvatarInputs:
    """The sources of one avatar clip."""

    audio_path: Path | None
    script: str
    voice_id: str | None
    avatar_id: str | None
    image_path: Path | None
    video_path: Path | None

    @property
    def source(self) -> str:
        """``video`` (lip-sync a user clip), ``image`` (animate a photo) or ``avatar`` (vendor avatar)."""
        return "video" if self.video_path else ("image" if self.image_path else "avatar")


def _file(provider: str, value: object, what: str) -> Path | None:
    if not value:
        return None
    p = Path(str(value))
    if not p.is_file():
        raise ProviderError(provider, "invalid", f"{what} {p.name!r} was not found")
    return p


def avatar_inputs(provider: str, req: ClipRequest, *, max_audio_s: float) -> AvatarInputs:
    """Read and check the avatar sources in ``req``; raise ``invalid`` :class:`ProviderError` for bad input."""
    prm = req.params
    audio = _file(provider, prm.get("audio_path"), "narration audio")
    inputs = AvatarInputs(audio_path=audio, script=str(prm.get("script") or req.prompt or "").strip(),
                          voice_id=prm.get("voice_id"), avatar_id=prm.get("avatar_id"),
                          image_path=_file(provider, req.image_path, "presenter photo"),
                          video_path=_file(provider, prm.get("video_path"), "presenter video"))
    if audio is not None:
        try:
            seconds = probe(audio).duration_s
        except MediaError as exc:
            raise ProviderError(provider, "invalid", f"narration audio {audio.name!r} cannot be read") from exc
        if seconds > max_audio_s:
            raise ProviderError(provider, "invalid",
                                f"narration is {seconds:.0f} s; this service takes at most {max_audio_s:.0f} s per clip")
    elif not inputs.script:
        raise ProviderError(provider, "invalid", "an avatar clip needs narration audio or a script to speak")
    if inputs.source == "avatar" and not inputs.avatar_id:
        raise ProviderError(provider, "invalid",
                            "choose an avatar (params['avatar_id'] from list_avatars()) or give a presenter photo/video")
    return inputs


def content_type(path: Path) -> str:
    """MIME type of an upload by its suffix (audio types first, then the standard table)."""
    return AUDIO_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
