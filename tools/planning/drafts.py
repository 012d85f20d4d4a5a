"""Offline scene drafts: prompt → structured explainer, script → scenes, outline → rephrased bullets,
article → extractive summary. Every builder fits its narration to the target word count where it honestly can.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from tools.ingest.source import Section, SourceDoc
from tools.planning import templates as T
from tools.planning.pacing import choose_to_fit, target_words, within
from tools.planning.text import content_words, keywords, looks_like_injection, sentences, word_count
from tools.production import Brief


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


@dataclass
class DraftPlan:
    title: str
    drafts: list[SceneDraft]
    notes: list[str] = field(default_factory=list)
    setting: str = ""


_FRAMING = re.compile(
    r"^\s*(?:please\s+)?(?:(?:make|create|produce|generate|do|write|build)\s+(?:me\s+|us\s+)?)?(?:an?\s+)?"
    r"(?:\d+[\s-]*(?:s|sec|secs|second|seconds|min|mins|minute|minutes)\s+(?:long\s+)?)?"
    r"(?:short\s+|quick\s+|vertical\s+|fun\s+|simple\s+)*(?:video|explainer|reel|clip|short|tiktok|story)?\s*"
    r"(?:about|on|explaining|that explains|of|for)?\s*", re.I)
_AUDIENCE = re.compile(r"\s+for\s+(kids|children|beginners|students|teens|developers|managers|[\w ]{2,25}?)\s*$", re.I)
_PRESENTER = re.compile(r"\b(presenter|avatar|talking head|host(?:ed)?|spokesperson|on-camera)\b", re.I)


def topic_of(goal: str) -> str:
    """The topic phrase of a request like "make a 30 second video about how bees make honey for kids"."""
    text = re.sub(r"\s+", " ", goal).strip().rstrip(".!?")
    text = _PRESENTER.sub("", re.sub(r"\b(?:with|using)\s+an?\s+(?:presenter|avatar|host)\b", "", text, flags=re.I))
    topic = _FRAMING.sub("", text, count=1).strip()
    topic = _AUDIENCE.sub("", topic).strip(" ,;:")
    return topic or text or "this topic"


def wants_presenter(brief: Brief) -> bool:
    return bool(_PRESENTER.search(" ".join([brief.goal, brief.style, *brief.notes])))


# --- prompt ---------------------------------------------------------------------------------------

def _beats_for(duration_s: float) -> tuple[str, ...]:
    if duration_s >= 180:
        return T.LONG_ORDER
    n = 2 if duration_s <= 20 else 3 if duration_s <= 40 else 4 if duration_s <= 90 else 5
    return T.SHORT_ORDER[:n]


def prompt_drafts(brief: Brief) -> DraftPlan:
    """A hook, 3–6 beats (per chapter for long videos) and a call to action, restating the topic."""
    topic = topic_of(brief.goal)
    terms = [w for w in keywords(topic, 4)] or [topic]
    target = target_words(brief.duration_s, brief.language)
    roles = _beats_for(brief.duration_s)
    per_chapter = sum(word_count(s) for r in roles for s in T.BEATS[r][2]) * 0.9
    n_chapters = 1 if brief.duration_s < 180 else max(2, math.ceil(target / per_chapter))
    aspects = [topic, *(f"{t} in {topic}" for t in terms if t not in topic.lower().split()),
               f"the basics of {topic}", f"{topic} up close", f"{topic} in the real world", f"{topic} in practice",
               f"the science of {topic}", f"{topic} step by step", f"the story of {topic}", f"the future of {topic}"]
    presenter = wants_presenter(brief)
    drafts: list[SceneDraft] = []
    cands: list[tuple[int, int, str]] = []  # (priority, sentence id, text)
    sent_of: dict[int, tuple[int, str]] = {}  # sentence id -> (draft index, text)
    requires: dict[int, int] = {}
    seen: set[str] = set()
    sid = 0

    def add_scene(title: str, visual: str, pool: tuple[str, ...], fmt: dict[str, str], base_priority: int,
                  chapter: str | None, importance: float, is_presenter: bool = False) -> None:
        nonlocal sid
        drafts.append(SceneDraft(title=title, narration="", visual_hint=visual.format(**fmt), importance=importance,
                                 presenter=is_presenter, chapter=chapter))
        first: int | None = None
        for j, tpl in enumerate(pool):
            text = tpl.format(**fmt)
            text = text[0].upper() + text[1:]
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            sent_of[sid] = (len(drafts) - 1, text)
            cands.append((base_priority + j * 1000, sid, text))
            if first is None:
                first = sid
            else:
                requires[sid] = first
            sid += 1

    base = {"topic": topic, "term": terms[0]}
    add_scene("Hook", "a striking opening image of {topic}", T.HOOK[:1], base, 0, None, 1.0, presenter)
    for c in range(n_chapters):
        focus = aspects[c % len(aspects)]
        chapter = focus[0].upper() + focus[1:] if n_chapters > 1 else None
        for k, role in enumerate(roles):
            title, visual, pool = T.BEATS[role]
            fmt = {"topic": focus, "term": terms[(c + k) % len(terms)]}
            add_scene(title, visual, pool, fmt, 2 + c * len(roles) + k, chapter, round(0.9 - 0.05 * k, 2))
    add_scene("Call to action", "a closing image of {topic}, hopeful mood", T.CTA[:2], base, 1, None, 0.9, presenter)
    cands.sort()
    chosen = set(choose_to_fit([(s, t) for _, s, t in cands], target, requires=requires))
    for s in sorted(chosen):
        idx, text = sent_of[s]
        drafts[idx].narration = f"{drafts[idx].narration} {text}".strip()
    kept = [d for d in drafts if d.narration]
    notes = ["offline planner: no language model configured, so the script only restates and structures the topic "
             f"\"{topic}\"; give a script, an outline or an article URL (or connect an LLM) for real content"]
    return DraftPlan(title=topic[0].upper() + topic[1:], drafts=kept, notes=notes, setting="")


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
                         importance=0.8) for i, s in enumerate(sections)]
    had_visual_only = [d for d in drafts if not d.narration]
    notes = _fit_sections(drafts, target_words(brief.duration_s, brief.language), "script")
    drafts = [d for d in drafts if d.narration or d in had_visual_only]
    if drafts and wants_presenter(brief):
        drafts[0].presenter = drafts[-1].presenter = True
    return DraftPlan(title=doc.title or brief.title, drafts=drafts, notes=notes)


def rephrase_bullet(bullet: str, sub: list[str], position: int, total: int) -> str:
    """Offline outline expansion: the bullet (and its sub-points) as plain sentences, nothing added."""
    def sentence(text: str) -> str:
        text = text.strip().rstrip(".;:")
        return (text[0].upper() + text[1:] + ".") if text else ""

    lead = "First, " if position == 0 and total > 1 else "Finally, " if position == total - 1 and total > 2 else ""
    main = sentence(bullet)
    if lead and main:
        main = lead + main[0].lower() + main[1:] if not main[:2].isupper() else lead + main
    return " ".join([main, *(sentence(s) for s in sub)]).strip()


def outline_drafts(doc: SourceDoc, brief: Brief, expanded: list[str] | None = None) -> DraftPlan:
    """One scene per top-level bullet; narration from ``expanded`` (an LLM's) or the rephrased bullet."""
    sections = doc.sections
    drafts: list[SceneDraft] = []
    for i, s in enumerate(sections):
        bullets = s.bullets or [s.heading]
        head, sub = (bullets[0], bullets[1:]) if bullets[0] == s.heading else (s.heading, bullets)
        narration = expanded[i] if expanded and i < len(expanded) and expanded[i].strip() else \
            rephrase_bullet(head, sub, i, len(sections))
        drafts.append(SceneDraft(title=s.heading[:60], narration=narration, visual_hint=s.visual,
                                 source_sentences=bullets, importance=0.8))
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
