"""Offline scene drafts: prompt → the user's own words (title card, key terms, call to action), script →
scenes, outline → rephrased bullets, article → extractive summary. Nothing is padded with filler: a source
that cannot fill the length is trimmed or left short, and the plan says so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from reelforge.tools.ingest.source import Section, SourceDoc
from reelforge.tools.planning.pacing import choose_to_fit, speak_seconds, target_words, within
from reelforge.tools.planning.text import (
    STOPWORDS,
    content_words,
    keywords,
    looks_like_injection,
    sentences,
    word_count,
)
from reelforge.tools.production import Brief


@dataclass
class SceneDraft:
    """A scene before shots: title, narration, an optional visual direction, and where its words came from."""

    title: str
    narration: str
    visual_hint: str = ""
    source_sentences: list[str] = field(default_factory=list)
    importance: float = 0.7
    presenter: bool = False
    chapter: str | None = None
    spec: dict[str, str] | None = None  # visual slots chosen by an LLM (subject, motion, lighting, camera, style)
    kind: str | None = None
    on_screen_text: str | None = None
    hold_s: float | None = None  # a scene without narration: how long it stays on screen
    continuous: bool | None = None  # its shots are one continuous action (None: when they share one subject)


@dataclass
class DraftPlan:
    title: str
    drafts: list[SceneDraft]
    notes: list[str] = field(default_factory=list)
    setting: str = ""
    warnings: list[str] = field(default_factory=list)  # shown to the user before approval


_DURATION = re.compile(
    r"(?:\b(?:in|of|under|about|around|max(?:imum)?)\s+)?\b\d+(?:\.\d+)?\s*-?\s*"
    r"(?:sec|secs|seconds?|mins?|minutes?)\b(?:\s+long)?", re.I)
# "30s" / "2m" only where it is clearly a length (not "the 1960s"): at the start, after in/under, or before a format
_SHORT_DURATION = re.compile(
    r"^\d{1,3}\s*[sm]\b|\b(?:in|under)\s+\d{1,3}\s*[sm]\b|\b\d{1,3}\s*-?\s*[sm]\b(?=\s+(?:long\s+)?(?:[\w-]+\s+)?"
    r"(?:video|explainer|reel|clip|short|tiktok|story|ad|advert|commercial|promo|teaser|trailer|documentary|"
    r"tutorial|demo|spot|film)s?\b)", re.I)
_REQUEST = re.compile(
    r"^\s*(?:(?:please|hey|hi)\b[\s,]*)*(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?"
    r"(?:(?:i|we)\s+(?:want|need|would like|'d like|would love)\s+(?:you\s+to\s+)?)?(?:to\s+)?"
    r"(?:(?:make|create|produce|generate|do|write|build|put together|give)\s+(?:me\s+|us\s+)?)?", re.I)
_FORMAT_WORDS = (r"video|explainer|reel|clip|short|tiktok|story|ad|advert|advertisement|commercial|promo|teaser|"
                 r"trailer|documentary|doc|tutorial|demo|walkthrough|presentation|overview|intro|introduction|piece|"
                 r"spot|film|animation|montage|recap|summary|breakdown|guide")
_FORMAT = re.compile(
    r"^(?:an?\s+|the\s+|one\s+)?(?:(?:short|quick|brief|vertical|horizontal|square|landscape|portrait|fun|simple|animated|little|"
    r"punchy|engaging|cinematic|social|instagram|youtube|tiktok|product|promotional|educational|explainer|"
    r"marketing|kid-friendly|\s)+)?(?:" + _FORMAT_WORDS + r")s?\b\s*(?:[:\-–—]\s*)?"
    r"(?:(?:about|on|explaining|that\s+explains|which\s+explains|showing|that\s+shows|introducing|covering|"
    r"of|for|to\s+(?:explain|show|introduce|promote)|regarding)\b\s*)?", re.I)
_VERB = re.compile(r"^(?:explain(?:ing)?|show(?:ing)?|introduce|introducing|describe|teach(?:\s+(?:me|us|kids|"
                   r"children|people))?|tell\s+(?:me|us|people|viewers)\s+about|promote|advertise|sell)\b\s*",
                   re.I)
_AUDIENCE_NOUNS = (
    r"(?:(?:young|new|busy|curious|small|first[\s-]time|non-technical|technical|high[\s-]school|middle[\s-]school|"
    r"college|elementary|primary[\s-]school|complete|total|absolute|our|my|the)\s+)*(?:kids|children|beginners|"
    r"students|teens|teenagers|developers|engineers|managers|parents|seniors|adults|everyone|investors|customers|"
    r"marketers|founders|nurses|doctors|teachers|employees|newcomers|novices|non-experts|pupils|learners|followers|"
    r"viewers|a\s+general\s+audience|general\s+audiences?|(?:a\s+)?(?:\d+|five|six|seven|eight|nine|ten)[\s-]year"
    r"[\s-]olds?)\b")
_AUDIENCE = re.compile(r"[\s,]+(?:for|to|aimed\s+at|targeting|targeted\s+at)\s+" + _AUDIENCE_NOUNS, re.I)
_LEAD_AUDIENCE = re.compile(r"^(?:(?:for|to)\s+)?" + _AUDIENCE_NOUNS + r"\s+(?:about|on|explaining|showing)\s+", re.I)
_PRESENTER = re.compile(r"\b(presenter|avatar|talking head|host(?:ed)?|spokesperson|on-camera)\b", re.I)
# Brief settings written into the request ("…, vertical, upbeat, $5 budget") are not part of the topic.
_SETTINGS = re.compile(
    r"(?:[,;]\s*|\s+(?=(?:with\s+)?(?:an?\s+)?(?:budget|\$)))(?:(?:with\s+)?(?:an?\s+)?budget\s+(?:of\s+)?[$€£]?\d+(?:\.\d+)?"
    r"|[$€£]\d+(?:\.\d+)?\s+budget|vertical|horizontal|landscape|portrait|square|upbeat|calm|dramatic|playful|"
    r"corporate|dark|cinematic|energetic|\d{1,2}:\d{1,2})\b(?=\s*(?:[,;]|$))", re.I)
_OWNER = {"my": "our", "mine": "ours", "myself": "ourselves", "i'm": "we're", "i am": "we are"}


def topic_of(goal: str) -> str:
    """The topic phrase of a request, ready to follow a preposition in a template sentence.

    "make a 30 second video about how bees make honey for kids" → "how bees make honey";
    "30s ad for my bakery's sourdough" → "our bakery's sourdough" (the narrator speaks for the brand);
    "Explain photosynthesis in 45 seconds" → "photosynthesis".
    """
    text = re.sub(r"\s+", " ", goal).strip().rstrip(".!?")
    text = re.sub(r"[,;]?\s*\b(?:with|using|featuring|hosted\s+by)\s+an?\s+(?:ai\s+)?(?:presenter|avatar|host|"
                  r"spokesperson|talking\s+head)\b", "", text, flags=re.I)
    text = _PRESENTER.sub("", text)
    text = _SETTINGS.sub("", text)
    text = _SHORT_DURATION.sub(" ", _DURATION.sub(" ", text))
    topic = re.sub(r"\s+", " ", text).strip(" ,;:-")
    for _ in range(3):  # "please make me a quick 30s explainer video on ..." peels in a few passes
        before = topic
        topic = _REQUEST.sub("", topic, count=1).strip(" ,;:-")
        topic = _FORMAT.sub("", topic, count=1).strip(" ,;:-")
        topic = _VERB.sub("", topic, count=1).strip(" ,;:-")
        if topic == before:
            break
    topic = _AUDIENCE.sub("", topic).strip(" ,;:-")
    topic = _LEAD_AUDIENCE.sub("", topic).strip(" ,;:-")  # "for kids about dinosaurs"
    topic = re.sub(r"\b(?:my|mine|myself|i'm|i am)\b", lambda m: _OWNER[m.group(0).lower()], topic, flags=re.I)
    topic = re.sub(r"\s+", " ", topic).strip()
    if not topic or not any(c.isalnum() for c in topic):
        topic = re.sub(r"\s+", " ", text).strip(" ,;:-")
    if topic and not topic[:2].isupper() and topic.split(" ", 1)[0].lower() in _LOWER_FIRST:
        topic = topic[0].lower() + topic[1:]  # "Why cats purr" follows a preposition as "why cats purr"
    return topic or "this topic"


_AUX = {"to", "do", "does", "did", "can", "could", "will", "would", "should", "might", "must"}


def topic_terms(topic: str, n: int = 4) -> list[str]:
    """Key words of the topic that can stand alone as nouns ("vaccines", not the verb in "how do vaccines work")."""
    toks = [t.lower() for t in re.findall(r"[\w'’-]+", topic)]
    verbs = {b for a, b in zip(toks, toks[1:], strict=False) if a == "to"}  # "how to fold ..."
    if len(toks) > 2 and toks[0] in ("how", "why", "when", "where") and toks[1] in _AUX - {"to"}:
        verbs.add(toks[-1])  # "how do vaccines work" → "work" is the verb
    return [w for w in keywords(topic, n + len(verbs)) if w not in verbs][:n]


_LOWER_FIRST = {"how", "why", "what", "when", "where", "who", "which", "the", "a", "an", "our", "your", "their",
                "its", "this", "these", "those", "some", "ten", "five", "three", "top", "best"}


def wants_presenter(brief: Brief) -> bool:
    return bool(_PRESENTER.search(" ".join([brief.goal, brief.style, *brief.notes])))


# --- prompt ---------------------------------------------------------------------------------------

_CTA = re.compile(
    r"(?:call\s+to\s+action|cta)\s*(?:is|of|:|=|-)?\s*[\"“'‘]?([^\"”'’]+?)[\"”'’]?\s*(?:$|[.;,](?:\s|$))"
    r"|(?:end(?:ing|s)?|clos(?:e|ing|es)|finish(?:ing|es)?|sign(?:ing)?\s+off)\s+(?:it\s+)?(?:with|on|by\s+saying)"
    r"\s+[\"“'‘]([^\"”'’]+)[\"”'’]", re.I)
NO_CONTENT = ("Offline, with no language model, reelforge cannot write about “{topic}”, so this plan uses only "
              "your own words: a title card{cta} and your key terms on screen over music; nothing is made up. For "
              "real narration, give a script or an outline (attach the file, or `--script FILE`), an article link, "
              "or connect a language model (OPENAI_API_KEY), and the plan is made from that.")
SCENE_PAUSE_S = 0.35  # the timeline's pause around a narrated scene (tools.assembly.timeline)
VISUAL_CARD_MIN_S = 2.0


def call_to_action(goal: str) -> str | None:
    """The call to action the user wrote ("end with 'Order today'", "CTA: visit our shop"), or None."""
    m = _CTA.search(goal)
    if not m:
        return None
    text = (m.group(1) or m.group(2) or "").strip(" .,;:")
    return (text[0].upper() + text[1:]) if text else None


def _as_written(term: str, goal: str) -> str:
    """A key term with the writer's own capitals ("NASA", "Marrowby"), found in the request."""
    m = re.search(rf"\b{re.escape(term)}\b", goal, re.I) or re.search(rf"\b{re.escape(term)}\w*", goal, re.I)
    return m.group(0) if m else term


