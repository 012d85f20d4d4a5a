"""The two LLM roles of an eval, used only when an OpenAI-compatible endpoint is configured: a judge that
grades a transcript against a rubric, and a simulated user that plays a persona instead of scripted turns."""

from __future__ import annotations

import json
import re
from typing import Any

from reelforge.evals.graders import Check

JUDGE_PROMPT = """You grade a conversation between a user and a video-making assistant ("director").
Rubric:
{rubric}

Conversation:
{transcript}

Answer with one JSON object only: {{"pass": true or false, "reason": "one sentence"}}"""

USER_PROMPT = """You play the USER of a video-making assistant. Your instructions:
{instructions}

The conversation so far:
{transcript}

Write the user's next message only (when a storyboard awaits review, reply 'approve', 'edit N <change>' or
'reject <why>'). If your goal is reached or nothing is left to say, write exactly DONE."""


def configured_llm() -> Any:
    """The configured chat model (ignoring REELFORGE_BRAIN), or None."""
    from reelforge.tools.llm import chat_model
    from reelforge.tools.settings import get_settings

    settings = get_settings()
    return chat_model(settings.model_copy(update={"brain": "llm"}))


def _text(reply: Any) -> str:
    content = getattr(reply, "content", reply)
    return content if isinstance(content, str) else "".join(p.get("text", "") for p in content if isinstance(p, dict))


async def judge(rubric: str, transcript: str, llm: Any) -> Check:
    """Grade ``transcript`` against ``rubric``; an unreadable verdict is a failed check that says so."""
    reply = _text(await llm.ainvoke(JUDGE_PROMPT.format(rubric=rubric.strip(), transcript=transcript[-12000:])))
    match = re.search(r"\{.*\}", reply, re.DOTALL)
    try:
        verdict = json.loads(match.group(0)) if match else {}
    except json.JSONDecodeError:
        verdict = {}
    if "pass" not in verdict:
        return Check(name="judge · rubric", passed=False, message=f"unreadable verdict: {reply[:200]!r}")
    return Check(name="judge · rubric", passed=bool(verdict["pass"]), message=str(verdict.get("reason", ""))[:300])


async def next_user_turn(instructions: str, transcript: str, llm: Any) -> str | None:
    """The simulated user's next message, or None when it is done."""
    reply = _text(await llm.ainvoke(USER_PROMPT.format(instructions=instructions.strip(),
                                                       transcript=transcript[-12000:] or "(nothing yet)"))).strip()
    return None if not reply or reply.upper().startswith("DONE") else reply
