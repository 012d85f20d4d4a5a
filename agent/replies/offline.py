"""The offline intent layer for storyboard-review replies: a closed set of intents read from how people talk.

Order of reading: a question about the storyboard is answered; scenes removed or moved ("drop scene 4",
"swap 2 and 3") are read as such (see :mod:`agent.replies.order`); scene references split the reply into
per-scene changes (edit, kind, model, fresh take); without a scene, a reply is a wish to wait ("not yet, let
me check with my team": answered, nothing changes), an approval, a fresh plan, a revision of the whole
storyboard with feedback, or — when it only hesitates or says nothing usable — one short clarifying question.
Nothing is ever read as a silent rejection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reelforge.agent.brains.parse import NO_KEYFRAMES, WANT_KEYFRAMES
from reelforge.agent.replies.answers import answer
from reelforge.agent.replies.look import read_look
from reelforge.agent.replies.order import Arrangement, read_arrangement
from reelforge.agent.replies.reading import ReplyReading, Topic
from reelforge.agent.replies.scene_refs import SceneRef, find_content_refs, find_refs
from reelforge.agent.review import ReviewDecision, StoryboardReview
from reelforge.tools.vocabulary import SCENE_KIND_PHRASE, scene_kind, shot_sound

# --- vocabularies ------------------------------------------------------------------------------------


def _vocabulary(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern laid out one alternative per line (``re.VERBOSE``: white space only lays it out)."""
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


GOOD = r"""(?:good|great|fine|perfect|amazing|awesome|nice|lovely|brilliant|fantastic|excellent|wonderful|ok|okay
    |fab|fabulous|superb|stellar|solid|neat|cool|sweet|splendid|gorgeous|stunning|beautiful|impressive
    |incredible|outstanding|terrific|ace|great\s+stuff|on\s+point|dope|sick|chef'?s\s+kiss)"""