def prompt_drafts(brief: Brief) -> DraftPlan:
    """Without a language model or a source: the user's own words only (a narrated title card, the key terms
    on screen, their call to action), held to the requested length, and a warning that says so plainly."""
    cta = call_to_action(brief.goal)
    goal = _CTA.sub(" ", brief.goal) if cta else brief.goal
    topic = topic_of(goal)
    title = topic[0].upper() + topic[1:]
    terms = list(dict.fromkeys(_as_written(t, goal) for t in topic_terms(topic, 6))) or [title]
    drafts = [SceneDraft(title="Title card", narration=f"{title}.", on_screen_text=title, importance=1.0,
                         visual_hint=f"a striking opening image of {topic}", presenter=wants_presenter(brief))]
    spoken = speak_seconds(drafts[0].narration, brief.language) + 2 * SCENE_PAUSE_S
    if cta:
        spoken += speak_seconds(cta, brief.language) + SCENE_PAUSE_S
    remaining = max(0.0, brief.duration_s - spoken)
    n_cards = len(terms) if remaining >= VISUAL_CARD_MIN_S else 0
    for term in terms[:n_cards]:
        drafts.append(SceneDraft(title=f"Key term: {term}", narration="", on_screen_text=term,
                                 visual_hint=f"a clear view of {term}", importance=0.8,
                                 hold_s=round(remaining / n_cards, 3)))
    if cta:
        drafts.append(SceneDraft(title="Call to action", narration=f"{cta.rstrip('.!')}.", on_screen_text=cta,
                                 visual_hint=f"a closing image of {topic}, hopeful mood", importance=0.9,
                                 presenter=wants_presenter(brief)))
    warning = NO_CONTENT.format(topic=topic, cta=", your call to action" if cta else "")
    notes = [f"offline planner: planned from the request's own words only (title “{title}”, key terms: "
             f"{', '.join(terms)}{'; call to action: ' + cta if cta else ''})"]
    return DraftPlan(title=title, drafts=drafts, notes=notes, warnings=[warning])


