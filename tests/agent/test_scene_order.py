"""Removing and reordering scenes, and waiting without deciding: how replies are read (offline and by the LLM),
how a removal or a move becomes the next storyboard version (renumbered, priced again, choices following their
scenes), and the whole path through the service: nothing is made until the new version is approved."""

from __future__ import annotations

from typing import Any

import pytest
from fakes.agent_studio import FakeStudio
from review_corpus import MODELS, load

from reelforge.agent import scene_order
from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.nodes.review import apply_changes, apply_decision
from reelforge.agent.replies import read_reply
from reelforge.agent.replies.llm import LLMReading, SceneChange, to_reading
from reelforge.agent.review import ReviewDecision, scene_decision
from reelforge.agent.service import AgentService
from reelforge.agent.state import Production
from reelforge.tools.production import Brief, Scene, Shot, Storyboard


def label(text: str) -> str:
    review, _ = load()  # four scenes: the café front, a barista, pastries, the logo
    return read_reply(text, review, MODELS).label()


@pytest.mark.parametrize(("text", "want"), [
    ("drop scene 4", "remove 4"), ("remove the second scene please", "remove 2"), ("cut scene 3", "remove 3"),
    ("get rid of the last scene", "remove 4"), ("we don't need the intro", "remove 1"),
    ("skip the second one", "remove 2"), ("scene 3 can go", "remove 3"), ("take scene 2 out", "remove 2"),
    ("no need for the outro", "remove 4"), ("drop scenes 2 and 3", "remove 2 + remove 3"),
    ("why not drop scene 4?", "remove 4"),
])
def test_removals_are_read_as_removals(text: str, want: str) -> None:
    assert label(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("swap 2 and 3", "move 2 3 + move 3 2"), ("switch scene 1 with scene 4", "move 1 4 + move 4 1"),
    ("swap the first and last scenes", "move 1 4 + move 4 1"), ("move scene 4 to the start", "move 4 1"),
    ("put the last scene first", "move 4 1"), ("scene 3 should come before scene 2", "move 3 2"),
    ("put scene 1 after scene 3", "move 1 3"), ("start with scene 4", "move 4 1"),
    ("move the intro to the end", "move 1 4"), ("move scene 2 to position 4", "move 2 4"),
    ("move scene 3 up", "move 3 2"), ("make scene 1 the last scene", "move 1 4"),
])
def test_moves_are_read_with_their_target_positions(text: str, want: str) -> None:
    assert label(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("drop the music", "revise"), ("move faster in scene 2", "edit 2"), ("cut scene 2 shorter", "edit 2"),
    ("remove the text from scene 2", "edit 2"), ("drop scene 2's voiceover", "edit 2"),
    ("switch scene 2 to stock footage", "kind 2 stock"), ("make scene 2 brighter", "edit 2"),
    ("drop the barista", "look - barista"), ("don't drop scene 4", "clarify"), ("please don't swap 2 and 3", "clarify"),
    ("don't cut scene 4, make scene 3 brighter instead", "edit 3"),
])
def test_look_alikes_are_not_removals_or_moves(text: str, want: str) -> None:
    assert label(text) == want


def test_a_removal_and_an_edit_in_one_reply_keep_the_shown_numbers() -> None:
    review, _ = load()
    reading = read_reply("drop scene 2 and make scene 4 brighter", review, MODELS)
    assert [(d.action, d.scene) for d in reading.decisions] == [("remove", 2), ("edit", 4)]
    assert reading.decisions[1].instruction == "make brighter"
    assert label("drop scene 7").startswith("clarify")


@pytest.mark.parametrize("text", ["not yet, I need to ask my boss", "let me check with my team first", "hold on",
                                  "give me a minute", "I'll get back to you", "nice, but I need to run it by the "
                                  "client first"])
def test_waiting_changes_nothing_and_says_how_to_go_on(text: str) -> None:
    review, _ = load()
    reading = read_reply(text, review, MODELS)
    assert reading.intent == "answer" and reading.topic == "wait" and not reading.decisions
    assert "approve" in reading.text and "nothing is made or paid" in reading.text


@pytest.mark.parametrize(("text", "want"), [("no, make it calmer", "revise"),
                                            ("I don't like it, start over", "regenerate"),
                                            ("not quite, it should be more playful", "revise")])
def test_rejections_with_reasons_still_revise(text: str, want: str) -> None:
    assert label(text) == want


