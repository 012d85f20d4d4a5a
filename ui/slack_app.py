"""The Slack bot: a slack-bolt App whose listeners ack at once and hand the work to lazy listeners.

- An @mention or a DM starts a conversation; replies in its thread continue it (thread id
  ``slack-<team>-<channel>-<thread_ts>``, the same id the studio UI opens).
- The storyboard is a Block Kit message with Approve / Request changes (a modal); typed replies
  (``approve``, ``edit 3 …``, ``reject …``) work too.
- Slack redeliveries (``X-Slack-Retry-Num``, same event) reach the service with the same event id
  (``slack:<channel>:<ts>``) and are processed once; workspaces and channels outside
  ``REELFORGE_SLACK_ALLOWED_TEAMS`` / ``_CHANNELS`` are ignored or politely refused.

Run it with :func:`serve_socket_mode` (Socket Mode) or :func:`serve_http` (signed HTTP requests).
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import Ack, App, BoltContext, BoltRequest
from slack_sdk import WebClient

from reelforge.agent.review import ReviewDecision, scene_decision
from reelforge.tools.settings import Settings
from reelforge.ui.slack_blocks import (
    APPROVE,
    CHANGES,
    CHANGES_MODAL,
    DETAILS,
    PREVIEW,
    changes_modal,
    modal_answer,
    read_value,
)
from reelforge.ui.slack_bridge import NOT_YOURS, SlackBridge
from reelforge.ui.slack_host import ServiceHost
from reelforge.ui.slack_progress import MIN_INTERVAL_S
from reelforge.ui.slack_routing import Access, SlackPlace, mentions, strip_mentions

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024  # Slack's own payloads are far smaller; anything bigger is refused unread

LISTENER_THREADS = 64

HELP = ("Tell me what video to make, e.g. _a 30 second teaser for our coffee shop, vertical_ — or paste an "
        "article link. I'll reply here with a storyboard to approve before anything is generated.")
REFUSAL = ("Sorry, I'm not enabled in this channel. An admin can add it to REELFORGE_SLACK_ALLOWED_CHANNELS, "
           "or you can send me a direct message.")


def _ack(ack: Ack) -> None:
    ack()


def _is_retry(request: BoltRequest) -> bool:
    return bool(request.headers.get("x-slack-retry-num"))


class SlackBot:
    """Translates Bolt payloads into :class:`SlackBridge` calls, after the access checks."""

    def __init__(self, bridge: SlackBridge, access: Access) -> None:
        self.bridge = bridge
        self.access = access

    # --- events --------------------------------------------------------------------------------------

    def on_mention(self, event: dict[str, Any], body: dict[str, Any], request: BoltRequest) -> None:
        team = body.get("team_id") or event.get("team") or ""
        if not self.access.team_ok(team):
            return
        place = SlackPlace(team, event["channel"], event.get("thread_ts") or event["ts"])
        if not self.access.channel_ok(place.channel, is_dm=event.get("channel_type") == "im"):
            if not _is_retry(request):
                self.bridge.say(place, REFUSAL)
            return
        self._converse(place, event)

    def on_message(self, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        if event.get("subtype") not in (None, "file_share") or event.get("bot_id") or not event.get("user"):
            return  # edits, joins, bot posts (ours included); a shared file is a message like any other
        team = body.get("team_id") or event.get("team") or ""
        is_dm = event.get("channel_type") == "im"
        if not self.access.team_ok(team) or not self.access.channel_ok(event.get("channel"), is_dm=is_dm):
            return
        place = SlackPlace(team, event["channel"], event.get("thread_ts") or event["ts"])
        if not is_dm:
            if "thread_ts" not in event or mentions(event.get("text", ""), context.bot_user_id):
                return  # channel chatter, or a mention (app_mention handles it)
            if self.bridge.host.call(lambda svc: svc.production(place.thread_id)) is None:
                return  # a thread that is not a reelforge conversation
        self._converse(place, event)

    def _converse(self, place: SlackPlace, event: dict[str, Any]) -> None:
        text = strip_mentions(event.get("text", ""))
        files = [f for f in event.get("files") or [] if isinstance(f, dict)]
        if not text and not files:
            self.bridge.say(place, HELP)
            return
        self.bridge.converse(place, event.get("user", ""), text, event_key=f"slack:{place.channel}:{event['ts']}",
                             files=files)

    # --- storyboard buttons and the changes modal ------------------------------------------------------

    def _action_place(self, body: dict[str, Any]) -> SlackPlace | None:
        team, channel = body.get("team", {}).get("id", ""), body.get("channel", {}).get("id", "")
        if not self.access.team_ok(team) or not self.access.channel_ok(channel, is_dm=channel.startswith("D")):
            return None
        msg = body.get("message", {})
        return SlackPlace(team, channel, msg.get("thread_ts") or msg.get("ts", ""))

    def on_approve(self, body: dict[str, Any]) -> None:
        place = self._action_place(body)
        if place is None:
            return
        value = read_value(body["actions"][0]["value"])
        self.bridge.decide(place, body["user"]["id"], ReviewDecision(action="approve"), value["v"],
                           message_ts=body["message"]["ts"])

    def on_preview(self, body: dict[str, Any]) -> None:
        """The storyboard's Preview button: a free animatic of it, uploaded into the thread."""
        place = self._action_place(body)
        if place is None:
            return
        self.bridge.preview(place, body["user"]["id"])

    def on_details(self, body: dict[str, Any]) -> None:
        """The storyboard's Details button: ids and the router's reasons, posted in the thread."""
        place = self._action_place(body)
        if place is not None:
            self.bridge.show_details(place)

    def open_changes(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Open the modal inside the 3-second window (trigger ids expire quickly)."""
        ack()
        place = self._action_place(body)
        if place is None:
            return
        user = body.get("user", {}).get("id", "")
        owner = self.bridge.host.call(lambda svc: svc.owner(place.thread_id))
        if owner is None or not self.access.may_act(owner, place.team, user):
            self.bridge.explain(place, user, NOT_YOURS)  # the form is not even opened
            return
        value = body["actions"][0]["value"]
        meta = {"team": place.team, "channel": place.channel, "thread_ts": place.thread_ts,
                "message_ts": body["message"]["ts"], "v": read_value(value)["v"]}
        client.views_open(trigger_id=body["trigger_id"], view=changes_modal(value, json.dumps(meta)))

    @staticmethod
    def check_changes(ack: Ack, view: dict[str, Any]) -> None:
        scene, text = modal_answer(view["state"]["values"])
        if not text:
            ack(response_action="errors", errors={"instruction": "Say what should change."})
            return
        try:
            if scene:
                scene_decision(scene, text)
        except ValueError as exc:  # shown in the modal, so the request is never lost after the ack
            ack(response_action="errors", errors={"instruction": str(exc)[:150]})
            return
        ack()

    def apply_changes(self, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = json.loads(view["private_metadata"])
        if not self.access.team_ok(meta["team"]) or not self.access.channel_ok(
                meta["channel"], is_dm=meta["channel"].startswith("D")):
            return
        scene, text = modal_answer(view["state"]["values"])
        if not text:
            return
        place = SlackPlace(meta["team"], meta["channel"], meta["thread_ts"])
        try:
            decision = scene_decision(scene, text) if scene else ReviewDecision(action="reject", feedback=text)
        except ValueError as exc:
            self.bridge.say(place, f"I couldn't apply that change: {exc}")
            return
        self.bridge.decide(place, body["user"]["id"], decision, int(meta["v"]), message_ts=meta["message_ts"])


def build_app(host: ServiceHost, client: WebClient, *, signing_secret: str = "", socket_mode: bool = False,
              settings: Settings | None = None, min_interval: float = MIN_INTERVAL_S) -> App:
    """The Bolt app. HTTP mode verifies signatures with ``signing_secret`` and holds the response until the
    (fast) ack listener is done (``process_before_response``); slow work always runs in lazy listeners."""
    if not socket_mode and not signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is required in HTTP mode")
    settings = settings or host.service.settings
    app = App(client=client, signing_secret=signing_secret, process_before_response=not socket_mode,
              request_verification_enabled=not socket_mode, name="reelforge",
              # Lazy listeners wait on the agent (a turn, or a production relayed to its end): Bolt's default of 5
              # threads would queue every new conversation behind five running videos.
              listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="slack-listener"))
    access = Access.from_settings(settings)
    bridge = SlackBridge(client, host, min_interval=min_interval, access=access,
                         max_upload_bytes=settings.max_upload_bytes)
    bot = SlackBot(bridge, access)
    app.event("app_mention")(ack=_ack, lazy=[bot.on_mention])
    app.event("message")(ack=_ack, lazy=[bot.on_message])
    app.action(APPROVE)(ack=_ack, lazy=[bot.on_approve])
    app.action(CHANGES)(bot.open_changes)
    app.action(PREVIEW)(ack=_ack, lazy=[bot.on_preview])
    app.action(DETAILS)(ack=_ack, lazy=[bot.on_details])
    app.view(CHANGES_MODAL)(ack=bot.check_changes, lazy=[bot.apply_changes])
    return app


def serve_socket_mode(app: App, app_token: str) -> None:
    """Connect out to Slack over a WebSocket (no public URL needed); blocks."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(app, app_token).start()


def well_formed(body: bytes, content_type: str) -> bool:
    """A Slack request body that can be parsed: a JSON object, or a form whose ``payload`` is a JSON object."""
    try:
        if "application/json" in content_type:
            return isinstance(json.loads(body), dict)
        if "application/x-www-form-urlencoded" in content_type:
            form = parse_qs(body.decode("utf-8"), strict_parsing=bool(body))
            return "payload" not in form or isinstance(json.loads(form["payload"][0]), dict)
    except (ValueError, UnicodeDecodeError):
        return False
    return False


def http_app(app: App) -> Any:
    """An ASGI app: ``POST /slack/events`` (events, buttons, modals — all signed) and ``GET /healthz``.

    The body is capped at :data:`MAX_BODY_BYTES` before anything else (the signature check included) reads
    it; a malformed body gets a 400 and a failure inside gets plain words, never a traceback."""
    from slack_bolt.adapter.starlette import SlackRequestHandler
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    handler = SlackRequestHandler(app)
    too_large = PlainTextResponse(f"Request body larger than {MAX_BODY_BYTES // 1024} KB", status_code=413)

    async def events(req: Request) -> Response:
        length = req.headers.get("content-length", "")
        if length and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return too_large
        body = bytearray()
        async for chunk in req.stream():
            body.extend(chunk)
            if len(body) > MAX_BODY_BYTES:
                return too_large
        req._body = bytes(body)  # what the Bolt adapter reads (Request.body() returns it)
        if not well_formed(req._body, req.headers.get("content-type", "")):
            return PlainTextResponse("Bad request: not a Slack event, action or view submission", status_code=400)
        try:
            return await handler.handle(req)
        except Exception:  # noqa: BLE001 - the log has it (masked); the client gets plain words
            log.exception("Slack request failed")
            return PlainTextResponse("Bad request", status_code=400)

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", healthz)])


def serve_http(app: App, port: int, host: str = "0.0.0.0") -> None:
    """Serve :func:`http_app` with uvicorn; blocks."""
    import copy

    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    # Log records reach uvicorn already formatted and masked (tools.masking), so its access formatter, which
    # unpacks the record's arguments, would fail on every request: log the masked line as it is.
    log_config = copy.deepcopy(LOGGING_CONFIG)
    log_config["formatters"]["access"] = {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"}
    uvicorn.run(http_app(app), host=host, port=port, log_level="info", log_config=log_config)
