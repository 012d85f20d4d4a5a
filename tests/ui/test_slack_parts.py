"""Slack bot parts: thread ids and access, Block Kit rendering, the throttled status message, the HTTP adapter,
the CLI's credential checks and the app manifest."""

from __future__ import annotations

import json
import time
from pathlib import Path

import yaml
from fakes.agent_studio import FakeStudio
from fakes.slack_api import SIGNING_SECRET, event_body, mention, running_bot, sign
from slack_sdk import WebClient
from starlette.testclient import TestClient
from typer.testing import CliRunner

from reelforge.agent.events import Progress
from reelforge.agent.review import SceneReview, ShotReview, StoryboardReview
from reelforge.tools.settings import Settings
from reelforge.ui.slack_app import http_app
from reelforge.ui.slack_blocks import changes_modal, modal_answer, read_value, storyboard_blocks, storyboard_details
from reelforge.ui.slack_progress import StatusMessage
from reelforge.ui.slack_routing import Access, SlackPlace, strip_mentions

ROOT = Path(__file__).resolve().parents[2]


def _review(n: int = 2, cost: float = 1.0, budget: float = 5.0) -> StoryboardReview:
    scenes = [SceneReview(number=i, title=f"S{i}", narration=f"Narration {i}", seconds=3.0, est_cost_usd=cost,
                          thumbnail=None, shots=[ShotReview(id=f"s{i}", visual_prompt=f"visual {i}", seconds=3.0,
                                                            model_id="veo-3")]) for i in range(1, n + 1)]
    return StoryboardReview(version=2, title="Teaser", aspects=["9:16"], scenes=scenes, total_seconds=3.0 * n,
                            total_cost_usd=cost * n, budget_usd=budget, within_budget=cost * n <= budget)


def test_slack_thread_id_and_access_rules() -> None:
    place = SlackPlace("T1", "C1", "1700000000.000100")
    assert place.thread_id == "slack-T1-C1-1700000000.000100"
    access = Access.from_settings(Settings(slack_allowed_teams="T1, T2", slack_allowed_channels="C1"))
    assert access.team_ok("T2") and not access.team_ok("T3") and not access.team_ok(None)
    assert access.channel_ok("C1") and not access.channel_ok("C9") and access.channel_ok("D9", is_dm=True)
    anyone = Access.from_settings(Settings())
    assert anyone.team_ok("TX") and anyone.channel_ok("CX")
    assert strip_mentions("<@UBOT>  edit 3 <@U2|bob> drone") == "edit 3 drone"


def test_slack_storyboard_blocks_scenes_total_buttons() -> None:
    review = _review(n=3, cost=2.0)
    blocks = storyboard_blocks(review, "slack-T1-C1-1", thumbnails={1: "F123", 2: "https://x.test/k.png"})
    sections = [b for b in blocks if b.get("block_id", "").startswith("scene_")]
    assert len(sections) == 3 and "$2.00" in sections[0]["text"]["text"]
    assert sections[0]["text"]["text"].startswith("*Scene 1")
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert [b["text"]["text"] for b in buttons] == ["Approve", "Request changes", "Preview (free)", "Details"]
    details = storyboard_details(review)
    assert "`veo-3`" in details and "`s1`" in details  # ids only behind the Details button
    assert sections[0]["accessory"]["slack_file"] == {"id": "F123"}
    assert sections[1]["accessory"]["image_url"] == "https://x.test/k.png" and "accessory" not in sections[2]
    assert any("over budget" in b.get("text", {}).get("text", "") for b in blocks)  # $6 of $5
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert read_value(buttons[0]["value"]) == {"t": "slack-T1-C1-1", "v": 2, "n": 3}
    decided = storyboard_blocks(review, "slack-T1-C1-1", decided="Approved by <@U1>")
    assert not any(b["type"] == "actions" for b in decided) and "Approved" in json.dumps(decided)
    assert len(storyboard_blocks(_review(n=80), "t")) <= 50  # Slack's per-message limit


