"""The real ChatOpenAI client against a loopback fake OpenAI-compatible server with scripted tool calls."""

from __future__ import annotations

from fakes.agent_studio import FakeStudio
from fakes.openai_compat import openai_app
from fakes.server import serve

from reelforge.agent.brains import make_brain
from reelforge.agent.review import ReviewDecision
from reelforge.agent.service import AgentService
from reelforge.tools.settings import get_settings


async def test_llm_brain_completes_conversation_and_retries_malformed_arguments(monkeypatch) -> None:
    turns = [
        {"tool_calls": [("update_brief", '{"goal": coffee shop, "duration_s": 9}')]},  # malformed JSON
        {"content": "Let me fix that.",
         "tool_calls": [("update_brief", '{"goal": "coffee shop teaser", "duration_s": 9, "platform": "TikTok"}')]},
        {"tool_calls": [("plan_scenes", "{}")]},
        {"content": "Scene 1 uses motion because it is free.", "tool_calls": [("submit_storyboard", "{}")]},
    ]
    with serve(openai_app(turns)) as app:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", app.base_url + "/v1")
        monkeypatch.setenv("REELFORGE_LLM_MODEL", "fake-model")
        settings = get_settings()
        brain = make_brain(settings)
        assert type(brain).__name__ == "ChatOpenAI"
        studio = FakeStudio(settings)
        async with AgentService.open(settings=settings, studio=studio, brain=brain) as svc:
            tid = await svc.new_thread()
            events = [e async for e in svc.send(tid, "a 9 second teaser for a coffee shop for TikTok")]
            tools = [e for e in events if e.type == "tool"]
            assert not tools[0].ok and "could not read the arguments for update_brief" in tools[0].text
            assert tools[1].ok and "9:16" in tools[1].text  # the retry worked; TikTok → vertical
            assert any(e.type == "message_delta" for e in events)  # streamed from the server
            assert any(e.type == "message" and "motion because" in e.text for e in events)
            review = [e for e in events if e.type == "storyboard"][0].review
            assert review.version == 1 and len(review.scenes) == 3
            done = [e async for e in svc.resume(tid, ReviewDecision(action="approve"))]
            assert [e for e in done if e.type == "video"]
        bodies = app.state["bodies"]
        assert len(bodies) == 4 and all(b["model"] == "fake-model" for b in bodies)
        assert {t["function"]["name"] for t in bodies[0]["tools"]} >= {"update_brief", "produce_video"}
        assert all("ctx" not in t["function"]["parameters"].get("properties", {}) for t in bodies[0]["tools"])
        error_obs = [m for m in bodies[1]["messages"] if m["role"] == "tool"]
        assert error_obs and error_obs[0]["tool_call_id"] == "call_1_0" and "Error" in error_obs[0]["content"]
        assert bodies[0]["messages"][0]["role"] == "system"
