"""The LLM loop cannot run away: a per-message step budget, failed turns never re-run, JSON tool calls in
text executed, history trimmed — against a scripted OpenAI-compatible server, plain and streaming."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fakes.agent_studio import FakeStudio
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from reelforge.agent.brains.text_tool_calls import tool_calls_in_text
from reelforge.agent.history import history_for_brain
from reelforge.agent.service import AgentService
from reelforge.evals.fake_llm import ScriptedLLM
from reelforge.evals.loopback import serve
from reelforge.tools.llm import brain_choice, build_chat_model
from reelforge.tools.settings import Settings, get_settings


@contextmanager
def llm_server(monkeypatch: pytest.MonkeyPatch, script: ScriptedLLM) -> Iterator[Settings]:
    with serve(script.handler()) as url:
        monkeypatch.setenv("OPENAI_BASE_URL", url + "/v1")
        monkeypatch.setenv("REELFORGE_LLM_MODEL", "fake-model")
        yield get_settings()


async def talk(svc: AgentService, tid: str, text: str) -> list:
    return [e async for e in svc.send(tid, text)]


@pytest.mark.parametrize("streaming", [True, False])
async def test_a_model_looping_on_a_tool_stops_at_the_budget_and_is_not_resumed(monkeypatch, streaming) -> None:
    script = ScriptedLLM(turns=[], then={"tool_calls": [["select_music", '{"mood": "calm"}']]})
    with llm_server(monkeypatch, script) as settings:
        brain = build_chat_model(settings).model_copy(update={"disable_streaming": not streaming})
        async with AgentService.open(settings=settings, studio=FakeStudio(settings), brain=brain) as svc:
            tid = await svc.new_thread()
            events = await talk(svc, tid, "a teaser for a bakery")
            first = len(script.bodies)
            assert first <= settings.max_tool_calls + 1
            assert sum(e.type == "tool" for e in events) == settings.max_tool_calls
            assert any(e.type == "message" and "I stopped after" in e.text for e in events)
            script.then = {"content": "Hello! What should the video be about?"}
            events = await talk(svc, tid, "hi again")
            assert len(script.bodies) == first + 1  # the exhausted turn was not re-run
            assert script.bodies[-1]["messages"][-1] == {"role": "user", "content": "hi again"}
            assert any(e.type == "message" and "Hello!" in e.text for e in events)


async def test_json_tool_calls_in_text_are_executed(monkeypatch) -> None:
    call = {"name": "update_brief", "arguments": {"goal": "a teaser for a bakery", "duration_s": 10}}
    script = ScriptedLLM(turns=[{"content": "```json\n" + json.dumps(call) + "\n```"},
                                {"content": "The brief is ready."}])
    with llm_server(monkeypatch, script) as settings:
        async with AgentService.open(settings=settings, studio=FakeStudio(settings)) as svc:
            tid = await svc.new_thread()
            events = await talk(svc, tid, "a 10 second teaser for a bakery")
            tools = [e for e in events if e.type == "tool"]
            assert [t.name for t in tools] == ["update_brief"] and tools[0].ok
            assert (await svc.production(tid)).brief.duration_s == 10


async def test_a_context_length_error_ends_the_turn_and_the_thread_goes_on(monkeypatch) -> None:
    script = ScriptedLLM(turns=[
        {"error": {"status": 400, "code": "context_length_exceeded",
                   "message": "This model's maximum context length is 8192 tokens."}},
        {"content": "What is the video about?"}])
    with llm_server(monkeypatch, script) as settings:
        async with AgentService.open(settings=settings, studio=FakeStudio(settings)) as svc:
            tid = await svc.new_thread()
            events = await talk(svc, tid, "hello")
            assert [e.type for e in events if e.type == "error"] == ["error"]
            events = await talk(svc, tid, "a bakery teaser")
            assert len(script.bodies) == 2 and any(e.type == "message" for e in events)
            assert not (await svc.graph.aget_state(svc._config(tid))).next


def test_history_keeps_the_current_turn_and_trims_the_oldest() -> None:
    messages = []
    for i in range(60):
        messages += [HumanMessage(f"message {i} " + "words " * 50), AIMessage(f"answer {i} " + "words " * 50)]
    messages += [HumanMessage("latest"), AIMessage("", tool_calls=[{"name": "plan_scenes", "args": {}, "id": "c1"}]),
                 ToolMessage("planned", tool_call_id="c1")]
    kept, dropped = history_for_brain(messages, 2000)
    assert dropped > 0 and kept[-3:] == messages[-3:] and isinstance(kept[0], HumanMessage)
    orphan = [HumanMessage("x"), AIMessage("", tool_calls=[{"name": "plan_scenes", "args": {}, "id": "c9"}]),
              HumanMessage("y")]
    assert all(not getattr(m, "tool_calls", None) for m in history_for_brain(orphan, 2000)[0])


def test_tool_calls_written_as_text() -> None:
    tools = {"plan_scenes", "update_brief"}
    assert tool_calls_in_text('<tool_call>{"name": "plan_scenes", "arguments": {}}</tool_call>', tools)[0]["name"] \
        == "plan_scenes"
    assert tool_calls_in_text('[{"function": {"name": "update_brief", "arguments": "{\\"goal\\": \\"x\\"}"}}]',
                              tools)[0]["args"] == {"goal": "x"}
    assert tool_calls_in_text('{"name": "rm_rf", "arguments": {}}', tools) == []
    assert tool_calls_in_text("I will plan the scenes {soon}.", tools) == []


def test_openai_key_alone_does_not_choose_the_llm_director(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-for-sora")
    use, why = brain_choice(Settings())
    assert not use and "OPENAI_API_KEY alone" in why
    monkeypatch.setenv("REELFORGE_LLM_MODEL", "gpt-4.1-mini")
    assert brain_choice(Settings())[0]
    monkeypatch.delenv("REELFORGE_LLM_MODEL")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    assert brain_choice(Settings()) == (True, "OPENAI_BASE_URL is set")
    assert not brain_choice(Settings(brain="offline"))[0]
