"""Text helpers for planning: sentences, words, keywords, numbers, and spotting injected instructions."""

from __future__ import annotations

import re
from collections import Counter

_SENT_END = re.compile(r"(?:(?<=[.!?。！？])|(?<=[.!?][\"')\]”’]))\s+(?=[\"'(\[“‘]?[A-ZÀ-ÖØ-Þ0-9¿¡])")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|vs|etc|e\.g|i\.e|Inc|Ltd|Jr|Sr)\.$", re.I)
_WORD = re.compile(r"[^\W_][\w'’-]*", re.UNICODE)
_STOPWORD_TEXT = """a an the and or but if then so of to in on at by for with from as into onto about over under
between through during before after above below up down out off again further once here there when where why how
all any both each few more most other some such no nor not only own same than too very can will just should now is
are was were be been being have has had do does did doing i me my we our you your he him his she her it its they
them their what which who whom this that these those am would could might must shall may also it's that's there's
make makes made video videos explain explainer about short long minute minutes second seconds clip reel tiktok
youtube shorts create want need like get got one two three s t
many much every still yet even ever never always often really quite rather today people thing things way ways
says said say new old first last next year years time times without within"""
STOPWORDS = set(_STOPWORD_TEXT.split())

_INJECTION = re.compile(
    r"(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+|your\s+)*(previous|prior|above|earlier|preceding|"
    r"system)\s+(instructions|prompts?|rules|directions)|system\s+prompt|you\s+are\s+(now\s+)?(an?\s+)?"
    r"(ai|assistant|language\s+model|chatbot|llm)\b|as\s+an\s+ai\b|new\s+instructions\s*:|"
    r"(reply|respond|answer)\s+only\s+with|do\s+not\s+follow\s+(the|your)\s+(instructions|rules)", re.I)


def sentences(text: str) -> list[str]:
    """Split text into sentences (keeps abbreviations like "Dr." together)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n", text):
        para = re.sub(r"\s+", " ", para).strip()
        if not para:
            continue
        buf = ""
        for piece in _SENT_END.split(para):
            buf = f"{buf} {piece}".strip() if buf else piece.strip()
            if not _ABBREV.search(buf):
                out.append(buf)
                buf = ""
        if buf:
            out.append(buf)
    return out


def words(text: str) -> list[str]:
    """Spoken words in ``text`` (CJK counted per character group)."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning (no stop words, no short tokens)."""
    out = []
    for w in words(text):
        w = re.sub(r"['’]s$", "", w.lower()).strip("'’-")  # "bakery's" → "bakery"
        if len(w) > 2 and w not in STOPWORDS and not w.isdigit():
            out.append(w)
    return out


def keywords(text: str, n: int = 6) -> list[str]:
    """The ``n`` most frequent content words (ties keep first appearance)."""
    counts = Counter(content_words(text))
    order = {w: i for i, w in reversed(list(enumerate(content_words(text))))}
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]]))[:n]]


_NUMBER = re.compile(r"\b(\d[\d,.]*\s*(?:%|percent|per cent|million|billion|thousand|hours?|days?|years?|"
                     r"metres|meters|km|miles|pounds|dollars|euros|homes|people)?|(?:one|two|three|four|five|six|"
                     r"seven|eight|nine|ten|eleven|twelve|twenty|forty|hundred|thousand)\s+(?:million|billion|"
                     r"thousand|hundred|percent|hours|days|years|pounds|dollars|euros|homes|metres))\b", re.I)


def headline_number(text: str) -> str | None:
    """A short figure worth showing on screen (e.g. "six hours", "40%"), or None."""
    m = _NUMBER.search(text)
    if not m:
        return None
    found = m.group(1).strip().rstrip(".,")
    return found if (any(c.isdigit() for c in found) and len(found) > 1) or " " in found else None


def looks_like_injection(sentence: str) -> bool:
    """True for text addressed to an AI model ("ignore previous instructions…"): content, never obeyed."""
    return bool(_INJECTION.search(sentence))
