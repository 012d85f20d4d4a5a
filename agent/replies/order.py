"""Removing and reordering scenes, read from how people say it: "drop scene 4", "get rid of the last scene",
"we don't need the intro", "swap 2 and 3", "move scene 4 to the start", "put the last scene first",
"scene 3 should come before scene 2".

The reply is read as a template in which each scene reference is a token (``§0``, ``§1``...); a clause must
be only the removal or the move (up to a clause break or "and"), so "drop the music in scene 2", "cut scene 2
shorter" and "move faster in scene 2" stay scene edits. Decisions name scenes by the numbers shown; a move's
position counts in the order left by the decisions before it (see :mod:`agent.scene_order`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reelforge.agent.replies.scene_refs import SceneRef
from reelforge.agent.review import ReviewDecision
from reelforge.tools.vocabulary import NUMBER, ORDINAL, small_number


def _vocabulary(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


REF = r"§\d+"
END = r"(?=\s*(?:$|[,.;:!?)]|\b(?:and|then|please|pls|instead|thanks|thank\s+you|too|also|but|so|otherwise|now)\b))"
NOT_BEFORE = re.compile(r"\b(?:don'?t|do\s+not|never|(?<!why\s)not|no\s+need\s+to|shouldn'?t|won'?t|wouldn'?t|keep)\b"
                        r"(?:\s+\w+){0,2}\s*$", re.IGNORECASE)
# an operand: a scene reference, a bare number after a verb ("swap 2 and 3") or a position word ("the first")
OPERAND = rf"(?:{REF}|\#?{NUMBER}\b|(?:the\s+)?(?:first|last|{ORDINAL})\b(?!\s+(?:time|thing|bit|part|half)))"
SCAN = re.compile(rf"§(\d+)|\b({NUMBER}|first|last|{ORDINAL})\b", re.IGNORECASE)
PLACE = (r"(?:the\s+)?(?:very\s+)?(?:start|beginning|front|top|opening|end|back|bottom|ending|close)\b"
         r"|(?:position|slot|place|spot|number|no\.?)\s*\#?\d{1,2}\b"
         rf"|(?:the\s+)?(?:first|last|{ORDINAL})(?:\s+(?:place|position|spot|slot|one|scene))?\b")
FIRST_WORDS = ("start", "beginning", "front", "top", "opening", "first", "open", "begin", "lead", "kick")
REMOVE_VERB = (r"drop|remove|delete|cut|lose|skip|ditch|scrap|kill|axe|nix|bin|omit|eliminate|erase|trash|chop"
               r"|get\s+rid\s+of|take\s+out|leave\s+out|throw\s+out|cut\s+out|rip\s+out|do\s+away\s+with"
               r"|(?:can\s+|could\s+)?do\s+without")
REMOVALS = (
    _vocabulary(rf"\b(?:{REMOVE_VERB})\s+(?:the\s+(?:whole\s+|entire\s+)?)?(?P<subj>{REF})"
                r"(?:\s+(?:out|entirely|completely|altogether|for\s+now"
                r"|from\s+(?:the\s+|this\s+|my\s+)?(?:video|storyboard|film|edit|cut|plan|list)))*" + END),
    _vocabulary(rf"\b(?:take|leave|cut|throw|rip|pull)\s+(?P<subj>{REF})\s+out\b" + END),
    _vocabulary(rf"(?:\b(?:don'?t|do\s+not|doesn'?t|does\s+not)\s+(?:really\s+|even\s+)?(?:need|want)"
                rf"|\bno\s+(?:longer\s+)?need(?:\s+for)?|\bno\s+more|\bwithout)\s+(?P<subj>{REF})" + END),
    _vocabulary(rf"(?P<subj>{REF})\s+(?:can|could|should|must|has\s+to|needs\s+to|may|is\s+going\s+to"
                r"|has\s+got\s+to|gotta)\s+(?:just\s+)?(?:go|be\s+(?:removed|dropped|deleted|cut|skipped|scrapped"
                r"|ditched|taken\s+out|left\s+out|lost))" + END),
    _vocabulary(rf"(?P<subj>{REF})\s+(?:isn'?t|is\s+not|'s\s+not|is\s+no\s+longer|not)\s+(?:really\s+)?"
                r"(?:needed|necessary|required)" + END),
    _vocabulary(rf"(?P<subj>{REF})\s+(?:is|seems|feels|looks)\s+(?:really\s+|totally\s+|kind\s+of\s+|a\s+bit\s+)?"
                r"(?:unnecessary|redundant|superfluous|pointless|not\s+needed)" + END),
)
SWAPS = (
    _vocabulary(r"\b(?:swap|switch|flip|exchange|trade|interchange|reverse)\s+(?:round\s+|around\s+)?"
                rf"(?:the\s+(?:order|places|positions)\s+of\s+)?(?P<subj>{OPERAND}(?:\s*(?:and|&|with|,)\s*{OPERAND})?)"
                r"(?:\s+(?:around|round|over|places|positions|(?:in\s+)?the\s+order))?" + END),
    _vocabulary(rf"(?P<subj>{REF}(?:\s*(?:and|&)\s*{REF})?)\s+(?:should\s+|need\s+to\s+|can\s+|could\s+|to\s+)?"
                r"(?:swap|switch|trade|exchange)(?:\s+(?:places|positions|around|round|over))?" + END),
)
MOVE_VERB = r"move|put|place|bring|shift|push|pull|have|make|show|play|drag"
RELATION = r"before|after|ahead\s+of|in\s+front\s+of|behind"
MOVES = (  # (pattern, how its target is read)
    (_vocabulary(rf"\b(?:{MOVE_VERB})\s+(?P<subj>{OPERAND})\s+(?:(?:to|at|into|in|as)\s+(?:be\s+)?)?"
                 rf"(?P<target>{REF}|{PLACE})" + END), "place"),
    (_vocabulary(rf"\b(?:{MOVE_VERB})\s+(?P<subj>{OPERAND})\s+(?P<rel>{RELATION})\s+(?P<obj>{OPERAND})" + END),
     "relative"),
    (_vocabulary(rf"(?P<subj>{REF})\s+(?:should|must|needs?\s+to|has\s+to|could|can|to|would\s+be\s+better"
                 rf"|is\s+better)?\s*(?:come|go|be|play|appear|run|sit)?\s*(?P<rel>{RELATION})\s+(?P<obj>{OPERAND})"
                 + END), "relative"),
    (_vocabulary(rf"(?P<subj>{REF})\s+(?:should|must|needs?\s+to|has\s+to|could|can|to)\s+(?:be|come|go|play|move)"
                 rf"\s+(?:(?:to|at|in)\s+)?(?P<target>{REF}|{PLACE})" + END), "place"),
    (_vocabulary(rf"(?P<subj>{REF})\s+(?:should|must|needs?\s+to|has\s+to|could|can|to)\s+"
                 r"(?P<word>open|start|begin|close|end|finish)(?:\s+(?:the\s+)?(?:video|film|storyboard|it|things))?"
                 + END), "verb"),
    (_vocabulary(r"\b(?P<word>open|start|begin|lead|kick\s+off|end|finish|close|wrap\s+up)\s+"
                 rf"(?:the\s+video\s+|it\s+)?(?:with|on)\s+(?P<subj>{REF})" + END), "verb"),
    (_vocabulary(rf"\b(?:move|bring|shift|push|nudge)\s+(?P<subj>{OPERAND})\s+"
                 r"(?P<word>up|down|earlier|later|forward|back(?:wards?)?)"
                 r"(?:\s+(?:one|1|a\s+(?:spot|place|scene|position)|by\s+one))?" + END), "step"),
)


@dataclass
class Arrangement:
    """Removals and moves read from a reply, with the spans of the text they used."""

    decisions: list[ReviewDecision] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # indexes of the references consumed
    out_of_range: list[int] = field(default_factory=list)
    declined: bool = False  # a removal or move said not to be done ("don't drop scene 4"): nothing to do there


class _Template:
    """``text`` with every reference replaced by ``§k``, and offsets mapped back to ``text``."""

    def __init__(self, text: str, refs: list[SceneRef]) -> None:
        self.refs = sorted(refs, key=lambda r: r.start)
        self.marks: list[tuple[int, int, int, int]] = []  # (template start, template end, text start, text end)
        parts, last, size = [], 0, 0
        for k, ref in enumerate(self.refs):
            parts.append(text[last:ref.start])
            size += ref.start - last
            token = f"§{k}"
            self.marks.append((size, size + len(token), ref.start, ref.end))
            parts.append(token)
            size += len(token)
            last = ref.end
        parts.append(text[last:])
        self.text = "".join(parts)

    def original(self, pos: int) -> int:
        out = pos
        for t_start, t_end, o_start, o_end in self.marks:
            if pos >= t_end:
                out = pos - t_end + o_end
            elif pos >= t_start:
                return o_start
        return out


def read_arrangement(text: str, refs: list[SceneRef], count: int) -> Arrangement:
    """The removals and moves ``text`` asks for on a storyboard of ``count`` scenes."""
    tpl = _Template(text, refs)
    found = Arrangement()
    taken: list[tuple[int, int]] = []
    matches: list[tuple[int, re.Match[str], str]] = []
    for pattern in REMOVALS:
        matches += [(m.start(), m, "remove") for m in pattern.finditer(tpl.text)]
    for pattern in SWAPS:
        matches += [(m.start(), m, "swap") for m in pattern.finditer(tpl.text)]
    for pattern, how in MOVES:
        matches += [(m.start(), m, how) for m in pattern.finditer(tpl.text)]
    for _, m, how in sorted(matches, key=lambda x: x[0]):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        decisions = _decisions(m, how, tpl, count, found)
        if not decisions:
            continue
        taken.append((m.start(), m.end()))
        if NOT_BEFORE.search(tpl.text[:m.start()]):
            found.declined = True
        else:
            found.decisions += decisions
        found.spans.append((tpl.original(m.start()), tpl.original(m.end())))
        found.used |= {int(t) for t in re.findall(r"§(\d+)", m.group(0))}
    return found


def _scenes(text: str, tpl: _Template, count: int) -> list[list[int]]:
    """The scenes each operand in ``text`` names, in order (a reference may name several)."""
    out = []
    for m in SCAN.finditer(text):
        if m.group(1) is not None:
            out.append(list(tpl.refs[int(m.group(1))].scenes))
        elif m.group(2).lower() == "last":
            out.append([count])
        elif (n := small_number(m.group(2))) is not None:
            out.append([n])
    return out


def _position(target: str, tpl: _Template, count: int) -> int | None:
    """The position a target names: a reference's one scene, a place word or a number."""
    if (ref := re.fullmatch(r"§(\d+)", target.strip())) is not None:
        scenes = tpl.refs[int(ref.group(1))].scenes
        return scenes[0] if len(scenes) == 1 else None
    low = target.lower()
    if any(re.search(rf"\b{w}\b", low) for w in FIRST_WORDS):
        return 1
    if re.search(r"\b(?:end|back|bottom|ending|close|last)\b", low):
        return count
    found = _scenes(low, tpl, count)
    return found[0][0] if found else None


