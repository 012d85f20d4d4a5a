"""What the brain is shown of a long thread: the current turn whole, earlier turns trimmed from the oldest to a
token budget (the system prompt, the brief and the storyboard summary travel separately and always), and
tool-call pairs kept intact so that OpenAI-compatible servers accept the history."""

from __future__ import annotations

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.messages.utils import count_tokens_approximately, trim_messages

MAX_OBSERVATION_CHARS = 2000  # one tool observation in an earlier turn (a storyboard summary can be long)


def turn_start(messages: list[BaseMessage]) -> int:
    """Index of the last user message (the start of the current turn); 0 when there is none."""
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], HumanMessage):
            return i
    return 0


def paired(messages: list[BaseMessage]) -> list[BaseMessage]:
    """Drop tool results without their call and turn calls without results into plain text, so a history cut
    anywhere (or left by a failed turn) is still one the chat API accepts."""
    answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    out: list[BaseMessage] = []
    open_calls: set[str] = set()
    for m in messages:
        calls = [*m.tool_calls, *m.invalid_tool_calls] if isinstance(m, AIMessage) else []
        if calls:
            if all(c.get("id") in answered for c in calls):
                open_calls |= {str(c.get("id")) for c in calls}
                out.append(m)
            elif isinstance(m.content, str) and m.content:
                out.append(AIMessage(m.content))
        elif isinstance(m, ToolMessage):
            if m.tool_call_id in open_calls:
                out.append(m)
        else:
            out.append(m)
    return out


def _shortened(m: BaseMessage) -> BaseMessage:
    if isinstance(m, ToolMessage) and isinstance(m.content, str) and len(m.content) > MAX_OBSERVATION_CHARS:
        return m.model_copy(update={"content": m.content[:MAX_OBSERVATION_CHARS] + " …"})
    return m


def history_for_brain(messages: list[BaseMessage], max_tokens: int) -> tuple[list[BaseMessage], int]:
    """Earlier turns trimmed to ``max_tokens`` minus the current turn's size, then the current turn; and how
    many earlier messages were left out."""
    messages = paired(list(messages))
    start = turn_start(messages)
    current = messages[start:]
    earlier = [_shortened(m) for m in messages[:start]]
    room = max_tokens - count_tokens_approximately(current)
    kept: list[BaseMessage] = []
    if room > 0 and earlier:
        kept = trim_messages(earlier, max_tokens=room, strategy="last", token_counter=count_tokens_approximately,
                             start_on="human", allow_partial=False)
    return paired([*kept, *current]), len(earlier) - len(kept)
