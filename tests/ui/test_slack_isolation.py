"""Slack: only the requester (or a named approver) decides on a storyboard; files come only as shared uploads,
size-checked before download; a typed "[attached: path]" reads nothing; the HTTP endpoint caps bodies before
verifying signatures and answers malformed bodies with a 400."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fakes.agent_studio import FakeStudio
from fakes.slack_api import (
    SIGNING_SECRET,
    button_click,
    calls,
    mention,
    running_bot,
    shared_file,
    sign,
    thread_reply,
    wait_for,
)
from starlette.testclient import TestClient

from reelforge.tools.settings import get_settings
from reelforge.ui.slack_app import MAX_BODY_BYTES, http_app
from reelforge.ui.slack_bridge import NOT_YOURS

BRIEF = "a 9 second teaser for a coffee shop, vertical"
TS = "1699999999.000100"
TID = f"slack-T1-C1-{TS}"


def _board(bot) -> dict:
    return wait_for(lambda: next(iter(bot.storyboards(TS)), None), what="the storyboard")


def _ephemeral(bot, user: str) -> list[dict]:
    return [p for p in bot.api.state.get("ephemeral", []) if p.get("user") == user]


def test_only_the_requester_or_an_approver_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELFORGE_SLACK_APPROVERS", "U9")
    studio = FakeStudio(get_settings())
    with running_bot(studio, get_settings()) as bot:
        bot.event(mention(BRIEF, ts=TS, user="U1"), event_id="Ev1")
        board = _board(bot)
        bot.interact(button_click(board, "storyboard_approve", user="U2"))
        bot.interact(button_click(board, "storyboard_changes", user="U2"))
        bot.event(thread_reply("approve", thread_ts=TS, ts="1700000200.000100", user="U2"), event_id="Ev2")
        refusals = wait_for(lambda: len(_ephemeral(bot, "U2")) >= 3 and _ephemeral(bot, "U2"), what="three refusals")
        assert all(NOT_YOURS in r["text"] and r["thread_ts"] == TS for r in refusals)
        time.sleep(0.5)
        assert studio.renders == {} and bot.host.call(lambda svc: svc.pending(TID)) is not None
        assert calls(bot.api, "views.open") == []  # the changes form was not opened for U2
        assert any(b["type"] == "actions" for b in bot.messages(ts=board["ts"])[0]["blocks"])  # buttons still there
        bot.interact(button_click(board, "storyboard_approve", user="U9"))  # a named approver may
        wait_for(lambda: calls(bot.api, "files.completeUploadExternal"), what="the production")
        assert bot.host.call(lambda svc: svc.production(TID)).owner == "slack:T1:U1"


def test_typed_attachment_in_slack_reads_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "notes.md"
    secret.write_text("The vault code is ZEBRA-77-PLUM.")
    with running_bot(FakeStudio()) as bot:
        bot.event(mention(f"{BRIEF} [attached: {secret}]", ts=TS), event_id="Ev1")
        _board(bot)
        prod = bot.host.call(lambda svc: svc.production(TID))
        assert prod.uploads == [] and prod.source is None
        assert all("ZEBRA" not in m.get("text", "") for m in bot.messages())


def test_shared_files_become_uploads_and_big_ones_are_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELFORGE_MAX_UPLOAD_MB", "1")
    with running_bot(FakeStudio(get_settings()), get_settings()) as bot:
        big = shared_file(bot.api, "FBIG", "huge.md", b"x", size=50 * 1024 * 1024)
        bot.event({**mention(BRIEF, ts=TS), "files": [big]}, event_id="Ev1")
        refusal = wait_for(lambda: _ephemeral(bot, "U1"), what="the size refusal")
        assert "uploads are limited to 1 MB" in refusal[0]["text"]
        assert not any(r.path.startswith("/files-pri/") for r in bot.api.requests)  # never downloaded
        outline = shared_file(bot.api, "FOUT", "outline.md", b"# Cafe\n\n## Morning\nWe roast at dawn.\n")
        later = "1699999999.000200"
        bot.event({**mention(BRIEF, ts=later), "files": [outline]}, event_id="Ev2")
        tid = f"slack-T1-C1-{later}"
        prod = wait_for(lambda: (p := bot.host.call(lambda svc: svc.production(tid))) and p.uploads and p,
                        what="the stored upload")
        assert [u.name for u in prod.uploads] == ["outline.md"] and prod.uploads[0].owner == "slack:T1:U1"
        assert Path(prod.uploads[0].path).read_bytes().startswith(b"# Cafe")


def test_http_endpoint_caps_bodies_and_refuses_malformed_ones() -> None:
    with running_bot(FakeStudio()) as bot, TestClient(http_app(bot.app), raise_server_exceptions=False) as web:
        huge = b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}"
        resp = web.post("/slack/events", content=huge, headers={"content-type": "application/json"})
        assert resp.status_code == 413
        now = int(time.time())
        for body, kind in (("{not json", "application/json"), ("[1, 2]", "application/json"),
                           ("payload=%7Bbroken", "application/x-www-form-urlencoded")):
            resp = web.post("/slack/events", content=body, headers={
                "content-type": kind, "x-slack-request-timestamp": str(now),
                "x-slack-signature": sign(body, now, SIGNING_SECRET)})
            assert resp.status_code == 400 and "Traceback" not in resp.text, body
        assert bot.host.call(lambda svc: svc.threads()) == []


def test_a_file_shared_with_an_approval_keeps_the_storyboard_waiting_and_is_kept() -> None:
    studio = FakeStudio(get_settings())
    with running_bot(studio, get_settings()) as bot:
        bot.event(mention(BRIEF, ts=TS), event_id="Ev1")
        board = _board(bot)
        logo = shared_file(bot.api, "FLOGO", "logo.png", b"\x89PNG a small logo")
        bot.event({**thread_reply("approve", thread_ts=TS, ts="1700000200.000100"), "files": [logo]}, event_id="Ev2")
        said = wait_for(lambda: [m for m in bot.messages() if "I kept logo.png" in m.get("text", "")],
                        what="the reply about the file")
        assert "still waits for your review" in said[0]["text"]
        assert [u.name for u in bot.host.call(lambda svc: svc.production(TID)).uploads] == ["logo.png"]
        assert bot.host.call(lambda svc: svc.pending(TID)).version == 1 and studio.renders == {}
        assert any(b["type"] == "actions" for b in bot.messages(ts=board["ts"])[0]["blocks"])  # not marked approved
