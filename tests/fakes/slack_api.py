"""A loopback fake of the Slack Web API (the methods the bot uses) and signed-request builders for Bolt.

``slack_api()`` returns a :class:`FakeApp` serving ``/api/<method>``; point ``WebClient(base_url=app.base_url +
"/api/")`` at it. It checks the bot token, keeps messages (``state["messages"]``: ts -> dict, updated in place
by chat.update), stores uploaded bytes by file id and records every call in ``app.requests``.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode

from slack_bolt import BoltRequest

from fakes.server import FakeApp, Req, serve

BOT_TOKEN = "xoxb-test"
SIGNING_SECRET = "test-signing-secret"
BOT_USER = "UBOT"
TEAM = "T1"


def params(req: Req) -> dict[str, Any]:
    """A Web API call's arguments, whichever way slack_sdk sent them (JSON body, form body or query)."""
    out: dict[str, Any] = dict(req.query)
    ctype = req.headers.get("content-type", "")
    if "json" in ctype:
        out.update(req.json() or {})
    elif req.body:
        out.update({k: v[0] for k, v in parse_qs(req.body.decode()).items()})
    for key in ("blocks", "files", "view"):
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out


def slack_api() -> FakeApp:
    app = FakeApp()
    lock = threading.Lock()
    counter = itertools.count(1)
    app.state.update(messages={}, uploads={}, files={})

    def api(name: str) -> Callable[[Callable[[dict[str, Any]], dict[str, Any]]], Any]:
        def deco(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
            @app.route("POST", f"/api/{name}")
            def handler(req: Req) -> tuple:
                if req.headers.get("authorization") != f"Bearer {BOT_TOKEN}":
                    return 200, {"ok": False, "error": "invalid_auth"}
                with lock:
                    return 200, {"ok": True, **fn(params(req))}
            return handler
        return deco

    def new_ts() -> str:
        return f"1700000{next(counter):03d}.000100"

    @api("auth.test")
    def auth_test(_: dict[str, Any]) -> dict[str, Any]:
        return {"url": "https://fake.slack.test/", "team": "Fake", "user": "reelforge", "team_id": TEAM,
                "user_id": BOT_USER, "bot_id": "BBOT"}

    @api("chat.postMessage")
    def post_message(p: dict[str, Any]) -> dict[str, Any]:
        ts = new_ts()
        app.state["messages"][ts] = {**p, "ts": ts}
        return {"channel": p["channel"], "ts": ts, "message": {"text": p.get("text", ""), "ts": ts}}

    @api("chat.update")
    def update(p: dict[str, Any]) -> dict[str, Any]:
        msg = app.state["messages"].get(p["ts"])
        if msg is None:
            return {"ok": False, "error": "message_not_found"}
        msg.update(p)
        return {"channel": p["channel"], "ts": p["ts"]}

    @api("chat.postEphemeral")
    def post_ephemeral(p: dict[str, Any]) -> dict[str, Any]:
        app.state.setdefault("ephemeral", []).append(p)
        return {"message_ts": new_ts()}

    @api("views.open")
    def views_open(p: dict[str, Any]) -> dict[str, Any]:
        return {"view": {"id": "V1", **p["view"]}}

    @api("files.getUploadURLExternal")
    def get_upload_url(p: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(counter):04d}"
        app.state["files"][file_id] = {"filename": p.get("filename"), "length": int(p.get("length", 0))}
        return {"upload_url": f"{app.base_url}/upload/{file_id}", "file_id": file_id}

    @api("files.completeUploadExternal")
    def complete_upload(p: dict[str, Any]) -> dict[str, Any]:
        for f in p["files"]:
            if f["id"] not in app.state["uploads"]:
                return {"ok": False, "error": "file_not_found"}
        return {"files": [{"id": f["id"], "title": f.get("title"), "name": app.state["files"][f["id"]]["filename"]}
                          for f in p["files"]]}

    def upload(req: Req) -> tuple:
        file_id = req.params["file_id"]
        if file_id not in app.state["files"]:
            return 404, "no such upload url"
        app.state["uploads"][file_id] = req.body
        return 200, f"OK - {len(req.body)}"

    def private_file(req: Req) -> tuple:  # url_private_download: only with the bot token
        if req.headers.get("authorization") != f"Bearer {BOT_TOKEN}":
            return 302, b"", {"Location": "/login"}
        body = app.state.get("shared", {}).get(req.params["file_id"])
        return (200, body, {"Content-Type": "application/octet-stream"}) if body is not None else (404, "gone")

    app.route("GET", "/files-pri/{file_id}")(private_file)
    app.route("POST", "/upload/{file_id}")(upload)
    app.route("PUT", "/upload/{file_id}")(upload)
    return app


def calls(app: FakeApp, method: str) -> list[dict[str, Any]]:
    """The arguments of every call of one Web API method, in order."""
    return [params(r) for r in list(app.requests) if r.path == f"/api/{method}"]


def wait_for(check: Callable[[], Any], timeout: float = 30.0, what: str = "the expected Slack call") -> Any:
    """Poll until ``check()`` is truthy (lazy listeners run on other threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


# --- signed requests -------------------------------------------------------------------------------------

def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 signature: HMAC-SHA256 over ``v0:<timestamp>:<body>``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed(body: str, content_type: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None,
           headers: dict[str, str] | None = None) -> BoltRequest:
    ts = int(time.time()) if timestamp is None else timestamp
    return BoltRequest(body=body, headers={
        "content-type": content_type, "x-slack-request-timestamp": str(ts),
        "x-slack-signature": sign(body, ts, secret), **(headers or {})})


def event_body(event: dict[str, Any], *, event_id: str = "Ev1", team: str = TEAM) -> str:
    """An Events API ``event_callback`` envelope as JSON."""
    return json.dumps({"token": "legacy", "team_id": team, "api_app_id": "A1", "type": "event_callback",
                       "event_id": event_id, "event_time": int(time.time()), "event": event,
                       "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}]})


def mention(text: str, *, channel: str = "C1", ts: str = "1699999999.000100", user: str = "U1",
            thread_ts: str | None = None) -> dict[str, Any]:
    ev = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": channel,
          "event_ts": ts}
    if thread_ts:
        ev["thread_ts"] = thread_ts
    return ev


def thread_reply(text: str, *, thread_ts: str, ts: str, channel: str = "C1", user: str = "U1") -> dict[str, Any]:
    return {"type": "message", "channel_type": "channel", "user": user, "text": text, "ts": ts,
            "thread_ts": thread_ts, "channel": channel, "event_ts": ts}


def shared_file(api: FakeApp, file_id: str, name: str, data: bytes, *, size: int | None = None) -> dict[str, Any]:
    """A file someone shared in Slack: kept by the fake, described as Slack's event ``files`` entry does."""
    api.state.setdefault("shared", {})[file_id] = data
    return {"id": file_id, "name": name, "size": len(data) if size is None else size, "mode": "hosted",
            "url_private_download": f"{api.base_url}/files-pri/{file_id}"}


def interactive_body(payload: dict[str, Any]) -> str:
    """An interactivity request body: ``payload=<urlencoded JSON>``."""
    return urlencode({"payload": json.dumps(payload)})


def button_click(message: dict[str, Any], action_id: str, *, channel: str = "C1", user: str = "U1",
                 team: str = TEAM) -> dict[str, Any]:
    """A ``block_actions`` payload for the button ``action_id`` of a posted message."""
    button = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == action_id)
    return {"type": "block_actions", "team": {"id": team}, "user": {"id": user}, "api_app_id": "A1",
            "token": "legacy", "trigger_id": "trig-1", "channel": {"id": channel},
            "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel},
            "message": {"ts": message["ts"], "thread_ts": message.get("thread_ts"), "text": message.get("text"),
                        "blocks": message["blocks"]},
            "actions": [{"action_id": action_id, "block_id": "storyboard_review", "type": "button",
                         "value": button["value"], "action_ts": str(time.time())}]}


