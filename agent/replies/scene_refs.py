"""Which scenes a reply points at: by number ("scene 2", "scene two", "scenes 1 and 3", "2:"), ordinal
("the second scene", "the 3rd one"), position ("the opening", "the last one", "the penultimate scene",
"the middle scene", "the first two scenes", "every scene") or content ("the barista scene", "the stock shot")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reelforge.agent.review import StoryboardReview
from reelforge.tools.vocabulary import NUMBER, ORDINAL, small_number

UNIT = r"(?:scenes?|shots?|ones?|clips?|parts?|bits?|sections?)"
_LIST_TAIL = (rf"((?:\s*(?:,|and|&|or|-|–|to|through|plus)\s*(?:scene\s*)?#?{NUMBER}\b"
              r"(?!\s*(?:s\b|secs?\b|seconds?\b|%|x\b|dollars?\b)))*)")
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("numbers", rf"\b(?:scenes?|shots?)\s*(?:no\.?|number|#)?\s*#?({NUMBER})\b{_LIST_TAIL}"),
    ("ordinals", rf"\b(?:the\s+)?({ORDINAL})((?:\s*(?:,|and|&|or)\s*(?:the\s+)?{ORDINAL})*)\s+{UNIT}"),
    ("first_n", rf"\b(?:the\s+)?(?:first|opening)\s+({NUMBER})\s+{UNIT}"),
    ("last_n", rf"\b(?:the\s+)?(?:last|final|closing)\s+({NUMBER})\s+{UNIT}"),
    ("penultimate", rf"\b(?:the\s+)?(?:penultimate|(?:second|2nd|next)[- ]to[- ]last|one before the last)"
                    rf"(?:\s+{UNIT})?"),
    ("last", rf"\b(?:the\s+)?(?:last|final|closing|ending|end)(?:\s+{UNIT})\b|\bthe\s+(?:ending|outro|end|finale|"
             rf"close|closer|last|final)\b(?!\s+(?:cut|video|version|result|storyboard|time|draft))|\b(?:ending|outro)\b"),
    ("first", rf"\bthe\s+(?:opening|intro|beginning|opener|start)(?:\s+{UNIT})?\b|\b(?:opening|intro)\s+{UNIT}\b|"
              r"\bintro\b"),
    ("middle", rf"\b(?:the\s+)?middle\s+({UNIT})"),
    ("all", r"\b(?:all(?:\s+the)?|every|each)\s+(?:of\s+the\s+)?(?:scenes?|shots?)\b|\ball\s+of\s+them\b"),
    ("leading", rf"(?:^|[.;\n]\s*)#?({NUMBER})\s*[:)–—-]\s+"),
    ("verb", rf"^\s*(?:edit|model|kind|regenerate|regen|redo|reroll)\s+#?({NUMBER})\b"),
)
REF = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS), re.IGNORECASE)
STOP = set(["the", "a", "an", "this", "that", "scene", "shot", "one", "part", "clip", "bit", "with", "and", "of", "in", "on", "at", "for", "our", "your", "my", "its", "it", "to", "whole", "same", "next", "other", "new", "another"])


@dataclass
class SceneRef:
    """Scenes named by the text between ``start`` and ``end``."""

    start: int
    end: int
    scenes: list[int]


def _numbers(text: str, word: str = rf"{ORDINAL}|{NUMBER}") -> list[int]:
    """Every number in a list or range ("1, 2 and 4", "2-4", "second and third")."""
    tokens = re.findall(rf"\b(?:{word})\b|-|–|\bto\b|\bthrough\b", text, re.IGNORECASE)
    out: list[int] = []
    pending_range = False
    for tok in tokens:
        if tok.lower() in ("-", "–", "to", "through"):
            pending_range = bool(out)
            continue
        n = small_number(tok)
        if n is None:
            continue
        if pending_range and out and n > out[-1]:
            out.extend(range(out[-1] + 1, n + 1))
        else:
            out.append(n)
        pending_range = False
    return out


def find_refs(text: str, count: int) -> list[SceneRef]:
    """Positional and numbered scene references in ``text`` for a storyboard of ``count`` scenes."""
    refs: list[SceneRef] = []
    for m in REF.finditer(text):
        kind = m.lastgroup or ""
        span = m.group(kind)
        if kind == "ordinals":
            scenes = _numbers(span, ORDINAL)
        elif kind in ("numbers", "leading", "verb"):
            scenes = _numbers(span.split(":")[0] if kind == "leading" else span, NUMBER)
        elif kind == "first_n":
            scenes = list(range(1, (small_number(m.group(m.re.groupindex[kind] + 1)) or 1) + 1))
        elif kind == "last_n":
            k = small_number(m.group(m.re.groupindex[kind] + 1)) or 1
            scenes = list(range(max(1, count - k + 1), count + 1))
        elif kind == "penultimate":
            scenes = [count - 1]
        elif kind == "last":
            scenes = [count]
        elif kind == "first":
            scenes = [1]
        elif kind == "middle":
            plural = span.lower().rstrip().endswith("s")
            scenes = [count // 2, count // 2 + 1] if count % 2 == 0 and plural else [(count + 1) // 2]
        else:  # all
            scenes = list(range(1, count + 1))
        scenes = list(dict.fromkeys(s for s in scenes if s is not None))
        if scenes:
            refs.append(SceneRef(m.start(kind), m.end(kind), scenes))
    return refs


def _stem(word: str) -> str:
    word = word.lower()
    for suffix, repl in (("ies", "y"), ("ing", ""), ("es", ""), ("s", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + repl
    return word


CONTENT_REF = re.compile(rf"\bthe\s+((?:(?!\bthe\b)[a-z' -]){{2,40}}?)(?<!\ba)(?<!\ban)\s+(?:{UNIT})\b",
                         re.IGNORECASE)  # "the barista look a bit older" names no scene


def find_content_refs(text: str, review: StoryboardReview) -> list[SceneRef]:
    """"the barista scene", "the stock shot": a scene named by words of its title, narration, picture or kind,
    when exactly one scene matches."""
    refs: list[SceneRef] = []
    for m in CONTENT_REF.finditer(text):
        words = {_stem(w) for w in re.findall(r"[a-z]+", m.group(1).lower()) if w not in STOP and len(w) >= 3}
        if not words:
            continue
        hits = []
        for scene in review.scenes:
            bag = " ".join([scene.title, scene.narration, scene.visual_prompt, scene.kind])
            stems = {_stem(w) for w in re.findall(r"[a-z]+", bag.lower())}
            if words & stems:
                hits.append(scene.number)
        if len(hits) == 1:
            refs.append(SceneRef(m.start(), m.end(), hits))
    return refs
