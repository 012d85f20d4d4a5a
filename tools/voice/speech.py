"""What the writer wrote and what the narrator says, token by token.

A narration line has two texts. The *shown* text (captions, on-screen text, SRT/VTT, timeline markers) is the
writer's own, exactly. The *spoken* text reads numbers, units, ratios, symbols and paths as words for the
voice: ``"Pour 50 g, ratio 1:16"`` is spoken ``"Pour fifty grams, ratio one to sixteen"``. Both are kept per
whitespace token (:class:`SpokenToken`), so word timings of the speech map back onto the writer's words
(:func:`shown_timings`): the caption highlights ``1:16`` for as long as "one to sixteen" is being said.

Numbers are spelled by ``num2words`` in the narration language; units, symbols and abbreviations come from
:mod:`tools.voice.speech_words`. Nothing is downloaded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from num2words import num2words

from reelforge.tools.production import WordTiming
from reelforge.tools.voice.speech_words import CURRENCY_CODES, EN_CURRENCIES, Vocabulary, vocabulary
from reelforge.tools.voice.words import map_words

_LEAD = "\"'([{“‘«¿¡"
_TRAIL = "\"'.,;:!?)]}”’»…"
_SIGN = r"[±+\-−~≈]?"
_NUM = r"\d+(?:[.,]\d+)*"
_NUMBER = re.compile(rf"^({_SIGN})({_NUM})$")
_NUM_UNIT = re.compile(rf"^({_SIGN})({_NUM})\s?(\S+?)$")
_MONEY = re.compile(rf"^([$€£¥])({_NUM})(?:(k|K|m|M|bn|million|billion|thousand|trillion))?$")
_MONEY_AFTER = re.compile(rf"^({_NUM})\s?([$€£¥])$")
_ORDINAL_EN = re.compile(r"^(\d+)(st|nd|rd|th)$", re.I)
_ORDINAL_SIGN = re.compile(r"^(\d+)(?:\.?[º°ª]|e|er|ère|ème|eme)$")
_PAIR = re.compile(r"^(\d+):(\d+)$")
_RANGE = re.compile(rf"^({_NUM})[-–—]({_NUM})$")
_FRACTION = re.compile(r"^(\d+)/(\d+)$")
_CLOCK_AMPM = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s?([ap])\.?m\.?$", re.I)
_DECADE = re.compile(r"^'?(\d{1,3}0)s$")
_NUMERIC_SIGNS = "⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉¼½¾⅐⅑⅒⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞"  # read by their value
_PIECE = re.compile(rf"\d+(?:[.,]\d+)*|[^\W\d_{_NUMERIC_SIGNS}]+|\S", re.UNICODE)
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.([A-Za-z]{2,6})(?:/\S*)?$")
_SCALE_WORDS = {"k": "thousand", "K": "thousand", "m": "million", "M": "million", "bn": "billion"}
_SCALES = {"thousand", "million", "billion", "trillion"}
_AMPM = {"am", "pm", "a.m.", "p.m.", "a.m", "p.m"}


@dataclass(frozen=True)
class SpokenToken:
    """One whitespace-separated token as written (``shown``) and as said (``spoken``; empty when silent)."""

    shown: str
    spoken: str


@dataclass(frozen=True)
class Speech:
    """A line as written and as spoken, token by token."""

    tokens: tuple[SpokenToken, ...]
    language: str = "en"

    @property
    def shown(self) -> str:
        """The writer's text (whitespace collapsed)."""
        return " ".join(t.shown for t in self.tokens)

    @property
    def spoken(self) -> str:
        """The text for the voice."""
        return " ".join(t.spoken for t in self.tokens if t.spoken)


def spoken_words(text: str) -> list[str]:
    """Words a speech engine reports timings for: tokens with at least one letter or digit."""
    return [w for w in text.split() if any(c.isalnum() for c in w)]


# --- numbers --------------------------------------------------------------------------------------------