# --- the bot under test ----------------------------------------------------------------------------------

class Bot:
    """The Bolt app wired to a real AgentService (offline brain) and to the fake Web API."""

    def __init__(self, app: Any, api: FakeApp, host: Any) -> None:
        self.app, self.api, self.host = app, api, host

    def dispatch(self, body: str, content_type: str = "application/json", **kw: Any) -> Any:
        return self.app.dispatch(signed(body, content_type, **kw))

    def event(self, event: dict[str, Any], *, event_id: str, **kw: Any) -> Any:
        return self.dispatch(event_body(event, event_id=event_id), **kw)

    def interact(self, payload: dict[str, Any]) -> Any:
        return self.dispatch(interactive_body(payload), "application/x-www-form-urlencoded")

    def messages(self, **match: Any) -> list[dict[str, Any]]:
        """Copies of the posted messages (as last updated) whose fields equal ``match``."""
        return [copy.deepcopy(m) for m in list(self.api.state["messages"].values())
                if all(m.get(k) == v for k, v in match.items())]

    def storyboards(self, thread_ts: str) -> list[dict[str, Any]]:
        return [m for m in self.messages(thread_ts=thread_ts)
                if any(b.get("type") == "header" for b in m.get("blocks") or [])]


@contextmanager
def running_bot(studio: Any = None, settings: Any = None) -> Iterator[Bot]:
    """Serve the fake API, open the service on its loop thread, build the HTTP-mode app."""
    from slack_sdk import WebClient

    from reelforge.agent.brains.offline import OfflineDirector
    from reelforge.agent.service import AgentService
    from reelforge.ui.slack_app import build_app
    from reelforge.ui.slack_host import ServiceHost

    with serve(slack_api()) as api:
        client = WebClient(token=BOT_TOKEN, base_url=api.base_url + "/api/")
        with ServiceHost(lambda: AgentService.open(settings, brain=OfflineDirector(), studio=studio)) as host:
            app = build_app(host, client, signing_secret=SIGNING_SECRET, settings=settings or host.service.settings,
                            min_interval=0.0)
            yield Bot(app, api, host)
