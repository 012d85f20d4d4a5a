"""Captions: ASS pages with a highlighted word, safe text, line widths, SRT/VTT sidecars."""

from __future__ import annotations

import re

import pytest

from reelforge.tools.assembly.captions import PRESETS, caption_events, clean_text, text_width, write_ass, write_captions
from reelforge.tools.assembly.formats import caption_safe_area
from reelforge.tools.assembly.qc import ass_events, caption_check
from reelforge.tools.production import WordTiming

TEXT = ("Welcome to reelforge, where videos assemble themselves. Extraordinarily long words "
        "like incomprehensibilities wrap. Done!")


def _words(text: str = TEXT, step: float = 0.4) -> list[WordTiming]:
    return [WordTiming(word=w, start=round(i * step, 3), end=round(i * step + step * 0.8, 3))
            for i, w in enumerate(text.split())]


@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize(("w", "h"), [(1080, 1920), (1920, 1080), (1080, 1080), (1080, 1350)])
def test_ass_events_never_overlap_and_fit(tmp_path, preset, w, h):
    words = _words()
    path = write_ass(words, w, h, preset, tmp_path / "c.ass")
    text = path.read_text()
    assert f"PlayResX: {w}" in text and f"PlayResY: {h}" in text and "WrapStyle: 2" in text
    events = ass_events(path)
    assert caption_check(events, words, 100.0).passed
    p = PRESETS[preset]
    size = round(min(w, h) * p.size)
    max_w = int(w * 0.6) if p.lower_third else caption_safe_area(w, h).max_width(w)
    for e in caption_events(words, w, h, preset):
        assert e.text.count("{\\c") == 1  # exactly one highlighted word
        fs = re.match(r"\{\\fs(\d+)\}", e.text)
        plain = re.sub(r"\{[^}]*\}", "", e.text)
        for line in plain.split("\\N"):
            assert text_width(line, int(fs.group(1)) if fs else size) <= max_w + 1
        assert len(plain.replace("\\N", " ").split()) <= p.max_words


def test_bold_keeps_the_writers_case_and_highlights_in_yellow():
    [first, *_] = caption_events(_words("hello 50 g at C:\\coffee"), 1080, 1920, "bold")
    assert first.text.startswith("{\\c&H0000FFFF&}hello{\\r} 50 g")


def test_hostile_text_stays_text():
    assert clean_text("a{\\fs300}b") == "a\\{\\\u2060fs300\\}b"
    assert clean_text("x\\Ny\nz") == "x\\\u2060Ny z"
    assert clean_text("it's: [ok], %{pts}; 🎉") == "it's: [ok], %\\{pts\\};"
    events = caption_events(_words("{\\pos(1,1)} \\N evil"), 1080, 1920, "bold")
    for e in events:
        markup = re.findall(r"(?<!\\)\{[^}]*\}", e.text)
        assert all(m in ("{\\c&H0000FFFF&}", "{\\r}") or m.startswith("{\\fs") for m in markup)


def test_unknown_preset():
    with pytest.raises(ValueError, match="unknown caption preset"):
        write_ass(_words(), 1080, 1920, "sparkles", "x.ass")


def test_srt_and_vtt_are_well_formed_phrases(tmp_path):
    words = _words()
    files = write_captions(words, tmp_path, "clip")
    srt = (tmp_path / "clip.srt").read_text()
    blocks = [b for b in srt.strip().split("\n\n") if b]
    stamp = r"\d\d:\d\d:\d\d,\d\d\d --> \d\d:\d\d:\d\d,\d\d\d"
    last_end = -1.0
    for i, block in enumerate(blocks, 1):
        lines = block.split("\n")
        assert lines[0] == str(i) and re.fullmatch(stamp, lines[1]) and lines[2].strip()
        start, end = (sum(float(x) * m for x, m in zip(t.replace(",", ".").split(":"), (3600, 60, 1), strict=True))
                      for t in lines[1].split(" --> "))
        assert last_end <= start < end
        last_end = end
    assert len(blocks) < len(words) / 2  # phrases, not single words
    vtt = (tmp_path / "clip.vtt").read_text()
    assert vtt.startswith("WEBVTT\n") and vtt.count(" --> ") == len(blocks)
    assert re.search(r"\d\d:\d\d:\d\d\.\d\d\d --> ", vtt)
    assert set(files) == {"srt", "vtt"}
    joined = " ".join(b.split("\n", 2)[2] for b in blocks)
    assert joined.split() == TEXT.split()


def test_writers_symbols_survive_burned_captions(tmp_path):
    """Braces, backslashes, %, ±, & reach libass as literal text (escaped, never as override blocks)."""
    text = "ratio 1:16 & ±1 g in C:\\coffee\\notes.txt with 100%{bloom}"
    path = write_ass(_words(text), 1080, 1920, "bold", tmp_path / "c.ass")
    shown = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("Dialogue:"):
            body = re.sub(r"(?<!\\)\{\\[^}]*\}", "", line.split(",", 9)[9])  # drop the real override blocks
            shown.append(body.replace("\\N", " ").replace("\\{", "{").replace("\\}", "}").replace("\u2060", ""))
    pages = list(dict.fromkeys(shown))  # one event per highlighted word; the page text repeats
    assert " ".join(pages) == text


def test_a_number_and_its_unit_stay_together():
    words = _words("On average the Moon is 384,400 km away, by ±1 g.", step=0.9)
    from reelforge.tools.assembly.captions import paginate, phrases

    assert all("384,400 km" in t or "384,400" not in t for _, _, t in phrases(words))
    assert any([w.word for w in page][-2:] == ["384,400", "km"] for page in paginate(words))
