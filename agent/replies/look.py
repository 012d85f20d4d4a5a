"""Look-sheet changes read from how people talk: the style ("warmer colours", "more cinematic lighting", "make it
black and white") and the recurring subjects ("make the baker older", "the dog should be a golden retriever",
"give her a red coat", "add a recurring character: a grey cat named Miso", "drop the dog from the look").

A subject is one the look sheet has, a pronoun when it has exactly one subject, or a noun the storyboard's own
words use ("the baker" in a bakery storyboard; never "the music" or "the video"). Each decision carries the new
value merged with the current look: a style clause replaces the clause about the same thing (colour, light,
lens) and keeps the rest; a description starting with "a"/"an" replaces the old one ("a golden retriever"),
anything else is added to it ("older" replaces "younger").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reelforge.agent.review import ReviewDecision, StoryboardReview
from reelforge.tools.production import LookSheet, name_words, plain_letters

IC = re.IGNORECASE
ASPECTS: dict[str, re.Pattern[str]] = {
    "colour": re.compile(r"\b(?:colou?r(?:s|ed|ing|\s+grade)?|palette|grad(?:e|ed|ing)|tones|hues?|black[- ](?:and|&)"
                         r"[- ]white|b\s?&\s?w|monochrome|sepia|gr[ae]yscale|(?:de)?saturat\w*|pastels?|neon|"
                         r"technicolou?r)\b", IC),
    "light": re.compile(r"\b(?:light(?:ing)?|lit|shadows?|contrast|golden\s+hour|backlit|exposure)\b", IC),
    "lens": re.compile(r"\b(?:lens|depth\s+of\s+field|bokeh|wide[- ]angle|telephoto|\d{2,3}\s?mm|film\s+grain|grain|"
                       r"anamorphic)\b", IC),
}
LOOK_NOUN = re.compile(r"\b(?:a|an)\s+(?:[\w'-]+\s+){1,3}(?:look|aesthetic)\b", IC)  # "a vintage film look"
LEAD = re.compile(r"^(?:\W|\b(?:please|pls|can|could|would|will|you|we|i'?d|i'?m|i|like|love|want|let'?s|lets|make|it|"
                  r"its|it'?s|everything|the\s+whole\s+(?:thing|video)|the\s+video|all|go\s+for|go|use|give\s+it|give|"
                  r"have|change|switch|set|turn|to|into|should|be|in|with|and|but|also|just|a\s+bit|a\s+little|"
                  r"slightly|maybe|ok|okay|yes|yeah|so|then|now|how\s+about|what\s+about|try|the)\b)+", IC)
TAIL = re.compile(r"(?:[\s,.!?]|\b(?:please|pls|thanks|thank\s+you|instead|overall|throughout|everywhere|too|as\s+well|"
                  r"(?:in|for|across)\s+(?:the\s+whole\s+(?:video|thing)|every\s+(?:scene|shot)|all\s+(?:the\s+)?"
                  r"(?:scenes|shots)))\b)+$", IC)
PRAISE = re.compile(r"\b(?:love|like|great|nice|good|perfect|beautiful|fine|amazing|gorgeous|stunning|lovely|spot\s+on|"
                    r"brilliant|awesome|right)\b", IC)
CHANGE_CUE = re.compile(r"\b(?:make|use|go\s+for|change|switch|give|add|try|want|prefer|should|needs?|could|can|would|"
                        r"i'?d\s+(?:like|love)|let'?s|more|less|too|into|instead|rather)\b|\b\w+(?:er|ier)\b", IC)
PRONOUNS = re.compile(r"\b(?:she|her|he|him|his)\b", IC)
PERSON = re.compile(r"\b(?:man|woman|men|women|boy|girl|person|guy|lady|kid|child|baby|he|she|him|her|his|"
                    r"character|host|presenter|owner|chef|cook|baker|barista|customer|farmer|doctor|nurse|teacher|"
                    r"student|worker|grand(?:ma|pa|mother|father)|mother|father|mum|mom|dad|friend|hero|heroine)s?\b",
                    IC)
NOT_SUBJECTS = frozenset({"music", "song", "soundtrack", "video", "film", "clip", "voice", "voiceover", "narration",
    "narrator", "captions", "caption", "subtitles", "text", "title", "titles", "logo", "font", "fonts", "intro",
    "outro", "opening", "ending", "end", "start", "colours", "colors", "colour", "color", "lighting", "light",
    "style", "look", "looks", "pace", "pacing", "tone", "mood", "budget", "price", "cost", "estimate", "storyboard",
    "scene", "scenes", "shot", "shots", "sound", "audio", "format", "length", "transitions", "transition", "cuts",
    "cut", "keyframes", "keyframe", "thing", "whole", "rest", "beginning", "middle", "version", "way", "feel",
    "vibe", "script", "words"})
MAKE = re.compile(r"\b(?:make|makes|making)\s+$", IC)
GIVE = re.compile(r"\b(?:give|add)\s+$", IC)
SWAP = re.compile(r"\b(?:change|turn|swap|switch|replace)\s+$", IC)
REMOVE = re.compile(r"\b(?:remove|drop|delete|lose|cut|get\s+rid\s+of|take\s+out|take\s+off|no\s+more|without|"
                    r"(?:don'?t|do\s+not|no\s+longer)\s+need)\s+$", IC)
BE = re.compile(r"^\s*(?:should|must|needs?\s+to|has\s+to|ought\s+to|could|can|is\s+supposed\s+to|will)?\s*"
                r"(?:(?P<wear>wear|wears|be\s+wearing|is\s+wearing)|(?P<has>have|has|needs?|gets?)|be|look|looks|is|are|seem|"
                r"seems)\s+(?:like\s+)?",
                IC)
INTO = re.compile(r"^\s*(?:in)?to\s+|^\s*for\s+|^\s*with\s+", IC)
ADD = re.compile(r"\badd\s+(?:a|an|another)\s+(?:new\s+)?(?:recurring\s+)?(?:character|subject|person|product|place)"
                 r"\s*(?::|,|-|–|—)?\s*(?:who\s+is\s+|that\s+is\s+)?(?P<d>.+)$|\badd\s+(?P<d2>.+?)\s+(?:as\s+a\s+"
                 r"(?:new\s+)?(?:recurring\s+)?(?:character|subject)|to\s+the\s+look(?:\s+sheet)?)\b", IC)
NAMED = re.compile(r"\s*,?\s+(?:called|named)\s+(?P<name>[\w'-]+(?:\s+[A-Z][\w'-]*)?)", IC)
OPPOSITES = {"older": "younger", "younger": "older", "taller": "shorter", "shorter": "taller", "bigger": "smaller",
             "smaller": "bigger", "happier": "sadder", "sadder": "happier", "thinner": "heavier", "heavier": "thinner"}


@dataclass
class _Mention:
    """Where a clause names a subject: its span and the look sheet's name for it (new: not on the sheet yet)."""

    start: int
    end: int
    name: str
    new: bool = False