# --- script and outline ---------------------------------------------------------------------------

def _fit_sections(drafts: list[SceneDraft], target: int, what: str) -> list[str]:
    """Trim (never pad) user-written narration to the target by dropping later sentences of longer scenes."""
    total = sum(word_count(d.narration) for d in drafts)
    if within(total, target) or total < target:
        if total < target * 0.95:
            return [f"the {what} runs about {total} words, shorter than the {target} words the target length "
                    f"needs; it was not padded"]
        return []
    cands: list[tuple[int, int, str]] = []
    sent_of: dict[int, tuple[int, str]] = {}
    requires: dict[int, int] = {}
    sid = 0
    for i, d in enumerate(drafts):
        first = None
        for j, s in enumerate(sentences(d.narration)):
            sent_of[sid] = (i, s)
            cands.append((j * 1000 + i, sid, s))
            if first is None:
                first = sid
            else:
                requires[sid] = first
            sid += 1
    cands.sort()
    chosen = set(choose_to_fit([(s, t) for _, s, t in cands], target, requires=requires))
    texts: dict[int, list[str]] = {}
    for s in sorted(chosen):
        i, text = sent_of[s]
        texts.setdefault(i, []).append(text)
    for i, d in enumerate(drafts):
        d.narration = " ".join(texts.get(i, []))
    return [f"the {what} was trimmed from {total} to {sum(word_count(d.narration) for d in drafts)} words "
            "to fit the target length"]


