"""The built-in offline director: request parsing, one question when vague, honest caveats, and a full
conversation through the same graph and tools; plus typed review replies."""

from __future__ import annotations

import pytest
from fakes.agent_studio import FakeStudio
from langchain_core.messages import HumanMessage

from reelforge.agent.brains.offline import QUESTION, OfflineDirector, decide
from reelforge.agent.brains.parse import parse_request
from reelforge.agent.review import ReviewDecision
from reelforge.agent.service import AgentService


def test_parse_request_reads_length_format_platform_mood_budget_language() -> None:
    r = parse_request("A 30s promo for our bakery for TikTok in Spanish, $3 budget, upbeat")
    assert r.patch == {"duration_s": 30.0, "aspects": ["9:16"], "tone": "upbeat", "music_mood": "upbeat",
                       "budget_usd": 3.0, "language": "es"}
    assert r.goal == "A promo for our bakery, upbeat"
    r = parse_request("a 1 minute explainer about tides, square and landscape, 21:9 https://example.org/tides")
    assert r.patch["duration_s"] == 60.0 and r.patch["aspects"] == ["1:1", "16:9"]
    assert r.urls == ["https://example.org/tides"] and "21:9" in r.caveats[0]
    assert parse_request("make a video").goal is None


def test_vague_request_gets_exactly_one_question() -> None:
    reply = decide([HumanMessage("make a video please")])
    assert reply.content == QUESTION and not reply.tool_calls and reply.content.count("?") == 1
    reply = decide([HumanMessage("make a video please"), reply, HumanMessage("about our new bike lane, square")])
    assert reply.tool_calls[0]["name"] == "update_brief"
    assert reply.tool_calls[0]["args"] == {"aspects": ["1:1"], "goal": "about our new bike lane"}


def test_url_is_read_first_and_unknown_file_is_admitted() -> None:
    uploaded = {"attachments": [{"name": "x.xyz", "kind": "other"}]}
    reply = decide([HumanMessage("video about https://example.org/post", additional_kwargs=uploaded)])
    assert reply.tool_calls[0] == {**reply.tool_calls[0], "name": "read_source",
                                   "args": {"url_or_path": "https://example.org/post"}}
    assert "can't use the attached file x.xyz" in reply.content


def test_typed_attachment_text_is_just_text() -> None:
    reply = decide([HumanMessage("a 10 second vertical video about our launch [attached: /etc/notes.md]")])
    assert all(c["name"] != "read_source" for c in reply.tool_calls)


@pytest.mark.parametrize(("text", "expected"), [
    ("approve", ReviewDecision(action="approve")),
    ("edit 3: brighter, at dawn", ReviewDecision(action="edit", scene=3, instruction="brighter, at dawn")),
    ("model scene 2 veo-3", ReviewDecision(action="model", scene=2, model_id="veo-3")),
    ("regenerate", ReviewDecision(action="regenerate")),
    ("reject too slow", ReviewDecision(action="reject", feedback="too slow")),
    ("can it be funnier?", ReviewDecision(action="reject", feedback="can it be funnier?")),
])
def test_review_replies_parse(text: str, expected: ReviewDecision) -> None:
    assert ReviewDecision.parse(text) == expected


def test_incomplete_edit_is_rejected_with_plain_words() -> None:
    with pytest.raises(ValueError, match="needs an instruction"):
        ReviewDecision.parse("edit 2")


async def test_offline_director_full_conversation_with_rejection() -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread()
        events = [e async for e in svc.send(tid, "make a video")]
        assert [e.type for e in events] == ["message"] and studio.plans == 0
        events = [e async for e in svc.send(tid, "a 12 second teaser for a coffee shop, vertical, $2")]
        texts = " ".join(e.text for e in events if e.type == "message")
        assert "Here's the brief: 'a teaser for a coffee shop' — 12 s, 9:16" in texts  # summarised before planning
        assert "Scene 1 / s1" in texts and "motion fits" in texts  # each model choice in one line
        assert [e for e in events if e.type == "storyboard"][0].review.budget_usd == 2.0
        events = [e async for e in svc.send(tid, "reject make it square")]
        review = [e for e in events if e.type == "storyboard"][0].review
        assert review.aspects == ["1:1"] and review.version == 2
        events = [e async for e in svc.send(tid, "approve")]
        assert [e for e in events if e.type == "video"][0].outputs[0].aspect == "1:1"
        events = [e async for e in svc.send(tid, "thanks!")]
        assert "didn't understand" in events[-1].text
