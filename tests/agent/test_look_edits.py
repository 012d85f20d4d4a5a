"""Look-sheet edits, a scene's sound and real keyframes, typed in ordinary words to the offline director: during
review and after delivery each makes a new storyboard version that waits for its own approval."""

from __future__ import annotations

from typing import Any

import pytest
from fakes.agent_studio import FakeStudio

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.followup import read_followup
from reelforge.agent.replies import read_reply
from reelforge.agent.service import AgentService
from reelforge.agent.state import Production
from reelforge.tools.production import Brief, CostLine, LookSheet, LookSubject, Scene, Shot, Storyboard

REQUEST = "a 9 second teaser for the bakery where our baker bakes bread, vertical"


async def run(stream: Any) -> list[Any]:
    return [ev async for ev in stream]


def of(events: list[Any], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]


class KeyframeStudio(FakeStudio):
    """The fake studio with an image model: routing draws a keyframe per shot once the brief asks for them."""

    def route(self, brief: Brief, storyboard: Storyboard) -> Storyboard:
        board = super().route(brief, storyboard)
        if brief.keyframes == "on":
            for shot in board.shots:
                shot.keyframe = f"/keyframes/{shot.id}.png"
            line = CostLine(item="keyframes", kind="image", model="fake-image", quantity=len(board.shots),
                            unit="image", estimated_usd=0.04 * len(board.shots))
            board.paid_extras = [x for x in board.paid_extras if x.item != "keyframes"] + [line]
        return board

    def thumbnails(self, brief: Brief, storyboard: Storyboard) -> Storyboard:
        for scene in storyboard.scenes:  # the storyboard's picture of a scene is its keyframe when it has one
            scene.thumbnail = scene.shots[0].keyframe or scene.thumbnail
        return storyboard


async def test_look_and_sound_words_during_review_make_new_versions_to_approve() -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        first = of(await run(svc.send(tid, REQUEST)), "storyboard")[0].review

        review = of(await run(svc.send(tid, "make the baker older")), "storyboard")[0].review
        assert review.version == first.version + 1
        assert [(s.name, s.description) for s in review.look.subjects] == [("the baker", "older")]
        review = of(await run(svc.send(tid, "hmm, give her a red coat too")), "storyboard")[0].review
        assert review.look.subjects[0].description == "older, with a red coat"
        review = of(await run(svc.send(tid, "and make it black and white")), "storyboard")[0].review
        assert review.look.style == "black and white" and "Look: black and white" in review.text()
        events = await run(svc.send(tid, "no sound on the second scene please"))
        assert of(events, "storyboard")[0].review.version == first.version + 4
        prod = await svc.production(tid)
        assert {s.sound for s in prod.storyboard.scenes[1].shots} == {"mute"} and prod.refusal() is not None
        assert studio.plans == 1  # none of these planned the video again

        assert of(await run(svc.send(tid, "approve")), "video")
        events = await run(svc.send(tid, "warmer colours"))  # after delivery: version 2 of the same video
        review = of(events, "storyboard")[0].review
        assert review.look.style == "warmer colours"  # the colour clause is replaced, not piled up
        assert any("version 2" in e.text for e in of(events, "message")) and of(events, "video") == []
        prod = await svc.production(tid)
        assert prod.status != "delivered" and prod.refusal() is not None  # its own approval first
        assert of(await run(svc.send(tid, "approve")), "video")


async def test_draw_keyframes_during_review_turns_them_on_and_shows_their_cost() -> None:
    studio = KeyframeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        first = of(await run(svc.send(tid, REQUEST)), "storyboard")[0].review
        assert not any(x.item == "keyframes" for x in first.cost_items)
        events = await run(svc.send(tid, "can you draw the keyframes first?"))
        review = of(events, "storyboard")[0].review
        line = next(x for x in review.cost_items if x.item == "keyframes")
        assert review.version == first.version + 1 and line.estimated_usd > 0
        assert review.total_cost_usd >= first.total_cost_usd + line.estimated_usd - 1e-9
        assert any("keyframes drawn for 3 shots" in e.text.lower() for e in of(events, "message"))
        assert [s.thumbnail for s in review.scenes] == [f"/keyframes/s{i}.png" for i in (1, 2, 3)]
        prod = await svc.production(tid)
        assert prod.brief.keyframes == "on" and all(s.keyframe for s in prod.storyboard.shots)
        assert studio.plans == 1  # not read as feedback to plan again