def script_drafts(doc: SourceDoc, brief: Brief) -> DraftPlan:
    """One scene per paragraph / heading / INT.-EXT. scene, keeping the writer's words and visual directions."""
    sections = doc.sections or [Section(narration=p) for p in doc.paragraphs]
    drafts = [SceneDraft(title=s.heading or f"Scene {i + 1}", narration=s.narration, visual_hint=s.visual,
                         importance=0.8, on_screen_text=s.on_screen or None) for i, s in enumerate(sections)]
    had_visual_only = [d for d in drafts if not d.narration]
    notes = _fit_sections(drafts, target_words(brief.duration_s, brief.language), "script")
    drafts = [d for d in drafts if d.narration or d in had_visual_only]
    if drafts and wants_presenter(brief):
        drafts[0].presenter = drafts[-1].presenter = True
    return DraftPlan(title=doc.title or brief.title, drafts=drafts, notes=notes)


_NUMBERED = r"(?:\d{1,2}|[ivx]{1,4}|one|two|three|four|five|six|seven|eight|nine|ten)"
_STRUCTURE_LABEL = re.compile(
    r"^\s*(?:(?:part|section|chapter|step|scene|act|point|slide|segment|beat|module|lesson)\s+" + _NUMBERED + r"\b"
    r"|intro|introduction|opening|opener|hook|closing|close|conclusion|outro|ending|summary|recap|wrap[- ]?up|"
    r"(?:key\s+)?takeaways?|call\s+to\s+action|cta|background|context|bonus|final\s+thoughts?|next\s+steps?)"
    r"\s*(?:[:.)–—-]\s*|$)", re.I)


def strip_label(text: str) -> str:
    """``"Closing: the darkness is a clue"`` -> ``"the darkness is a clue"``: outline labels are structure, not
    narration. Text without a label is returned unchanged."""
    return _STRUCTURE_LABEL.sub("", text, count=1).strip()


def _lower_first(text: str) -> str:
    """Lower-case the first letter after a lead-in only for an ordinary word ("why", "the"), never a name."""
    first = re.match(r"[\w'’-]+", text)
    if first and first.group(0).lower() in STOPWORDS and not first.group(0)[1:2].isupper():
        return text[0].lower() + text[1:]
    return text


def rephrase_bullet(bullet: str, sub: list[str], position: int, total: int) -> str:
    """Offline outline expansion: the bullet (and its sub-points) as plain sentences, nothing added.

    Structure labels ("Part 1:", "Closing:") are dropped; the writer's capitals (names) are kept.
    """
    def sentence(text: str) -> str:
        text = strip_label(text).rstrip(".;:")
        end = "" if text.endswith(("?", "!", "…")) else "."
        return (text[0].upper() + text[1:] + end) if text else ""

    lead = "First, " if position == 0 and total > 1 else "Finally, " if position == total - 1 and total > 2 else ""
    main = sentence(bullet)
    if lead and main:
        main = lead + _lower_first(main)
    return " ".join(s for s in [main, *(sentence(s) for s in sub)] if s).strip()