def _say(n: int | float | str, lang: str, **kw: object) -> str:
    """``num2words`` in ``lang`` (English where the language lacks the form); digit by digit when it cannot."""
    for attempt in (lang, "en"):
        try:
            return num2words(n, lang=attempt, **kw).replace("-", " ").replace(",", "")
        except (NotImplementedError, OverflowError, ValueError, TypeError, ArithmeticError):
            continue
    return " ".join(_say(int(d), lang) for d in str(n) if d in "0123456789")


def _parse(digits: str, v: Vocabulary) -> tuple[str, bool]:
    """Written number -> (plain ``"1234.5"``, is_decimal), honouring the language's separators."""
    if v.decimal_comma:
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):
            return digits.replace(".", ""), False
        if "," in digits:
            whole, _, frac = digits.rpartition(",")
            return f"{whole.replace('.', '')}.{frac}", True
        if re.fullmatch(r"\d+\.\d+", digits):
            return digits, True
        return digits.replace(".", ""), False
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", digits):  # "1.000.000" written the continental way
        return digits.replace(".", ""), False
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits) or re.fullmatch(r"\d+(?:\.\d+)?", digits):
        plain = digits.replace(",", "")
        return plain, "." in plain
    return digits.replace(",", "."), True  # "3,5" written the continental way in an English line


def number_words(digits: str, lang: str, *, year_ok: bool = False) -> str:
    """A written number in words: ``"3,500"`` -> ``"three thousand five hundred"``, ``"2024"`` -> a year;
    ``"2.0.1"`` (a version, not a number) -> its parts joined by "dot"."""
    v = vocabulary(lang)
    if len(re.findall(r"[.,]", digits)) > 1 and not re.fullmatch(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*(?:[.,]\d+)?",
                                                                  digits):
        return f" {v.dot} ".join(_say(int(part), lang) for part in re.split(r"[.,]", digits) if part)
    plain, decimal = _parse(digits, v)
    if decimal:
        return _say(plain, lang)
    value = int(plain)
    if year_ok and len(plain) == 4 and 1100 <= value <= 2099 and lang == "en":
        return _say(value, lang, to="year")
    return _say(value, lang)


def _value(digits: str, lang: str) -> float:
    plain, _ = _parse(digits, vocabulary(lang))
    try:
        return float(plain)
    except ValueError:
        return 0.0


def _sign_words(sign: str, v: Vocabulary) -> str:
    return {"±": v.plus_minus, "+": v.plus, "-": v.minus, "−": v.minus, "~": v.about, "≈": v.about}.get(sign, "")


def _money(symbol: str, digits: str, scale: str | None, lang: str) -> str:
    v = vocabulary(lang)
    plain, decimal = _parse(digits, v)
    if lang != "en" and not scale:
        try:
            return _say(float(plain), lang, to="currency", currency=CURRENCY_CODES[symbol])
        except (NotImplementedError, KeyError, ValueError, TypeError):
            return f"{number_words(digits, lang)} {v.symbols.get(symbol, symbol)}"
    one, many, sub_one, sub_many = EN_CURRENCIES[symbol]
    if scale:  # "$4.5 million" -> "four point five million dollars"
        return f"{_say(plain, lang)} {_SCALE_WORDS.get(scale, scale)} {many}"
    whole, _, cents = plain.partition(".")
    text = f"{_say(int(whole), lang)} {one if int(whole) == 1 else many}"
    if cents and int(cents.ljust(2, '0')[:2]):
        c = int(cents.ljust(2, "0")[:2])
        text += f" and {_say(c, lang)} {sub_one if c == 1 else sub_many}"
    return text


