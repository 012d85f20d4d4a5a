"""The words a narrator uses for symbols, units and abbreviations, per narration language.

The tables themselves are data in ``speech_words.json`` (one entry per language); this module loads them.

Numbers themselves are spelled by ``num2words``; this table covers what it does not: units after a number,
ratio and range words, symbols, currencies and the few abbreviations worth expanding. Languages without an
entry fall back to English words for symbols and leave units as written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Vocabulary:
    """How one language says the non-number parts of a written line."""

    to: str  # ratios and ranges: "1:16" -> "one to sixteen"
    over: str  # fractions other than halves and quarters
    percent: str
    plus_minus: str
    plus: str
    minus: str
    about: str
    times: str
    dot: str
    slash: str
    backslash: str
    drive: str  # "C:" at the start of a Windows path
    at: str
    number: str
    equals: str
    degrees: str
    hours: tuple[str, str]  # a clock time: "7:30" -> hours word between hour and minutes (non-English)
    and_word: str  # "&"
    units: dict[str, tuple[str, str]]  # written unit -> (singular, plural), spoken only after a number
    abbreviations: dict[str, str] = field(default_factory=dict)
    decimal_comma: bool = True  # "3,5" is three and a half; "1.000" is a thousand
    time_cues: frozenset[str] = frozenset()  # a preceding word that makes "7:30" a clock time
    extra_symbols: dict[str, str] = field(default_factory=dict)  # e.g. currency signs read after the amount

    @cached_property
    def symbols(self) -> dict[str, str]:
        """Each symbol a narrator reads as a word, from this language's words."""
        return {"&": self.and_word, "%": self.percent, "+": self.plus, "@": self.at, "°": self.degrees,
                "±": self.plus_minus, "=": self.equals, "×": self.times, "#": self.number, "~": self.about,
                "≈": self.about, **self.extra_symbols}


DATA_FILE = Path(__file__).with_name("speech_words.json")


def _load(path: Path) -> dict[str, Vocabulary]:
    """The per-language tables from ``speech_words.json`` (units as ``{written: [singular, plural]}``)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Vocabulary] = {}
    for lang, d in raw.items():
        out[lang] = Vocabulary(**{**d, "hours": tuple(d["hours"]), "time_cues": frozenset(d.get("time_cues", ())),
                                  "units": {k: (one, many) for k, (one, many) in d["units"].items()}})
    return out


VOCABULARIES: dict[str, Vocabulary] = _load(DATA_FILE)

CURRENCY_CODES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
EN_CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "€": ("euro", "euros", "cent", "cents"),
                 "£": ("pound", "pounds", "penny", "pence"), "¥": ("yen", "yen", "sen", "sen")}


def vocabulary(language: str) -> Vocabulary:
    """The words for ``language`` (``"de-AT"`` -> German); English for a language without a table."""
    return VOCABULARIES.get((language or "en").split("-")[0].lower(), VOCABULARIES["en"])


def is_unit(word: str) -> bool:
    """True for a written unit of any narration language ("km", "°C", "m/s²"), trailing punctuation ignored."""
    return word.rstrip(".,;:!?)") in _ALL_UNITS


_ALL_UNITS = frozenset(u for v in VOCABULARIES.values() for u in v.units) - {"x", "×", "k", "K"}
