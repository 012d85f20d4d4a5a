"""Two texts per line: the writer's words on screen, the spoken words for the voice, timings mapped between."""

from __future__ import annotations

import pytest

from reelforge.tools.production import WordTiming
from reelforge.tools.voice.speech import shown_timings, spoken_words, to_speech

COFFEE = ("The golden rule is a ratio of 1:16. Pour 50 g, wait 30 s, then 100% of the rest & relax. "
          "Adjust by ±1 g and keep notes in C:\\coffee\\notes.txt with a 100%{bloom} tag.")


def test_shown_text_is_the_writers_and_spoken_text_reads_it():
    s = to_speech(COFFEE)
    assert s.shown == COFFEE
    assert s.spoken == (
        "The golden rule is a ratio of one to sixteen. Pour fifty grams, wait thirty seconds, then one hundred "
        "percent of the rest and relax. Adjust by plus or minus one gram and keep notes in C drive backslash "
        "coffee backslash notes dot txt with a one hundred percent bloom tag.")


@pytest.mark.parametrize(("written", "spoken"), [
    ("In 2024, Dr. Smith sold 3,500 units at $4.99 each (12.5% off) on the 3rd day.",
     "In twenty twenty four, Doctor Smith sold three thousand five hundred units at four dollars and ninety "
     "nine cents each (twelve point five percent off) on the third day."),
    ("Drive 5 km/h, or 30mph.", "Drive five kilometres per hour, or thirty miles per hour."),
    ("Meet at 7:30 pm; it ended 3:2.", "Meet at seven thirty pm; it ended three to two."),
    ("Costs rose to $4.5 million in the 1990s.", "Costs rose to four point five million dollars in the nineteen nineties."),
    ("R&D, 3-5 minutes, 1/2 cup, 20°C, 2x faster, 1 kg.",
     "R and D, three to five minutes, one half cup, twenty degrees Celsius, two times faster, one kilogram."),
    ("See example.com/about or mail hi@example.org now.",
     "See example dot com slash about or mail hi at example dot org now."),
    ("NASA's Apollo 11 landed 🙂 — really.", "NASA's Apollo eleven landed really."),
    ("We won 5. m is next.", "We won five. m is next."),
    ("Open 24/7 from 7:30am, or 9pm; split 50/50, 3/4 full.",
     "Open twenty four seven from seven thirty a m, or nine p m; split fifty fifty, three quarters full."),
])
def test_english_reading(written, spoken):
    assert to_speech(written).spoken == spoken


@pytest.mark.parametrize(("lang", "written", "spoken"), [
    ("de", "Gieße 50 g in 30 s, 3,5 kg um 7:30 und 100 %.",
     "Gieße fünfzig Gramm in dreißig Sekunden, drei Komma fünf Kilogramm um sieben Uhr dreißig und einhundert "
     "Prozent."),
    ("fr", "Versez 50 g & attendez 30 s, 1:16.", "Versez cinquante grammes et attendez trente secondes, un pour seize."),
    ("es", "Vierte 50 g y espera 30 s.", "Vierte cincuenta gramos y espera treinta segundos."),
])
def test_other_languages_use_their_own_words(lang, written, spoken):
    assert to_speech(written, lang).spoken == spoken


def _timed(words: list[str], step: float = 0.5) -> list[WordTiming]:
    return [WordTiming(word=w, start=i * step, end=i * step + 0.4) for i, w in enumerate(words)]


def test_timings_map_spoken_words_back_to_the_writers_words():
    s = to_speech("a ratio of 1:16, 🙂 every time")
    spoken = _timed(spoken_words(s.spoken))
    shown = shown_timings(s, spoken)
    assert [w.word for w in shown] == ["a", "ratio", "of", "1:16, 🙂", "every", "time"]
    assert " ".join(w.word for w in shown) == s.shown
    ratio = shown[3]  # "one to sixteen" is three spoken words: the caption word lasts all three
    assert (ratio.start, ratio.end) == (spoken[3].start, spoken[5].end)
    assert shown[4].start == spoken[6].start


def test_timings_survive_an_engine_that_drops_a_word():
    s = to_speech("Pour 50 g now")
    spoken = _timed(spoken_words(s.spoken))[:-1]  # the engine reported one word less
    shown = shown_timings(s, spoken)
    assert [w.word for w in shown] == ["Pour", "50", "g", "now"]
    assert all(a.end <= b.start + 1e-6 for a, b in zip(shown, shown[1:], strict=False))


def test_spoken_text_is_stable_when_read_again():
    once = to_speech(COFFEE).spoken
    assert to_speech(once).spoken == once


@pytest.mark.parametrize(("written", "spoken"), [
    ("1½ cups", "one and a half cups"), ("x² + 10⁶", "x squared plus ten to the power of six"),
    ("CO₂", "CO two"), ("v2.0.1", "v two dot zero dot one"), ("1.000.000", "one million"),
])
def test_unusual_numbers_read_as_words(written, spoken):
    assert to_speech(written).spoken == spoken


def test_odd_input_never_breaks_narration():
    odd = ["1" * 400, "3.14.15", "1,2,3", "99:99", "12/31/2025", "0/0", "--", "...", "$$", "🙂", "http://", "\\\\",
           "٣", "１２３", "(1)", "[2]", "{3}", "x" * 300]
    for text in odd:
        spoken = to_speech(text).spoken
        assert not any(c.isdigit() for c in spoken), (text, spoken)