def _clock(hour: int, minute: int, lang: str) -> str:
    v = vocabulary(lang)
    if lang == "en":
        if minute == 0:
            return f"{_say(hour, lang)} o'clock"
        return f"{_say(hour, lang)} {'oh ' if minute < 10 else ''}{_say(minute, lang)}"
    hours = v.hours[0] if hour == 1 else v.hours[1]
    return f"{_say(hour, lang)} {hours}" + (f" {_say(minute, lang)}" if minute else "")


def _fraction(num: int, den: int, lang: str) -> str:
    if lang != "en" or den == 0:
        return f"{_say(num, lang)} {vocabulary(lang).over} {_say(den, lang)}"
    names = {2: ("half", "halves"), 4: ("quarter", "quarters")}
    one, many = names.get(den, (_say(den, lang, to="ordinal"), _say(den, lang, to="ordinal") + "s"))
    return f"{_say(num, lang)} {one if num == 1 else many}"


def _decade(digits: str, lang: str) -> str:
    words = _say(int(digits), lang, to="year" if len(digits) == 4 else "cardinal")
    return (words[:-1] + "ies") if words.endswith("y") else words + "s"


# --- tokens ---------------------------------------------------------------------------------------------


def _split_punct(token: str) -> tuple[str, str, str]:
    """``"(1:16),"`` -> ``("(", "1:16", "),")``; a token that is only punctuation stays whole as its core."""
    i, j = 0, len(token)
    while i < j and token[i] in _LEAD:
        i += 1
    while j > i and token[j - 1] in _TRAIL:
        j -= 1
    if i == j:
        return "", token, ""
    return token[:i], token[i:j], token[j:]


def _path(core: str, lang: str) -> str:
    """A file path, URL or e-mail address read aloud: ``C:\\a\\b.txt`` -> ``C drive backslash a backslash b dot txt``."""
    v = vocabulary(lang)
    out: list[str] = []
    rest = re.sub(r"^[a-z][a-z0-9+.-]*://", "", core, flags=re.I)
    drive = re.match(r"^([A-Za-z]):(?=[\\/])", rest)
    if drive:
        out.append(f"{drive.group(1)} {v.drive}")
        rest = rest[2:]
    for piece in re.findall(r"[\\/@.]|[^\\/@.]+", rest):
        word = {"\\": v.backslash, "/": v.slash, "@": v.at, ".": v.dot}.get(piece)
        if word:
            if out:  # a leading separator is not read
                out.append(word)
        else:
            out.append(_pieces(piece, v, lang))
    return " ".join(w for w in out if w)


def _pieces(core: str, v: Vocabulary, lang: str) -> str:
    """Anything else, piece by piece: numbers spelled, letters kept, known symbols named, the rest silent."""
    out: list[str] = []
    for piece in _PIECE.findall(core):
        if re.match(r"\d", piece):
            out.append(number_words(piece, lang))
        elif len(piece) == 1 and unicodedata.numeric(piece, None) is not None:  # ½ ² ₂
            out.append(_numeric_sign(piece, lang, after_number=bool(out) and bool(re.match(r"\d", core))))
        elif piece[0].isalpha():
            out.append(piece)
        elif piece in v.symbols:
            out.append(v.symbols[piece])
    return " ".join(w for w in out if w)


def _numeric_sign(ch: str, lang: str, *, after_number: bool) -> str:
    """A vulgar fraction, superscript or subscript digit: ``½`` "one half" ("and a half" after a number),
    ``²`` "squared", ``₂`` "two"."""
    value = unicodedata.numeric(ch)
    name = unicodedata.name(ch, "")
    if value < 1:
        frac = Fraction(value).limit_denominator(16)
        words = _fraction(frac.numerator, frac.denominator, lang)
        if after_number and lang == "en":  # "1½" -> "one and a half"
            return "and " + re.sub(r"^one ", "a ", words)
        return words
    if "SUPERSCRIPT" in name and lang == "en":
        return {2: "squared", 3: "cubed"}.get(int(value), f"to the power of {_say(int(value), lang)}")
    return _say(int(value), lang)


