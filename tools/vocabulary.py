"""The words people use for the studio's closed values, defined once: scene kinds, platforms and formats,
and small numbers ("scene two", "the third scene"). Every reader of free text (the offline brief parser,
the review-reply interpreter, the scene editor, the director's tools) asks this module."""

from __future__ import annotations

import re

# --- scene kinds -------------------------------------------------------------------------------------
SCENE_KIND_WORDS: dict[str, str] = {
    "stock": "stock", "stock footage": "stock", "stock video": "stock", "stock photo": "stock",
    "stock photos": "stock", "stock images": "stock", "stock clip": "stock", "footage": "stock",
    "real footage": "stock", "real video": "stock", "b-roll": "stock", "broll": "stock", "b roll": "stock",
    "photo": "stock", "photos": "stock",
    "presenter": "presenter", "avatar": "presenter", "talking head": "presenter", "host": "presenter",
    "me on camera": "presenter", "me talking": "presenter", "me": "presenter", "spokesperson": "presenter",
    "generated": "generated", "ai": "generated", "ai generated": "generated", "ai-generated": "generated",
    "generate": "generated", "ai video": "generated", "generated video": "generated",
    "graphics": "graphics", "motion graphics": "graphics", "motion graphic": "graphics", "infographic": "graphics",
    "infographics": "graphics", "animated text": "graphics", "kinetic typography": "graphics",
    "text on screen": "graphics",
    "still": "still", "still image": "still", "still picture": "still", "ken burns": "still", "keyframe": "still",
}
# A kind named inside a sentence ("make scene 2 stock footage", "can the last scene be me talking").
SCENE_KIND_PHRASE = re.compile(
    r"\b(stock(?:\s+(?:footage|photos?|images?|videos?|clips?))?|b-?\s?roll|real (?:footage|video)|footage|presenter|"
    r"avatar|talking head|spokesperson|me (?:talking|on camera|speaking)|(?:ai[- ])?generated|ai video|with ai|"
    r"motion graphics?|infographics?|kinetic typography)\b",
    re.IGNORECASE)


def scene_kind(word: str) -> str:
    """``stock`` / ``presenter`` / ``generated`` / ``graphics`` / ``still`` from a word the user used; ValueError
    otherwise."""
    key = " ".join(word.strip().lower().replace("_", " ").split())
    bare = re.sub(r"\s+(footage|scene|shots?|photos?|images?|pictures?|clips?|videos?)$", "", key)
    bare = re.sub(r"^(?:with|using)\s+", "", bare)
    kind = SCENE_KIND_WORDS.get(key) or SCENE_KIND_WORDS.get(bare)
    if kind is None:
        raise ValueError(f"unknown scene kind {word!r}; use one of generated, stock, presenter, motion graphics, "
                         "still")
    return kind


# --- formats and platforms ---------------------------------------------------------------------------
ASPECT_WORDS: dict[str, str] = {"vertical": "9:16", "portrait": "9:16", "square": "1:1", "landscape": "16:9",
                                "horizontal": "16:9", "widescreen": "16:9"}
# Longer names first where one contains another ("instagram reels" before "instagram").
PLATFORM_ASPECTS: dict[str, str] = {
    "tiktok": "9:16", "tik tok": "9:16", "instagram reels": "9:16", "instagram stories": "9:16", "reels": "9:16",
    "reel": "9:16", "youtube shorts": "9:16", "shorts": "9:16", "stories": "9:16", "snapchat": "9:16",
    "instagram feed": "4:5", "instagram post": "4:5", "instagram": "4:5", "insta": "4:5",
    "youtube": "16:9", "twitter": "16:9", "x": "16:9", "vimeo": "16:9",
    "linkedin": "1:1", "facebook": "1:1",
}


def platform_aspect(name: str) -> str | None:
    """The format a platform wants ("TikTok" → 9:16, "Instagram feed" → 4:5), or None for an unknown name."""
    return PLATFORM_ASPECTS.get(" ".join(name.strip().lower().split()))


# --- small numbers -----------------------------------------------------------------------------------
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
ORDINAL_WORDS: dict[str, int] = {w: i + 1 for i, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"])}
NUMBER = r"(?:\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)|" + "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True)) + r")"


def small_number(token: str) -> int | None:
    """``"2"``, ``"two"``, ``"2nd"``, ``"second"`` → 2; None for anything else."""
    t = token.strip().lower()
    if t.isdigit():
        return int(t)
    if m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", t):
        return int(m.group(1))
    return NUMBER_WORDS.get(t, ORDINAL_WORDS.get(t))


# --- a scene's own sound (what the video model makes with it) -------------------------------------------
_SOUND = r"(?:sound|audio|noise|volume)"
SHOT_SOUND_WORDS: dict[str, str] = {  # checked in this order: "no ambience" is mute, not ambience
    "mute": rf"\bmute[ds]?\b|\bsilen(?:ce|t|ced)\b|\bno\s+(?:more\s+)?(?:{_SOUND}|ambien(?:ce|t\s+sound))\b|"
            rf"\b(?:{_SOUND})\s+off\b|\b(?:turn|switch|shut|cut|kill|drop|lose)\s+(?:off\s+)?(?:the\s+|its\s+)?"
            rf"(?:{_SOUND})(?:\s+off)?\b|\bwithout\s+(?:any\s+)?(?:{_SOUND})\b",
    "ambience": rf"\bambien(?:ce|t)\b|\bbackground\s+(?:{_SOUND})\b|\b(?:lower|quieter|softer)\s+(?:{_SOUND})\b|"
                rf"\b(?:{_SOUND})\s+(?:low|down|quieter)\b|\bturn\s+(?:the\s+)?(?:{_SOUND})\s+down\b",
    "scene": rf"\bfull\s+(?:{_SOUND})\b|\b(?:its|their)\s+own\s+(?:{_SOUND})\b|\b(?:{_SOUND})\s+(?:up|on)\b|"
             rf"\bturn\s+(?:the\s+)?(?:{_SOUND})\s+(?:up|on)\b|\bunmute\b|\b(?:{_SOUND})\s+back\b",
    "auto": rf"\b(?:default|automatic|normal)\s+(?:{_SOUND})\b",
}
_SHOT_SOUND = [(sound, re.compile(words, re.IGNORECASE)) for sound, words in SHOT_SOUND_WORDS.items()]


def shot_sound(text: str) -> str | None:
    """``mute`` / ``ambience`` / ``scene`` / ``auto`` when ``text`` says what a scene's own sound should do
    ("mute it", "no sound", "keep the ambience", "full sound"); None otherwise (music is the video's, not a
    scene's)."""
    if re.search(r"\bmusic\b", text, re.IGNORECASE) and not re.search(rf"\b{_SOUND}\b", text, re.IGNORECASE):
        return None
    return next((sound for sound, pattern in _SHOT_SOUND if pattern.search(text)), None)
