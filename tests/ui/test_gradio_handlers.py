"""The studio's handlers without a server: the voice picker filled from the service, and the review controls
for a scene's kind and a fresh take of one scene, driven through the same AgentService as the app."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from fakes.agent_studio import FakeStudio
from PIL import Image

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.service import AgentService
from reelforge.ui.gradio_app import StudioApp
from reelforge.ui.gradio_brief import PRESENTER, PRESENTER_CONSENT, InputError
from reelforge.ui.gradio_session import StudioView


class Voiced(FakeStudio):
    def list_voices(self) -> list[dict[str, Any]]:
        return [{"id": "piper", "name": "Joe (US English, Piper)", "engine": "piper", "available": True},
                {"id": "espeak", "name": "espeak-ng", "engine": "espeak", "available": False}]


class Holder:
    """Stands in for ServiceHolder: one service over the fake studio."""

    def __init__(self, studio: Any) -> None:
        self.studio = studio
        self.stack = AsyncExitStack()
        self.svc: AgentService | None = None

    async def get(self) -> AgentService:
        if self.svc is None:
            self.svc = await self.stack.enter_async_context(AgentService.open(studio=self.studio,
                                                                              brain=OfflineDirector()))
        return self.svc


async def last(gen: Any) -> tuple[Any, ...]:
    outs = [out async for out in gen]
    return outs[-1] if outs else ()


async def test_voice_picker_lists_the_studio_voices() -> None:
    app = StudioApp()
    app.services = Holder(Voiced())  # type: ignore[assignment]
    try:
        update = await app.voices("elevenlabs:abc")
        assert update["choices"][0] == ("Automatic (best available)", "auto")
        assert ("Joe (US English, Piper) (piper)", "piper") in update["choices"]
        assert ("espeak-ng (espeak) — not installed", "espeak") in update["choices"]
        assert update["choices"][-1] == ("elevenlabs:abc", "elevenlabs:abc") and update["value"] == "elevenlabs:abc"
    finally:
        await app.services.stack.aclose()  # type: ignore[attr-defined]


async def test_review_controls_set_a_scene_kind_and_regenerate_one_scene() -> None:
    studio = FakeStudio()
    app = StudioApp()
    app.services = Holder(studio)  # type: ignore[assignment]
    view = StudioView()
    try:
        await last(app.send({"text": "a 9 second teaser for a bakery", "files": []}, ["9:16"], 9, 5.0,
                            "balanced", "auto", "auto", None, False, "", view, None))
        assert view.review is not None and view.review.version == 1
        await last(app.set_kind(2, "stock", view))
        assert view.review.version == 2 and [s.kind for s in view.review.scenes] == ["generated", "stock", "generated"]
        board = app.outputs(view)[2]
        assert "stock" in board and ">v2<" in board
        await last(app.regenerate_scene(None, view))
        assert "number of the scene" in str(view.chat[-1])
        await last(app.regenerate_scene(3, view))
        assert view.review.version == 3
        await last(app.approve(view))
        assert view.video is not None and dict(studio.renders) == {"s1": 1, "s2": 1, "s3": 1}
        prod = await (await app.services.get()).production(view.thread_id)
        seeds = [s.seed for s in prod.storyboard.shots]
        assert seeds[0] == seeds[1] == 0 and seeds[2] != 0  # only scene 3 got a fresh take
    finally:
        await app.services.stack.aclose()  # type: ignore[attr-defined]


async def test_presenter_upload_needs_consent_and_reaches_the_brief(tmp_path: Any) -> None:
    photo = tmp_path / "me.png"
    Image.new("RGB", (200, 200), (10, 160, 90)).save(photo)
    assert PRESENTER.attach(None, False, "") == ([], "")
    with pytest.raises(InputError, match="photo or a short video"):
        PRESENTER.attach(str(tmp_path / "me.txt"), True, PRESENTER_CONSENT)
    with pytest.raises(InputError, match="consent box"):
        PRESENTER.attach(str(photo), False, PRESENTER_CONSENT)
    app = StudioApp()
    app.services = Holder(FakeStudio())  # type: ignore[assignment]
    view = StudioView()
    try:
        await last(app.send({"text": "a 9 second teaser for a bakery", "files": []}, ["9:16"], 9, 5.0, "balanced",
                            "auto", "auto", None, False, "", view, None, str(photo), True, PRESENTER_CONSENT))
        assert view.review is not None
        brief = (await (await app.services.get()).production(view.thread_id)).brief
        assert Path(brief.presenter_path).read_bytes() == photo.read_bytes()  # the thread's own copy
        assert "I am the person" in brief.presenter_consent.text and brief.presenter_consent.affirmed_by
    finally:
        await app.services.stack.aclose()  # type: ignore[attr-defined]


def test_router_notes_show_on_the_storyboard_in_the_studio_and_in_slack() -> None:
    from reelforge.agent.review import SceneReview, ShotReview, StoryboardReview
    from reelforge.ui.gradio_render import storyboard_html
    from reelforge.ui.slack_blocks import storyboard_blocks

    shot = ShotReview(id="s01-1", kind="stock", visual_prompt="a <harbour>", seconds=3, model_id="veo-3-1")
    scene = SceneReview(number=1, narration="n", seconds=3, est_cost_usd=2.4, shots=[shot])
    review = StoryboardReview(version=2, scenes=[scene], total_seconds=3, total_cost_usd=2.4, budget_usd=0.5,
                              within_budget=False, notes=["Router: over budget because of veo-3-1 <you chose>",
                                                          "Router: estimated clip cost $2.40 for 1 shot(s)."])
    html = storyboard_html(review)
    assert "over budget because of veo-3-1 &lt;you chose&gt;" in html and "estimated clip cost" not in html
    assert "3.0 s · $2.40 · stock footage" in html  # what the scene will be, in words
    blocks = storyboard_blocks(review, "slack-T-C-1")
    texts = [e.get("text", "") for b in blocks for e in b.get("elements", []) if isinstance(e, dict)]
    assert any("over budget because of veo-3-1" in t for t in texts)
    assert any("stock footage" in b.get("text", {}).get("text", "") for b in blocks if b["type"] == "section")


UNCHANGED = {"__type__": "update"}  # gr.update(): the component is left as it is


async def test_a_preview_asked_for_in_the_chat_plays_in_the_player_like_the_buttons() -> None:
    studio = FakeStudio()
    app = StudioApp()
    app.services = Holder(studio)  # type: ignore[assignment]
    view = StudioView()
    panel = (["9:16"], 9, 5.0, "balanced", "auto", "auto", None, False, "", view, None)
    try:
        out = await last(app.send({"text": "a 9 second teaser for a bakery", "files": []}, *panel))
        assert view.review is not None and out[-2] == UNCHANGED  # no preview yet: the player is left alone
        out = await last(app.send({"text": "preview", "files": []}, *panel))
        player = out[-2]
        assert player["visible"] is True and player["label"] == "Preview of v1 (360p, free)"
        assert Path(player["value"]).read_bytes() == b"fake preview"  # the served copy of the animatic
        assert view.review is not None and view.review.version == 1 and studio.renders == {}  # nothing changed
        button = await last(app.preview(view))
        assert {k: v for k, v in button[-1].items() if k != "value"} == {k: v for k, v in player.items()
                                                                          if k != "value"}
        out = await last(app.send({"text": "what does it cost?", "files": []}, *panel))
        assert out[-2] == UNCHANGED  # a later message does not play the preview again
    finally:
        await app.services.stack.aclose()  # type: ignore[attr-defined]