def _is_path(core: str) -> bool:
    if "\\" in core or "://" in core or re.match(r"^[A-Za-z]:[\\/]", core):
        return True
    if re.fullmatch(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", core):
        return True
    if re.match(r"^(?:~|\.{1,2})?/\w", core) or core.startswith("www."):
        return True
    if "/" in core and "." in core.rsplit("/", 1)[-1] and re.search(r"[A-Za-z]", core):
        return True
    domain = _DOMAIN.match(core)
    return bool(domain) and domain.group(1).islower()


class _Reader:
    """Reads one line token by token, remembering the number a unit may follow."""

    def __init__(self, language: str) -> None:
        self.lang = (language or "en").split("-")[0].lower() or "en"
        self.v = vocabulary(self.lang)
        self.last_value: float | None = None  # the number just read, for "50 g" / "1 g"
        self.currency_after: str | None = None  # "$4.5 million": "dollars" is said after "million"

    def unit(self, unit: str, value: float | None) -> str | None:
        words = self.v.units.get(unit)
        if words is None:
            return None
        return words[0] if value is not None and value == 1 else words[1]

    def read(self, tokens: list[str]) -> list[SpokenToken]:
        out: list[SpokenToken] = []
        for k, token in enumerate(tokens):
            prev = tokens[k - 1] if k else ""
            nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
            value, self.last_value = self.last_value, None
            out.append(SpokenToken(token, self.token(token, value, prev, nxt)))
        return out

    def token(self, token: str, value: float | None, prev: str, nxt: str) -> str:
        if token in self.v.abbreviations:
            return self.v.abbreviations[token]
        lead, core, trail = _split_punct(token)
        if core + trail[:1] in self.v.abbreviations:  # "e.g.," -> core "e.g" + "."
            return lead + self.v.abbreviations[core + trail[:1]] + trail[1:]
        said = self.core(core, value, prev, nxt)
        if any(c in trail for c in ".!?;:"):  # "It weighs 5. G..." : a unit never follows across a stop
            self.last_value = None
        if not said:
            return ""
        return lead.strip("{[") + said + trail.replace("}", "").replace("]", "")

    def core(self, core: str, value: float | None, prev: str, nxt: str) -> str:  # noqa: PLR0911 - one rule each
        lang, v = self.lang, self.v
        if core in v.abbreviations:
            return v.abbreviations[core]
        if value is not None and (said := self.unit(core, value)) is not None:
            return said
        if m := _NUMBER.match(core):
            self.last_value = _value(m.group(2), lang)
            unit_next = _split_punct(nxt)[1] in v.units
            sign = _sign_words(m.group(1), v)
            words = number_words(m.group(2), lang, year_ok=not (sign or unit_next))
            return f"{sign} {words}".strip()
        if core in _SCALES and self.currency_after:
            said, self.currency_after = f"{core} {self.currency_after}", None
            return said
        if m := _MONEY.match(core):
            if lang == "en" and not m.group(3) and _split_punct(nxt)[1] in _SCALES:
                self.currency_after = EN_CURRENCIES[m.group(1)][1]
                return number_words(m.group(2), lang)
            return _money(m.group(1), m.group(2), m.group(3), lang)
        if m := _MONEY_AFTER.match(core):
            return _money(m.group(2), m.group(1), None, lang)
        if lang == "en" and (m := _ORDINAL_EN.match(core)):
            return _say(int(m.group(1)), lang, to="ordinal")
        if lang != "en" and (m := _ORDINAL_SIGN.match(core)):
            return _say(int(m.group(1)), lang, to="ordinal")
        if m := _PAIR.match(core):
            return self.pair(int(m.group(1)), m.group(2), prev, nxt)
        if m := _RANGE.match(core):
            return f"{number_words(m.group(1), lang)} {v.to} {number_words(m.group(2), lang)}"
        if m := _FRACTION.match(core):
            num, den = int(m.group(1)), int(m.group(2))
            if 0 < num < den <= 16:
                return _fraction(num, den, lang)
            return f"{_say(num, lang)} {_say(den, lang)}"  # "24/7", "50/50"
        if (m := _CLOCK_AMPM.match(core)) and int(m.group(1)) <= 12:
            minute = int(m.group(2) or 0)
            said = _say(int(m.group(1)), lang) + (f" {'oh ' if minute < 10 else ''}{_say(minute, lang)}" if minute else "")
            return f"{said} {m.group(3).lower()} m"
        if lang == "en" and (m := _DECADE.match(core)) and int(m.group(1)) % 10 == 0 and len(m.group(1)) in (2, 4):
            return _decade(m.group(1), lang)
        if m := _NUM_UNIT.match(core):
            said = self.unit(m.group(3), _value(m.group(2), lang))
            if said is not None:
                sign = _sign_words(m.group(1), v)
                return f"{sign} {number_words(m.group(2), lang)} {said}".strip()
        if core in v.units and ("/" in core or "°" in core or len(core) >= 3):
            return v.units[core][1]
        if _is_path(core):
            return _path(core, lang)
        if core.replace("'", "").replace("’", "").replace("-", "").isalpha() and not set(core) & set(_NUMERIC_SIGNS):
            return core
        return _pieces(core, v, lang)

    def pair(self, left: int, right: str, prev: str, nxt: str) -> str:
        """``7:30`` after "at" (or before "pm") is a time; any other ``a:b`` is a ratio or a score."""
        cue = _split_punct(prev)[1].lower() in self.v.time_cues
        ampm = _split_punct(nxt.lower())[1] in _AMPM or nxt.lower().rstrip(".,;!?") in _AMPM
        if len(right) == 2 and int(right) < 60 and left <= 24 and (cue or ampm):
            return _clock(left, int(right), self.lang)
        return f"{_say(left, self.lang)} {self.v.to} {_say(int(right), self.lang)}"


def to_speech(text: str, language: str = "en") -> Speech:
    """The line as written and as it should be spoken, token by token (see the module docstring)."""
    tokens = text.split()
    return Speech(tuple(_Reader(language).read(tokens)), language=language)


def normalize_text(text: str, language: str = "en") -> str:
    """The spoken form of ``text``: ``"In 2024, Dr. Smith paid $4.99"`` -> ``"In twenty twenty four, Doctor
    Smith paid four dollars and ninety nine cents"``."""
    return to_speech(text, language).spoken


# --- timings --------------------------------------------------------------------------------------------


def shown_timings(speech: Speech, spoken: list[WordTiming]) -> list[WordTiming]:
    """The writer's words with the times at which their spoken words are said.

    ``spoken`` are the speech engine's timings of :func:`spoken_words` of ``speech.spoken``. A token spoken as
    several words spans all of them; a silent token (an emoji, a dash) joins the word before it (or after it,
    at the start), so joining the words with spaces gives back the writer's text.
    """
    groups: list[list[str]] = []  # shown tokens per timed unit
    counts: list[int] = []  # spoken words per unit
    pending: list[str] = []
    for t in speech.tokens:
        n = len(spoken_words(t.spoken))
        if n == 0:
            if groups:
                groups[-1].append(t.shown)
            else:
                pending.append(t.shown)
            continue
        groups.append([*pending, t.shown])
        counts.append(n)
        pending = []
    if not groups:
        return []
    if pending:
        groups[-1] += pending
    shown = [" ".join(g) for g in groups]
    if sum(counts) != len(spoken):  # the engine dropped or merged words: share by length instead
        return map_words(shown, [(w.start, w.end) for w in spoken]) if spoken else []
    out: list[WordTiming] = []
    i = 0
    for word, n in zip(shown, counts, strict=True):
        out.append(WordTiming(word=word, start=spoken[i].start, end=spoken[i + n - 1].end))
        i += n
    return out