APPROVAL_EMOJI = "👍👌✅🚀🎉💯🙌✔🔥❤😍🥳👏🤩💪🆗"
APPROVAL = _vocabulary(rf"""
    \b(?:i\s+)?approved?\b | \bapproving\b | \blgtm\b | \bship\s+it\b | \bsend\s+it\b
  | \bgo\s+(?:ahead|for\s+it|on)\b | \bgo\b
  | \blet'?s\s+(?:go|do\s+(?:it|this|that)|roll|make\s+it|produce\s+it|see\s+it|ship\s+it)\b | \bdo\s+it\b
  | \b(?:make|produce|render|create|build|film)\s+(?:it|the\s+(?:video|thing|film|clip)|this|that)\b
  | \b(?:produce|render|proceed|continue|carry\s+on|shoot)\b
  | \b(?:it|this|that|everything|all)\s*(?:'s|is|are|looks?|seems?|sounds?)?\s*(?:all\s+)?
      (?:{GOOD}|spot\s+on|exactly\s+what\s+i\s+wanted|what\s+i\s+wanted)\b
  | \b(?:looks?|sounds?|seems?)\s+(?:really\s+|very\s+|so\s+|pretty\s+)?(?:{GOOD}|right)(?:\s+to\s+me)?\b
  | \bgreen\s+light\b | \bgood\s+to\s+go\b | \ball\s+good\b | \b(?:that\s+)?works(?:\s+for\s+me)?\b
  | \bfine\s+by\s+me\b | \bi'?m\s+(?:happy|good|fine|satisfied|ok|okay)(?:\s+with\s+(?:it|this|that))?\b
  | \b(?:yes|yep|yup|yeah|yea|ya|sure|k|{GOOD}|love\s+it|love\s+this|absolutely|definitely|certainly
      |sí|si|oui|ja|d'accord|vale|dale|claro)\b
  | \bno\s+(?:changes?|notes|edits|complaints)(?:\s+needed)?\b | \bnothing\s+to\s+change\b | \bjust\s+right\b
  | \bthumbs\s+up\b | \bapprove\s+(?:it|this|that|the\s+storyboard)\b | \bmake\s+the\s+video\b
  | \bwith\s+(?:the\s+)?production\b
""")
THEY_AGREE = _vocabulary(r"""  # the people they asked agree (after "let me check with my boss")
    \b(?:they|he|she|we|everyone|everybody|(?:my|our|the)\s+(?:boss|team|manager|client|colleagues?|partner|editor))
      \s+(?:all\s+|really\s+)?(?:likes?|loves?|approved?|signed\s+off\s+on|(?:is|are|'s|'re)\s+(?:happy|fine|ok
      |okay|good)(?:\s+with)?)\s+(?:it|this|that)\b
""")
IDIOMS = _vocabulary(r"""
    \bno\s+(?:problem|worries|doubt|question)\b | \bwhy\s+not\b | \bnot\s+bad\b
  | \b(?:no|nothing\s+to)\s+(?:changes?|notes|edits|complaints|change)(?:\s+(?:needed|required))?\b
""")
NEGATION = _vocabulary(r"""
    \b(?:no|nope|nah|not|don'?t|do\s+not|doesn'?t|never|wait|hold|hang|stop|yet|cancel|pause|unsure
      |hmm+|h+m+|um+|uh+|meh|dunno|maybe|later|first|think|check|boss|before)\b
  | \?
""")
HESITATION_ONLY = _vocabulary(r"""
    \b(?:no|nope|nah
      | not(?:\s+(?:yet|quite|really|sure|so\s+sure|ready(?:\s+to\s+approve)?))?
      | don'?t\s+(?:approve|produce|make|render|do|start)(?:\s+(?:it|anything|this))?(?:\s+yet)?
      | wait|hold\s+on|hang\s+on|hmm+|um+|uh+|meh|maybe|later
      | let\s+me\s+(?:think|check|see)(?:\s+with\s+\w+(?:\s+\w+)?)?
      | i'?m\s+not\s+sure | i\s+don'?t\s+(?:like|love)\s+(?:it|this|that) | i\s+hate\s+(?:it|this)
      | (?:i'?m\s+)?(?:not|un)\s*
        (?:happy|convinced|feeling\s+it|keen|thrilled|impressed|a\s+fan|great|good|right|there\s+yet|sold)
      | (?:about|with)\s+(?:it|this|that) | a\s+(?:sec|second|moment|minute)
      | first|yet|please|(?:anything|it|this)|ready|to|approve|produce|sure|quite|the|boss|manager|team|client
      | think|check|with|my|our|let|me|i|a|bit|just|about|so|yet
    )\b
""")
FILLER = _vocabulary(r"""
    \b(?:please|pls|thanks?|thank\s+you|ty|cheers|then|now|so|really|very|just|and|also|the|a|an|it|this|that
      |video|storyboard|everything|all|well|oh|wow|haha|lol|great\s+work|good\s+job|nice\s+work|well\s+done
      |mate|guys|team|much|hey|hi|right|thing|ahead|to|me|for|already|exactly|what|i|wanted|want|with
      |production|go|you|one|is|are|work|job)\b
  | [^\w\s]
""")
FRESH = _vocabulary(r"""
    \b(?:regenerate|regen|re-?generate|redo|re-do|re-?roll|remake|re-?shoot|re-?plan
      | (?:another|new|fresh|different|alternative|second)\s+
        (?:take|version|attempt|go|try|shot|pass|variation|render)
      | try\s+(?:it\s+|that\s+|them\s+|again)?(?:again|once\s+more)
      | one\s+more\s+(?:take|try|go)
    )\b
""")
WHOLE_FRESH = _vocabulary(r"""
    \b(?:start\s+(?:over|again|afresh) | from\s+scratch | re-?plan | replan
      | (?:new|different|another|fresh)\s+(?:storyboard|plan|scenes|set\s+of\s+scenes|ideas?|concept)
      | regenerate(?:\s+(?:it|everything|all|the\s+(?:whole\s+)?(?:storyboard|thing|plan)))?
      | redo\s+(?:it\s+all|everything|the\s+whole\s+thing) | try\s+again
      | come\s+up\s+with\s+(?:something|a\s+(?:completely\s+)?(?:different|new))
      | something\s+else\s+entirely
    )\b
""")
PRAISE_ONLY = _vocabulary(r"""
    ^\W*
    (?:(?:i\s+)?(?:love|like|adore)\s*
      | (?:is|are|looks?|seems?|'s)?\s*(?:really\s+|so\s+)?
        (?:great|good|fine|perfect|nice|lovely|amazing|awesome|ok|okay|spot\s+on|beautiful)
      | keep | stays?(?:\s+as\s+(?:it\s+)?is)? | as\s+is | is\s+fine
      | but|though|however|and|too|also
      | \W
    )+
    \W*$
""")
INFO_START = _vocabulary(r"""
    ^\W*(?:so|ok|okay|and|also|hey|quick\s+question|question|btw|sorry)?[,:\s]*
    (?:what|what'?s|whats|which|how|why|when|who|where|whose
      | do\s+(?:i|you|we|they) | did\s+(?:i|you|we)
      | (?:is|are|was|does|will|would|am)\s+
        (?:i|you|we|they|it|this|that|there|scene|my|our
          |the\s+(?:video|price|cost|total|estimate|music|voice|narration|budget))
      | tell\s+me | remind\s+me | explain | describe | show\s+me | list
      | give\s+me\s+(?:a|the)\s+(?:breakdown|summary|overview|rundown)
    )\b
""")
CHANGE_ASK = _vocabulary(r"""
    \b(?:can|could|would|might|may|shall)\s+(?:you|we|i|it|this|that|scene|the|they|there|one|my|our|[a-z]+\s+scene)\b
  | \bis\s+it\s+possible\b | \bany\s+chance\b | \bhow\s+about\b | \bwhat\s+if\b | \bwhy\s+not\b
""")
INFO_VERBS = _vocabulary(r"\b(?:tell|remind|explain|show\s+me|let\s+me\s+know|describe|walk\s+me)\b")
TOPICS: tuple[tuple[Topic, re.Pattern[str]], ...] = (
    ("next", _vocabulary(r"""
        what\s+happens\s+(?:next|now|then|if|when|after|once) | what'?s\s+next | what\s+now
      | when\s+(?:will|is|can)\s+(?:it|the\s+video|this|that|my\s+video)\s+(?:be\s+)?(?:ready|done|finished)
      | how\s+long\s+(?:does|will|would)\s+(?:it\s+take|(?:the\s+)?production|rendering|the\s+render|making\s+it)
      | (?:after|once|when)\s+i\s+(?:approve|say\s+(?:yes|go)|accept)
      | do\s+i\s+(?:need|have)\s+to | anything\s+else | what\s+(?:do|should)\s+i\s+do
      | how\s+do\s+i\s+(?:approve|continue|proceed) | what\s+will\s+you\s+do
    """)),
    ("cost", _vocabulary(r"""
        \b(?:costs?|costing|price[ds]?|pricing|charged?|charges|pay|paying|spend|spending|expensive|cheap|budget
          |estimate[ds]?|how\s+much|dollars?|fees?|bill|money)\b
      | \$
    """)),
    ("models", _vocabulary(r"""
        \b(?:models?|engines?|which\s+ai|ai\s+or\s+stock|generated\s+or\s+stock|stock\s+or\s+(?:ai|generated)
          | why\s+did\s+you\s+(?:pick|choose|use|go\s+with) | what\s+(?:tools?|providers?|services?)
          | made\s+(?:with|by) | generator
        )\b
    """)),
    ("duration", _vocabulary(r"""
        \bhow\s+long\b | \brun\s?time\b | \blength\b | \bhow\s+many\s+(?:seconds|minutes)\b | \bduration\b
    """)),
    ("scene", _vocabulary(r"""
        \bwhat'?s\s+in\b | \bwhat\s+is\s+in\b | \bwhat\s+happens\s+in\b
      | \bwhat\s+(?:does|do|will)\b.*\b(?:show|say|look\s+like|contain|feature)\b
      | \btell\s+me\s+about\b | \bremind\s+me\b | \bnarration\b | \bhow\s+many\s+scenes\b
      | \bwhat\s+are\s+the\s+scenes\b | \bdescribe\b | \bwhat'?s\s+(?:the|scene)\b | \bwhat\s+is\s+(?:the|scene)\b
      | \bwho\b | \bwhat\s+about\b
    """)),
)
GLUE = _vocabulary(r"""
    ^(?:\W
      | \b(?:and|but|also|then|plus|so|ok|okay|yes|yeah|approve[ds]?|no|nope|nah|not\s+quite|almost(?:\s+there)?
          |first|please|just|could\s+you|can\s+you|would\s+you|i'?d\s+like|i\s+want|let'?s|reject(?:ed)?
          |in|for|on|at|with|of|to|the|that|it|so\s+that|so\s+it|should|needs?\s+to|change|edit|update|tweak
          |have)\b
    )+
""")
REVISION_HINT = _vocabulary(r"""
    \b(?:make|turn|change|switch|use|add|remove|drop|skip|cut|shorten|lengthen|raise|lower|increase|decrease
      |need|needs|want|wanted|should|must|focus|target|try|instead|more|less|too|rather|prefer|without|in|for)\b
  | \w+er\b
""")

