"""Score stock candidates against a shot: relevance of title/tags, orientation, size and duration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from reelforge.tools.stock.query import keywords

MediaKind = Literal["video", "image"]


@dataclass
class Candidate:
    """One search hit, normalised across stock libraries."""

    provider: str
    id: str
    kind: MediaKind
    url: str  # the file to download (best rendition for the shot)
    page_url: str
    width: int
    height: int
    duration_s: float = 0.0  # videos only
    title: str = ""
    tags: list[str] = field(default_factory=list)
    author: str = ""
    author_url: str = ""
    licence: str = ""  # e.g. "Pexels License", "Pixabay Content License", "CC BY 4.0"
    licence_url: str = ""
    attribution: str = ""  # the library's own attribution line, when it gives one
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


@dataclass
class Want:
    """What the shot needs from a stock asset."""

    query: str
    width: int
    height: int
    seconds: float
    kind: MediaKind | None = None  # None: either

    @property
    def orientation(self) -> str:
        return orientation_of(self.width, self.height)


def orientation_of(width: int, height: int) -> str:
    """``landscape``, ``portrait`` or ``square`` (within 10 %)."""
    if not width or not height:
        return "landscape"
    r = width / height
    return "square" if 0.9 <= r <= 1.1 else ("landscape" if r > 1 else "portrait")


def _stem(word: str) -> str:
    """Crude singular form, so "lighthouses" meets "lighthouse" and "boxes" meets "box"."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def relevance(query: str, title: str, tags: list[str]) -> float:
    """Share of the query's keywords found in the candidate's title or tags (0..1)."""
    terms = {_stem(w) for w in keywords(query)}
    if not terms:
        return 0.0
    text = " ".join([title, *tags]).lower()
    have = {_stem(w) for w in re.findall(r"[a-z0-9][a-z0-9'-]*", text)}
    return len(terms & have) / len(terms)


def crop_kept(cw: int, ch: int, tw: int, th: int) -> float:
    """Fraction of the candidate's area that survives a centre crop to the target aspect (0..1)."""
    if not (cw and ch and tw and th):
        return 0.0
    src, dst = cw / ch, tw / th
    return min(src, dst) / max(src, dst)


def score(c: Candidate, want: Want) -> Candidate:
    """Fill ``c.score`` (0..1, weighted) and ``c.reasons``; returns ``c``."""
    rel = relevance(want.query, c.title, c.tags)
    kept = crop_kept(c.width, c.height, want.width, want.height)
    size = min(1.0, min(c.width / want.width, c.height / want.height) if want.width and want.height else 1.0)
    if c.kind == "video":
        dur = 1.0 if c.duration_s >= want.seconds else (c.duration_s / want.seconds if want.seconds else 1.0)
        if c.duration_s > 4 * max(want.seconds, 5):
            dur *= 0.9  # a long clip is fine, a short one loops; prefer tight ones slightly
    else:
        dur = 0.85  # a still becomes a Ken Burns move: usable, but footage is better
    kind = 1.0 if want.kind in (None, c.kind) else 0.5
    c.score = round((0.4 * rel + 0.2 * kept + 0.2 * size + 0.2 * dur) * kind, 4)
    c.reasons = [f"relevance {rel:.2f}", f"crop keeps {kept:.0%}", f"size {size:.2f}", f"duration {dur:.2f}"]
    return c


def fits(c: Candidate, want: Want, *, min_score: float = 0.45) -> bool:
    """Good enough to use: some keyword matches, it is not tiny, not cropped to a sliver, scores well."""
    return (relevance(want.query, c.title, c.tags) > 0
            and crop_kept(c.width, c.height, want.width, want.height) >= 0.3
            and min(c.width, c.height) >= min(want.width, want.height) * 0.4
            and c.score >= min_score)


def rank(candidates: list[Candidate], want: Want) -> list[Candidate]:
    """Candidates scored and sorted best first (ties keep the library's own order)."""
    return sorted((score(c, want) for c in candidates), key=lambda c: -c.score)
