"""Rule-based reading of a video request: length, formats, platforms, mood, budget, language, URLs, files."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reelforge.tools.production import FORMATS

ASPECT_WORDS = {"vertical": "9:16", "portrait": "9:16", "square": "1:1", "landscape": "16:9",
                "horizontal": "16:9", "widescreen": "16:9"}
PLATFORMS = {"tiktok": "9:16", "reels": "9:16", "shorts": "9:16", "stories": "9:16", "youtube": "16:9",
             "linkedin": "1:1", "instagram": "4:5", "facebook": "1:1"}
MOOD_WORDS = {
    "upbeat": ("upbeat", "energetic", "fun", "exciting", "lively", "cheerful", "happy", "punchy", "livelier",
               "happier", "peppier", "faster-paced", "more energy"),
    "calm": ("calm", "calmer", "relaxing", "relaxed", "peaceful", "cozy", "cosy", "gentle", "gentler", "serene",
             "soothing", "warm", "softer", "quieter", "mellow", "chill", "chiller", "slower", "less intense",
             "less energetic", "tone it down"),
    "dramatic": ("dramatic", "epic", "cinematic", "intense", "bold", "bolder", "more drama"),
    "corporate": ("corporate", "professional", "business", "formal", "more serious"),
    "playful": ("playful", "whimsical", "quirky", "silly", "funny", "funnier", "sillier", "lighter"),
    "dark": ("dark", "darker", "moody", "moodier", "mysterious", "spooky", "gritty", "grittier"),
}
LANGUAGES = {"english": "en", "spanish": "es", "french": "fr", "german": "de", "italian": "it",
             "portuguese": "pt", "dutch": "nl", "polish": "pl", "japanese": "ja", "chinese": "zh",
             "korean": "ko", "hindi": "hi", "arabic": "ar", "russian": "ru", "turkish": "tr"}
DOC_SUFFIXES = (".txt", ".md", ".markdown", ".fountain", ".text", ".html", ".htm", ".pdf", ".docx", ".rst")
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".flac", ".ogg")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".mp4", ".mov", ".webm", ".heic", ".avif")
KIND_NOUNS = ("video", "teaser", "ad", "advert", "clip", "reel", "trailer", "explainer", "promo", "commercial",
              "story", "announcement", "tutorial", "intro", "summary", "overview")
FILLER = set(["a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "with", "about", "me", "my", "our", "us", "we", "i", "you", "your", "it", "this", "that", "some", "please", "can", "could", "would", "make", "makes", "making", "create", "produce", "want", "need", "like", "video", "videos", "clip", "film", "short", "quick", "one", "just", "new", "do", "get", "give", "something"])
SUBJECT = re.compile(r"\b(?:video|teaser|ad|advert|clip|reel|trailer|explainer|promo|commercial|story|"
                     r"announcement|tutorial|intro)\b.*?\b(?:for|about|on|of|showing)\s+(.+)", re.IGNORECASE)


@dataclass
class ParsedRequest:
    """What a message asked for: brief fields, a goal if it names a subject, sources and honest caveats."""

    patch: dict[str, Any] = field(default_factory=dict)
    goal: str | None = None
    urls: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    audio: list[str] = field(default_factory=list)
    pictures: list[str] = field(default_factory=list)  # photos / short videos (a presenter upload)
    kind_noun: str | None = None  # "explainer", "teaser"... when the user named one
    mood_only_music: bool = False  # the mood words were about the music only ("calmer music")
    caveats: list[str] = field(default_factory=list)
    content_words: int = 0


def _duration(text: str) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)\s*-?\s*(s|secs?|seconds?|m|mins?|minutes?)\b", text, re.IGNORECASE)
    if not m:
        if re.search(r"\bhalf a minute\b", text, re.IGNORECASE):
            return 30.0
        m2 = re.search(r"\ba minute\b|\bone minute\b", text, re.IGNORECASE)
        return 60.0 if m2 else None
    value = float(m.group(1))
    return value * 60 if m.group(2).lower().startswith("m") else value


def _aspects(text: str, caveats: list[str]) -> list[str]:
    low = text.lower()
    found: list[tuple[int, str]] = []
    for word, aspect in ASPECT_WORDS.items():
        for m in re.finditer(rf"\b{word}\b", low):
            found.append((m.start(), aspect))
    for name, aspect in PLATFORMS.items():
        for m in re.finditer(rf"\b{name}\b", low):
            if name == "youtube" and low[m.end():m.end() + 7].strip().startswith("short"):
                continue
            found.append((m.start(), aspect))
    for m in re.finditer(r"\b(\d{1,2})\s*[:x/]\s*(\d{1,2})\b", low):
        ratio = f"{m.group(1)}:{m.group(2)}"
        if ratio in FORMATS:
            found.append((m.start(), ratio))
        elif ":" in m.group(0):
            caveats.append(f"I can't make {ratio} videos; I can make {', '.join(FORMATS)}.")
    out: list[str] = []
    for _, aspect in sorted(found):
        if aspect not in out:
            out.append(aspect)
    return out


FORMAT_PHRASES = (
    r"\b(?:of |about |around |roughly )?\d+(?:\.\d+)?\s*-?\s*(?:s|secs?|seconds?|m|mins?|minutes?)\b(?:\s+long)?",
    r"\b(?:for|on)\s+(?:" + "|".join(PLATFORMS) + r")\b", r"\b(?:" + "|".join(ASPECT_WORDS) + r")\b",
    r"\b\d{1,2}\s*:\s*\d{1,2}\b", r"\$\s*\d+(?:\.\d+)?", r"\bbudget\b", r"\bin (?:" + "|".join(LANGUAGES) + r")\b",
)


def _strip_format_words(text: str) -> str:
    """The request without its format words: "a 20 second teaser for a cafe, vertical" → "a teaser for a cafe"."""
    for pattern in FORMAT_PHRASES:
        text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+([,.;!?])", r"\1", re.sub(r"\s+", " ", text))
    return re.sub(r"(?:[,;]\s*)+$|^[,;\s]+", "", re.sub(r"(,\s*)+", ", ", text)).strip(" .!?,")


def parse_request(text: str, attachments: Sequence[str] = ()) -> ParsedRequest:
    """Read one user message into brief fields. ``attachments`` are the names of the files uploaded with
    it (data from the front door; text that merely looks like an attachment is just text). Never raises;
    unknown parts are simply not filled."""
    req = ParsedRequest()
    for name in attachments:
        if name.lower().endswith(AUDIO_SUFFIXES):
            req.audio.append(name)
        elif name.lower().endswith(DOC_SUFFIXES):
            req.documents.append(name)
        elif name.lower().endswith(PICTURE_SUFFIXES):
            req.pictures.append(name)
        else:
            req.caveats.append(f"I can't use the attached file {name} "
                               "(I read text documents, web pages and audio voice samples).")
    body = text
    req.urls = re.findall(r"https?://[^\s<>\"')]+", body)
    body = re.sub(r"https?://[^\s<>\"')]+", " ", body)
    low = body.lower()
    p = req.patch
    if (d := _duration(body)) is not None:
        p["duration_s"] = d
    if aspects := _aspects(body, req.caveats):
        p["aspects"] = aspects
    for mood, words in MOOD_WORDS.items():
        hit = next((m for w in words if (m := re.search(rf"\b{w}\b", low))), None)
        if hit:
            if re.match(r"\s+(?:music|soundtrack|song|track|background music)\b", low[hit.end():]):
                req.mood_only_music = True
                p["music_mood"] = mood
            else:
                p["tone"] = mood
                p["music_mood"] = mood
            break
    if m := re.search(r"\$\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*(?:usd|dollars?|bucks)\b", low):
        p["budget_usd"] = float(m.group(1) or m.group(2))
    if m := re.search(r"\bin (" + "|".join(LANGUAGES) + r")\b", low):
        p["language"] = LANGUAGES[m.group(1)]
    if re.search(r"\b(cheap|cheapest|low[- ]cost|free|budget[- ]friendly)\b", low):
        p["preference"] = "cheap"
    elif re.search(r"\b(best|high|highest|top|premium)[- ]quality\b|\bpremium\b", low):
        p["preference"] = "quality"
    if m := (re.search(r"\b(elevenlabs:[\w-]+)", body, re.IGNORECASE)
             or re.search(r"\b(piper|espeak(?:-ng)?|automatic|auto)\s+(?:voice|narrator|narration)\b", low)
             or re.search(r"\b(?:voice|narrator)\s*(?:to|:|=|is)?\s*(piper|espeak(?:-ng)?|auto)\b", low)):
        voice = m.group(1)
        p["voice"] = {"espeak-ng": "espeak", "automatic": "auto"}.get(voice.lower(), voice)
    if re.search(r"\b(no|without)\s+music\b", low):
        p["music_mood"] = "none"
    if re.search(r"\b(no|without)\s+(captions|subtitles)\b", low):
        p["captions"] = False
    if re.search(r"\b(post|publish|upload)\b.*\b(tiktok|youtube|instagram|facebook|linkedin)\b", low):
        req.caveats.append("I can't post to social networks; I'll give you the finished files to upload.")
    if m := re.search(r"\b(" + "|".join(KIND_NOUNS) + r")s?\b", low):
        req.kind_noun = m.group(1)
    words = [w for w in re.findall(r"[a-z']+", re.sub(r"elevenlabs:[\w-]+", " ", low)) if w not in FILLER and len(w) > 2]
    recognised = {*ASPECT_WORDS, *PLATFORMS, *LANGUAGES, *(w for ws in MOOD_WORDS.values() for w in ws),
                  *KIND_NOUNS, *SOURCE_WORDS, "second", "seconds", "secs", "minute", "minutes", "budget", "dollars",
                  "music", "captions", "subtitles", "cheap", "quality", "long", "format", "more", "less", "bit",
                  "little", "much", "way", "lot", "tone", "mood", "soundtrack", "song", "track", "background", "voice",
                  "narrator", "narration", "narrate", "narrated", "piper", "espeak", "automatic", "auto", "elevenlabs", "use"}
    req.content_words = len([w for w in words if w not in recognised])
    cleaned = _strip_source_words(_strip_format_words(body)) if (req.urls or req.documents) else _strip_format_words(body)
    if SUBJECT.search(cleaned) or req.content_words >= 2:
        req.goal = cleaned
    return req


SOURCE_WORDS = ("from", "based", "using", "article", "page", "post", "blog", "link", "url", "file", "script",
                "outline", "attached", "document", "this", "these", "following", "here")


def _strip_source_words(text: str) -> str:
    """A request that points at a source, without the pointing: "an explainer from this article about bees"
    → "an explainer about bees"; nothing left of a subject → the text ends up without one."""
    text = re.sub(r"\b(?:(?:based\s+)?(?:on|from|using|of)\s+)?(?:this|the|that|these|my|our|an?|the\s+following)?\s*"
                  r"(?:article|page|post|blog(?:\s+post)?|link|url|file|script|outline|document)s?\b(?:\s*:)?",
                  " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:based\s+on|from|using|at|of|about|on)\s*[:,.]?\s*$", " ", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip(" .,:;!?")
