"""The review-reply interpreter on the labelled corpus and on the typed decisions it hands to the graph."""

from __future__ import annotations

import pytest
from review_corpus import MODELS, load, score

from reelforge.agent.replies import read_reply
from reelforge.agent.replies.llm import LLMReading, SceneChange, to_reading


def test_offline_reading_is_accurate_on_the_labelled_corpus() -> None:
    review, replies = load()
    assert len(replies) >= 150
    accuracy, misses = score(read_reply)
    assert accuracy >= 0.95, misses


@pytest.mark.parametrize("text", ["looks great", "ship it", "perfect, go ahead", "no problem, approve", "👍"])
def test_approvals_approve(text: str) -> None:
    review, _ = load()
    assert read_reply(text, review, MODELS).approves


@pytest.mark.parametrize("text", ["hmm, not sure", "nope, not quite", "hmm", "I don't like it"])
def test_hesitation_changes_nothing_and_asks(text: str) -> None:
    review, _ = load()
    reading = read_reply(text, review, MODELS)
    assert reading.intent == "clarify" and reading.text.endswith(("?", "\".")) and not reading.decisions


def test_questions_are_answered_from_the_storyboard() -> None:
    review, _ = load()
    cost = read_reply("how much will this cost?", review, MODELS)
    assert cost.intent == "answer" and "$1.10" in cost.text and not cost.decisions
    model = read_reply("which model is scene 1 using?", review, MODELS)
    assert "kling-v2-5-turbo-pro" in model.text


def test_a_scene_that_does_not_exist_gets_a_question() -> None:
    review, _ = load()
    reading = read_reply("make scene 7 brighter", review, MODELS)
    assert reading.intent == "clarify" and "only 4 scenes" in reading.text


def test_several_edits_keep_their_own_instructions() -> None:
    review, _ = load()
    reading = read_reply("make scene 2 brighter and scene 4 shorter", review, MODELS)
    assert [(d.scene, d.instruction) for d in reading.decisions] == [(2, "make brighter"), (4, "shorter")]


def test_an_llm_reading_is_validated_against_the_storyboard() -> None:
    review, _ = load()
    ok = to_reading(LLMReading(intent="change_scenes", changes=[SceneChange(action="model", scene=2,
                                                                           model_id="veo-3-1")]), review, MODELS)
    assert ok.label() == "model 2 veo-3-1" and ok.source == "llm"
    for bad in (LLMReading(intent="change_scenes", changes=[SceneChange(action="edit", scene=9, instruction="x")]),
                LLMReading(intent="change_scenes", changes=[SceneChange(action="model", scene=1, model_id="gpt-9")]),
                LLMReading(intent="revise_all"), LLMReading(intent="unclear", clarifying_question="hm")):
        with pytest.raises(ValueError):
            to_reading(bad, review, MODELS)
