"""Narration text normalisation: numbers, currency and abbreviations spelled out, so caption words equal spoken words."""

from __future__ import annotations

import re

from num2words import num2words

ABBREVIATIONS = {
    "Dr.": "Doctor", "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Prof.": "Professor", "St.": "Saint",
    "Jr.": "Junior", "Sr.": "Senior", "vs.": "versus", "e.g.": "for example", "i.e.": "that is",
    "etc.": "et cetera", "approx.": "approximately", "No.": "number", "Mt.": "Mount", "Inc.": "Incorporated",
}
SYMBOLS = {"&": " and ", "%": " percent", "+": " plus ", "@": " at ", "°": " degrees"}
CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "€": ("euro", "euros", "cent", "cents"),
              "£": ("pound", "pounds", "penny", "pence")}

_MONEY = re.compile(r"([$€£])\s?(\d[\d,]*)(?:\.(\d{1,2}))?(?:\s?(million|billion|thousand|trillion)\b)?")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.I)
_YEAR = re.compile(r"\b(1[1-9]\d\d|20\d\d)\b(?!\s*(?:%|percent))")
_DECIMAL = re.compile(r"\b(\d[\d,]*)\.(\d+)\b")
_NUMBER = re.compile(r"\b\d[\d,]*\b")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”')\]]*\s+")


def _words(n: int | float | str, **kw: object) -> str:
    out = num2words(n, lang=str(kw.pop("lang", "en")), **kw)
    return out.replace("-", " ").replace(",", "")


def _money(m: re.Match[str], lang: str) -> str:
    one, many, sub_one, sub_many = CURRENCIES[m.group(1)]
    whole = int(m.group(2).replace(",", ""))
    if m.group(4):  # "$4.5 million" -> "four point five million dollars"
        amount = f"{whole}.{m.group(3)}" if m.group(3) else str(whole)
        return f"{_words(amount, lang=lang)} {m.group(4)} {many}"
    text = f"{_words(whole, lang=lang)} {one if whole == 1 else many}"
    if m.group(3):
        cents = int(m.group(3).ljust(2, "0"))
        if cents:
            text += f" and {_words(cents, lang=lang)} {sub_one if cents == 1 else sub_many}"
    return text


def normalize_text(text: str, language: str = "en") -> str:
    """Spell out currency, ordinals, years, decimals, numbers, symbols and common abbreviations.

    ``"In 2024, Dr. Smith sold 3,500 units at $4.99 each."`` →
    ``"In twenty twenty four, Doctor Smith sold three thousand five hundred units at four dollars and
    ninety nine cents each."``
    """
    lang = language.split("-")[0].lower() or "en"
    out = " ".join(text.split())
    for abbr, full in ABBREVIATIONS.items():
        out = re.sub(r"(?<!\w)" + re.escape(abbr), full, out)
    out = _MONEY.sub(lambda m: _money(m, lang), out)
    out = _ORDINAL.sub(lambda m: _words(int(m.group(1)), lang=lang, to="ordinal"), out)
    out = _YEAR.sub(lambda m: _words(int(m.group(1)), lang=lang, to="year"), out)
    out = _DECIMAL.sub(lambda m: _words(f"{m.group(1).replace(',', '')}.{m.group(2)}", lang=lang), out)
    out = _NUMBER.sub(lambda m: _words(int(m.group(0).replace(",", "")), lang=lang), out)
    for sym, word in SYMBOLS.items():
        out = out.replace(sym, word)
    return " ".join(out.split()).replace(" ,", ",").replace(" .", ".")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences on ``. ! ? …`` followed by whitespace."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def split_words(text: str) -> list[str]:
    """Caption words: whitespace-separated tokens that contain at least one letter or digit."""
    return [w for w in text.split() if any(c.isalnum() for c in w)]


def word_weight(word: str) -> int:
    """How long a word roughly takes to say, in letters (punctuation ignored)."""
    return max(1, sum(c.isalnum() for c in word))
