"""The converse node: the brain, bound to the director's tools, answers or calls tools."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import SystemMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool

from reelforge.agent.director_tools import brief_summary
from reelforge.agent.state import DirectorState, Production
from reelforge.prompts import load_prompt


def state_note(prod: Production) -> str:
    """What the brain should know about the production right now."""
    lines = [f"Production status: {prod.status}."]
    if prod.brief is not None:
        lines.append("Current brief: " + brief_summary(prod.brief))
    if prod.storyboard is not None:
        approved = "approved" if prod.approved_version == prod.storyboard.version else "not approved"
        lines.append(f"Storyboard v{prod.storyboard.version} ({approved}), "
                     f"estimate ${prod.storyboard.estimated_cost_usd:.2f}.")
    if prod.feedback:
        lines.append(f"Last reviewer feedback: {prod.feedback}")
    if prod.uploads:
        files = ", ".join(f"{u.name} ({u.kind}{', consent given with it' if u.consent else ''})" for u in prod.uploads)
        lines.append(f"Files the user uploaded to this conversation (pass these names to the tools): {files}.")
    if prod.outputs:
        lines.append("Delivered: " + ", ".join(o.path for o in prod.outputs))
    return "\n".join(lines)


def make_converse(brain: BaseChatModel, tools: Sequence[BaseTool]
                  ) -> Callable[[DirectorState, RunnableConfig], Awaitable[dict[str, Any]]]:
    """The brain bound to ``tools`` with the director prompt and a note on the production state."""
    bound = brain.bind_tools(list(tools))
    system = load_prompt("director")

    async def converse(state: DirectorState, config: RunnableConfig) -> dict[str, Any]:
        prod = state.get("production") or Production()
        messages = [SystemMessage(system + "\n\n" + state_note(prod)), *state.get("messages", [])]
        reply = await bound.ainvoke(messages, config)
        return {"messages": [reply]}

    return converse
