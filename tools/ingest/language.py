"""Which language a text is written in: py3langid (a maintained langid.py fork whose model ships with the
package, so it works offline), limited to the languages reelforge narrates."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "pl", "ja", "zh", "ko", "hi", "ar", "ru", "tr", "sv", "da",
             "no", "fi", "cs", "el", "uk", "id", "vi")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(Path(MODEL_DIR) / MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGUAGES))
    return ident


def identify(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, confidence 0–1) for ``text``."""
    lang, prob = _identifier().classify(text[:5000])
    return str(lang), float(prob)


def detect_language(text: str, default: str = "en", min_confidence: float = 0.5) -> str:
    """Best-guess ISO 639-1 code for a page or document; ``default`` when the text says too little."""
    if len(_WORD.findall(text[:5000])) < 3:
        return default
    lang, prob = identify(text)
    return lang if prob >= min_confidence else default


def request_language(text: str, min_words: int = 4, min_confidence: float = 0.8) -> str | None:
    """The language a short request is written in, when it is clearly not English; None otherwise (short or
    mixed requests such as "a teaser for Café Olé" stay with the default)."""
    if len(_WORD.findall(text)) < min_words:
        return None
    lang, prob = identify(text)
    return lang if lang != "en" and prob >= min_confidence else None


def normalize_language(code: str | None, default: str = "en") -> str:
    """``"en-US"`` → ``"en"``; empty → ``default``."""
    if not code:
        return default
    return code.strip().replace("_", "-").split("-")[0].lower() or default
