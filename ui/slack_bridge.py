"""SlackBridge: a Slack thread's conversation with the director — sends what the user said or decided to the
agent service and shows the resulting events in the thread (messages, storyboard, status, video, errors)."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.errors import SlackApiError

from reelforge.agent.events import Event, error_event
from reelforge.agent.replies import read_reply
from reelforge.agent.review import ReviewDecision, StoryboardReview
from reelforge.agent.service import AgentService
from reelforge.tools.owners import slack_owner
from reelforge.tools.uploads import UploadError
from reelforge.ui.slack_blocks import storyboard_blocks, storyboard_details, storyboard_fallback
from reelforge.ui.slack_files import download_files
from reelforge.ui.slack_host import ServiceHost
from reelforge.ui.slack_progress import MIN_INTERVAL_S, StatusMessage
from reelforge.ui.slack_routing import Access, SlackPlace
from reelforge.ui.wording import split_jargon

log = logging.getLogger(__name__)
NOT_YOURS = ("Only the person who asked for this video, or someone named in REELFORGE_SLACK_APPROVERS, can approve, "
             "reject or change it. Mention me in a new message to start a video of your own.")


@dataclass
class _Board:
    """The storyboard message of a thread: where it is and what it shows."""

    ts: str
    review: StoryboardReview
    thumbnails: dict[int, str] = field(default_factory=dict)


class SlackBridge:
    """One per app. Methods are called from Bolt's lazy listeners (worker threads) and block until done."""

    def __init__(self, client: Any, host: ServiceHost, *, min_interval: float = MIN_INTERVAL_S,
                 access: Access | None = None, max_upload_bytes: int | None = None) -> None:
        self.client = client
        self.host = host
        self.access = access or Access()
        self.max_upload_bytes = max_upload_bytes or host.service.settings.max_upload_bytes
        self.min_interval = min_interval
        self.boards: dict[str, _Board] = {}
        self._thumb_ids: dict[str, str] = {}  # local keyframe path -> uploaded Slack file id

    # --- what users do ---------------------------------------------------------------------------------

    def converse(self, place: SlackPlace, user: str, text: str, event_key: str,
                 files: Iterable[dict[str, Any]] = ()) -> None:
        """A message in the thread (or the mention/DM that starts it), with the files shared with it.
        ``event_key`` de-duplicates retries. Only the thread's requester and the named approvers are heard."""
        tid = place.thread_id
        with self.guard(place):
            owner, pending = self.host.call(lambda svc: _open_thread(svc, tid, place.team, user))
            if not self.access.may_act(owner, place.team, user):
                self.explain(place, user, NOT_YOURS)
                return
            with tempfile.TemporaryDirectory(prefix="reelforge-slack-") as folder:
                try:
                    attachments = download_files(files, Path(folder), token=self.client.token or "",
                                                 api_host=_host(self.client.base_url),
                                                 max_bytes=self.max_upload_bytes)
                except UploadError as exc:
                    self.explain(place, user, f":warning: {exc}")
                    return
                if pending is not None and not attachments and read_reply(text, pending).approves:
                    # (files sent with it keep the storyboard waiting: see agent.review_uploads)
                    self.mark_decided(place, _decided_line(ReviewDecision(action="approve"), user))
                self.play(place, lambda svc: svc.send(tid, text, attachments=attachments, event_id=event_key))

    def may_act(self, place: SlackPlace, user: str) -> bool:
        """Whether ``user`` may decide for this thread (its requester or an approver); others are told why,
        privately."""
        owner = self.host.call(lambda svc: svc.owner(place.thread_id))
        if owner is None or not self.access.may_act(owner, place.team, user):
            self.explain(place, user, NOT_YOURS)
            return False
        return True

    def decide(self, place: SlackPlace, user: str, decision: ReviewDecision, version: int,
               message_ts: str | None = None) -> None:
        """A button or modal decision on storyboard ``version`` (a stale version is refused politely)."""
        tid = place.thread_id
        with self.guard(place):
            if not self.may_act(place, user):
                return
            review = self.host.call(lambda svc: svc.pending(tid))
            if review is not None and review.version != version:
                self.say(place, f"That was storyboard v{version}; v{review.version} replaced it — "
                                "please review the latest one.")
                return
            if review is not None and message_ts and tid not in self.boards:
                self.boards[tid] = _Board(ts=message_ts, review=review)  # e.g. after a restart
            if review is not None:
                self.mark_decided(place, _decided_line(decision, user))
            self.play(place, lambda svc: svc.resume(tid, decision))

    def preview(self, place: SlackPlace, user: str) -> None:
        """A free animatic of the thread's storyboard (the Preview button), for its requester or an approver."""
        tid = place.thread_id
        with self.guard(place):
            if not self.may_act(place, user):
                return
            self.play(place, lambda svc: svc.preview(tid))

    # --- showing events --------------------------------------------------------------------------------

    def play(self, place: SlackPlace, run: Callable[[AgentService], AsyncIterator[Event]]) -> None:
        """Show one run's events in the thread; progress goes to a single, throttled status message."""
        board = self.boards.get(place.thread_id)
        status = StatusMessage(self.client, place.channel, place.thread_ts, min_interval=self.min_interval,
                               review=board.review if board is not None else None)
        self.render(place, self.host.stream(run), status)

    def render(self, place: SlackPlace, events: Iterable[Event], status: StatusMessage) -> None:
        for ev in events:
            if ev.type == "message":
                plain = split_jargon(ev.text)[0]  # ids, scores and paths stay behind the Details button
                if plain:
                    self.say(place, plain)
            elif ev.type == "progress":
                status.progress(ev)
            elif ev.type == "storyboard":
                status.finish()
                self.show_storyboard(place, ev.review)
            elif ev.type == "video":
                status.finish(":white_check_mark: *Done.*")
                self.upload(place, ev)
            elif ev.type == "preview":
                self.upload_preview(place, ev)
            elif ev.type == "error":
                status.finish(":warning: *Stopped.*")
                self.say(place, f":warning: {ev.message}")
        status.finish()

    def explain(self, place: SlackPlace, user: str, text: str) -> None:
        """A line only ``user`` sees (an ephemeral message in the thread)."""
        self.client.chat_postEphemeral(channel=place.channel, user=user, thread_ts=place.thread_ts, text=text[:3000])

    def say(self, place: SlackPlace, text: str) -> None:
        self.client.chat_postMessage(channel=place.channel, thread_ts=place.thread_ts, text=text[:39000])

    def show_storyboard(self, place: SlackPlace, review: StoryboardReview) -> None:
        """Post the storyboard in the thread, or update the thread's storyboard message to the new version."""
        tid = place.thread_id
        board = self.boards.get(tid)
        thumbs = self._thumbnails(review)
        kwargs = {"channel": place.channel, "text": storyboard_fallback(review)}
        for attempt in (thumbs, {}):
            blocks = storyboard_blocks(review, tid, thumbnails=attempt)
            try:
                if board is None:
                    resp = self.client.chat_postMessage(thread_ts=place.thread_ts, blocks=blocks, **kwargs)
                    self.boards[tid] = _Board(ts=resp["ts"], review=review, thumbnails=attempt)
                else:
                    self.client.chat_update(ts=board.ts, blocks=blocks, **kwargs)
                    self.boards[tid] = _Board(ts=board.ts, review=review, thumbnails=attempt)
                return
            except SlackApiError as exc:
                if not attempt or exc.response.get("error") != "invalid_blocks":
                    raise
                log.warning("storyboard keyframes rejected by Slack; posting without them")

    def show_details(self, place: SlackPlace) -> None:
        """The Details button: the storyboard's shot ids, model ids and router lines, in the thread."""
        tid = place.thread_id
        with self.guard(place):
            board = self.boards.get(tid)
            review = board.review if board is not None else self.host.call(lambda svc: svc.pending(tid))
            if review is None:
                self.say(place, "There is no storyboard in this thread yet.")
                return
            self.say(place, storyboard_details(review))

    def mark_decided(self, place: SlackPlace, line: str) -> None:
        """Replace the storyboard's buttons with what was decided (no double clicks)."""
        board = self.boards.get(place.thread_id)
        if board is None:
            return
        blocks = storyboard_blocks(board.review, place.thread_id, thumbnails=board.thumbnails, decided=line)
        self.client.chat_update(channel=place.channel, ts=board.ts, text=storyboard_fallback(board.review),
                                blocks=blocks)

    def upload(self, place: SlackPlace, ev: Any) -> None:
        """Upload the finished video(s) into the thread with the QC summary."""
        files = [{"file": o.path, "filename": Path(o.path).name, "title": f"{o.aspect} · {o.width}x{o.height}"}
                 for o in ev.outputs if Path(o.path).is_file()]
        comment = f":clapperboard: Your video is ready · cost ${ev.cost_usd:.2f}"
        if ev.qc_summary:
            comment += f"\nQC: {ev.qc_summary}"
        if not files:
            self.say(place, comment + "\n(no output file was found to upload)")
            return
        self.client.files_upload_v2(file_uploads=files, channel=place.channel, thread_ts=place.thread_ts,
                                    initial_comment=comment[:3900])

    def upload_preview(self, place: SlackPlace, ev: Any) -> None:
        """Upload a storyboard's preview (360p, watermarked) into the thread, next to the storyboard."""
        comment = (f":film_projector: Preview of storyboard v{ev.storyboard_version} ({ev.width}x{ev.height}, "
                   f"{ev.duration_s:.0f} s): keyframes stand in for the clips, nothing was spent.")
        comment += "".join(f"\n_{note}_" for note in ev.notes)
        if not Path(ev.path).is_file():
            self.say(place, comment + "\n(the preview file was not found to upload)")
            return
        self.client.files_upload_v2(file=ev.path, filename=Path(ev.path).name, title="Preview", channel=place.channel,
                                    thread_ts=place.thread_ts, initial_comment=comment[:3900])

    def _thumbnails(self, review: StoryboardReview) -> dict[int, str]:
        """Scene number -> image reference: public URLs as they are, local keyframes uploaded once (not shared)."""
        refs: dict[int, str] = {}
        for scene in review.scenes:
            thumb = scene.thumbnail or ""
            if thumb.startswith(("http://", "https://")):
                refs[scene.number] = thumb
            elif thumb and Path(thumb).is_file():
                try:
                    if thumb not in self._thumb_ids:
                        resp = self.client.files_upload_v2(file=thumb, filename=Path(thumb).name,
                                                           title=f"Scene {scene.number} keyframe")
                        self._thumb_ids[thumb] = resp["files"][0]["id"]
                    refs[scene.number] = self._thumb_ids[thumb]
                except (SlackApiError, KeyError, IndexError) as exc:
                    log.warning("could not upload a keyframe: %s", exc)
        return refs

    # --- errors ----------------------------------------------------------------------------------------

    def guard(self, place: SlackPlace) -> _Guard:
        return _Guard(self, place)


