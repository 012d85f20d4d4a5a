"""Rule-based reading of a video request: length, formats, platforms, mood, budget, language, URLs, files."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from text_to_num import alpha2digit

from reelforge.tools.ingest.language import request_language
from reelforge.tools.production import FORMATS
from reelforge.tools.vocabulary import ASPECT_WORDS, PLATFORM_ASPECTS

PLATFORMS = {name: aspect for name, aspect in PLATFORM_ASPECTS.items() if name != "x"}  # "x" only as "on X"
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


WANT_KEYFRAMES = re.compile(r"\b(?:draw|make|generate|create|show|render|paint|want|get|add|see)\b(?:\s+\w+){0,3}\s+"
                            r"(?:real\s+|proper\s+|ai\s+)?(?:keyframes?|key\s+frames?|storyboard\s+(?:images|pictures|frames))\b")
NO_KEYFRAMES = re.compile(r"\b(?:no|without|skip|don'?t|do\s+not|never)\b(?:\s+[\w']+){0,3}?\s+(?:the\s+|any\s+)?"
                          r"(?:real\s+)?(?:keyframes?|key\s+frames?)\b")


def numbers_as_digits(text: str) -> str:
    """Spelled numbers as digits ("three dollars" → "3 dollars", "ninety seconds" → "90 seconds"), keeping
    "second" as a unit ("a twenty second teaser" → "a 20 second teaser")."""
    guarded = re.sub(r"\bseconds?\b", lambda m: "SECS" if m.group(0).endswith("s") else "SEC", text,
                     flags=re.IGNORECASE)
    try:
        converted = alpha2digit(guarded, "en", threshold=0)
    except Exception:  # noqa: BLE001 - a text the converter cannot read keeps its words
        converted = guarded
    return converted.replace("SECS", "seconds").replace("SEC", "second")


UNIT = r"(s|secs?|seconds?|segundos?|secondes?|sekunden|m|mins?|minutes?|minutos?|minuten)"


def _duration(text: str) -> float | None:
    text = numbers_as_digits(text)
    if m := re.search(r"(\d+(?:\.\d+)?)\s*(?:and\s+a\s+half|½)\s*(m|mins?|minutes?)\b", text, re.IGNORECASE):
        return (float(m.group(1)) + 0.5) * 60
    if re.search(r"\b(?:a|1)\s+minute\s+and\s+a\s+half\b", text, re.IGNORECASE):
        return 90.0
    if m := re.search(r"\b(\d+)\s*m(?:in)?\s*(\d+)\s*s(?:ec)?\b|\b(\d+):([0-5]\d)\s*(?:min|minutes?)?\b(?!\s*(?:am|pm))",
                      text, re.IGNORECASE):
        minutes, secs = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if int(minutes) <= 10:
            return int(minutes) * 60 + float(secs)
    m = re.search(rf"(\d+(?:\.\d+)?)\s*-?\s*{UNIT}\b", text, re.IGNORECASE)
    if not m:
        if re.search(r"\bhalf\s+(?:a\s+)?minute\b|\bthirty\s+seconds\b", text, re.IGNORECASE):
            return 30.0
        if re.search(r"\bquarter\s+(?:of\s+)?(?:a\s+)?minute\b", text, re.IGNORECASE):
            return 15.0
        m2 = re.search(r"\ba\s+minute\b|\b1\s+minute\b|\bminute[- ]long\b", text, re.IGNORECASE)
        return 60.0 if m2 else None
    value = float(m.group(1))
    return value * 60 if m.group(2).lower().startswith("m") else value


CURRENCY = {"$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "buck": "USD", "bucks": "USD",
            "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "pound": "GBP",
            "pounds": "GBP", "quid": "GBP"}
MONEY = re.compile(r"([$€£])\s*(\d+(?:[.,]\d{1,2})?)|\b(?:usd|eur|gbp)\s*(\d+(?:[.,]\d{1,2})?)|"
                   r"(\d+(?:[.,]\d{1,2})?)\s*(usd|eur|gbp|dollars?|bucks?|euros?|pounds?|quid|€|£|\$)(?!\w)",
                   re.IGNORECASE)


def budget(text: str) -> tuple[float, str] | None:
    """(amount, currency) of a budget written in digits, words or symbols ("three dollars", "€5", "3 bucks")."""
    m = MONEY.search(numbers_as_digits(text))
    if not m:
        return None
    if m.group(1):
        symbol, amount = m.group(1), m.group(2)
    elif m.group(3):
        symbol, amount = m.group(0)[:3], m.group(3)
    else:
        amount, symbol = m.group(4), m.group(5)
    return float(amount.replace(",", ".")), CURRENCY.get(symbol.lower(), "USD")


def _aspects(text: str, caveats: list[str]) -> list[str]:
    low = text.lower()
    found: list[tuple[int, str]] = []
    for word, aspect in ASPECT_WORDS.items():
        for m in re.finditer(rf"\b{word}\b", low):
            found.append((m.start(), aspect))
    taken: list[tuple[int, int]] = []
    for name in sorted(PLATFORMS, key=len, reverse=True):  # "instagram reels" before "instagram" and "reels"
        for m in re.finditer(rf"\b{re.escape(name)}\b", low):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), PLATFORMS[name]))
    for m in re.finditer(r"\b(?:on|for|to)\s+x\b(?!\s*\d)", low):  # "post it on X"
        found.append((m.start(), PLATFORM_ASPECTS["x"]))
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


_LEAVE_OUT = (r"(?:no|without|skip|drop|remove|cut|lose|ditch|mute|kill|turn\s+off|disable|leave\s+out|get\s+rid\s+of|"
              r"(?:don'?t|do\s+not|doesn'?t)\s+(?:add|include|want|need|use|put|have)|(?:we|i)\s+don'?t\s+"
              r"(?:want|need))\s+(?:the\s+|any\s+|a\s+|some\s+)?")
NO_MUSIC = re.compile(rf"\b{_LEAVE_OUT}(?:background\s+|backing\s+)?(?:music|soundtrack|track|score|songs?|tunes?|"
                      r"jingle|beats?)\b|\bmusic[- ](?:free|less)\b|\bno[- ]music\b|\bvoice[- ]only\b|"
                      r"\bmusic\s*(?::|=)?\s*(?:off|none|no)\b", re.IGNORECASE)
NO_CAPTIONS = re.compile(rf"\b{_LEAVE_OUT}(?:burned[- ]in\s+|on-?screen\s+)?(?:captions?|subtitles?|subs|"
                         r"on-?screen\s+text|text\s+on\s+screen)\b|\b(?:captions?|subtitles?)\s*(?::|=)?\s*"
                         r"(?:off|none|no|not\s+needed)\b|\b(?:caption|subtitle)[- ]free\b", re.IGNORECASE)
WITH_CAPTIONS = re.compile(r"\b(?:with|add|include|want|need|turn\s+on|burn\s+in|keep)\s+(?:the\s+)?"
                           r"(?:captions?|subtitles?|subs)\b", re.IGNORECASE)

FORMAT_PHRASES = (
    r"\b(?:of |about |around |roughly |de )?\d+(?:\.\d+)?\s*-?\s*" + UNIT + r"\b(?:\s+long)?",
    r"\b(?:for|on)\s+(?:(?:my|our|the)\s+)?(?:" + "|".join(sorted(PLATFORMS, key=len, reverse=True)) + r")\b", r"\b(?:" + "|".join(ASPECT_WORDS) + r")\b",
    r"\b\d{1,2}\s*:\s*\d{1,2}\b", MONEY.pattern, r"\b(?:my\s+|a\s+|the\s+)?budget(?:\s+(?:is|of))?\b",
    r"\b(?:about\s+|around\s+)?(?:half\s+a|a\s+quarter\s+of\s+a|a)\s+minute(?:\s+and\s+a\s+half)?(?:\s+long)?\b",
    NO_MUSIC.pattern, NO_CAPTIONS.pattern, WITH_CAPTIONS.pattern, r"\bin (?:" + "|".join(LANGUAGES) + r")\b",
)


def _strip_format_words(text: str) -> str:
    """The request without its format words: "a 20 second teaser for a cafe, vertical" → "a teaser for a cafe"."""
    for pattern in FORMAT_PHRASES:
        text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+([,.;!?])", r"\1", re.sub(r"\s+", " ", text))
    text = re.sub(r"(?:[,;]\s*)+$|^[,;\s]+", "", re.sub(r"(,\s*)+", ", ", text)).strip(" .!?,")
    text = re.sub(r"(?:[\s,]+(?:and|with|or|but|in|on|for))+$", "", text, flags=re.IGNORECASE)
    return re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", r"\1n ", text)


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
    if money := budget(body):
        p["budget_usd"] = money[0]
        if money[1] != "USD":
            req.caveats.append(f"Budgets are in US dollars; I've taken {money[0]:g} {money[1]} as ${money[0]:g}.")
    if m := re.search(r"\bin (" + "|".join(LANGUAGES) + r")\b", low):
        p["language"] = LANGUAGES[m.group(1)]
    elif m := re.search(r"\b(?:en\s+español|en\s+castellano|en\s+français|auf\s+deutsch|in\s+italiano|em\s+português)\b",
                        low):
        p["language"] = {"es": "es", "ca": "es", "fr": "fr", "au": "de", "in": "it", "em": "pt"}.get(
            m.group(0)[3:5] if m.group(0).startswith("en ") else m.group(0)[:2], "en")
    elif lang := request_language(body):
        p["language"] = lang
    if re.search(r"\b(cheap|cheapest|low[- ]cost|free|budget[- ]friendly)\b", low):
        p["preference"] = "cheap"
    elif re.search(r"\b(best|high|highest|top|premium)[- ]quality\b|\bpremium\b", low):
        p["preference"] = "quality"
    if m := (re.search(r"\b(elevenlabs:[\w-]+)", body, re.IGNORECASE)
             or re.search(r"\b(piper|espeak(?:-ng)?|automatic|auto)\s+(?:voice|narrator|narration)\b", low)
             or re.search(r"\b(?:voice|narrator)\s*(?:to|:|=|is)?\s*(piper|espeak(?:-ng)?|auto)\b", low)):
        voice = m.group(1)
        p["voice"] = {"espeak-ng": "espeak", "automatic": "auto"}.get(voice.lower(), voice)
    if NO_MUSIC.search(low):
        p["music_mood"] = "none"
    if NO_KEYFRAMES.search(low):
        p["keyframes"] = "off"
    elif WANT_KEYFRAMES.search(low):
        p["keyframes"] = "on"  # the person asks to pay an image model for keyframes before approving
    if NO_CAPTIONS.search(low):
        p["captions"] = False
    elif WITH_CAPTIONS.search(low):
        p["captions"] = True
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
    plain = numbers_as_digits(body) if (p.get("duration_s") or p.get("budget_usd")) else body
    cleaned = _strip_source_words(_strip_format_words(plain)) if (req.urls or req.documents) else _strip_format_words(plain)
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
