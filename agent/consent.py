"""Consent to clone a voice or show a likeness: taken from the person, never from text a model wrote.

A consent is either given with the upload itself (the studio's checkbox plus the person's statement, an
:class:`tools.uploads.Incoming` consent), or it is a sentence the person wrote in this conversation, in
the message that carried the upload or a later one. Either way it is recorded with who and when. A tool
argument written by the brain is never a consent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage

from reelforge.tools.production import Consent, now_iso
from reelforge.tools.uploads import Attachment

CONSENT_WORDS = re.compile(r"\b(consent|permission|my own|rights?|authori[sz]\w*|it'?s me|i am the person)\b", re.I)
CONSENT_DENIED = re.compile(r"\b(not|no|don'?t|do not|doesn'?t|haven'?t|never|without)\b", re.I)


@dataclass(frozen=True)
class Said:
    """One message the person sent: its text, who sent it, when, and the uploads it carried."""

    text: str
    by: str
    at: str
    attachments: tuple[str, ...] = ()


def sentences(text: str) -> list[str]:
    """A message's sentences as the person wrote them: split after ``. ! ?`` and at line breaks."""
    return re.split(r"(?<=[.!?])\s+|\n+", text)


def affirms_consent(statement: str) -> bool:
    """True for a plain affirmation ("I consent", "it's my own voice"), not for "I don't have permission"."""
    text = statement.strip()
    return len(text) >= 10 and bool(CONSENT_WORDS.search(text)) and not CONSENT_DENIED.search(text)


def said_in(messages: Iterable[BaseMessage], default_by: str) -> list[Said]:
    """The person's messages in a conversation, oldest first."""
    out: list[Said] = []
    for m in messages:
        if isinstance(m, HumanMessage):
            extra = m.additional_kwargs or {}
            names = tuple(str(a.get("name", "")) for a in extra.get("attachments", []) if isinstance(a, dict))
            out.append(Said(text=str(m.content), by=str(extra.get("sent_by") or default_by),
                            at=str(extra.get("sent_at") or now_iso()), attachments=names))
    return out


def consent_for(upload: Attachment, said: list[Said]) -> Consent | None:
    """The consent that covers ``upload``: the one given with it, else the latest affirming sentence the
    person wrote in the message that carried it or after; None when there is none."""
    if upload.consent is not None:
        return upload.consent
    start = max((i for i, s in enumerate(said) if upload.name in s.attachments), default=0)
    for message in reversed(said[start:]):
        for sentence in sentences(message.text):
            if affirms_consent(sentence):
                return Consent(text=sentence.strip(), affirmed_by=message.by, affirmed_at=message.at)
    return None