def test_slack_changes_modal_round_trip() -> None:
    view = changes_modal(json.dumps({"t": "x", "v": 1, "n": 4}), "{}")
    options = view["blocks"][0]["element"]["options"]
    assert [o["value"] for o in options] == ["0", "1", "2", "3", "4"]
    values = {"scene": {"scene_select": {"selected_option": {"value": "4"}}},
              "instruction": {"instruction_text": {"value": "  slower pan "}}}
    assert modal_answer(values) == (4, "slower pan")
    assert modal_answer({}) == (0, "")


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def chat_postMessage(self, **kw):  # noqa: N802 - slack_sdk's name
        self.calls.append(("post", kw["text"]))
        return {"ts": "1.0"}

    def chat_update(self, **kw):
        self.calls.append(("update", kw["text"]))
        return {"ts": kw["ts"]}


def test_slack_status_message_is_throttled_and_coalesced() -> None:
    now = [0.0]
    client = _Recorder()
    status = StatusMessage(client, "C1", "1.0", min_interval=1.0, clock=lambda: now[0])
    status.finish(":white_check_mark: Done")  # nothing shown yet: no message at all
    assert client.calls == []
    for i in range(10):  # ten events within 0.9 s → one post
        now[0] = i * 0.1
        status.progress(Progress(stage="clips", shot_id=f"s0{i}-1", status="generating"))
    assert [c[0] for c in client.calls] == ["post"]
    now[0] = 1.05
    status.progress(Progress(stage="voice", status="done"))
    assert [c[0] for c in client.calls] == ["post", "update"] and "• Scene 9: generating" in client.calls[-1][1]
    assert "s09-1" not in client.calls[-1][1]  # scenes by name, not shot ids
    now[0] = 1.2
    status.progress(Progress(stage="music", status="done"))  # coalesced: not sent yet
    assert len(client.calls) == 2
    status.finish()
    assert len(client.calls) == 3 and "Music" in client.calls[-1][1]
    status.finish(":white_check_mark: Done")
    assert client.calls[-1] == ("update", ":white_check_mark: Done")


def test_slack_http_adapter_verifies_signatures_on_loopback() -> None:
    with running_bot(FakeStudio()) as bot, TestClient(http_app(bot.app)) as web:
        assert web.get("/healthz").text == "ok"
        body = event_body(mention("a 9 second teaser"), event_id="EvH")
        now = int(time.time())
        bad = web.post("/slack/events", content=body, headers={
            "content-type": "application/json", "x-slack-request-timestamp": str(now),
            "x-slack-signature": sign(body, now, "wrong")})
        assert bad.status_code == 401
        challenge = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "legacy"})
        ok = web.post("/slack/events", content=challenge, headers={
            "content-type": "application/json", "x-slack-request-timestamp": str(now),
            "x-slack-signature": sign(challenge, now, SIGNING_SECRET)})
        assert ok.status_code == 200 and ok.json()["challenge"] == "abc123"
        assert bot.host.call(lambda svc: svc.threads()) == []


def test_slack_cli_names_the_missing_variable(monkeypatch) -> None:
    from reelforge.ui.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["slack"])
    assert out.exit_code == 2 and "SLACK_BOT_TOKEN" in out.output and "SLACK_APP_TOKEN" in out.output
    assert "Traceback" not in out.output
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    out = runner.invoke(app, ["slack", "--http", "--port", "3999"])
    assert out.exit_code == 2 and "SLACK_SIGNING_SECRET is not set" in out.output
    assert "SLACK_BOT_TOKEN" not in out.output and "xoxb-test" not in out.output


def test_slack_manifest_declares_bot_scopes_events_and_interactivity() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text())
    assert manifest["display_information"]["name"]
    assert manifest["features"]["bot_user"]["display_name"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "files:write", "im:history", "channels:history"} <= scopes
    settings = manifest["settings"]
    assert {"app_mention", "message.im", "message.channels"} <= set(settings["event_subscriptions"]["bot_events"])
    assert settings["interactivity"]["is_enabled"] is True and settings["socket_mode_enabled"] is True


def test_slack_webclient_reaches_the_fake_only_with_the_bot_token() -> None:
    with running_bot(FakeStudio()) as bot:
        bad = WebClient(token="xoxb-wrong", base_url=bot.api.base_url + "/api/")
        try:
            bad.auth_test()
        except Exception as exc:  # slack_sdk raises SlackApiError on ok=false
            assert "invalid_auth" in str(exc)
        else:
            raise AssertionError("the fake accepted a wrong token")
