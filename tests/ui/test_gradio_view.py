"""The studio's pure parts: folding service events into the view, HTML rendering, the settings patch,
message/attachment parsing and the voice-consent gate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reelforge.agent import events
from reelforge.agent.review import ReviewDecision, SceneReview, ShotReview, StoryboardReview
from reelforge.tools.production import OutputFile
from reelforge.ui.gradio_app import decision_line, downloads
from reelforge.ui.gradio_brief import VOICE_SAMPLE, InputError, changed, message_parts, settings_patch
from reelforge.ui.gradio_render import download_label, progress_html, storyboard_html
from reelforge.ui.gradio_session import StudioView
from reelforge.ui.wording import has_jargon, human_size


def review(narration: str = "Fresh beans every morning.", thumbnail: str | None = None) -> StoryboardReview:
    shot = ShotReview(id="s01-1", visual_prompt="steam over a <cup>", seconds=3.0, model_id="kling-2-1",
                      reason="Kling via fal: fit 0.80 for product", est_cost_usd=0.42, fallbacks=["motion"],
                      model_name="Kling 2.1", summary="best for product shots within your budget · about $0.42",
                      source="video")
    scene = SceneReview(number=1, title="Hook", narration=narration, seconds=3.0, est_cost_usd=0.42,
                        thumbnail=thumbnail, shots=[shot])
    return StoryboardReview(version=3, title="Cafe", aspects=["1:1"], scenes=[scene], total_seconds=3.0,
                            total_cost_usd=0.42, budget_usd=0.4, within_budget=False)


def test_streamed_deltas_become_one_message_and_tools_go_behind_details() -> None:
    view = StudioView()
    for ev in (events.MessageDelta(text="Hel"), events.MessageDelta(text="lo"), events.Message(text="Hello!"),
               events.ToolObservation(name="plan_scenes", text="Storyboard v1: 2 scenes"),
               events.ToolObservation(name="select_models",
                                      text="Scene 1 ...\nModels usable now: motion, veo-3, kling-2-1."),
               events.ErrorEvent(message="The budget is too small.")):
        view.apply(ev)
    assert [m["content"] for m in view.chat][:1] == ["Hello!"] and len(view.chat) == 3
    details = view.chat[1]
    assert details["metadata"]["title"] == "Details"  # one collapsed disclosure for the turn's steps
    assert "Planned the scenes" in details["content"] and "Picked a model for each scene" in details["content"]
    assert view.chat[2]["content"] == "⚠ The budget is too small."
    assert view.models == ["motion", "veo-3", "kling-2-1"]


def test_director_jargon_moves_behind_details_and_plain_lines_stay() -> None:
    view = StudioView()
    view.apply(events.Message(text="Model choices:\nScene 1 / s01-1 (5 s): motion — x via local: fit 0.19 for "
                                   "b_roll; $0.000/s ≈ $0.00\nSending the storyboard for your review."))
    view.apply(events.Message(text="Your video is ready:\n- 9:16: /srv/home/outputs/v1/a-1080x1920.mp4"))
    shown = [m["content"] for m in view.chat if not m.get("metadata")]
    hidden = [m["content"] for m in view.chat if m.get("metadata")]
    assert shown == ["Sending the storyboard for your review.", "Your video is ready:"]
    assert "s01-1" in hidden[0] and "Model choices:" in hidden[0] and ".mp4" in hidden[1]
    assert not any(has_jargon(t) for t in shown)


def test_storyboard_then_progress_closes_the_review_and_tracks_each_shot() -> None:
    view = StudioView()
    view.apply(events.StoryboardEvent(review=review()))
    assert view.review is not None and "fallbacks" not in view.models and "kling-2-1" in view.models
    view.apply(events.Progress(stage="clips", status="queued", shot_id="s01-1"))
    assert view.review is None and view.board is not None  # approved: the board stays on screen
    view.apply(events.Progress(stage="clips", status="fell_back", percent=100, shot_id="s01-1", message="motion"))
    view.apply(events.Progress(stage="assemble", status="running", percent=40, message="1:1"))
    view.apply(events.Progress(stage="qc", status="running", message="1:1"))
    rows = {r["item"]: r for r in view.progress_rows()}
    assert rows["Scene 1 · Hook"]["status"] == "fell_back" and rows["Putting it together · 1:1"]["status"] == "done"
    assert view.fallbacks() == ["Scene 1 · Hook"]
    html = progress_html(view.progress_rows())
    assert "Fell back" in html and "rf-warn" in html


def test_storyboard_cards_escape_user_text_and_show_models_costs_and_budget(tmp_path: Path) -> None:
    thumb = tmp_path / "t.png"
    thumb.write_bytes(b"\x89PNG fake")
    html = storyboard_html(review('<script>alert("x")</script>', str(thumb)))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;cup&gt;" in html
    assert "Kling 2.1" in html and "best for product shots within your budget" in html and "$0.42" in html
    visible = re.sub(r"<details.*?</details>", "", html, flags=re.DOTALL)  # ids only behind "Details"
    assert "s01-1" not in visible and "kling-2-1" not in visible and "s01-1" in html
    assert "Scene 1 · Hook" in visible and 'aspect-ratio:1 / 1' in html
    assert "over budget" in html and ">v3<" in html and "awaiting your approval" in html
    assert "data:image/png;base64," in html
    assert "approved" in storyboard_html(review(), pending=False)
    assert "No storyboard yet" in storyboard_html(None)


def test_only_changed_settings_are_sent() -> None:
    patch = settings_patch(["1:1", "9:16"], 15, 2.5, "cheap", " auto ", "calm")
    assert patch == {"aspects": ["1:1", "9:16"], "duration_s": 15.0, "budget_usd": 2.5, "preference": "cheap",
                     "voice": "auto", "music_mood": "calm"}
    applied = dict(patch)
    assert changed(settings_patch(["1:1", "9:16"], 20, 2.5, "cheap", "auto", "calm"), applied) == {"duration_s": 20.0}
    assert settings_patch([], None, None, None, "", None) == {}


def test_message_parts_accepts_dicts_file_dicts_and_plain_strings() -> None:
    assert message_parts({"text": " hi ", "files": ["/a.md", {"path": "/b.txt"}]}) == ("hi", ["/a.md", "/b.txt"])
    assert message_parts("just text") == ("just text", [])
    assert message_parts(None) == ("", [])


def test_voice_sample_needs_consent(tmp_path: Path) -> None:
    sample = tmp_path / "me.wav"
    sample.write_bytes(b"RIFF")
    assert VOICE_SAMPLE.attach(None, False, "") == ([], "")
    with pytest.raises(InputError, match="consent"):
        VOICE_SAMPLE.attach(str(sample), False, "I own this voice and consent.")
    with pytest.raises(InputError, match="audio file"):
        VOICE_SAMPLE.attach(str(tmp_path / "me.txt"), True, "I own this voice and consent.")
    files, line = VOICE_SAMPLE.attach(str(sample), True, "I own this voice and consent.", by="web:ana")
    assert [f.path for f in files] == [str(sample)] and "clone the voice" in line
    assert files[0].consent.text == "I own this voice and consent." and files[0].consent.affirmed_by == "web:ana"
    assert "consent" not in line.lower()  # the consent travels with the file, not as text in the message


def test_downloads_list_outputs_sidecars_and_manifest(tmp_path: Path) -> None:
    mp4, srt = tmp_path / "v-1080x1080.mp4", tmp_path / "v.srt"
    mp4.write_bytes(b"x")
    srt.write_text("1")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"sidecars": {"srt": str(srt), "otio": str(tmp_path / "missing.otio")}}))
    video = events.VideoEvent(outputs=[OutputFile(aspect="1:1", width=1080, height=1080, path=str(mp4))],
                       manifest_path=str(manifest))
    assert downloads(video) == [str(mp4), str(srt), str(manifest)]
    assert downloads(None) == []
    labels = [download_label(p, video.outputs) for p in downloads(video)]
    assert labels == ["Video 1:1 (1080×1080) · MP4 · 1 byte", "Captions · SRT · 1 byte",
                      f"Manifest: what was made, costs, licences · JSON · {human_size(manifest.stat().st_size)}"]


def test_human_sizes_read_like_people_write_them() -> None:
    assert [human_size(n) for n in (0, 471, 14_336, 2_831_155, 5 * 1024**3)] == [
        "0 bytes", "471 bytes", "14.0 KB", "2.7 MB", "5.0 GB"]


def _video(path: str) -> events.VideoEvent:
    return events.VideoEvent(outputs=[OutputFile(aspect="9:16", width=1080, height=1920, path=path, duration_s=10.0)])


def test_the_view_follows_the_work_and_keeps_versions_to_reopen_and_compare() -> None:
    view = StudioView()
    assert view.step == "start"
    view.apply(events.StoryboardEvent(review=review()))
    assert view.step == "storyboard"
    view.apply(events.Progress(stage="clips", status="running", shot_id="s01-1"))
    assert view.step == "production" and not view.player_open
    view.apply(_video("/out/v1.mp4"))
    assert view.step == "player" and view.player_open and view.shown_version().number == 1
    view.apply(events.StoryboardEvent(review=review("A calmer take.")))  # a new storyboard replaces the stale panels
    assert view.step == "storyboard" and not view.player_open and len(view.versions) == 1
    view.apply(events.Progress(stage="clips", status="running", shot_id="s01-1"))
    view.apply(_video("/out/v2.mp4"))
    assert [v.number for v in view.versions] == [1, 2] and view.shown_version().number == 2
    assert "Version 1" in view.versions[0].label and "9:16" in view.versions[0].label
    view.reopen(1)
    assert view.shown_version().video.outputs[0].path == "/out/v1.mp4"
    view.compare_with(2)
    assert view.compared_version().number == 2
    view.compare_with(0)
    assert view.compared_version() is None


def test_offline_storyboards_say_so_once_and_label_scenes_truly() -> None:
    shot = ShotReview(id="s01-1", kind="stock", visual_prompt="bread", seconds=3.0, model_id="motion",
                      model_name="Motion graphics", summary="drawn on this computer, free", source="offline",
                      only_choice=True)
    scene = SceneReview(number=1, title="Hook", narration="Fresh bread.", seconds=3.0, est_cost_usd=0.0, shots=[shot])
    board = StoryboardReview(version=1, title="Bakery", aspects=["9:16"], scenes=[scene], total_seconds=3.0,
                             total_cost_usd=0.0, budget_usd=5.0, within_budget=True)
    html = storyboard_html(board)
    assert html.count("No video model is configured") == 1 and "motion graphics" in scene.shown_as
    assert "stock footage" not in re.sub(r"<details.*?</details>", "", html, flags=re.DOTALL)  # not claimed
    assert "aspect-ratio:9 / 16" in html and "rf-tall" in html
    assert "Asked for stock footage" in scene.label_note


@pytest.mark.parametrize(("fields", "line"), [
    ({"action": "approve"}, "✓ Approved"),
    ({"action": "edit", "scene": 2, "instruction": "darker"}, "✎ Edit scene 2: darker"),
    ({"action": "model", "scene": 1, "model_id": "motion"}, "⇄ Scene 1: use motion"),
    ({"action": "kind", "scene": 1, "kind": "stock footage"}, "◧ Scene 1: stock"),
    ({"action": "regenerate"}, "↻ Regenerate the storyboard"),
    ({"action": "regenerate", "scene": 3}, "↻ Regenerate scene 3"),
    ({"action": "reject"}, "✗ Rejected: no reason given"),
])
def test_a_review_button_shows_what_was_decided(fields: dict, line: str) -> None:
    assert decision_line(ReviewDecision(**fields)) == line