def _decisions(m: re.Match[str], how: str, tpl: _Template, count: int, found: Arrangement) -> list[ReviewDecision]:
    """The decisions one matched clause stands for (none when it does not fit this storyboard)."""
    subjects = _scenes(m.group("subj"), tpl, count)
    objects = _scenes(m.group("obj"), tpl, count) if "obj" in m.re.groupindex else []
    bad = [s for op in subjects + objects for s in op if not 1 <= s <= count]
    if bad:
        found.out_of_range += bad
        return []
    flat = list(dict.fromkeys(s for op in subjects for s in op))
    if how == "remove":
        return [ReviewDecision(action="remove", scene=s) for s in flat]
    if how == "swap":
        if len(flat) != 2:
            return []
        a, b = flat
        return [ReviewDecision(action="move", scene=a, position=b), ReviewDecision(action="move", scene=b, position=a)]
    if len(flat) != 1:
        return []
    s = flat[0]
    if how == "relative":
        if len(objects) != 1 or len(objects[0]) != 1 or objects[0][0] == s:
            return []
        t = objects[0][0]
        if re.match(r"after|behind", m.group("rel"), re.IGNORECASE):
            position = t + 1 if s > t else t
        else:
            position = t if s > t else t - 1
    elif how == "place":
        position = _position(m.group("target"), tpl, count)
    elif how == "verb":
        position = 1 if m.group("word").lower().split()[0] in FIRST_WORDS else count
    else:  # step
        position = s - 1 if m.group("word").lower() in ("up", "earlier", "forward") else s + 1
    if position is None or not 1 <= position <= count or position == s:
        return []
    return [ReviewDecision(action="move", scene=s, position=position)]
