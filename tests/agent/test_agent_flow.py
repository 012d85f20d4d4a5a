"""The director graph driven by a scripted chat model: brief → storyboard → edit → approve → video,
refusals before approval / over budget, and bad tool calls turned into observations."""

from __future__ import annotations

from typing import Any

from fakes.agent_studio import FakeStudio
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from reelforge.agent.review import ReviewDecision
from reelforge.agent.service import AgentService


class ScriptedChatModel(GenericFakeChatModel):
    """Scripted AIMessages in order; tool binding is a no-op; whole messages (tool calls do not stream)."""

    disable_streaming: bool = True

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:  # type: ignore[override]
        return self


def call(name: str, args: dict[str, Any] | None = None, n: int = 0) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": name, "args": args or {}, "id": f"c_{name}_{n}", "type": "tool_call"}])


async def run(stream: Any) -> list[Any]:
    return [ev async for ev in stream]


def of(events: list[Any], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]


async def test_brief_storyboard_edit_approve_video_reproduces_only_edited_shot() -> None:
    script = iter([
        call("update_brief", {"goal": "coffee shop teaser", "duration_s": 9, "aspects": ["vertical"]}, 1),
        call("plan_scenes", n=2),
        call("submit_storyboard", n=3),
        # second request after the first video: resubmit for an edit
        call("submit_storyboard", n=4),
    ])
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=ScriptedChatModel(messages=script)) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        events = await run(svc.send(tid, "a 9 second teaser for a coffee shop, vertical"))
        boards = of(events, "storyboard")
        assert len(boards) == 1 and boards[0].review.version == 1
        review = boards[0].review
        assert [s.number for s in review.scenes] == [1, 2, 3]
        assert all(s.shots[0].model_id == "motion" and s.shots[0].reason for s in review.scenes)
        assert review.aspects == ["9:16"] and review.within_budget
        assert (await svc.pending(tid)).version == 1
        assert studio.renders == {}  # nothing produced before approval

        events = await run(svc.resume(tid, ReviewDecision(action="approve")))
        video = of(events, "video")
        assert video and video[0].outputs[0].aspect == "9:16"
        assert dict(studio.renders) == {"s1": 1, "s2": 1, "s3": 1}
        assert {e.shot_id for e in of(events, "progress") if e.status == "done"} == {"s1", "s2", "s3"}

        events = await run(svc.send(tid, "change scene 2"))
        assert of(events, "storyboard")[0].review.version == 1
        events = await run(svc.send(tid, "edit 2 make it a sunrise"))  # typed decision while pending
        board = of(events, "storyboard")[0].review
        assert board.version == 2 and "sunrise" in board.scenes[1].narration
        assert "sunrise" not in board.scenes[0].narration
        events = await run(svc.send(tid, "approve"))
        assert of(events, "video")
        assert dict(studio.renders) == {"s1": 1, "s2": 2, "s3": 1}  # only the edited shot again
        prod = await svc.production(tid)
        assert prod.approved_version == 2 and prod.status == "delivered" and prod.user == "u1"
        assert prod.manifest_path and prod.manifest_path.endswith("manifest.json")
        threads = await svc.threads()
        assert threads[0].thread_id == tid and threads[0].title == "coffee shop teaser"


async def test_produce_refused_before_approval_and_over_budget() -> None:
    script = iter([
        call("update_brief", {"goal": "launch video", "budget_usd": 1}, 1),
        call("plan_scenes", n=2),
        call("produce_video", n=3),
        AIMessage("I need your approval first."),
        call("submit_storyboard", n=4),
        call("produce_video", n=5),
        AIMessage("It is over budget."),
    ])
    studio = FakeStudio(price_per_shot=2.0)
    async with AgentService.open(studio=studio, brain=ScriptedChatModel(messages=script)) as svc:
        tid = await svc.new_thread()
        events = await run(svc.send(tid, "a launch video, $1"))
        refusals = [e for e in of(events, "tool") if e.name == "produce_video"]
        assert refusals and not refusals[0].ok and "not been approved" in refusals[0].text
        assert of(events, "storyboard") == []
        events = await run(svc.send(tid, "ok submit it"))
        assert of(events, "storyboard")[0].review.within_budget is False
        events = await run(svc.send(tid, "approve"))
        assert any("over the budget" in e.text for e in of(events, "message"))
        assert of(events, "video") == []
        events = await run(svc.send(tid, "produce it anyway"))
        refusal = [e for e in of(events, "tool") if e.name == "produce_video"][0]
        assert "estimate $6.00 is over the budget $1.00" in refusal.text
        assert studio.renders == {}


async def test_bad_tool_calls_become_observations_and_duplicates_are_ignored() -> None:
    script = iter([
        call("update_brief", {"goal": "x", "duration_s": "very long"}, 1),
        call("no_such_tool", {}, 2),
        call("plan_scenes", n=3),  # no brief yet
        AIMessage("Sorry, let me try again later."),
    ])
    async with AgentService.open(studio=FakeStudio(), brain=ScriptedChatModel(messages=script)) as svc:
        tid = await svc.new_thread()
        events = await run(svc.send(tid, "hello", event_id="Ev1"))
        tools = of(events, "tool")
        assert [t.ok for t in tools] == [False, False, False]
        assert "invalid arguments for update_brief" in tools[0].text and "duration_s" in tools[0].text
        assert "no tool named 'no_such_tool'" in tools[1].text
        assert "no brief yet" in tools[2].text
        assert of(events, "message")[-1].text.startswith("Sorry")
        assert await run(svc.send(tid, "hello", event_id="Ev1")) == []  # a retried delivery
        assert len([h for h in await svc.history(tid) if h["role"] == "user"]) == 1
        assert of(await run(svc.resume(tid, ReviewDecision(action="approve"))), "error")
