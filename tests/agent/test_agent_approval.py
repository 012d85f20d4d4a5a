"""Approval is a fingerprint: after an approved video is delivered, changing anything that costs money or
changes the files (formats, voice, music, captions, duration, language, budget, presenter) opens a new
storyboard version, and production is refused until that version is approved. The estimate covers the
narration and the music, priced from the registry data."""

from __future__ import annotations

from typing import Any

import pytest
from fakes.agent_studio import FakeStudio
from langchain_core.messages import AIMessage
from test_agent_flow import ScriptedChatModel, call, of, run

from reelforge.agent.review import ReviewDecision, StoryboardReview
from reelforge.agent.service import AgentService
from reelforge.tools.approval import approval_refusal, approve, fingerprint
from reelforge.tools.estimate import delta_text, price_storyboard
from reelforge.tools.production import Brief, Consent, CostLine, RouteChoice, Scene, Shot, Storyboard
from reelforge.tools.routing import budget_check
from reelforge.tools.settings import Settings
from reelforge.tools.voice.speech import to_speech

BRIEF = {"goal": "coffee shop teaser", "duration_s": 9, "aspects": ["vertical"], "voice": "elevenlabs:abc",
         "music_mood": "calm", "budget_usd": 5}
CHANGES: list[tuple[str, dict[str, Any]]] = [
    ("a square version too", {"aspects": ["9:16", "1:1"]}),
    ("another voice", {"voice": "elevenlabs:other"}),
    ("other music", {"music_mood": "upbeat"}),
    ("no captions", {"captions": False}),
    ("longer", {"duration_s": 12}),
    ("in French", {"language": "fr"}),
    ("a bigger budget", {"budget_usd": 9}),
]


@pytest.mark.parametrize(("said", "patch"), CHANGES, ids=[c[0] for c in CHANGES])
async def test_a_change_after_delivery_needs_a_new_approval(said: str, patch: dict[str, Any]) -> None:
    script = iter([
        call("update_brief", BRIEF, 1), call("plan_scenes", n=2), call("submit_storyboard", n=3),
        call("update_brief", patch, 4), call("produce_video", n=5),  # the model tries to produce at once
        call("produce_video", n=6), AIMessage("Waiting for your approval."),
    ])
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=ScriptedChatModel(messages=script)) as svc:
        tid = await svc.new_thread(user="u1")
        first = of(await run(svc.send(tid, "a teaser for a coffee shop")), "storyboard")[0].review
        narration = [x for x in first.cost_items if x.kind == "narration"]
        assert narration and narration[0].estimated_usd > 0 and narration[0].price_source  # priced from data
        assert [x.kind for x in first.cost_items if x.kind == "music"] == ["music"]
        assert first.total_cost_usd == pytest.approx(narration[0].estimated_usd + sum(
            x.estimated_usd for x in first.cost_items if x.kind == "music"))
        assert of(await run(svc.resume(tid, ReviewDecision(action="approve"))), "video")
        renders = dict(studio.renders)

        events = await run(svc.send(tid, said))
        refusals = [e for e in of(events, "tool") if e.name == "produce_video"]
        # a follow-up the service reads itself (agent.followup: formats, music, length) opens v2 for review
        # without the brain; either way nothing is produced before v2 is approved
        assert all(not r.ok and "storyboard v2 has not been approved (v1 was)" in r.text for r in refusals)
        assert of(events, "video") == [] and dict(studio.renders) == renders  # nothing spent
        board = of(events, "storyboard")[0].review  # the new version is shown and the graph waits
        assert board.version == 2 and (await svc.pending(tid)).version == 2
        prod = await svc.production(tid)
        assert prod.approval is not None and prod.approval.version == 1 and prod.refusal()

        events = await run(svc.resume(tid, ReviewDecision(action="approve")))
        assert of(events, "video")
        prod = await svc.production(tid)
        assert prod.approval.version == 2 and prod.status == "delivered" and prod.refusal() is None


