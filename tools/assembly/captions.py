"""Captions: word-highlighted ASS for burning in (libass), and SRT / VTT sidecars of whole phrases.

User and model text only ever goes into these files, never into an ffmpeg filter string.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from reelforge.tools.assembly.formats import caption_safe_area
from reelforge.tools.assets import CAPTION_FONT, CAPTION_FONT_NAME
from reelforge.tools.production import WordTiming
from reelforge.tools.voice.speech_words import is_unit


@dataclass(frozen=True)
class CaptionPreset:
    """A caption look. Colours are ASS ``&HAABBGGRR`` (alpha 00 = opaque)."""

    name: str
    size: float  # font size as a fraction of min(width, height); the writer's case is never changed
    primary: str
    active: str
    outline_colour: str
    back: str
    border_style: int  # 1 outline + shadow, 3 opaque box
    outline: float  # outline (or box padding) as a fraction of the font size
    shadow: float
    alignment: int  # numpad: 2 bottom centre, 1 bottom left
    lower_third: bool = False
    max_words: int = 3


PRESETS: dict[str, CaptionPreset] = {
    "bold": CaptionPreset("bold", 0.075, "&H00FFFFFF", "&H0000FFFF", "&H00000000", "&H80000000",
                          1, 0.09, 0.03, 2),
    "box": CaptionPreset("box", 0.065, "&H00FFFFFF", "&H0000D7FF", "&H40000000", "&H40000000",
                         3, 0.18, 0.0, 2),
    "minimal": CaptionPreset("minimal", 0.045, "&H00FFFFFF", "&H00FFD080", "&H00202020", "&H00000000",
                             1, 0.05, 0.02, 1, lower_third=True, max_words=3),
}
MAX_PAGE_CHARS = 20
PAGE_GAP_S = 0.6  # a pause this long starts a new page
TAIL_S = 0.35  # how long the last page of a phrase stays after its last word


def get_preset(name: str) -> CaptionPreset:
    """A caption preset by name; ``ValueError`` lists the known ones."""
    if name not in PRESETS:
        raise ValueError(f"unknown caption preset {name!r}; use one of {', '.join(PRESETS)}")
    return PRESETS[name]


# --- text safety ----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(CAPTION_FONT), size)


@lru_cache(maxsize=4096)
def _has_glyph(ch: str) -> bool:
    """True when the shipped caption font draws ``ch`` (compared against the font's missing-glyph box)."""
    font = _font(48)

    def ink(c: str) -> bytes:
        mask = font.getmask(c)
        return bytes(mask) + bytes(str(mask.size), "ascii")

    return ink(ch) != ink("\ue000")


def clean_text(text: str) -> str:
    """Caption text that is safe inside an ASS event and drawable with the shipped font.

    The writer's characters are kept: ``{``/``}`` are escaped (libass draws ``\\{`` as a literal brace, so
    no override block can start); a backslash is followed by an invisible word joiner so ``\\N``, ``\\h``
    or ``\\fs`` in user text stay literal (``C:\\notes`` shows as written). Newlines and control characters
    become spaces; characters the font cannot draw (emoji) are dropped.
    """
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\r\n\t" or cat in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif ch in "{}":
            out.append("\\" + ch)
        elif ch == "\\":
            out.append("\\\u2060")
        elif ch == " " or (cat[0] != "C" and _has_glyph(ch)):
            out.append(ch)
    return " ".join("".join(out).split())


def text_width(text: str, size: int) -> float:
    """Rendered width in pixels of ``text`` in the caption font at ``size`` px."""
    return _font(max(1, size)).getlength(text.replace("\u2060", "").replace("\\{", "{").replace("\\}", "}"))


# --- pages ----------------------------------------------------------------------------------------


def together(prev: str, word: str) -> bool:
    """A number and its unit ("384,400 km", "±1 g") are never split across caption pages or phrases."""
    return prev[-1:].isdigit() and is_unit(word)


def paginate(words: list[WordTiming], max_words: int = 3, max_chars: int = MAX_PAGE_CHARS) -> list[list[WordTiming]]:
    """Group words into pages of 1–``max_words`` words, breaking at pauses and sentence ends."""
    pages: list[list[WordTiming]] = []
    page: list[WordTiming] = []
    for w in words:
        if not w.word.strip():
            continue
        chars = sum(len(x.word) + 1 for x in page) + len(w.word)
        if page and not together(page[-1].word, w.word) and (
                len(page) >= max_words or chars > max_chars or w.start - page[-1].end > PAGE_GAP_S
                or page[-1].word.rstrip()[-1:] in ".!?;:"):
            pages.append(page)
            page = []
        page.append(w)
    if page:
        pages.append(page)
    return pages


def _lines(tokens: list[str], size: int, max_w: int) -> tuple[list[list[int]], int]:
    """Break a page's tokens into one or two lines that fit ``max_w``; shrink the font if one word is wider."""
    full = " ".join(tokens)
    if text_width(full, size) <= max_w or len(tokens) == 1:
        groups = [list(range(len(tokens)))]
    else:
        best = min(range(1, len(tokens)), key=lambda c: max(text_width(" ".join(tokens[:c]), size),
                                                           text_width(" ".join(tokens[c:]), size)))
        groups = [list(range(best)), list(range(best, len(tokens)))]
    widest = max(text_width(" ".join(tokens[i] for i in g), size) for g in groups)
    if widest > max_w:
        size = max(8, int(size * max_w / widest))
    return groups, size


def _ass_time(t: float) -> str:
    cs = max(0, int(round(t * 100)))
    h, rem = divmod(cs, 360000)
    m, rem = divmod(rem, 6000)
    s, c = divmod(rem, 100)
    return f"{h}:{m:02d}:{s:02d}.{c:02d}"


@dataclass(frozen=True)
class CaptionEvent:
    start: float
    end: float
    text: str


def caption_events(words: list[WordTiming], width: int, height: int, preset: str | CaptionPreset = "bold",
                   *, end_s: float | None = None) -> list[CaptionEvent]:
    """One event per word: the whole page shown, the active word highlighted; events never overlap.

    ``end_s`` (the video length) clamps the last events so no caption outlasts the video.
    """
    p = preset if isinstance(preset, CaptionPreset) else get_preset(preset)
    size = round(min(width, height) * p.size)
    max_w = caption_safe_area(width, height).max_width(width)
    if p.lower_third:
        max_w = int(width * 0.6)
    raw: list[CaptionEvent] = []
    pages = paginate(words, p.max_words)
    for pi, page in enumerate(pages):
        tokens = [clean_text(w.word) for w in page]
        keep = [i for i, t in enumerate(tokens) if t]
        if not keep:
            continue
        page = [page[i] for i in keep]
        tokens = [tokens[i] for i in keep]
        groups, fsize = _lines(tokens, size, max_w)
        next_start = pages[pi + 1][0].start if pi + 1 < len(pages) else float("inf")
        page_end = min(page[-1].end + TAIL_S, next_start)
        for i, w in enumerate(page):
            end = page[i + 1].start if i + 1 < len(page) else page_end
            parts = []
            for g in groups:
                parts.append(" ".join(
                    f"{{\\c{p.active}&}}{tokens[j]}{{\\r}}" if j == i else tokens[j] for j in g))
            prefix = f"{{\\fs{fsize}}}" if fsize != size else ""
            raw.append(CaptionEvent(w.start, max(end, w.start + 0.01), prefix + "\\N".join(parts)))
    raw.sort(key=lambda e: e.start)
    events = []
    for k, e in enumerate(raw):
        end = min(e.end, raw[k + 1].start) if k + 1 < len(raw) else e.end
        events.append(CaptionEvent(e.start, min(end, end_s) if end_s is not None else end, e.text))
    return [e for e in events if round(e.end * 100) > round(e.start * 100)]


def ass_document(events: list[CaptionEvent], width: int, height: int, preset: str) -> str:
    """The text of an ASS file with ``PlayRes`` = the output size holding ``events``."""
    p = get_preset(preset)
    size = round(min(width, height) * p.size)
    area = caption_safe_area(width, height)
    margin_v = int(height * 0.08) if p.lower_third else area.margin_v
    margin_l = int(width * 0.06) if p.lower_third else area.margin_l
    outline = round(size * p.outline, 1)
    shadow = round(size * p.shadow, 1)
    lines = [
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {width}", f"PlayResY: {height}",
        "WrapStyle: 2", "ScaledBorderAndShadow: yes", "YCbCr Matrix: TV.709", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
        "Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: Caption,{CAPTION_FONT_NAME},{size},{p.primary},{p.active},{p.outline_colour},{p.back},-1,0,0,0,"
        f"100,100,0,0,{p.border_style},{outline},{shadow},{p.alignment},{margin_l},{area.margin_r},{margin_v},1",
        "", "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    for e in events:
        lines.append(f"Dialogue: 0,{_ass_time(e.start)},{_ass_time(e.end)},Caption,,0,0,0,,{e.text}")
    return "\n".join(lines) + "\n"


def write_ass(words: list[WordTiming], width: int, height: int, preset: str, path: str | Path,
              *, end_s: float | None = None) -> Path:
    """Write a word-highlighted ASS file with ``PlayRes`` = the output size; returns its path.

    ``end_s`` (the video length) keeps every event inside the video.
    """
    events = caption_events(words, width, height, preset, end_s=end_s)
    out = Path(path)
    out.write_text(ass_document(events, width, height, preset), encoding="utf-8")
    return out


# --- sidecars -------------------------------------------------------------------------------------


def phrases(words: list[WordTiming], max_chars: int = 42, max_s: float = 4.0) -> list[tuple[float, float, str]]:
    """Group words into readable phrases (≤ ``max_chars``, ≤ ``max_s``, broken at pauses and sentence ends)."""
    out: list[tuple[float, float, str]] = []
    cur: list[WordTiming] = []
    for w in words:
        text = " ".join(w.word.split())
        if not text:
            continue
        if cur and not together(cur[-1].word, text) and (
                len(" ".join(x.word for x in cur)) + 1 + len(text) > max_chars or w.end - cur[0].start > max_s
                or w.start - cur[-1].end > PAGE_GAP_S or cur[-1].word.rstrip()[-1:] in ".!?"):
            out.append((cur[0].start, cur[-1].end, " ".join(" ".join(x.word.split()) for x in cur)))
            cur = []
        cur.append(w)
    if cur:
        out.append((cur[0].start, cur[-1].end, " ".join(" ".join(x.word.split()) for x in cur)))
    fixed = []
    for i, (s, e, t) in enumerate(out):
        nxt = out[i + 1][0] if i + 1 < len(out) else e
        fixed.append((s, min(e, nxt) if i + 1 < len(out) else e, t))
    return fixed


def _clock(t: float, sep: str) -> str:
    ms = max(0, int(round(t * 1000)))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def write_captions(words: list[WordTiming], out_dir: str | Path, slug: str) -> dict[str, str]:
    """Write ``<slug>.srt`` and ``<slug>.vtt`` (phrases, not single words); returns ``{"srt": …, "vtt": …}``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cues = phrases(words)
    srt = [f"{i}\n{_clock(s, ',')} --> {_clock(e, ',')}\n{t}\n" for i, (s, e, t) in enumerate(cues, 1)]
    vtt = ["WEBVTT\n"] + [f"{_clock(s, '.')} --> {_clock(e, '.')}\n{t}\n" for s, e, t in cues]
    srt_path, vtt_path = out / f"{slug}.srt", out / f"{slug}.vtt"
    srt_path.write_text("\n".join(srt), encoding="utf-8")
    vtt_path.write_text("\n".join(vtt), encoding="utf-8")
    return {"srt": str(srt_path), "vtt": str(vtt_path)}
