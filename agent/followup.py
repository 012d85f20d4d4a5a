"""Follow-ups after delivery: the next version of the same video, never a new brief.

"edit 2 show the harvest", "change the second scene to ...", "mute scene 2", "drop the last scene",
"swap scenes 2 and 3", "make the baker older",
"warmer colours", "make it square too", "swap the music", "shorter" — said after a video was delivered, in any
front door — make the next storyboard version of the delivered video. It goes through review and needs its
own approval (the spend rules hold); the goal, the title and everything not asked for stay as they were, so
unchanged shots are reused from the cache and only the changed spans are rendered again.

:func:`read_followup` proposes a typed :class:`FollowUp` from the words (scene, look and keyframe changes
through the review-reply interpreter, formats, music and length here); :func:`next_version` applies it in code.
Words that are none of these (a new subject, a question) return None and go to the director as before.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, Field

from reelforge.agent import scenes
from reelforge.agent.replies.look import read_look
from reelforge.agent.replies.reading import ReplyReading
from reelforge.agent.review import BOARD_ACTIONS, ReviewDecision, StoryboardReview
from reelforge.agent.state import Production
from reelforge.tools.production import MOODS, parse_aspects
from reelforge.tools.studio_api import StudioAPI

FORMAT_WORD = r"(square|vertical|portrait|landscape|horizontal|widescreen|16:9|9:16|1:1|4:5)"
FORMAT = re.compile(rf"\b(?:make|export|render|do|give|add|want|need)\s+(?:it|this|the video|one|a|an|another)?\s*"
                    rf"(?:\w+\s+)?{FORMAT_WORD}\b|\b{FORMAT_WORD}\s+(?:version|format|cut|copy|one|video|too|as well)\b"
                    rf"|\b(?:in|as|into)\s+(?:a\s+)?{FORMAT_WORD}\b", re.IGNORECASE)
SCENE_WORDS = re.compile(r"\b(?:edit|scene|shot)\s*#?\d", re.IGNORECASE)  # a scene change, not the whole video
ALSO = re.compile(r"\b(?:too|also|as well|another|additional|add|plus|and a)\b", re.IGNORECASE)
FORMAT_ALIASES = {"widescreen": "16:9"}
MUSIC = re.compile(r"\b(?:swap|change|switch|replace|different|new|another|other|update)\b[^.?!]*\bmusic\b"
                   r"|\bmusic\b[^.?!]*\b(?:swap|change|switch|replace|different)\b", re.IGNORECASE)
NO_MUSIC = re.compile(r"\b(?:no|without|remove|drop|lose|mute)\b[^.?!]*\bmusic\b", re.IGNORECASE)
MOOD_WORDS = re.compile(r"\b(" + "|".join(MOODS) + r"|happy|energetic|epic|chill|relaxed|fun|business)\b",
                        re.IGNORECASE)
MOOD_ALIASES = {"happy": "upbeat", "energetic": "upbeat", "epic": "dramatic", "chill": "calm", "relaxed": "calm",
                "fun": "playful", "business": "corporate"}
SHORTER = re.compile(r"\b(?:shorter|shorten|trim (?:it|the video)|cut it down|tighter)\b", re.IGNORECASE)
LONGER = re.compile(r"\b(?:longer|lengthen|extend it)\b", re.IGNORECASE)
LENGTH_TO = re.compile(r"\b(?:make it|cut it to|trim it to|shorten it to|only|just)\s+(\d{1,3})\s*(?:s|sec|secs|seconds)\b",
                       re.IGNORECASE)
SHORTER_FACTOR, LONGER_FACTOR = 0.67, 1.5
MIN_S, MAX_S = 5.0, 600.0
SCENE_ACTIONS = ("edit", "model", "kind", "sound", "regenerate", "remove", "move")

ReadReply = Callable[[str, StoryboardReview], Awaitable[ReplyReading]]


class FollowUp(BaseModel):
    """What the next version changes: scene decisions and/or the formats, the music or the length."""

    request: str
    decisions: list[ReviewDecision] = Field(default_factory=list)
    aspects: list[str] | None = None
    music_mood: str | None = None
    duration_s: float | None = None

    def summary(self) -> str:
        parts = [d.describe() for d in self.decisions]
        if self.aspects is not None:
            parts.append("formats " + ", ".join(self.aspects))
        if self.music_mood is not None:
            parts.append("no music" if self.music_mood == "none" else f"{self.music_mood} music")
        if self.duration_s is not None:
            parts.append(f"{self.duration_s:g} s long")
        return "; ".join(parts)


def delivered(prod: Production | None) -> bool:
    """Whether a follow-up now means "change the delivered video"."""
    return (prod is not None and prod.status == "delivered" and prod.brief is not None
            and prod.storyboard is not None and bool(prod.outputs))


def _formats(text: str, current: list[str]) -> list[str] | None:
    found = [m for m in re.findall(FORMAT_WORD, text, flags=re.IGNORECASE)]
    if not found or not FORMAT.search(text):
        return None
    wanted = parse_aspects([FORMAT_ALIASES.get(w.lower(), w.lower()) for w in found])
    if ALSO.search(text):
        wanted = list(dict.fromkeys([*current, *wanted]))
    return None if wanted == current else wanted


def _music(text: str, current: str) -> str | None:
    if NO_MUSIC.search(text):
        return None if current == "none" else "none"
    named = MOOD_WORDS.search(text)
    if named and re.search(r"\bmusic\b", text, re.IGNORECASE):
        mood = MOOD_ALIASES.get(named.group(1).lower(), named.group(1).lower())
        return None if mood == current else mood
    if not MUSIC.search(text):
        return None
    from reelforge.tools.music.select import normalise_mood

    now = normalise_mood(current if current != "none" else "auto")
    return MOODS[(MOODS.index(now) + 1) % len(MOODS)]


def _length(text: str, current: float) -> float | None:
    if m := LENGTH_TO.search(text):
        seconds = float(m.group(1))
    elif SHORTER.search(text):
        seconds = round(current * SHORTER_FACTOR)
    elif LONGER.search(text):
        seconds = round(current * LONGER_FACTOR)
    else:
        return None
    seconds = max(MIN_S, min(MAX_S, seconds))
    return None if seconds == current else seconds


def _about_a_subject(words: str, review: StoryboardReview) -> bool:
    """Whether the words change a subject of the video ("make the dog shorter" is about the dog, not the length)."""
    found = read_look(words, review)
    return isinstance(found, list) and any(d.subject for d in found)


async def read_followup(text: str, prod: Production, read_reply: ReadReply) -> FollowUp | None:
    """The change ``text`` asks of the delivered video, or None when it is not a change to it."""
    assert prod.brief is not None and prod.storyboard is not None
    words = " ".join(text.split())
    if not words:
        return None
    brief = prod.brief
    follow = FollowUp(request=words[:200])
    review = StoryboardReview.build(brief, prod.storyboard)
    if not SCENE_WORDS.search(words) and not _about_a_subject(words, review):
        follow = FollowUp(request=words[:200], aspects=_formats(words, list(brief.aspects)),
                          music_mood=_music(words, brief.music_mood), duration_s=_length(words, brief.duration_s))
        if follow.aspects is not None or follow.music_mood is not None or follow.duration_s is not None:
            return follow
    reading = await read_reply(words, review)
    if reading.intent != "decide":
        return None
    decisions = [d for d in reading.decisions
                 if (d.action in SCENE_ACTIONS and d.scene is not None) or d.action in BOARD_ACTIONS]
    if not decisions or len(decisions) != len(reading.decisions):
        return None
    return follow.model_copy(update={"decisions": decisions})


async def next_version(studio: StudioAPI, prod: Production, follow: FollowUp) -> tuple[Production, str, bool]:
    """Apply ``follow`` to a delivered production: (production, chat text, whether a new version awaits review).

    The storyboard version goes up and the status becomes ``in_review``: the caller resumes the graph at the
    review, which shows it, and production waits for its own approval. The delivered outputs stay as they are until then.
    """
    from reelforge.agent.nodes.review import apply_changes

    prod = prod.model_copy(deep=True)
    brief, board = prod.brief, prod.storyboard
    assert brief is not None and board is not None
    new_board = board
    if follow.decisions:
        update = (await apply_changes(studio, prod, follow.decisions)).update
        assert isinstance(update, dict)
        changed: Production = update["production"]
        if changed.storyboard is None or changed.storyboard.version == board.version:
            return prod, str(update["messages"][-1].content), False
        prod, new_board = changed, changed.storyboard
    patch: dict[str, Any] = {}
    if follow.aspects is not None:
        patch["aspects"] = follow.aspects
    if follow.music_mood is not None:
        patch["music_mood"] = follow.music_mood
    if follow.duration_s is not None:
        patch["duration_s"] = follow.duration_s
    if patch:
        brief = brief.model_copy(update=patch)
        if follow.duration_s is not None:  # a new length needs new narration: plan again, keeping the choices
            source = _source(prod)
            planned = await asyncio.to_thread(studio.plan, brief, source)
            new_board, _ = await asyncio.to_thread(scenes.reapply, studio, brief, planned, prod.scene_choices)
        elif new_board is board:
            new_board = board.model_copy(deep=True)
        new_board = new_board.model_copy(update={"version": board.version + 1, "title": board.title})
    prod.brief, prod.storyboard = brief, new_board
    prod.status = "in_review"
    prod.revision = follow.summary() or follow.request
    number = max(len(prod.deliveries), 1) + 1
    text = (f"Making version {number} of this video ({prod.revision}): storyboard v{new_board.version}, "
            f"estimate ${new_board.estimated_cost_usd:.2f}. Unchanged shots are reused. Please approve it "
            "(or ask for more changes).")
    return prod, text, True


def _source(prod: Production) -> Any:
    if not prod.source:
        return None
    from reelforge.tools.ingest import SourceDoc

    return SourceDoc.model_validate(prod.source)