def read_look(text: str, review: StoryboardReview) -> list[ReviewDecision] | str | None:
    """The look-sheet changes ``text`` asks for; a clarifying question (str) when it names a subject by a pronoun
    that cannot be resolved; None when it is not about the look (or also asks for other things)."""
    look = review.look or LookSheet()
    decisions: list[ReviewDecision] = []
    for clause in _clauses(text):
        found = _subject_change(clause, look, review) or _style_change(clause, look)
        if isinstance(found, str):
            return found
        if found is None:
            if len(re.findall(r"\w+", clause)) > 3:
                return None  # something else is asked too: the whole reply is read as a revision
            continue
        decisions.append(found)
        look = _applied(look, found)
    return decisions or None


def _clauses(text: str) -> list[str]:
    parts = re.split(r"[.;!?\n]+|,?\s+\b(?:but|also|plus)\b\s+|,?\s+and\s+(?=make\b|give\b|the\b|her\b|his\b)",
                     text, flags=IC)
    out: list[str] = []
    for part in (p.strip() for p in parts if p and re.search(r"\w", p)):
        if out and re.match(r"the\b", part, IC) and (verb := re.match(r".*?\b(make|give)\s", out[-1], IC)):
            part = f"{verb.group(1)} {part}"  # "make the baker older and the dog bigger": the verb is shared
        out.append(part)
    return out


def _applied(look: LookSheet, d: ReviewDecision) -> LookSheet:
    """The look after ``d`` (so a second change in one reply merges with the first)."""
    return look.changed(style=d.style or None, subject=d.subject or None, description=d.instruction or None,
                        remove=d.remove)


# --- the style -------------------------------------------------------------------------------------------

def _aspects(text: str) -> set[str]:
    return {name for name, pattern in ASPECTS.items() if pattern.search(text)}