class _Guard:
    """Any failure becomes one plain-words line in the thread (never a traceback or a secret)."""

    def __init__(self, bridge: SlackBridge, place: SlackPlace) -> None:
        self.bridge = bridge
        self.place = place

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None or not isinstance(exc, Exception):
            return False
        log.exception("Slack request failed")
        try:
            self.bridge.say(self.place, f":warning: {error_event(exc, 'working on your request').message}")
        except Exception:  # noqa: BLE001 - Slack itself is failing; the log has it
            log.exception("could not report the error to Slack")
        return True


async def _open_thread(svc: AgentService, thread_id: str, team: str, user: str
                       ) -> tuple[str | None, StoryboardReview | None]:
    """Register a thread's origin and owner (the Slack user who started it) at its first message; return the
    thread's owner and the storyboard awaiting review."""
    if await svc.owner(thread_id) is None:
        await svc.new_thread(origin="slack", user=user, thread_id=thread_id, owner=slack_owner(team, user))
        return slack_owner(team, user), None
    return await svc.owner(thread_id), await svc.pending(thread_id)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


DECISION_MARKS = {"edit": ":pencil2:", "remove": ":scissors:"}  # the rest: :leftwards_arrow_with_hook:


def _decided_line(decision: ReviewDecision, user: str) -> str:
    """The thread's line saying who decided what."""
    if decision.action == "approve":
        return f":white_check_mark: Approved by <@{user}> — producing…"
    mark = DECISION_MARKS.get(decision.action, ":leftwards_arrow_with_hook:")
    return f"{mark} <@{user}> asked for {decision.describe()}"
