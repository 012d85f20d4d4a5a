"""The tools node: runs the brain's tool calls one by one (bad arguments become error observations), then goes
where their structured results ask: the storyboard review, production, or back to the brain."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal

from langchain_core.messages import AIMessage, ToolCall, ToolMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool
from langgraph.types import Command
from pydantic import ValidationError

from reelforge.agent.consent import said_in
from reelforge.agent.director_tools import DirectorContext
from reelforge.agent.events import plain_reason, redact
from reelforge.agent.state import DirectorState, Production
from reelforge.agent.tool_result import Refused, result_of
from reelforge.tools.studio_api import StudioAPI

RETRY_HINT = "Fix the arguments and call the tool again."


def _validation_text(exc: ValidationError) -> str:
    parts = [f"{'.'.join(str(x) for x in e['loc']) or 'arguments'}: {e['msg']}" for e in exc.errors()]
    return "; ".join(parts)


async def run_tool_call(tool: BaseTool | None, call: ToolCall, ctx: DirectorContext, known: str) -> ToolMessage:
    """Run one call; its ToolMessage carries the observation, ``status`` ("error" when the call failed or was
    refused) and, for tools that report data, a :class:`ToolResult` as ``artifact``. Never raises for bad
    input or a failing studio call."""
    name, args, call_id = call["name"], call["args"], call.get("id") or ""

    def failed(text: str, artifact: Any = None) -> ToolMessage:
        return ToolMessage(text, tool_call_id=call_id, name=name, status="error", artifact=artifact)

    if tool is None:
        return failed(f"Error: there is no tool named {name!r}; available tools: {known}.")
    if not isinstance(args, dict):
        return failed(f"Error: arguments for {name} must be a JSON object. {RETRY_HINT}")
    args = {k: v for k, v in args.items() if k != "ctx"}
    try:
        out = await tool.ainvoke({"name": name, "args": {**args, "ctx": ctx}, "id": call_id, "type": "tool_call"})
    except Refused as exc:
        return failed(str(exc))
    except ValidationError as exc:
        return failed(f"Error: invalid arguments for {name}: {_validation_text(exc)}. {RETRY_HINT}")
    except (ValueError, TypeError, KeyError, FileNotFoundError) as exc:
        return failed(f"Error: {name} failed: {redact(str(exc))}")
    except Exception as exc:  # noqa: BLE001 - a studio failure is an observation, not a crash
        return failed(f"Error: {name} failed: {plain_reason(exc)}")
    artifact = out.artifact if isinstance(out, ToolMessage) else None
    text = str(out.content if isinstance(out, ToolMessage) else out)
    status = "error" if result_of(artifact).refused else "success"
    return ToolMessage(text, tool_call_id=call_id, name=name, status=status, artifact=artifact)


AfterTools = Literal["review_storyboard", "produce", "converse"]


def next_node(messages: Sequence[ToolMessage]) -> AfterTools:
    """Where the calls asked the graph to go, from the tools' structured results (production wins over
    review); otherwise back to the brain."""
    wanted = {result_of(m.artifact).next for m in messages}
    if "produce" in wanted:
        return "produce"
    if "review_storyboard" in wanted:
        return "review_storyboard"
    return "converse"


def reprice(studio: StudioAPI, prod: Production) -> None:
    """Keep the storyboard's narration and music estimate in step with the brief (a voice or music change)."""
    if prod.brief is not None and prod.storyboard is not None:
        prod.storyboard = studio.price(prod.brief, prod.storyboard)


def make_tools_node(tools: Sequence[BaseTool], studio: StudioAPI
                    ) -> Callable[[DirectorState, RunnableConfig], Awaitable[Command[AfterTools]]]:
    """A node executing the last AI message's tool calls (valid and malformed) against ``studio``."""
    by_name = {t.name: t for t in tools}
    known = ", ".join(by_name)

    async def run_tools(state: DirectorState, config: RunnableConfig) -> Command[AfterTools]:
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)
        prod = (state.get("production") or Production()).model_copy(deep=True)
        thread_id = str((config.get("configurable") or {}).get("thread_id", ""))
        ctx = DirectorContext(studio=studio, production=prod, user=prod.user, thread_id=thread_id,
                              said=said_in(state["messages"], default_by=prod.owner or prod.user or prod.origin))
        out: list[ToolMessage] = []
        for bad in last.invalid_tool_calls:
            err = bad.get("error") or "the arguments are not valid JSON"
            out.append(ToolMessage(
                f"Error: could not read the arguments for {bad.get('name')}: {err}. Send valid JSON. {RETRY_HINT}",
                tool_call_id=bad.get("id") or "", name=bad.get("name") or "unknown", status="error"))
        for call in last.tool_calls:
            out.append(await run_tool_call(by_name.get(call["name"]), call, ctx, known))
        reprice(studio, ctx.production)
        goto = next_node(out)
        if goto == "review_storyboard":
            ctx.production.status = "in_review"
        return Command(update={"messages": out, "production": ctx.production}, goto=goto)

    return run_tools
