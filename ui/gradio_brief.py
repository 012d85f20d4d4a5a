"""The settings panel → a brief patch for ``AgentService.send(..., brief_patch=...)``, and the message text.

Only settings the user changed since they were last applied are sent, so a later chat request
("make it square") is not undone by a stale panel value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.tools.owners import local_owner
from reelforge.tools.production import MOODS, PREFERENCES, Consent
from reelforge.tools.uploads import Incoming

MUSIC_CHOICES = ["auto", "none", *MOODS]
PREFERENCE_CHOICES = list(PREFERENCES)
VOICE_CHOICES = ["auto"]
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".flac", ".ogg")
DEFAULT_CONSENT = "I confirm this is my own voice, or I have the speaker's permission to clone it for this video."
PRESENTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".mp4", ".mov", ".webm")
PRESENTER_CONSENT = ("I confirm I am the person in this photo or video, or I have their permission to show them "
                     "on screen in this video.")


class InputError(ValueError):
    """Something the user must fix in the form; the message is shown as is."""


def settings_patch(aspects: list[str] | None, duration_s: float | None, budget_usd: float | None,
                   preference: str | None, voice: str | None, music_mood: str | None) -> dict[str, Any]:
    """Brief fields from the panel (empty values are left out)."""
    patch: dict[str, Any] = {}
    if aspects:
        patch["aspects"] = list(aspects)
    if duration_s:
        patch["duration_s"] = float(duration_s)
    if budget_usd is not None and budget_usd >= 0:
        patch["budget_usd"] = float(budget_usd)
    if preference:
        patch["preference"] = preference
    if voice and voice.strip():
        patch["voice"] = voice.strip()
    if music_mood:
        patch["music_mood"] = music_mood
    return patch


def changed(patch: dict[str, Any], applied: dict[str, Any]) -> dict[str, Any]:
    """The part of ``patch`` that differs from what was applied before."""
    return {k: v for k, v in patch.items() if applied.get(k) != v}


def message_parts(message: Any) -> tuple[str, list[str]]:
    """Text and file paths from a MultimodalTextbox value (a dict, or a plain string from API clients)."""
    if message is None:
        return "", []
    if isinstance(message, str):
        return message.strip(), []
    text = str(message.get("text") or "").strip()
    files: list[str] = []
    for f in message.get("files") or []:
        path = f.get("path") if isinstance(f, dict) else f
        if path:
            files.append(str(path))
    return text, files


@dataclass(frozen=True)
class ConsentedUpload:
    """A kind of upload that shows or clones a person, so it is only taken with their consent: the file
    types it accepts, what the user is told when it is refused, and the request line for the director."""

    suffixes: tuple[str, ...]
    wrong_type: str
    no_consent: str
    request: str

    def attach(self, upload: str | None, consent_given: bool, consent_text: str, by: str | None = None
               ) -> tuple[list[Incoming], str]:
        """The upload carrying the person's consent (the ticked box and their statement, who and when) plus the
        request line; refused without consent. The consent travels as data with the file, never as text in
        the message."""
        if not upload:
            return [], ""
        if Path(upload).suffix.lower() not in self.suffixes:
            raise InputError(f"{self.wrong_type} ({', '.join(self.suffixes)}).")
        statement = (consent_text or "").strip()
        if not consent_given or len(statement) < 10:
            raise InputError(self.no_consent)
        consent = Consent(text=statement, affirmed_by=by or local_owner())
        return [Incoming(path=upload, consent=consent)], self.request


VOICE_SAMPLE = ConsentedUpload(
    AUDIO_SUFFIXES, wrong_type="The voice sample must be an audio file",
    no_consent="To clone a voice, tick the consent box and say in your own words that you have the right to use "
               "this voice.",
    request="Please clone the voice in the attached sample to narrate this video.")
# The agent's set_presenter checks the file itself; here it must at least be a picture or a video.
PRESENTER = ConsentedUpload(
    PRESENTER_SUFFIXES, wrong_type="The presenter must be a photo or a short video",
    no_consent="To appear on screen, tick the consent box and say in your own words that you are the person shown "
               "or have their permission.",
    request="Please use the attached picture as the on-screen presenter.")