def _board() -> Storyboard:
    shots = [Shot(id=f"s{i}", visual_prompt=f"shot {i}", seconds=3, narration=f"Line {i} about coffee.",
                  route=RouteChoice(model_id="kling", provider="fal", est_cost_usd=0.5, clip_seconds=3))
             for i in (1, 2)]
    return Storyboard(scenes=[Scene(index=i + 1, narration=s.narration, shots=[s]) for i, s in enumerate(shots)])


def test_every_paid_or_delivered_field_is_in_the_fingerprint(tmp_path: Any) -> None:
    brief, board = Brief(goal="coffee", voice="elevenlabs:abc"), _board()
    base = fingerprint(brief, board)
    for patch in [dict(p) for _, p in CHANGES] + [
            {"presenter_path": str(tmp_path / "me.png"),
             "presenter_consent": Consent(text="I am the person", affirmed_by="u1")},
            {"style": "watercolour"}, {"caption_preset": "minimal"}, {"preference": "cheap"}]:
        assert fingerprint(brief.model_copy(update=patch), board) != base, patch
    assert fingerprint(brief.model_copy(update={"tone": "calm", "notes": ["x"]}), board) == base
    changed = board.model_copy(deep=True)
    changed.scenes[0].shots[0].route.model_id = "veo"
    assert fingerprint(brief, changed) != base
    changed = board.model_copy(deep=True)
    changed.scenes[1].shots[0].seconds = 4
    assert fingerprint(brief, changed) != base
    ok = approve(brief, board, "u1")
    assert approval_refusal(brief, board, ok) is None
    assert "changed after it was approved" in approval_refusal(brief.model_copy(update={"voice": "piper"}), board, ok)
    assert "has not been approved" in approval_refusal(brief, board, None)


def test_the_estimate_covers_narration_and_music_and_the_budget_caps_the_total() -> None:
    settings = Settings()
    brief = Brief(goal="coffee", voice="elevenlabs:abc", music_mood="calm", budget_usd=1.01)
    board = price_storyboard(brief, _board(), settings)
    kinds = {x.kind: x for x in board.paid_extras}
    chars = sum(len(to_speech(s.narration).spoken) for s in board.scenes)  # what is spoken ("1" -> "one")
    assert kinds["narration"].quantity == chars and kinds["narration"].unit == "characters"
    assert kinds["narration"].estimated_usd == pytest.approx(chars * 0.0003, abs=1e-4)
    assert "ElevenLabs" in kinds["narration"].price_source and "music" in kinds
    assert board.estimated_cost_usd == pytest.approx(1.0 + kinds["narration"].estimated_usd)
    assert budget_check(board, brief).over  # the clips fit, the narration does not
    review = StoryboardReview.build(brief, board, [CostLine(item="shot s1", kind="clip", estimated_usd=0.5,
                                                            reused=True), *board.paid_extras])
    assert "Estimate: re-used from the cache: 1 item(s) worth $0.50" in review.text()
    assert "narration" in review.text() and review.to_pay_usd == pytest.approx(kinds["narration"].estimated_usd)
    assert delta_text([]) == "nothing re-used; to pay: $0.00."


async def test_the_studio_itself_refuses_to_spend_without_a_matching_approval() -> None:
    from reelforge.tools.approval import ApprovalError
    from reelforge.tools.studio import Studio

    studio, brief, board = Studio(Settings()), Brief(goal="coffee", music_mood="none"), _board()
    with pytest.raises(ApprovalError, match="has not been approved"):
        await studio.produce(brief, board, approval=None)
    approval = approve(brief, board, "u1")
    with pytest.raises(ApprovalError, match="changed after it was approved"):  # a square version, unapproved
        await studio.produce(brief.model_copy(update={"aspects": ["9:16", "1:1"]}), board, approval=approval)
    with pytest.raises(ApprovalError, match="over the budget"):
        cheap = brief.model_copy(update={"budget_usd": 0.5})
        await studio.produce(cheap, board, approval=approve(cheap, board, "u1"))
