"""Voice cloning with recorded consent: sample checks, ElevenLabs IVC, and a JSON registry of clones.

Nothing is uploaded without a :class:`Consent`. The consent (text, who, when) is stored with the voice in
``REELFORGE_HOME/voices/clones.json`` and attached to every narration that uses the voice.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from reelforge.tools.owners import owner_of
from reelforge.tools.production import Consent
from reelforge.tools.settings import Settings
from reelforge.tools.voice import eleven
from reelforge.tools.voice.base import ClonedVoice, VoiceError, load_mono

FORMATS = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg"}
MIN_TOTAL_S = 10.0
# ElevenLabs IVC: up to 25 samples of at most 10 MB each; clean speech beyond ~3 minutes adds nothing, and
# longer uploads are rejected here so that a whole podcast is not sent by mistake.
MAX_TOTAL_S = 180.0
MAX_FILES = 25
MAX_FILE_BYTES = 10 * 1024 * 1024


def registry_path(settings: Settings) -> Path:
    return settings.home / "voices" / "clones.json"


def list_clones(settings: Settings) -> list[ClonedVoice]:
    """Every cloned voice recorded on this machine, with its consent."""
    path = registry_path(settings)
    if not path.is_file():
        return []
    return [ClonedVoice.model_validate(v) for v in json.loads(path.read_text()).get("voices", [])]


def _save(settings: Settings, voices: list[ClonedVoice]) -> None:
    path = registry_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump({"voices": [v.model_dump(mode="json") for v in voices]}, fh, indent=1)
    os.replace(tmp, path)


def usable_by(voice: ClonedVoice, owner: str | None) -> bool:
    """A clone is private to its owner unless shared on purpose. ``owner=None`` is the local user, who also
    holds the clones made before owners were recorded (see tools.owners)."""
    return voice.shared or owner_of(voice.owner) == owner_of(owner)


def clone_refusal(settings: Settings, voice_id: str, owner: str | None) -> str | None:
    """Why ``owner`` may not narrate with ``voice_id`` (someone else's private clone), else None."""
    clone = find_clone(settings, voice_id)
    if clone is not None and not usable_by(clone, owner):
        return f"the voice {voice_id} is someone else's cloned voice; choose another voice"
    return None


def find_clone(settings: Settings, voice_id: str) -> ClonedVoice | None:
    """The registry entry for an ElevenLabs voice id (``abc`` or ``elevenlabs:abc``), if it is a clone."""
    vid = voice_id.removeprefix("elevenlabs:")
    return next((v for v in list_clones(settings) if v.voice_id == vid), None)


def check_samples(samples: list[str | Path]) -> tuple[list[str], float]:
    """Validate clone samples (format, size, decodability, total length); return (sha256s, total seconds)."""
    if not samples:
        raise VoiceError("no voice samples given: pass at least one wav/mp3/m4a/ogg file", kind="sample")
    if len(samples) > MAX_FILES:
        raise VoiceError(f"too many samples ({len(samples)}): ElevenLabs accepts at most {MAX_FILES}", kind="sample")
    hashes, total = [], 0.0
    for s in samples:
        p = Path(s)
        if p.suffix.lower() not in FORMATS:
            raise VoiceError(f"{p.name}: unsupported sample format {p.suffix or '(none)'}; use "
                             f"{', '.join(FORMATS)}", kind="sample")
        if not p.is_file():
            raise VoiceError(f"{p.name}: no such file", kind="sample")
        if p.stat().st_size > MAX_FILE_BYTES:
            raise VoiceError(f"{p.name}: larger than 10 MB; trim or compress it", kind="sample")
        audio = load_mono(p, 16000)  # raises VoiceError("... cannot be decoded ...")
        if audio.size == 0:
            raise VoiceError(f"{p.name}: cannot be decoded as audio (no samples)", kind="sample")
        total += audio.size / 16000
        hashes.append(hashlib.sha256(p.read_bytes()).hexdigest())
    if total < MIN_TOTAL_S:
        raise VoiceError(f"samples too short: {total:.1f} s in total; at least {MIN_TOTAL_S:.0f} s of clean speech "
                         "is needed (1–2 minutes works best)", kind="sample")
    if total > MAX_TOTAL_S:
        raise VoiceError(f"samples too long: {total:.0f} s in total; at most {MAX_TOTAL_S:.0f} s is accepted "
                         "(1–2 minutes of clean speech works best)", kind="sample")
    return hashes, round(total, 3)


def clone_voice(name: str, samples: list[str | Path], *, consent: Consent | None,
                settings: Settings, owner: str | None = None) -> ClonedVoice:
    """Clone a voice with ElevenLabs IVC, only with consent; reuse an identical earlier clone.

    Refused before any request when consent is missing or empty, or a sample is bad. Same name and same
    sample hashes → the recorded clone is returned and nothing is uploaded again.
    """
    if consent is None or not consent.text.strip() or not consent.affirmed_by.strip():
        raise VoiceError("voice cloning refused: no consent. Affirm that you have the right to clone this voice "
                         "(e.g. --consent \"I have the right to use this voice\" --by \"Your Name\").",
                         kind="consent")
    if not name.strip():
        raise VoiceError("a cloned voice needs a name", kind="sample")
    hashes, total = check_samples(samples)
    existing = list_clones(settings)
    for v in existing:
        if v.name == name and sorted(v.sample_hashes) == sorted(hashes) and v.owner == owner:
            return v
    if not eleven.configured(settings):
        raise VoiceError(f"voice cloning needs ElevenLabs: set {eleven.KEY_NAME} (no offline engine can clone "
                         "a voice)", kind="unavailable")
    files = [(Path(s).name, Path(s).read_bytes(), FORMATS[Path(s).suffix.lower()]) for s in samples]
    voice_id = eleven.create_clone(name, files, settings, description=f"reelforge clone; consent by "
                                   f"{consent.affirmed_by} at {consent.affirmed_at}")
    voice = ClonedVoice(id=f"elevenlabs:{voice_id}", voice_id=voice_id, name=name, sample_hashes=hashes,
                        total_seconds=total, consent=consent, owner=owner)
    _save(settings, [*existing, voice])
    return voice


def delete_clone(voice_id: str, settings: Settings) -> ClonedVoice:
    """Delete a clone at ElevenLabs (when configured) and from the registry. Raises VoiceError if unknown."""
    voice = find_clone(settings, voice_id)
    if voice is None:
        raise VoiceError(f"no cloned voice {voice_id!r}; see `reelforge voice list`", kind="invalid")
    if eleven.configured(settings):
        try:
            eleven.delete_voice(voice.voice_id, settings)
        except VoiceError as exc:
            if exc.status_code != 404:
                raise
    _save(settings, [v for v in list_clones(settings) if v.voice_id != voice.voice_id])
    return voice