WAIT = _vocabulary(r"""
    \bnot\s+(?:yet|now|today|right\s+now|just\s+yet|ready(?:\s+(?:yet|to\s+(?:approve|decide|go)))?)\b
  | \b(?:don'?t|do\s+not)\s+(?:approve|produce|make|render|start|do)(?:\s+(?:it|anything|this|that))?\s+yet\b
  | \b(?:wait|hold\s+on|hang\s+on|hold\s+up|hold\s+off|one\s+(?:sec|second|moment|minute|min)|brb|be\s+right\s+back
      |just\s+a\s+(?:sec|second|moment|minute|min))\b
  | \bgive\s+(?:me|us)\s+(?:a|an|some|one|a\s+few|a\s+couple(?:\s+of)?)\s+
      (?:sec|secs|second|seconds|moment|moments|minute|minutes|min|mins|hour|hours|day|days|time|bit)\b
  | \b(?:need|want|have|got)\s+to\s+(?:think|check|ask|talk|speak|run\s+(?:it|this)\s+(?:by|past)|show\s+(?:it|this)
      |confirm|consult|discuss|review|look|sleep\s+on\s+it)\b
  | \blet\s+me\s+(?:think|check|ask|talk|speak|run\s+(?:it|this)\s+(?:by|past)|show\s+(?:it|this)|confirm|consult
      |discuss|review|look|sleep\s+on\s+it|get\s+back|come\s+back|see)\b
  | \b(?:i'?ll|i\s+will|we'?ll|we\s+will)\s+(?:get\s+back|come\s+back|let\s+you\s+know|think|check|ask|decide|review
      |look|be\s+back|circle\s+back|reply|confirm)\b
  | \b(?:sleep\s+on\s+it|circle\s+back|get\s+back\s+to\s+you|later(?:\s+today|\s+on)?|tomorrow|tonight|next\s+week
      |this\s+afternoon|in\s+a\s+(?:bit|while|minute|moment))\b
  | \b(?:hasn'?t|haven'?t|has\s+not|have\s+not)\s+(?:seen|checked|reviewed|looked\s+at)\s+(?:it|this)\b
  | \bstill\s+(?:thinking|deciding|reviewing|checking|looking)\b | \bneed\s+(?:some|more|a\s+bit\s+of)\s+time\b
""")
WAIT_ALSO = _vocabulary(r"""
    \b(?:my|the|our|a)\s+(?:boss|team|manager|client|clients|colleagues?|partner|wife|husband|editor|legal|marketing
      |director|producer|co-?founder|ceo|board|people|stakeholders?)\b
  | \b(?:about|over|at|through|it|this|that|with|to|by|past|on|first|again|properly|you|and|then|yet|but|though
      |however|although|overall|before|deciding|i|we|need|want|some|time|bit|more|back|can|will|soon|is|are
      |look|think|check|review|decide|confirm|ask|show|over|for\s+now|for\s+a\s+(?:bit|moment|while))\b
""")

