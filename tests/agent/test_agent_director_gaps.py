"""The director's follow-ups: goals from an article's title, mood changes ("calmer"), scene kinds in chat and
review, a presenter upload with consent, over-budget production refused in chat, re-routing after a budget
change, voices for pickers, de-duplication across restarts and the synchronous service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes.agent_studio import FakeStudio
from langchain_core.messages import HumanMessage, ToolMessage
from PIL import Image

from reelforge.agent.brains.offline import OfflineDirector, decide
from reelforge.agent.brains.parse import parse_request
from reelforge.agent.review import ReviewDecision, scene_decision
from reelforge.agent.scenes import budget_notes, scene_kind
from reelforge.agent.service import AgentService
from reelforge.agent.sync import SyncAgentService
from reelforge.tools.owners import local_owner
from reelforge.tools.production import Brief, RouteChoice, Scene, Shot, Storyboard
from reelforge.tools.uploads import uploads_folder


async def run(stream: Any) -> list[Any]:
    return [ev async for ev in stream]


def of(events: list[Any], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]


def text(events: list[Any]) -> str:
    return " ".join(e.text for e in events if e.type in ("message", "tool"))


# --- reading requests ----------------------------------------------------------------------------------


def test_url_request_has_no_junk_goal_and_the_goal_comes_from_the_article_title() -> None:
    req = parse_request("make a 60 second landscape explainer from https://example.org/bees.html")
    assert req.goal is None and req.kind_noun == "explainer" and req.patch["aspects"] == ["16:9"]
    assert parse_request("an explainer about how bees make honey, from https://x.org/a").goal == \
        "an explainer about how bees make honey"
    first = HumanMessage("make a 60 second landscape explainer from https://example.org/bees.html")
    call = decide([first])
    assert call.tool_calls[0]["name"] == "read_source"
    read = ToolMessage("Read the page (412 words).", tool_call_id="x", name="read_source",
                       artifact={"source_title": "How Bees Make Honey"})  # the title is data, not wording
    brief = decide([first, call, read]).tool_calls[0]
    assert brief["name"] == "update_brief"
    assert brief["args"] == {"duration_s": 60.0, "aspects": ["16:9"], "goal": "an explainer about How Bees Make Honey"}


@pytest.mark.parametrize(("said", "patch"), [
    ("calmer", {"tone": "calm", "music_mood": "calm"}),
    ("make it calmer", {"tone": "calm", "music_mood": "calm"}),
    ("a bit more upbeat please", {"tone": "upbeat", "music_mood": "upbeat"}),
    ("calmer music", {"music_mood": "calm"}),
    ("darker", {"tone": "dark", "music_mood": "dark"}),
])
def test_mood_follow_ups_are_understood(said: str, patch: dict[str, Any]) -> None:
    req = parse_request(said)
    assert req.patch == patch and req.goal is None


def test_scene_kind_words() -> None:
    assert scene_kind("stock footage") == "stock" and scene_kind("B-roll") == "stock"
    assert scene_kind("talking head") == "presenter" and scene_kind("AI generated") == "generated"
    assert scene_kind("stock photos") == "stock" and scene_kind("presenter scene") == "presenter"
    with pytest.raises(ValueError, match="unknown scene kind"):
        scene_kind("banana")
    assert ReviewDecision.parse("make scene 2 stock footage") == ReviewDecision(action="kind", scene=2, kind="stock")
    assert ReviewDecision.parse("kind 3 presenter") == ReviewDecision(action="kind", scene=3, kind="presenter")
    with pytest.raises(ValueError, match="unknown scene kind"):
        ReviewDecision.parse("kind 3 cartoon")
    assert ReviewDecision.parse("regenerate 2") == ReviewDecision(action="regenerate", scene=2)
    # a change request for one scene (Slack's modal): kind, fresh take, model or an edit
    assert scene_decision(2, "stock footage") == ReviewDecision(action="kind", scene=2, kind="stock")
    assert scene_decision(2, "a fresh take") == ReviewDecision(action="regenerate", scene=2)
    assert scene_decision(2, "model veo-3-1") == ReviewDecision(action="model", scene=2, model_id="veo-3-1")
    assert scene_decision(2, "make it a drone shot").action == "edit"


# --- conversations through the service -------------------------------------------------------------------


async def test_calmer_after_delivery_replans_with_a_calm_tone() -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread()
        await run(svc.send(tid, "a 9 second teaser for a bakery, upbeat"))
        await run(svc.send(tid, "approve"))
        events = await run(svc.send(tid, "make it calmer"))
        assert "didn't understand" not in text(events)
        review = of(events, "storyboard")[0].review
        assert review.version == 2
        brief = (await svc.production(tid)).brief
        assert brief.tone == "calm" and brief.music_mood == "calm" and "bakery" in brief.goal
        plans = studio.plans
        events = await run(svc.send(tid, "calmer music please"))  # while pending: rejection feedback, understood
        assert of(events, "storyboard")[0].review.version == 2 and studio.plans == plans  # sound only: no re-plan
        brief = (await svc.production(tid)).brief
        assert brief.music_mood == "calm" and brief.tone == "calm"


async def test_voice_follow_up_is_checked_against_the_voices_and_keeps_the_scenes() -> None:
    class Voiced(FakeStudio):
        def list_voices(self) -> list[dict[str, Any]]:
            return [{"id": "piper", "name": "Joe"}, {"id": "espeak", "name": "espeak-ng"}]

    studio = Voiced()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread()
        await run(svc.send(tid, "a 9 second teaser for a bakery"))
        await run(svc.send(tid, "approve"))
        plans = studio.plans
        events = await run(svc.send(tid, "use the espeak voice"))
        assert [e.name for e in of(events, "tool")] == ["select_voice", "submit_storyboard"]
        assert of(events, "storyboard")[0].review.version == 2 and studio.plans == plans  # a new version to approve
        assert (await svc.production(tid)).brief.voice == "espeak"
        events = await run(svc.send(tid, "reject narrate with elevenlabs:nope"))
        tool = [e for e in of(events, "tool") if e.name == "select_voice"][0]
        assert not tool.ok and "unknown voice 'elevenlabs:nope'" in tool.text
        assert "I couldn't do that" in of(events, "message")[-1].text


async def test_over_budget_is_refused_in_chat_then_a_budget_raise_reroutes_without_replanning() -> None:
    studio = FakeStudio(price_per_shot=2.0)
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread()
        events = await run(svc.send(tid, "a 9 second teaser for a bakery, $5 budget"))
        review = of(events, "storyboard")[0].review
        assert not review.within_budget and review.total_cost_usd == 6.0
        assert "OVER BUDGET" in review.text()
        events = await run(svc.send(tid, "approve"))
        assert "Refused: the estimate $6.00 is over the budget $5.00" in text(events)
        assert of(events, "video") == [] and studio.renders == {}
        events = await run(svc.send(tid, "produce it"))
        refused = [e for e in of(events, "tool") if e.name == "produce_video"]
        assert refused and not refused[0].ok and "over the budget" in refused[0].text
        assert "over the budget" in of(events, "message")[-1].text and studio.renders == {}
        plans = studio.plans
        events = await run(svc.send(tid, "raise the budget to $10"))
        assert [e.name for e in of(events, "tool")] == ["update_brief", "select_models", "submit_storyboard"]
        review = of(events, "storyboard")[0].review
        assert review.within_budget and review.budget_usd == 10.0 and studio.plans == plans  # re-routed only
        events = await run(svc.send(tid, "approve"))
        assert of(events, "video") and dict(studio.renders) == {"s1": 1, "s2": 1, "s3": 1}


async def test_scene_kind_in_review_and_in_chat() -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread()
        await run(svc.send(tid, "a 9 second teaser for a bakery"))
        events = await run(svc.send(tid, "make scene 2 stock footage"))  # typed review decision
        review = of(events, "storyboard")[0].review
        assert review.version == 2 and [s.kind for s in review.scenes] == ["generated", "stock", "generated"]
        said = text(events)
        assert "Scene 2 is now a stock scene" in said and "No stock library" in said  # honest: none usable here
        events = await run(svc.resume(tid, ReviewDecision(action="kind", scene=9, kind="presenter")))
        assert "there is no scene 9" in text(events) and of(events, "storyboard")[0].review.version == 2
        await run(svc.send(tid, "approve"))
        events = await run(svc.send(tid, "scenes 1 and 3 should be presenter"))  # after delivery: version 2
        assert "Making version 2 of this video" in text(events)
        review = of(events, "storyboard")[0].review
        assert [s.kind for s in review.scenes] == ["presenter", "stock", "presenter"]
        events = await run(svc.send(tid, "reject calmer please"))  # a re-plan keeps the user's scene kinds
        assert "Kept your choices (scene 1: presenter; scene 2: stock; scene 3: presenter)" in text(events)
        review = of(events, "storyboard")[0].review
        assert [s.kind for s in review.scenes] == ["presenter", "stock", "presenter"]
        assert (await svc.production(tid)).brief.tone == "calm"


async def test_presenter_upload_needs_consent_and_a_real_picture(tmp_path: Any) -> None:
    photo = tmp_path / "me.png"
    Image.new("RGB", (200, 240), (200, 120, 90)).save(photo)
    junk = tmp_path / "me.jpg"
    junk.write_bytes(b"not a picture at all")
    async with AgentService.open(studio=FakeStudio(), brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(user="ana")
        await run(svc.send(tid, "a 9 second teaser for a bakery"))
        await run(svc.send(tid, "approve"))
        events = await run(svc.send(tid, "put me on screen as the presenter", attachments=[str(photo)]))
        tool = [e for e in of(events, "tool") if e.name == "set_presenter"][0]
        assert not tool.ok and tool.text.startswith("Refused") and "consent" in tool.text
        events = await run(svc.send(tid, "use this as presenter. I consent to showing my face in this video.",
                                    attachments=[str(junk)]))
        tool = [e for e in of(events, "tool") if e.name == "set_presenter"][0]
        assert not tool.ok and "not an image or a video" in tool.text
        events = await run(svc.send(tid, "use this as presenter. I consent to showing my face in this video.",
                                    attachments=[str(photo)]))
        assert [e.name for e in of(events, "tool")] == ["set_presenter", "submit_storyboard"]
        brief = (await svc.production(tid)).brief
        kept = Path(brief.presenter_path)  # the thread's own copy of the upload, not the original file
        assert kept.parent == uploads_folder(svc.settings.home, tid) and kept.read_bytes() == photo.read_bytes()
        assert brief.presenter_consent.affirmed_by == local_owner() and "I consent" in brief.presenter_consent.text


def test_budget_notes_name_a_forced_model_that_breaks_the_budget() -> None:
    brief = Brief(goal="g", budget_usd=1.0)

    def board(model: str, cost: float, forced: str | None) -> Storyboard:
        shot = Shot(id="s1", visual_prompt="p", seconds=3, model_override=forced,
                    route=RouteChoice(model_id=model, provider="x", est_cost_usd=cost))
        return Storyboard(scenes=[Scene(index=1, narration="n", shots=[shot])])

    [note] = budget_notes(brief, board("veo", 3.0, "veo"))
    assert "over the $1.00 budget" in note and "veo" in note and "production will be refused" in note
    assert budget_notes(brief, board("veo", 0.5, "veo")) == []  # within budget
    assert budget_notes(brief, board("kling", 3.0, None)) == []  # over, but not by the user's choice


# --- the service around the graph ------------------------------------------------------------------------


async def test_voices_for_pickers() -> None:
    class Voiced(FakeStudio):
        def list_voices(self) -> list[dict[str, Any]]:
            return [{"id": "piper", "name": "Joe", "engine": "piper", "available": True},
                    {"id": "espeak", "name": "espeak-ng", "engine": "espeak", "available": False,
                     "description": "install espeak-ng"}]

    async with AgentService.open(studio=Voiced(), brain=OfflineDirector()) as svc:
        voices = await svc.voices()
    assert [v["id"] for v in voices] == ["auto", "piper", "espeak"] and voices[2]["available"] is False
    async with AgentService.open(studio=FakeStudio(), brain=OfflineDirector()) as svc:
        assert [v["id"] for v in await svc.voices()] == ["auto"]


async def test_repeated_event_ids_are_ignored_after_a_restart() -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread()
        assert of(await run(svc.send(tid, "a 9 second teaser for a bakery", event_id="Ev9")), "storyboard")
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:  # a new process, same home
        assert await run(svc.send(tid, "a 9 second teaser for a bakery", event_id="Ev9")) == []
        assert of(await run(svc.resume(tid, ReviewDecision(action="approve"), event_id="Click1")), "video")
        assert await run(svc.resume(tid, ReviewDecision(action="approve"), event_id="Click1")) == []
        assert len([h for h in await svc.history(tid) if h["role"] == "user"]) == 1


def test_sync_service_for_callers_that_are_not_async() -> None:
    studio = FakeStudio()
    with SyncAgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = svc.new_thread(origin="script")
        events = svc.send(tid, "a 9 second teaser for a bakery, square")
        assert of(events, "storyboard") and svc.pending(tid).version == 1
        events = svc.resume(tid, "approve")
        assert of(events, "video")[0].outputs[0].aspect == "1:1"
        assert svc.production(tid).status == "delivered" and svc.pending(tid) is None
        assert svc.threads()[0].thread_id == tid and svc.history(tid)[0]["role"] == "user"
        assert [v["id"] for v in svc.voices()] == ["auto"]


async def test_presenter_upload_on_the_first_turn_with_the_request(tmp_path: Any) -> None:
    photo = tmp_path / "me.webp"
    Image.new("RGB", (160, 160), (20, 90, 200)).save(photo)
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(user="ana")
        said = ("a 9 second teaser for a bakery, square\nPlease use the attached picture as the on-screen "
                "presenter. Consent: I confirm I am the person in this photo.")
        events = await run(svc.send(tid, said, attachments=[str(photo)]))
        assert [e.name for e in of(events, "tool")][:3] == ["set_presenter", "update_brief", "plan_scenes"]
        assert of(events, "storyboard")
        brief = (await svc.production(tid)).brief
        assert brief.goal == "a teaser for a bakery" and brief.aspects == ["1:1"]
        assert Path(brief.presenter_path).name == "me.webp" and brief.presenter_consent.affirmed_by == local_owner()
        assert brief.presenter_consent.text == "Consent: I confirm I am the person in this photo."


def test_consent_must_be_affirmed_not_merely_mentioned() -> None:
    from reelforge.agent.director_tools import affirms_consent

    assert affirms_consent("I consent to cloning my voice") and affirms_consent("I am the person in this photo")
    assert not affirms_consent("I don't have permission to use it")
    assert not affirms_consent("a bright and alright copyright day")  # words inside words do not count
    assert not affirms_consent("consent")  # too short to be a statement
