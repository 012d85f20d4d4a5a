"""Follow-ups after delivery make the next version of the same video, through its own approval."""

from __future__ import annotations

from typing import Any

import pytest
from fakes.agent_studio import FakeStudio

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.followup import read_followup
from reelforge.agent.replies import read_reply
from reelforge.agent.service import AgentService
from reelforge.agent.state import Production
from reelforge.tools.production import Brief, Scene, Shot, Storyboard


async def run(stream: Any) -> list[Any]:
    return [ev async for ev in stream]


def of(events: list[Any], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]


async def _delivered(svc: AgentService) -> str:
    tid = await svc.new_thread(origin="test", user="u1")
    events = await run(svc.send(tid, "a 9 second teaser for a coffee shop, vertical"))
    assert of(events, "storyboard")
    assert of(await run(svc.send(tid, "approve")), "video")
    return tid


async def test_an_edit_after_delivery_is_version_two_of_the_same_video() -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await _delivered(svc)
        first = await svc.production(tid)
        title, goal, board_version = first.title, first.brief.goal, first.storyboard.version
        assert [d.number for d in first.deliveries] == [1]
        assert studio.plans == 1

        events = await run(svc.send(tid, "edit 2 show the harvest, close up"))
        review = of(events, "storyboard")[0].review
        assert review.version == board_version + 1 and "harvest" in review.scenes[1].narration
        assert any("version 2" in e.text for e in of(events, "message"))
        assert of(events, "video") == [] and studio.plans == 1  # not a new brief, nothing made before approval
        prod = await svc.production(tid)
        assert prod.brief.goal == goal and prod.title == title and prod.refusal() is not None

        events = await run(svc.send(tid, "approve"))
        assert of(events, "video")
        assert dict(studio.renders) == {"s1": 1, "s2": 2, "s3": 1}  # only the edited shot is made again
        prod = await svc.production(tid)
        assert [d.number for d in prod.deliveries] == [1, 2] and prod.deliveries[1].change.startswith("scene 2")
        assert prod.deliveries[0].outputs[0].path != prod.deliveries[1].outputs[0].path  # v1's files stay
        assert any("Version 2 of your video is ready" in e.text for e in of(events, "message"))
        assert (await svc.threads())[0].title == title


async def test_square_too_music_and_shorter_reuse_the_brief() -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await _delivered(svc)
        review = of(await run(svc.send(tid, "make it square too")), "storyboard")[0].review
        assert review.aspects == ["9:16", "1:1"]
        video = of(await run(svc.send(tid, "approve")), "video")[0]
        assert sorted(o.aspect for o in video.outputs) == ["1:1", "9:16"]
        assert dict(studio.renders) == {"s1": 1, "s2": 1, "s3": 1}  # same clips, one more format

        mood = (await svc.production(tid)).brief.music_mood
        assert of(await run(svc.send(tid, "swap the music")), "storyboard")
        assert (await svc.production(tid)).brief.music_mood not in (mood, "none")
        assert of(await run(svc.send(tid, "approve")), "video")

        assert of(await run(svc.send(tid, "shorter please")), "storyboard")
        prod = await svc.production(tid)
        assert prod.brief.duration_s < 9 and prod.status != "delivered"
        assert [d.number for d in prod.deliveries] == [1, 2, 3]


def _production() -> Production:
    scenes = [Scene(index=i, narration=f"Line {i}.", shots=[Shot(id=f"s{i}", visual_prompt=f"shot {i}", seconds=3)])
              for i in (1, 2, 3)]
    return Production(brief=Brief(goal="bread", duration_s=9, aspects=["9:16"]), storyboard=Storyboard(scenes=scenes),
                      status="delivered")


async def _reply(text: str, review: Any) -> Any:
    return read_reply(text, review)


@pytest.mark.parametrize(("text", "expect"), [
    ("edit 2 show earthworms turning the soil, close up", "edit 2"),
    ("can you change the second scene to show the loaf coming out of the oven?", "edit 2"),
    ("regenerate scene 3", "regenerate 3"),
    ("make it square too", "aspects 9:16,1:1"),
    ("make it landscape", "aspects 16:9"),
    ("a square version as well", "aspects 9:16,1:1"),
    ("edit 2 show a landscape with mountains", "edit 2"),
    ("scene 3 shorter", "edit 3"),
    ("swap the music", "music"),
    ("no music please", "music none"),
    ("shorter", "duration 6"),
    ("make it 5 seconds", "duration 5"),
])
async def test_follow_ups_are_read_as_changes(text: str, expect: str) -> None:
    follow = await read_followup(text, _production(), _reply)
    assert follow is not None, text
    if expect.startswith(("edit", "regenerate")):
        action, scene = expect.split()
        assert [(d.action, d.scene) for d in follow.decisions] == [(action, int(scene))]
    elif expect.startswith("aspects"):
        assert follow.aspects == expect.split()[1].split(",")
    elif expect == "music none":
        assert follow.music_mood == "none"
    elif expect == "music":
        assert follow.music_mood not in (None, "none")
    else:
        assert follow.duration_s == float(expect.split()[1])


@pytest.mark.parametrize("text", ["thanks!", "now make a video about bees", "what did it cost?", ""])
async def test_other_words_after_delivery_go_to_the_director(text: str) -> None:
    assert await read_followup(text, _production(), _reply) is None


async def test_preview_in_chat_and_by_call_changes_nothing() -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test")
        assert of(await run(svc.preview(tid)), "error")  # nothing to preview yet
        await run(svc.send(tid, "a 9 second teaser for a coffee shop, vertical"))
        events = await run(svc.send(tid, "can I see a preview first?"))
        made = of(events, "preview")[0]
        assert made.storyboard_version == 1 and made.path.endswith("preview-v1.mp4")
        assert of(events, "progress") == [] and of(events, "storyboard") == []
        review = await svc.pending(tid)
        assert review is not None and review.version == 1 and studio.renders == {}  # still waiting, nothing made
        assert of(await run(svc.preview(tid)), "preview")
        assert of(await run(svc.send(tid, "approve")), "video")