CLARIFY = ("Shall I produce it as it is? Reply \"approve\" (or \"looks good\") to go ahead, or tell me what to "
           "change, e.g. \"make scene 2 brighter\" or \"make it funnier\".")


def read_reply(text: str, review: StoryboardReview, models: Sequence[str] = ()) -> ReplyReading:
    """The typed reading of one reply to ``review``; ``models`` are the model ids the user may name."""
    raw = " ".join(text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').split())
    count = len(review.scenes)
    if not re.search(r"\w", raw) and not any(ch in APPROVAL_EMOJI for ch in raw):
        return _clarify()
    refs = find_refs(raw, count) or find_content_refs(raw, review)
    keyframes = bool(WANT_KEYFRAMES.search(raw.lower())) and not NO_KEYFRAMES.search(raw.lower())
    if keyframes and not refs and not raw.rstrip().endswith("?"):  # "show me the keyframes" asks to draw them
        return _decide(ReviewDecision(action="keyframes"))
    topic = _question_topic(raw)
    if topic is not None:
        scene = next((s for r in refs for s in r.scenes), None)
        return ReplyReading(intent="answer", topic=topic, scene=scene,
                            text=answer(topic, review, scene if scene and 1 <= scene <= count else None))
    named = refs + [c for c in find_content_refs(raw, review) if not any(c.start < r.end and r.start < c.end
                                                                         for r in refs)]
    arranged = read_arrangement(raw, named, count)  # "move the barista scene to the end"
    if arranged.out_of_range:
        return _clarify(_no_such_scene(count, arranged.out_of_range))
    if arranged.decisions or arranged.declined:  # "don't drop scene 4" leaves it as it is
        others = _other_changes(raw, named, arranged, review, models)
        return _decide(*arranged.decisions, *others) if arranged.decisions or others else _clarify()
    if refs:
        return _scene_changes(raw, refs, review, models)
    if keyframes:
        return _decide(ReviewDecision(action="keyframes"))  # drawn now, their cost shown before approval
    if WHOLE_FRESH.search(raw) and not _substance(WHOLE_FRESH.sub(" ", raw)):
        return _decide(ReviewDecision(action="regenerate"))
    if _waiting(raw):
        return ReplyReading(intent="answer", topic="wait", text=answer("wait", review))
    if _approval(raw):
        return _decide(ReviewDecision(action="approve"))
    if _hesitation_only(raw):
        return _clarify()
    look = read_look(raw, review)
    if isinstance(look, str):
        return _clarify(look)
    if look:
        return _decide(*look)
    if WHOLE_FRESH.search(raw):
        return _decide(ReviewDecision(action="regenerate"))
    feedback = _feedback(raw)
    if not feedback or (len(feedback.split()) == 1 and not REVISION_HINT.search(feedback)):
        return _clarify()
    return _decide(ReviewDecision(action="reject", feedback=feedback))


def _decide(*decisions: ReviewDecision) -> ReplyReading:
    return ReplyReading(intent="decide", decisions=list(decisions))


def _clarify(question: str = CLARIFY) -> ReplyReading:
    return ReplyReading(intent="clarify", text=question)


def _question_topic(text: str) -> Topic | None:
    """The information asked for, when the reply is a question about the storyboard (not a change request
    phrased as a question, such as "can scene 2 be shorter?")."""
    asks = text.rstrip().endswith("?") or INFO_START.search(text) or INFO_VERBS.search(text)
    if not asks:
        return None
    if CHANGE_ASK.search(text) and not INFO_VERBS.search(text):
        return None
    for topic, pattern in TOPICS:
        if pattern.search(text):
            return topic
    if INFO_START.search(text) and len(re.findall(r"\w+", text)) >= 3:
        return "other"
    return None


def _substance(text: str) -> bool:
    """Whether anything but filler and punctuation is left."""
    return bool(re.search(r"\w", FILLER.sub(" ", text)))


def _approval(text: str) -> bool:
    """Approval words and nothing else of substance, and no negation or hesitation."""
    agreed = bool(THEY_AGREE.search(text))
    cleaned = THEY_AGREE.sub(" ", IDIOMS.sub(" ", text))
    found = agreed or bool(APPROVAL.search(cleaned)) or any(ch in APPROVAL_EMOJI for ch in cleaned)
    if not found or NEGATION.search(cleaned):
        return False
    return not _substance(APPROVAL.sub(" ", cleaned))


def _waiting(text: str) -> bool:
    """Whether the reply only says "not yet" (to wait, think or ask someone), perhaps with praise or hesitation."""
    cleaned = THEY_AGREE.sub(" ", IDIOMS.sub(" ", text))
    if not WAIT.search(cleaned):
        return False
    rest = HESITATION_ONLY.sub(" ", WAIT_ALSO.sub(" ", APPROVAL.sub(" ", WAIT.sub(" ", cleaned))))
    return not _substance(rest)


def _hesitation_only(text: str) -> bool:
    cleaned = IDIOMS.sub(" ", text)
    return not _substance(HESITATION_ONLY.sub(" ", cleaned))


def _feedback(text: str) -> str:
    """The reply without leading glue ("no,", "reject", "not quite —"), as revision feedback."""
    return re.sub(r"^(?:\W|\b(?:reject(?:ed)?|no|nope|nah|not\s+quite|hmm+|well|ok|okay)\b)+", "", text,
                  flags=re.IGNORECASE).strip()


def _no_such_scene(count: int, bad: list[int]) -> str:
    return (f"There {'is' if count == 1 else 'are'} only {count} scene{'s' if count != 1 else ''} "
            f"(1–{count}); which one did you mean instead of {', '.join(map(str, sorted(set(bad))))}?")


def _other_changes(text: str, refs: list[SceneRef], arranged: Arrangement, review: StoryboardReview,
                   models: Sequence[str]) -> list[ReviewDecision]:
    """The scene changes a reply asks for besides its removals and moves ("drop scene 2 and make scene 4
    brighter"): the clauses read as removals or moves are blanked out and the other references read as usual."""
    rest = [r for k, r in enumerate(sorted(refs, key=lambda r: r.start)) if k not in arranged.used]
    if not rest:
        return []
    for start, end in arranged.spans:
        text = text[:start] + "\n" + " " * (end - start - 1) + text[end:]
    reading = _scene_changes(text, rest, review, models)
    return reading.decisions if reading.intent == "decide" else []


def _scene_changes(text: str, refs: list[SceneRef], review: StoryboardReview, models: Sequence[str]) -> ReplyReading:
    """One decision per referenced scene: its segment of the reply says what to do with it."""
    count = len(review.scenes)
    bad = sorted({s for r in refs for s in r.scenes if not 1 <= s <= count})
    if bad:
        return _clarify(_no_such_scene(count, bad))
    decisions: list[ReviewDecision] = []
    segments = _segments(text, refs)
    for i, (ref, segment) in enumerate(segments):
        instruction = _instruction(segment, ref)
        if not instruction and i + 1 < len(segments) and re.fullmatch(
                r"\W*(?:(?:and|&|or|plus|also)\W+)?(?:the\W+)?@\W*(?:(?:and|&|or|plus|also)\W*)?(?:the\W*)?", segment,
                flags=re.IGNORECASE):
            segment = segments[i + 1][1]  # "scene 1 and the last one: brighter": the words come after both
            instruction = _instruction(segment, segments[i + 1][0])
        for scene in ref.scenes:
            if (d := _scene_decision(scene, segment.replace("@", "it"), instruction, models)) is not None:
                decisions.append(d)
    decisions = list({(d.action, d.scene): d for d in decisions}.values())
    if not decisions:
        scenes = ", ".join(str(s) for r in refs for s in r.scenes)
        return _clarify(f"What would you like to change in scene {scenes}? For example \"make scene "
                        f"{refs[0].scenes[0]} brighter\", \"use stock footage\" or \"regenerate it\".")
    return _decide(*decisions)


def _segments(text: str, refs: list[SceneRef]) -> list[tuple[SceneRef, str]]:
    """Each reference with the words that belong to it: from the end of the previous reference's clause to
    the next reference (a sentence break ends a segment)."""
    refs = sorted(refs, key=lambda r: r.start)
    out: list[tuple[SceneRef, str]] = []
    for i, ref in enumerate(refs):
        lo = refs[i - 1].end if i else 0
        hi = refs[i + 1].start if i + 1 < len(refs) else len(text)
        parts = re.split(r"[.;!?\n]|\bbut\b|\bhowever\b", text[lo:ref.start], flags=re.IGNORECASE)
        before = parts[-1] if i == 0 or len(parts) > 1 else ""  # words between two references: the first's
        after = text[ref.end:hi]
        after = re.split(r"(?<=\w)[.;!?](?:\s|$)|\n|\bbut\b|\bhowever\b", after, flags=re.IGNORECASE)[0]
        out.append((ref, before + " @ " + after))
    return out


def _instruction(segment: str, ref: SceneRef) -> str:
    """What to do, without the reference and its glue: "change @ so it shows X" → "show X"."""
    text = re.sub(r"'s\b", "", segment.replace("@", " ").strip())
    text = " ".join(text.split())
    text = GLUE.sub("", text).strip(" ,:;-–—")
    text = re.sub(r"^(?:so\s+(?:that\s+)?it\s+|it\s+|to\s+)", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^shows\b", "show", text, flags=re.IGNORECASE)
    text = re.sub(r"(?:[\s,.!?]+|\b(?:please|thanks|thank you|instead|and|also|then|plus|or|make|change|have|set|"
                  r"let'?s|in|for|on|the)\b)*$", "", text,
                  flags=re.IGNORECASE)
    if not text or PRAISE_ONLY.match(text) or _hesitation_only(text) or not _substance(text):
        return ""
    return text


def _scene_decision(scene: int, segment: str, instruction: str, models: Sequence[str]) -> ReviewDecision | None:
    """The change one scene's segment asks for, or None when it only praises or hesitates."""
    body = re.sub(r"\b(?:instead\s+of|rather\s+than|not|no\s+more|no\s+longer|than)\s+(?:the\s+|a\s+|an\s+)?"
                  r"(?:stock(?:\s+(?:footage|photos?|video))?|presenter|avatar|ai(?:[- ]generated)?|generated|"
                  r"footage|b-?roll)\b", " ", segment, flags=re.IGNORECASE)
    if FRESH.search(body) and not re.search(r"\b(?:than|instead)\b", body, re.IGNORECASE):
        return ReviewDecision(action="regenerate", scene=scene)
    if sound := shot_sound(body):
        return ReviewDecision(action="sound", scene=scene, sound=sound)
    if model := _named_model(body, models):
        return ReviewDecision(action="model", scene=scene, model_id=model)
    if (kind := SCENE_KIND_PHRASE.search(body)) and not re.search(r"\bshow\b", body[:kind.start()], re.IGNORECASE):
        try:
            return ReviewDecision(action="kind", scene=scene, kind=scene_kind(kind.group(1)))
        except ValueError:
            pass
    if instruction:
        return ReviewDecision(action="edit", scene=scene, instruction=instruction)
    return None


def _aliases(model_id: str) -> list[str]:
    """How people name a model: "veo-3-1" → "veo 3 1", "veo 3.1", "veo"; "kling-v3-pro" → "kling v3"..."""
    parts = model_id.split("-")
    out = []
    for k in range(len(parts), 0, -1):
        head = parts[:k]
        out += [" ".join(head), "-".join(head), head[0] + " " + ".".join(head[1:]) if k > 1 else head[0]]
    return list(dict.fromkeys(out))


COMMON_WORDS = {"motion", "runway", "wan", "luma", "pika"}  # family names that are also ordinary words


def _named_model(text: str, models: Sequence[str]) -> str | None:
    """The model id the text names (longest alias wins; a family name picks its shortest id)."""
    low = " " + re.sub(r"[^\w.\- ]+", " ", text.lower()) + " "
    best: tuple[int, int, str] | None = None
    for model_id in models:
        for alias in _aliases(model_id.lower()):
            m = re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", low)
            if not m:
                continue
            if alias in COMMON_WORDS and re.search(r"\b(?:slow|the|a|in|on\s+the)\s+$", low[:m.start()]) and not \
                    re.search(r"\b(?:model|renderer|engine)\b", low[m.end():m.end() + 12]):
                continue
            key = (len(alias), -len(model_id), model_id)
            if best is None or key > best:
                best = key
    return best[2] if best else None
