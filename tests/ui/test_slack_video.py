"""End to end through Slack with the real studio and the offline brain: mention → storyboard blocks in the
thread → Approve click → a real MP4 uploaded to that thread with files_upload_v2."""

from __future__ import annotations

import pytest
from fakes.slack_api import button_click, calls, mention, running_bot, wait_for

pytestmark = pytest.mark.slow

TS = "1699999999.000200"


def test_slack_mention_approve_click_uploads_mp4_to_the_thread() -> None:
    with running_bot() as bot:
        assert bot.event(mention("a 6 second teaser for a coffee shop, vertical", ts=TS), event_id="EvV1").status == 200
        board = wait_for(lambda: bot.storyboards(TS), timeout=120, what="the storyboard")[0]
        assert board["channel"] == "C1" and board["thread_ts"] == TS
        scenes = [b for b in board["blocks"] if b.get("block_id", "").startswith("scene_")]
        assert scenes and all("$" in b["text"]["text"] or "free" in b["text"]["text"] for b in scenes)  # money words
        keyframes = [b["accessory"]["slack_file"]["id"] for b in scenes if "accessory" in b]
        assert len(keyframes) == len(scenes) and set(keyframes) <= set(bot.api.state["uploads"])  # uploaded first

        assert bot.interact(button_click(board, "storyboard_approve")).status == 200
        done = wait_for(lambda: [c for c in calls(bot.api, "files.completeUploadExternal") if c.get("channel_id")],
                        timeout=300, what="the video upload")
        assert len(done) == 1 and done[0]["channel_id"] == "C1" and done[0]["thread_ts"] == TS
        assert "QC" in done[0]["initial_comment"]
        (video_id,) = [f["id"] for f in done[0]["files"]]
        data = bot.api.state["uploads"][video_id]
        assert data[4:8] == b"ftyp" and len(data) > 10_000  # an MP4, not a placeholder

        status = [m for m in bot.messages(thread_ts=TS) if "Done" in (m.get("text") or "")]
        assert len(status) == 1  # one status message, edited in place
        approved = bot.messages(ts=board["ts"])[0]
        assert "Approved by <@U1>" in str(approved["blocks"]) and not any(
            b["type"] == "actions" for b in approved["blocks"])