async def test_draw_keyframes_without_an_image_model_says_so_and_changes_nothing() -> None:
    async with AgentService.open(studio=FakeStudio(), brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        first = of(await run(svc.send(tid, REQUEST)), "storyboard")[0].review
        events = await run(svc.send(tid, "draw keyframes"))
        assert any("no image model" in e.text for e in of(events, "message"))
        prod = await svc.production(tid)
        assert prod.storyboard.version == first.version and prod.brief.keyframes == "auto"


#: what each phrase, said after delivery, changes (subject=description, -subject, style=..., sound N ..., keyframes)
AFTER_DELIVERY = {
    "make the baker older": "the baker=a woman in her thirties, older",
    "Could the baker look a little younger?": "the baker=a woman in her thirties, a little younger",
    "the dog should be a golden retriever": "the dog=a golden retriever",
    "our dog needs to be bigger": "the dog=a small terrier, bigger",
    "give the baker a red coat": "the baker=a woman in her thirties, with a red coat",
    "please remove the dog from the look": "-the dog",
    "add a recurring character: a grey cat named Miso": "Miso=a grey cat",
    "warmer colours please": "style=soft light, warmer colours",
    "more cinematic lighting": "style=more cinematic lighting",
    "can we have it in black and white?": "style=soft light, black and white",
    "mute scene 2": "sound 2 mute",
    "turn off the sound in the last scene": "sound 3 mute",
    "draw keyframes": "keyframes",
    "make the dog shorter": "the dog=a small terrier, shorter",  # the dog, not the video
}


def _delivered() -> Production:
    look = LookSheet(style="soft light", subjects=[LookSubject(name="the baker", description="a woman in her thirties"),
                                                   LookSubject(name="the dog", description="a small terrier")])
    scenes = [Scene(index=i, narration=f"Line {i}.", shots=[Shot(id=f"s{i}", visual_prompt=p, seconds=3)])
              for i, p in ((1, "the baker kneads dough"), (2, "the dog sleeps"), (3, "the shop at dawn"))]
    return Production(brief=Brief(goal="bread", duration_s=9, aspects=["9:16"]),
                      storyboard=Storyboard(scenes=scenes, look=look), status="delivered")


@pytest.mark.parametrize(("text", "expect"), AFTER_DELIVERY.items())
async def test_look_sound_and_keyframe_words_after_delivery_are_changes(text: str, expect: str) -> None:
    follow = await read_followup(text, _delivered(), _reply)
    assert follow is not None and len(follow.decisions) == 1, text
    d = follow.decisions[0]
    if expect.startswith("sound"):
        assert (d.action, d.scene, d.sound) == ("sound", int(expect.split()[1]), expect.split()[2])
    elif expect == "keyframes":
        assert d.action == "keyframes" and follow.summary() == "real keyframes"
    elif expect.startswith("-"):
        assert (d.action, d.subject, d.remove) == ("look", expect[1:], True)
    elif expect.startswith("style="):
        assert (d.action, d.style) == ("look", expect.removeprefix("style="))
    else:
        subject, description = expect.split("=")
        assert (d.action, d.subject, d.instruction) == ("look", subject, description)


async def _reply(text: str, review: Any) -> Any:
    return read_reply(text, review)


@pytest.mark.parametrize("text", ["give her a red coat", "she should smile more"])
async def test_a_pronoun_that_could_be_anyone_gets_a_question(text: str) -> None:
    prod = _delivered()
    prod.storyboard.look.subjects.append(LookSubject(name="Marie", description="the owner"))
    reading = read_reply(text, _review(prod))
    assert reading.intent == "clarify" and "the baker" in reading.text and "Marie" in reading.text


def _review(prod: Production) -> Any:
    from reelforge.agent.review import StoryboardReview

    return StoryboardReview.build(prod.brief, prod.storyboard)


async def test_a_rejection_asking_for_keyframes_reroutes_without_planning_again() -> None:
    from reelforge.agent.review import ReviewDecision

    studio = KeyframeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        await run(svc.send(tid, REQUEST))
        events = await run(svc.resume(tid, ReviewDecision.parse("reject draw the keyframes first")))
        review = of(events, "storyboard")[0].review
        assert any(x.item == "keyframes" for x in review.cost_items) and studio.plans == 1
        assert review.scenes[0].thumbnail == "/keyframes/s1.png"  # the review shows the keyframes drawn
