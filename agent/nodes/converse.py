"""The converse node: the brain, bound to the director's tools, answers (the run ends) or calls tools."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, SystemMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool
from langgraph.graph import END
from langgraph.types import Command

from reelforge.agent.brains.text_tool_calls import with_text_tool_calls
from reelforge.agent.director_tools import brief_summary
from reelforge.agent.history import history_for_brain, turn_start
from reelforge.agent.state import DirectorState, Production
from reelforge.prompts import load_prompt
from reelforge.tools.masking import mask


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


@dataclass(frozen=True)
class TurnLimits:
    """How far one user message may take the brain: tool calls (then a plain message), and the token budget
    for earlier turns (None: the whole history, as the offline director reads it)."""

    max_tool_calls: int = 12
    history_tokens: int | None = 6000

    @property
    def max_model_calls(self) -> int:
        return self.max_tool_calls + 1


def budget_message(calls: int) -> AIMessage:
    """What the user sees when a turn used up its steps: plain words; the thread stays usable."""
    return AIMessage(f"I stopped after {calls} tool steps on that message without finishing, so nothing more "
                     "is being done. Tell me what to do next in a few words (for example \"plan the scenes\" or "
                     "\"make it 20 seconds\"), and I'll continue from here.")


AfterConverse = Literal["tools", "__end__"]


def answered(reply: AIMessage) -> Command[AfterConverse]:
    """Record the brain's reply; its tool calls (valid or malformed) run next, otherwise the turn is over."""
    goto: AfterConverse = "tools" if reply.tool_calls or reply.invalid_tool_calls else END
    return Command(update={"messages": [reply]}, goto=goto)


def make_converse(brain: BaseChatModel, tools: Sequence[BaseTool], limits: TurnLimits = TurnLimits()
                  ) -> Callable[[DirectorState, RunnableConfig], Awaitable[Command[AfterConverse]]]:
    """The brain bound to ``tools`` with the director prompt and a note on the production state; at most
    ``limits.max_tool_calls`` tool calls per user message, JSON tool calls in the text recognised."""
    bound = brain.bind_tools(list(tools))
    names = {t.name for t in tools}
    system = load_prompt("director")

    async def converse(state: DirectorState, config: RunnableConfig) -> Command[AfterConverse]:
        prod = state.get("production") or Production()
        history = list(state.get("messages", []))
        turn = history[turn_start(history):]
        calls = sum(1 for m in turn if isinstance(m, ToolMessage))
        steps = sum(1 for m in turn if isinstance(m, AIMessage))
        if calls >= limits.max_tool_calls or steps >= limits.max_model_calls:
            return answered(budget_message(calls))
        note = state_note(prod)
        if limits.history_tokens is not None:
            history, dropped = history_for_brain(history, limits.history_tokens)
            if dropped:
                note += f"\n({dropped} older messages of this conversation are not shown.)"
        reply = await bound.ainvoke([SystemMessage(system + "\n\n" + note), *history], config)
        reply = with_text_tool_calls(reply, names)
        room = limits.max_tool_calls - calls
        if len(reply.tool_calls) > room:  # never more calls than the budget has left
            reply = reply.model_copy(update={"tool_calls": reply.tool_calls[:room], "invalid_tool_calls": []})
        if isinstance(reply.content, str) and reply.content:  # what the brain says is checkpointed and shown
            reply.content = mask(reply.content)
        return answered(reply)

    return converse
