"""A small stop-word language guesser (enough to pick a speaking rate), used when a page declares none."""

from __future__ import annotations

import re

_STOPWORD_TEXT: dict[str, str] = {
    "en": "the and of to is in that it for with as was on are be this by not or have from at",
    "es": "el la de que y en los se del las un por con una para es al lo como más pero sus",
    "fr": "le la les de des et est un une du en que qui dans pour pas sur au avec ce sont",
    "de": "der die das und ist nicht ein eine zu den mit von sich des auf für im dem auch es",
    "pt": "o a os as de do da que e em um uma para com não no na por mais se dos das",
    "it": "il lo la gli le di che e è un una per con non del della in sono al nel",
    "nl": "de het een en van is dat op te in voor niet met zijn er aan ook als",
}
_STOPWORDS = {lang: set(words.split()) for lang, words in _STOPWORD_TEXT.items()}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str, default: str = "en") -> str:
    """Best-guess ISO 639-1 code for ``text`` (CJK by script, European languages by stop words)."""
    sample = text[:5000]
    if not sample.strip():
        return default
    if re.search(r"[\u3040-\u30ff]", sample):
        return "ja"
    if re.search(r"[\uac00-\ud7af]", sample):
        return "ko"
    if len(re.findall(r"[\u4e00-\u9fff]", sample)) > len(sample) * 0.2:
        return "zh"
    words = [w.lower() for w in _WORD.findall(sample)]
    if not words:
        return default
    scores = {lang: sum(1 for w in words if w in sw) for lang, sw in _STOPWORDS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= max(2, len(words) // 50) else default


def normalize_language(code: str | None, default: str = "en") -> str:
    """``"en-US"`` → ``"en"``; empty → ``default``."""
    if not code:
        return default
    return code.strip().replace("_", "-").split("-")[0].lower() or default
