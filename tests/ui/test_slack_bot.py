"""The Slack bot through signed requests to the Bolt app, with a fake Slack Web API and a fake studio."""

from __future__ import annotations

import time

import pytest
from fakes.agent_studio import FakeStudio
from fakes.slack_api import (
    SIGNING_SECRET,
    button_click,
    calls,
    event_body,
    mention,
    running_bot,
    sign,
    thread_reply,
    wait_for,
)
from slack_bolt import BoltRequest

from reelforge.tools.settings import get_settings

BRIEF = "a 9 second teaser for a coffee shop, vertical"
TS = "1699999999.000100"


def _threads(bot) -> list:
    return bot.host.call(lambda svc: svc.threads())


def _ready(bot, thread_ts: str = TS, version: int = 1) -> dict:
    def board() -> dict | None:
        for m in bot.storyboards(thread_ts):
            if m["blocks"][0]["text"]["text"].startswith(f"Storyboard v{version} "):
                return m
        return None
    return wait_for(board, what=f"storyboard v{version}")


def _briefed(bot) -> dict:
    """Mention the bot with the brief in thread ``TS`` (event ``Ev1``) and wait for storyboard v1."""
    bot.event(mention(BRIEF, ts=TS), event_id="Ev1")
    return _ready(bot)


def test_slack_mention_posts_storyboard_in_thread_with_buttons() -> None:
    with running_bot(FakeStudio()) as bot:
        resp = bot.event(mention(BRIEF, ts=TS), event_id="Ev1")
        assert resp.status == 200
        board = _ready(bot)
        assert board["channel"] == "C1" and board["thread_ts"] == TS
        sections = [b for b in board["blocks"] if b.get("block_id", "").startswith("scene_")]
        assert len(sections) == 3 and "Line 1" in sections[0]["text"]["text"] and "motion" in sections[0]["text"]["text"]
        assert sections[0]["text"]["text"].startswith("*Scene 1")
        actions = next(b for b in board["blocks"] if b["type"] == "actions")
        assert [e["action_id"] for e in actions["elements"]] == ["storyboard_approve", "storyboard_changes",
                                                                 "storyboard_preview", "storyboard_details"]
        tid = f"slack-T1-C1-{TS}"
        assert [t.thread_id for t in _threads(bot)] == [tid]
        assert bot.host.call(lambda svc: svc.production(tid)).origin == "slack"


def test_slack_bad_or_stale_signature_is_401_and_nothing_runs() -> None:
    with running_bot(FakeStudio()) as bot:
        body = event_body(mention(BRIEF), event_id="EvBad")
        now = int(time.time())
        forged = BoltRequest(body=body, headers={"content-type": "application/json",
                                                 "x-slack-request-timestamp": str(now),
                                                 "x-slack-signature": sign(body, now, "not-the-secret")})
        assert bot.app.dispatch(forged).status == 401
        stale = now - 10 * 60
        assert bot.dispatch(body, timestamp=stale).status == 401  # right secret, replayed too late
        tampered = BoltRequest(body=body.replace("coffee", "tea"), headers={
            "content-type": "application/json", "x-slack-request-timestamp": str(now),
            "x-slack-signature": sign(body, now, SIGNING_SECRET)})
        assert bot.app.dispatch(tampered).status == 401
        time.sleep(0.5)
        assert calls(bot.api, "chat.postMessage") == [] and _threads(bot) == []


def test_slack_retried_event_is_processed_once() -> None:
    studio = FakeStudio()
    with running_bot(studio) as bot:
        assert bot.event(mention(BRIEF, ts=TS), event_id="EvDup").status == 200
        assert bot.event(mention(BRIEF, ts=TS), event_id="EvDup",
                         headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}).status == 200
        _ready(bot)
        time.sleep(1.0)  # give a second run every chance to show up
        assert len(bot.storyboards(TS)) == 1 and studio.plans == 1
        history = bot.host.call(lambda svc: svc.history(f"slack-T1-C1-{TS}"))
        assert [h["text"] for h in history if h["role"] == "user"] == [BRIEF]


def test_slack_disallowed_channel_and_team_are_not_served(monkeypatch) -> None:
    monkeypatch.setenv("REELFORGE_SLACK_ALLOWED_CHANNELS", "C_OK")
    monkeypatch.setenv("REELFORGE_SLACK_ALLOWED_TEAMS", "T1")
    studio = FakeStudio(get_settings())
    with running_bot(studio, get_settings()) as bot:
        assert bot.event(mention(BRIEF, channel="C_NO", ts=TS), event_id="Ev2").status == 200
        refusal = wait_for(lambda: bot.messages(channel="C_NO"), what="the refusal")
        assert "not enabled in this channel" in refusal[0]["text"] and refusal[0]["thread_ts"] == TS
        bot.dispatch(event_body(mention(BRIEF, channel="C_OK", ts="1699999998.000100"), event_id="Ev3", team="T9"))
        time.sleep(0.5)
        assert _threads(bot) == [] and studio.plans == 0 and bot.messages(channel="C_OK") == []
        assert len(calls(bot.api, "chat.postMessage")) == 1
        bot.event(mention(BRIEF, channel="C_OK", ts=TS), event_id="Ev4")  # the allowed channel works
        _ready(bot)


def test_slack_thread_reply_edits_scene_and_updates_the_same_message() -> None:
    studio = FakeStudio()
    with running_bot(studio) as bot:
        first = _briefed(bot)
        bot.event(thread_reply("edit 2 make it a drone shot", thread_ts=TS, ts="1700000100.000100"), event_id="Ev5")
        board = _ready(bot, version=2)
        assert board["ts"] == first["ts"] and len(bot.storyboards(TS)) == 1
        assert "drone shot" in next(b for b in board["blocks"] if b.get("block_id") == "scene_2")["text"]["text"]
        assert any(c["ts"] == first["ts"] for c in calls(bot.api, "chat.update"))
        assert studio.renders == {}  # nothing produced before approval