def _style_change(clause: str, look: LookSheet) -> ReviewDecision | None:
    if not (_aspects(clause) or LOOK_NOUN.search(clause)):
        return None
    if PRAISE.search(clause) and not CHANGE_CUE.search(clause):
        return None  # "I love the colours" keeps them
    words = TAIL.sub("", LEAD.sub("", clause)).strip()
    if m := re.match(r"^(?P<x>.+?)\s+(?:is|are|looks?|feels?)\s+(?:way\s+|much\s+|a\s+bit\s+)?too\s+(?P<y>[\w-]+)$", words, IC):
        words = f"less {m.group('y')} {m.group('x')}"  # "the colours are too saturated" → "less saturated colours"
    elif m := re.match(r"^(?P<x>.+?)\s+(?:should|must|needs?\s+to|could|can)?\s*(?:be|look|feel)\s+(?P<y>.+)$", words,
                       IC):
        words = f"{m.group('y')} {m.group('x')}"  # "the colours should be warmer" → "warmer colours"
    elif m := re.match(r"^(?P<x>[\w\s-]+?)\s+(?P<y>(?:a\s+(?:bit|little)\s+)?\w+er)$", words, IC):
        words = f"{m.group('y')} {m.group('x')}"  # "the colours cooler" → "cooler colours"
    elif m := re.match(r"^(?P<x>.+?)\s+(?:in)?to\s+(?P<y>.+)$", words, IC):
        y = m.group("y")  # "the lighting to golden hour" → "golden hour"; "the grade to teal" → "teal grade"
        words = y if _aspects(y) or LOOK_NOUN.search(y) else f"{y} {m.group('x')}"
    words = re.sub(r"^(?:a|an)\s+", "", words.strip(), flags=IC)
    if not re.search(r"\w", words) or len(words) > 120:
        return None
    return ReviewDecision(action="look", style=merged_style(look.style, words))


def merged_style(current: str, change: str) -> str:
    """``current`` with the clauses about what ``change`` is about (colour, light, lens) replaced by it."""
    kinds = _aspects(change)
    kept = [c.strip() for c in re.split(r"[;,]", current) if c.strip() and not (kinds and _aspects(c) & kinds)]
    return ", ".join([*kept, change])


# --- the subjects ----------------------------------------------------------------------------------------

def _subject_change(clause: str, look: LookSheet, review: StoryboardReview) -> ReviewDecision | str | None:
    if added := _added(clause):
        return added
    for mention in _mentions(clause, look, review):
        if mention.name == "?":
            return _which(look)
        before, after = clause[:mention.start], clause[mention.end:]
        if REMOVE.search(before):
            return None if mention.new else ReviewDecision(action="look", subject=mention.name, remove=True)
        change, replace = _description(before, after)
        if change:
            current = next((s.description for s in look.subjects if s.name == mention.name), "")
            return ReviewDecision(action="look", subject=mention.name,
                                  instruction=merged_description(current, change, replace=replace))
    return None


def _mentions(clause: str, look: LookSheet, review: StoryboardReview) -> list[_Mention]:
    """Every subject the clause names, first the look sheet's, then pronouns, then storyboard nouns."""
    out = []
    folded = plain_letters(clause)  # "cafe" names "the café"; one letter for one, so positions hold
    for subject in look.subjects:
        words = sorted(name_words(subject.name), key=len, reverse=True)
        for word in words:
            if m := re.search(rf"\b(?:(?:the|our|my)\s+)?{re.escape(word)}s?\b", folded, IC):
                out.append(_Mention(m.start(), m.end(), subject.name))
                break
    if m := PRONOUNS.search(clause):
        people = [s for s in look.subjects if len(look.subjects) == 1 or PERSON.search(f"{s.name} {s.description}")
                  or s.name[:1].isupper()]
        out.append(_Mention(m.start(), m.end(), people[0].name if len(people) == 1 else "?"))
    board = _board_words(review)
    for m in re.finditer(r"\b(?:the|our|my)\s+((?:[a-z][\w'-]*\s+){0,2}[a-z][\w'-]*)", clause, IC):
        words = m.group(1).split()
        for k in range(len(words), 0, -1):  # the longest noun phrase whose last word the storyboard uses
            head = words[k - 1].lower()
            if head not in NOT_SUBJECTS and name_words(head) and name_words(head) <= board:
                out.append(_Mention(m.start(), m.start(1) + len(" ".join(words[:k])),
                                    "the " + " ".join(words[:k]).lower(), new=True))
                break
    known = [o for o in out if not o.new]
    return known + [m for m in out if m.new and not any(o.start < m.end and m.start < o.end for o in known)]


