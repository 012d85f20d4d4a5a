"""Replies to a storyboard review, understood: one interpreter for every front door (terminal chat, the
studio's chat box, Slack thread replies, follow-ups after delivery).

``read_reply`` is the offline intent layer; ``interpret_reply`` asks the director's LLM (structured output)
when one is given and falls back to the offline reading when it fails or answers something invalid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reelforge.agent.replies.offline import read_reply
from reelforge.agent.replies.reading import ReplyReading
from reelforge.agent.review import StoryboardReview

__all__ = ["ReplyReading", "interpret_reply", "read_reply"]


async def interpret_reply(text: str, review: StoryboardReview, *, llm: Any = None,
                          models: Sequence[str] = ()) -> ReplyReading:
    """What ``text`` means as a reply to ``review``: the LLM's validated reading when ``llm`` is given (its
    failures fall back), else the offline reading. ``models`` are the model ids a user may name."""
    if llm is None:
        return read_reply(text, review, models)
    from reelforge.agent.replies.llm import read_reply_llm

    return await read_reply_llm(llm, text, review, models)
