"""Splitting narration text into sentences and caption words (the spoken form is :mod:`tools.voice.speech`,
which builds on this module)."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”')\]]*\s+")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences on ``. ! ? …`` followed by whitespace."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def split_words(text: str) -> list[str]:
    """Caption words: whitespace-separated tokens that contain at least one letter or digit."""
    return [w for w in text.split() if any(c.isalnum() for c in w)]


def word_weight(word: str) -> int:
    """How long a word roughly takes to say, in letters (punctuation ignored)."""
    return max(1, sum(c.isalnum() for c in word))