def test_the_llm_reading_proposes_removals_moves_and_waiting_and_is_validated() -> None:
    review, _ = load()
    ok = to_reading(LLMReading(intent="change_scenes", changes=[
        SceneChange(action="remove", scene=4), SceneChange(action="move", scene=3, position=1)]), review, MODELS)
    assert ok.label() == "remove 4 + move 3 1" and ok.source == "llm"
    assert to_reading(LLMReading(intent="wait"), review, MODELS).label() == "wait"
    for bad in (SceneChange(action="move", scene=2, position=9), SceneChange(action="move", scene=2),
                SceneChange(action="remove", scene=5)):
        with pytest.raises(ValueError):
            to_reading(LLMReading(intent="change_scenes", changes=[bad]), review, MODELS)


def test_typed_removals_and_moves() -> None:
    assert ReviewDecision.parse("remove 4") == ReviewDecision(action="remove", scene=4)
    assert ReviewDecision.parse("move 4 to 1") == ReviewDecision(action="move", scene=4, position=1)
    with pytest.raises(ValueError):
        ReviewDecision(action="move", scene=2)
    # a change request for one scene (Slack's modal)
    assert scene_decision(3, "remove it") == ReviewDecision(action="remove", scene=3)
    assert scene_decision(3, "remove the logo").action == "edit"


def test_the_new_order_is_validated() -> None:
    remove, move = (lambda n: ReviewDecision(action="remove", scene=n)), (
        lambda n, p: ReviewDecision(action="move", scene=n, position=p))
    assert scene_order.plan_order([1, 2, 3, 4], [move(2, 3), move(3, 2)]) == [1, 3, 2, 4]  # a swap
    assert scene_order.plan_order([1, 2, 3, 4], [move(1, 4), move(4, 1)]) == [4, 2, 3, 1]
    assert scene_order.plan_order([1, 2, 3, 4], [remove(2), remove(4)]) == [1, 3]  # shown numbers both times
    assert scene_order.plan_order([1, 2, 3], [remove(1), move(3, 1)]) == [3, 2]
    for numbers, decisions, why in (([1], [remove(1)], "at least one scene"),
                                    ([1, 2], [remove(1), remove(2)], "at least one scene"),
                                    ([1, 2, 3], [move(2, 4)], "out of range"), ([1, 2], [remove(3)], "no scene 3"),
                                    ([1, 2], [remove(1), move(1, 1)], "already removed"),
                                    ([1, 2, 3], [move(2, 2)], "already in that order")):
        with pytest.raises(ValueError, match=why):
            scene_order.plan_order(numbers, decisions)


def _production(scenes: int = 4) -> Production:
    brief = Brief(goal="a coffee teaser", duration_s=12.0, aspects=["9:16"])
    board = Storyboard(version=3, scenes=[
        Scene(index=i, title=f"Scene {i}", narration=f"Line {i} about coffee, said slowly and clearly.",
              shots=[Shot(id=f"s{i:02d}-{k}", visual_prompt=f"shot {i}.{k}", seconds=1.5) for k in (1, 2)])
        for i in range(1, scenes + 1)])
    studio = FakeStudio(price_per_shot=0.25)
    board = studio.route(brief, board)
    return Production(brief=brief, storyboard=board, status="in_review",
                      scene_choices={"2": {"kind": "stock"}, "4": {"model": "fancy-video"}})


async def test_a_removal_is_a_renumbered_repriced_version_with_its_choices_following() -> None:
    prod = _production()
    before = prod.storyboard
    command = await apply_decision(FakeStudio(price_per_shot=0.25), prod, ReviewDecision(action="remove", scene=2))
    new: Production = command.update["production"]
    board = new.storyboard
    assert command.goto == "review_storyboard" and new.status == "in_review" and board.version == 4
    assert [s.index for s in board.scenes] == [1, 2, 3]
    assert [s.shots[0].visual_prompt for s in board.scenes] == ["shot 1.1", "shot 3.1", "shot 4.1"]
    ids = [shot.id for shot in board.shots]
    assert len(set(ids)) == len(ids) and ids[2:4] == ["s02-1", "s02-2"] and ids[:2] == ["s01-1", "s01-2"]
    assert board.clips_cost_usd == pytest.approx(before.clips_cost_usd - 0.5)
    narration = next(x for x in board.paid_extras if x.kind == "narration")
    assert narration.quantity < next(x for x in before.paid_extras if x.kind == "narration").quantity
    assert board.estimated_cost_usd < before.estimated_cost_usd
    assert new.scene_choices == {"3": {"model": "fancy-video"}}  # scene 2's choice went with it; 4 is now 3
    text = command.update["messages"][-1].content
    assert "Scene 2 removed" in text and "storyboard v4" in text and "now about 9 s" in text and f"${board.estimated_cost_usd:.2f}" in text