PICTURE_CUE = re.compile(r"\b(?:this|these|attached|photos?|pictures?|pics?|images?|references?|looks?\s+like|here'?s|"
                         r"here\s+(?:is|are))\b", IC)


def picture_subject(text: str, review: StoryboardReview, *, names_picture: bool = False) -> str | None:
    """The one subject a message sent with a picture names as what the picture shows ("use this photo for the
    baker", "this is our dog", "the baker should look like this"); None when it names none, several, or a pronoun
    that could be anyone, or does not speak of the picture (``names_picture``: it names the file itself)."""
    if not (names_picture or PICTURE_CUE.search(text)):
        return None
    names = {m.name for m in _mentions(text, review.look or LookSheet(), review)}
    return names.pop() if len(names) == 1 and "?" not in names else None


def _board_words(review: StoryboardReview) -> set[str]:
    bag = " ".join(f"{s.title} {s.narration} {' '.join(sh.visual_prompt for sh in s.shots)}" for s in review.scenes)
    return name_words(bag)


def _description(before: str, after: str) -> tuple[str, bool]:
    """(the change to a subject's description, whether it replaces the old one) from the words around it."""
    if MAKE.search(before):
        said = re.sub(r"^\s*(?:look|seem|be)\s+", "", after, flags=IC)
    elif GIVE.search(before):
        said = "with " + after.strip()
    elif SWAP.search(before) and (m := INTO.match(after)):
        said = after[m.end():]
    elif m := BE.match(after):
        said = ("wearing " if m.group("wear") else "with " if m.group("has") else "") + after[m.end():]
    else:
        return "", False
    said = re.split(r",\s*(?:then|and|but|so|after\s+that)\b", said, maxsplit=1, flags=IC)[0]  # ", then go ahead"
    said = TAIL.sub("", said).strip(" ,:;-–—")
    if not re.search(r"\w", said) or re.match(r"too\b", said, IC) or len(said) > 200:
        return "", False  # "the baker looks too young" says what is wrong, not what it should be
    if re.fullmatch(r"(?:(?:really|so|very|just|fine|as\s+(?:it|she|he)\s+is|\W)\s*)*", PRAISE.sub(" ", said), IC):
        return "", False  # "the café is perfect as it is" changes nothing
    return said, bool(re.match(r"(?:a|an)\s+(?!bit\b|little\b|lot\b|touch\b|tad\b)", said, IC))


def merged_description(current: str, change: str, *, replace: bool) -> str:
    """``change`` instead of ``current`` (``replace``), else added to it, an opposite ("younger") dropped."""
    if replace or not current.strip():
        return change
    said = {w.lower() for w in change.split()}
    drop = said | {OPPOSITES[w] for w in said if w in OPPOSITES}
    kept = [p.strip() for p in current.split(",") if p.strip() and p.strip().lower() not in drop]
    return ", ".join([*kept, change])


def _added(clause: str) -> ReviewDecision | None:
    """"add a recurring character: a grey cat named Miso", "add a golden retriever as a recurring subject"."""
    m = ADD.search(clause)
    if not m:
        return None
    said = TAIL.sub("", m.group("d") or m.group("d2") or "").strip(" ,:;-–—")
    if not said:
        return None
    proper = re.search(r"(?<=\s)[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*\s*$", said)  # "our dog Biscuit"
    if named := NAMED.search(said):
        name, said = named.group("name"), (said[:named.start()] + said[named.end():]).strip(" ,")
    elif proper:
        name, said = proper.group(0).strip(), said[:proper.start()].strip(" ,")
    else:
        head = re.split(r"\s+(?:with|in|who|that|wearing|from)\b|,", said, maxsplit=1, flags=IC)[0]
        name = "the " + re.sub(r"^(?:a|an|the|another)\s+", "", head, flags=IC).strip()
    return ReviewDecision(action="look", subject=name, instruction=said or name)


def _which(look: LookSheet) -> str:
    """The question to ask when a pronoun could be anyone."""
    if not look.subjects:
        return ("Who do you mean? Name them, for example \"give the baker a red coat\", and I'll keep them the same "
                "in every shot.")
    names = ", ".join(f"\"{s.name}\"" for s in look.subjects)
    return f"Which one do you mean: {names}? For example \"make {look.subjects[0].name} older\"."

