"""Pacing: speaking rate per language, fitting narration to a target length, shots of at most ~8 s, chapters."""

from __future__ import annotations

import math
import re

from reelforge.tools.planning.text import sentences, word_count

# Typical narration rates in words per minute (ja/zh/ko: per "word" token as counted by text.words).
WPM: dict[str, float] = {
    "en": 150, "es": 160, "fr": 150, "de": 130, "pt": 150, "it": 150, "nl": 140, "pl": 130, "sv": 140,
    "ru": 130, "tr": 130, "ja": 110, "zh": 110, "ko": 120, "hi": 140, "ar": 130,
}
MAX_SHOT_S = 8.0
MIN_SHOT_S = 1.5
TOLERANCE = 0.05
CHAPTER_FROM_S = 180.0


def wpm(language: str) -> float:
    """Speaking rate for ``language`` (ISO 639-1), English's when unknown."""
    return WPM.get((language or "en").split("-")[0].lower(), WPM["en"])


def speak_seconds(text: str, language: str = "en") -> float:
    """How long ``text`` takes to narrate at the language's speaking rate."""
    return word_count(text) * 60.0 / wpm(language)


def target_words(duration_s: float, language: str = "en") -> int:
    """Words of narration that fill ``duration_s``."""
    return max(1, round(duration_s * wpm(language) / 60.0))


def within(total: int, target: int, tolerance: float = TOLERANCE) -> bool:
    return abs(total - target) <= target * tolerance


def choose_to_fit(candidates: list[tuple[int, str]], target: int, *, requires: dict[int, int] | None = None,
                  tolerance: float = TOLERANCE) -> list[int]:
    """Pick candidate indices (given in priority order) whose word total lands within ±tolerance of ``target``.

    ``candidates`` are ``(id, text)``; ``requires`` maps an id to another id that must be picked first (a
    beat's opening sentence before its follow-ups). Greedy: take each candidate that still fits under the upper
    bound, then keep scanning for shorter ones until the total reaches the target.
    """
    upper = target * (1 + tolerance)
    chosen: list[int] = []
    total = 0
    pending = list(candidates)
    progress = True
    while total < target and progress:
        progress = False
        for item in list(pending):
            cid, text = item
            need = (requires or {}).get(cid)
            if need is not None and need not in chosen:
                continue
            n = word_count(text)
            if total + n <= upper:
                chosen.append(cid)
                total += n
                pending.remove(item)
                progress = True
                if total >= target:
                    break
    return chosen


def split_spans(narration: str, language: str = "en", max_s: float = MAX_SHOT_S) -> list[str]:
    """Split narration into spans that each take at most ``max_s`` to speak (sentences, then clauses, words)."""
    limit = max(1, int(max_s * wpm(language) / 60.0))
    pieces: list[str] = []
    for sent in sentences(narration):
        if word_count(sent) <= limit:
            pieces.append(sent)
            continue
        for clause in re.split(r"(?<=[,;:])\s+", sent):
            toks = clause.split()
            while len(toks) > limit:
                cut = math.ceil(len(toks) / math.ceil(len(toks) / limit))
                pieces.append(" ".join(toks[:cut]))
                toks = toks[cut:]
            if toks:
                pieces.append(" ".join(toks))
    spans: list[str] = []
    for piece in pieces:
        if spans and word_count(spans[-1]) + word_count(piece) <= limit:
            spans[-1] = f"{spans[-1]} {piece}"
        else:
            spans.append(piece)
    return spans or ([narration] if narration.strip() else [])


def chapter_groups(scene_seconds: list[float], total_s: float) -> list[int]:
    """Chapter number (0-based) for each scene; one chapter per ~90 s for videos of 3 minutes or more."""
    if total_s < CHAPTER_FROM_S or not scene_seconds:
        return [0] * len(scene_seconds)
    n = max(2, min(len(scene_seconds), round(total_s / 90.0)))
    per = sum(scene_seconds) / n
    out: list[int] = []
    acc = 0.0
    for sec in scene_seconds:
        out.append(min(n - 1, int((acc + sec / 2) // per)))
        acc += sec
    return out