async def test_moves_and_an_edit_in_one_reply() -> None:
    prod = _production()
    command = await apply_changes(FakeStudio(price_per_shot=0.25), prod, [
        ReviewDecision(action="edit", scene=4, instruction="at dusk"),
        ReviewDecision(action="move", scene=4, position=1)])
    new: Production = command.update["production"]
    board = new.storyboard
    assert board.version == 4 and [s.title for s in board.scenes] == ["Scene 4", "Scene 1", "Scene 2", "Scene 3"]
    assert "at dusk" in board.scenes[0].narration  # the edit reached the scene the person meant
    assert new.scene_choices == {"1": {"model": "fancy-video"}, "3": {"kind": "stock"}}
    ids = [shot.id for shot in board.shots]
    assert len(set(ids)) == len(ids)
    assert board.estimated_cost_usd == pytest.approx(prod.storyboard.estimated_cost_usd, abs=0.01)


async def test_removing_the_only_scene_is_refused_and_nothing_changes() -> None:
    prod = _production(scenes=1)
    command = await apply_decision(FakeStudio(), prod, ReviewDecision(action="remove", scene=1))
    new: Production = command.update["production"]
    assert new.storyboard.version == 3 and len(new.storyboard.scenes) == 1
    assert "at least one scene" in command.update["messages"][-1].content


async def run(stream: Any) -> list[Any]:
    return [ev async for ev in stream]


def of(events: list[Any], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]


async def test_drop_a_scene_during_review_shows_a_new_version_and_makes_nothing_until_approved() -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        first = of(await run(svc.send(tid, "a 9 second teaser for a coffee shop, vertical")), "storyboard")[0].review
        assert len(first.scenes) == 3

        events = await run(svc.send(tid, "not yet, let me check with my team"))
        assert of(events, "storyboard") == [] and "approve" in of(events, "message")[0].text
        assert (await svc.pending(tid)).version == first.version and studio.plans == 1

        review = of(await run(svc.send(tid, "drop scene 2")), "storyboard")[0].review
        assert review.version == first.version + 1 and [s.number for s in review.scenes] == [1, 2]
        assert [s.narration for s in review.scenes] == [first.scenes[0].narration, first.scenes[2].narration]
        assert studio.renders == {} and studio.plans == 1  # nothing made, nothing re-planned
        prod = await svc.production(tid)
        assert prod.refusal() is not None  # the new version needs its own approval

        assert of(await run(svc.send(tid, "approve")), "video")
        assert sum(studio.renders.values()) == 2

        events = await run(svc.send(tid, "put the last scene first"))  # after delivery: version 2 of the video
        review = of(events, "storyboard")[0].review
        assert [s.narration for s in review.scenes] == [first.scenes[2].narration, first.scenes[0].narration]
        assert of(events, "video") == [] and (await svc.production(tid)).refusal() is not None
        assert of(await run(svc.send(tid, "approve")), "video")
        assert sum(studio.renders.values()) == 2  # the same clips in a new order: nothing rendered again


@pytest.mark.parametrize(("text", "want"), [("my boss likes it, go ahead", "approve"),
                                            ("the client signed off on it", "approve"),
                                            ("my boss doesn't like it", "revise"),
                                            ("the team likes the music", "revise"),
                                            ("not yet, my boss likes it but I need to ask the client", "wait")])
def test_after_waiting_the_agreement_of_the_people_asked_approves(text: str, want: str) -> None:
    assert label(text) == want


@pytest.mark.parametrize(("decision", "words"), [
    (ReviewDecision(action="remove", scene=4), "without scene 4"),
    (ReviewDecision(action="move", scene=4, position=1), "scene 4 moved to position 1"),
    (ReviewDecision(action="edit", scene=2, instruction="darker"), "scene 2: darker"),
    (ReviewDecision(action="regenerate"), "a fresh take of the storyboard"),
])
def test_a_decision_says_what_it_changes_in_plain_words(decision: ReviewDecision, words: str) -> None:
    assert decision.describe() == words