def outline_drafts(doc: SourceDoc, brief: Brief, expanded: list[str] | None = None) -> DraftPlan:
    """One scene per top-level bullet; narration from ``expanded`` (an LLM's) or the rephrased bullet."""
    sections = doc.sections
    drafts: list[SceneDraft] = []
    for i, s in enumerate(sections):
        bullets = s.bullets or [s.heading]
        head, sub = (bullets[0], bullets[1:]) if bullets[0] == s.heading else (s.heading, bullets)
        narration = expanded[i] if expanded and i < len(expanded) and expanded[i].strip() else \
            rephrase_bullet(head, sub, i, len(sections))
        label = _STRUCTURE_LABEL.match(s.heading)  # "Closing: the darkness…" is titled "Closing"
        title = label.group(0).strip(" :.)–—-") if label and strip_label(s.heading) else s.heading[:60]
        drafts.append(SceneDraft(title=title, narration=narration, visual_hint=s.visual,
                                 source_sentences=bullets, importance=0.8, on_screen_text=s.on_screen or None))
    notes = [] if expanded else ["offline planner: each outline bullet was only rephrased as a sentence "
                                 "(connect an LLM to expand bullets into full narration)"]
    notes += _fit_sections(drafts, target_words(brief.duration_s, brief.language), "outline")
    return DraftPlan(title=doc.title or brief.title, drafts=[d for d in drafts if d.narration], notes=notes)


# --- article (extractive) -------------------------------------------------------------------------

def rank_sentences(doc: SourceDoc) -> list[tuple[int, int, str]]:
    """Article sentences as (paragraph, position, text), best first: word-frequency centrality + lead bonus.

    Sentences that address an AI ("ignore previous instructions…") are dropped: page text is data.
    """
    items = [(p, j, s) for p, para in enumerate(doc.paragraphs) for j, s in enumerate(sentences(para))
             if word_count(s) >= 4 and not looks_like_injection(s)]
    freq = Counter(w for _, _, s in items for w in set(content_words(s)))
    title_words = set(content_words(doc.title))

    def score(item: tuple[int, int, str]) -> float:
        p, j, s = item
        ws = content_words(s)
        if not ws:
            return 0.0
        centrality = sum(freq[w] for w in ws) / (len(ws) ** 0.7)
        return centrality * (1.0 + 0.3 * len(title_words & set(ws))) * (1.25 if j == 0 else 1.0) \
            * (1.3 if p == 0 else 1.0)

    return sorted(items, key=score, reverse=True)


def article_drafts(doc: SourceDoc, brief: Brief) -> DraftPlan:
    """Scenes built ONLY from article sentences (picked by rank to fit the length, kept in article order)."""
    target = target_words(brief.duration_s, brief.language)
    ranked = rank_sentences(doc)
    keyed = {(p, j): s for p, j, s in ranked}
    picked = choose_to_fit([((p, j), s) for p, j, s in ranked], target)
    picked_sorted = sorted(picked)
    drafts: list[SceneDraft] = []
    scene_words = max(20, min(60, target // 4))
    for p, j in picked_sorted:
        s = keyed[(p, j)]
        last = drafts[-1] if drafts else None
        if last and last.importance == p and word_count(last.narration) + word_count(s) <= scene_words:
            last.narration = f"{last.narration} {s}"
            last.source_sentences.append(s)
        else:
            drafts.append(SceneDraft(title="", narration=s, source_sentences=[s], importance=p))
    rank_pos = {s: i for i, (_, _, s) in enumerate(ranked)}
    for i, d in enumerate(drafts):
        d.title = " ".join(keywords(d.narration, 3)).capitalize() or f"Scene {i + 1}"
        best = min(rank_pos[s] for s in d.source_sentences)
        d.importance = round(max(0.3, 1.0 - best / max(1, len(ranked))), 2)
    notes = []
    total = sum(word_count(d.narration) for d in drafts)
    if not within(total, target):
        notes.append(f"the article gives {total} words of narration for a {target}-word target; "
                     "only the article's own sentences are used, so nothing was added")
    setting = ", ".join(keywords(doc.title + " " + doc.title + " " + doc.text, 3))
    if wants_presenter(brief) and drafts:
        drafts[0].presenter = True
    return DraftPlan(title=doc.title or brief.title, drafts=drafts, notes=notes, setting=setting)