def test_slack_request_changes_opens_modal_and_submission_replans() -> None:
    with running_bot(FakeStudio()) as bot:
        board = _briefed(bot)
        resp = bot.interact(button_click(board, "storyboard_changes"))
        assert resp.status == 200
        view = calls(bot.api, "views.open")[0]
        assert view["trigger_id"] == "trig-1" and view["view"]["callback_id"] == "storyboard_changes_modal"
        submission = {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1"}, "api_app_id": "A1",
                      "token": "legacy", "trigger_id": "trig-2", "view": {
                          **view["view"], "id": "V1", "state": {"values": {
                              "scene": {"scene_select": {"selected_option": {"value": "3"}}},
                              "instruction": {"instruction_text": {"value": "end on the logo"}}}}}}
        assert bot.interact(submission).status == 200
        board = _ready(bot, version=2)
        assert "end on the logo" in next(b for b in board["blocks"] if b.get("block_id") == "scene_3")["text"]["text"]


def test_slack_approve_in_thread_produces_and_uploads_once() -> None:
    studio = FakeStudio()
    with running_bot(studio) as bot:
        board = _briefed(bot)
        bot.event(thread_reply("approve", thread_ts=TS, ts="1700000200.000100"), event_id="Ev6")
        done = wait_for(lambda: calls(bot.api, "files.completeUploadExternal"), what="the upload")
        assert done[0]["channel_id"] == "C1" and done[0]["thread_ts"] == TS
        assert "QC" in done[0]["initial_comment"] or "ready" in done[0]["initial_comment"]
        assert bot.api.state["uploads"] and list(bot.api.state["uploads"].values())[0] == b"fake video"
        assert not any(b["type"] == "actions" for b in bot.messages(ts=board["ts"])[0]["blocks"])  # buttons gone
        # a late click on the old button is answered in words, not with a second production
        bot.interact(button_click(board, "storyboard_approve"))
        time.sleep(1.0)
        assert len(calls(bot.api, "files.completeUploadExternal")) == 1


def test_slack_preview_button_uploads_the_animatic_and_keeps_the_review() -> None:
    studio = FakeStudio()
    with running_bot(studio) as bot:
        board = _briefed(bot)
        bot.interact(button_click(board, "storyboard_preview"))
        done = wait_for(lambda: calls(bot.api, "files.completeUploadExternal"), what="the preview upload")
        assert done[0]["thread_ts"] == TS and "Preview of storyboard v1" in done[0]["initial_comment"]
        assert list(bot.api.state["uploads"].values())[0] == b"fake preview" and studio.renders == {}
        assert any(b["type"] == "actions" for b in bot.messages(ts=board["ts"])[0]["blocks"])  # still to decide
        bot.event(thread_reply("preview", thread_ts=TS, ts="1700000300.000100"), event_id="Ev9")
        wait_for(lambda: len(calls(bot.api, "files.completeUploadExternal")) == 2 or None, what="a typed preview")


def test_slack_details_button_and_a_reply_during_the_render_is_queued_and_acknowledged() -> None:
    studio = FakeStudio(shot_delay_s=0.5)
    with running_bot(studio) as bot:
        board = _briefed(bot)
        assert "`s1`" not in str(board["blocks"])  # no shot ids in the storyboard itself
        bot.interact(button_click(board, "storyboard_details"))
        details = wait_for(lambda: [m for m in bot.messages(thread_ts=TS) if "Details" in (m.get("text") or "")],
                           what="the details")
        assert "`motion`" in details[0]["text"] and "`s1`" in details[0]["text"]
        bot.interact(button_click(board, "storyboard_approve"))
        wait_for(lambda: studio.renders, what="the render to start")
        bot.event(thread_reply("and make the music calmer", thread_ts=TS, ts="1700000300.000100"), event_id="Ev8")
        ack = wait_for(lambda: [m for m in bot.messages(thread_ts=TS) if "being made right now" in (m.get("text") or "")],
                       what="the acknowledgement")
        assert "make the music calmer" in ack[0]["text"]
        wait_for(lambda: calls(bot.api, "files.completeUploadExternal"), what="the upload")
        wait_for(lambda: [m for m in bot.messages(thread_ts=TS) if "while I was busy" in (m.get("text") or "")],
                 what="the queued message taken up after the render")


@pytest.mark.parametrize("text", ["", "   "])
def test_slack_empty_mention_gets_help(text: str) -> None:
    with running_bot(FakeStudio()) as bot:
        bot.event(mention(text, ts=TS), event_id="Ev7")
        help_msg = wait_for(lambda: bot.messages(thread_ts=TS), what="the help reply")
        assert "storyboard" in help_msg[0]["text"] and _threads(bot) == []


def test_slack_bad_decisions_are_answered_in_plain_words() -> None:
    with running_bot(FakeStudio()) as bot:
        _briefed(bot)
        bot.event(thread_reply("edit 9 make it blue", thread_ts=TS, ts="1700000300.000100"), event_id="Ev8")
        bot.event(thread_reply("edit 2", thread_ts=TS, ts="1700000301.000100"), event_id="Ev9")
        def replies() -> str:
            return "\n".join(m["text"] for m in bot.messages(thread_ts=TS))

        wait_for(lambda: "only 3 scenes" in replies() and "change in scene 2" in replies(), what="both answers")
        assert "Traceback" not in replies() and ":warning:" not in replies()  # questions back, not errors
        assert len(bot.storyboards(TS)) == 1
