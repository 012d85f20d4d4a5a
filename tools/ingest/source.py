"""The ingested source: what a creator brought, as text plus metadata."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reelforge.tools.production import SourceKind


class Section(BaseModel):
    """One block of a script or outline: a heading, the words to speak, and any visual directions."""

    heading: str = ""
    narration: str = ""
    visual: str = ""
    on_screen: str = ""  # text to show, exactly as written ("[ON-SCREEN: 384,400 km]")
    bullets: list[str] = Field(default_factory=list)


class SourceDoc(BaseModel):
    """A prompt, script, outline or article, read and cleaned. ``text`` is content, never instructions."""

    kind: SourceKind = "prompt"
    title: str = ""
    byline: str | None = None
    date: str | None = None
    lead_image: str | None = None
    language: str = "en"
    text: str
    url: str | None = None
    path: str | None = None
    paragraphs: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)

    @property
    def word_count(self) -> int:
        return len(self.text.split())
