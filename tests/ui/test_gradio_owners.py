"""Two studio users: the second cannot list, open, approve, reject or download the first one's thread or files —
through gradio_client's named endpoints or Gradio's file route."""

from __future__ import annotations

import json
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from fakes.agent_studio import FakeStudio
from test_gradio_studio import free_port

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.service import AgentService
from reelforge.ui.gradio_app import NOT_YOURS, launch


class Holder:
    """One service over the fake studio, opened on the studio's own event loop."""

    def __init__(self) -> None:
        self.stack = AsyncExitStack()
        self.svc: AgentService | None = None

    async def get(self) -> AgentService:
        if self.svc is None:
            self.svc = await self.stack.enter_async_context(AgentService.open(studio=FakeStudio(),
                                                                              brain=OfflineDirector()))
        return self.svc

    def close(self) -> None:
        pass


@pytest.fixture
def two_users(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("REELFORGE_UI_USERS", "alice:alice-pw-1,bob:bob-pw-2")
    monkeypatch.setenv("REELFORGE_MAX_UPLOAD_MB", "1")
    port = free_port()
    demo, app = launch("127.0.0.1", port, block=False)
    app.services = Holder()  # type: ignore[assignment]
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        demo.close()
        app.delivery.close()


def test_second_user_cannot_reach_the_first_users_thread(two_users: Any) -> None:
    from gradio_client import Client

    url, app = two_users
    alice = Client(url, auth=("alice", "alice-pw-1"), verbose=False)
    chat, board, *_ = alice.predict({"text": "a 9 second teaser for a bakery", "files": []}, ["9:16"], 9,
                                    sample=None, api_name="/send")
    assert 'data-scene="1"' in board and "awaiting your approval" in board
    tid = alice.predict(api_name="/threads")["choices"][0][1]

    bob = Client(url, auth=("bob", "bob-pw-2"), verbose=False)
    assert bob.predict(api_name="/threads")["choices"] == []  # alice's thread is not listed to bob
    chat, board, *_ = bob.predict(tid, api_name="/open_thread")[:2]
    assert NOT_YOURS in json.dumps(chat) and "bakery" not in json.dumps(chat) + board
    missing_chat = bob.predict("web:doesnotexist", api_name="/open_thread")[0]
    assert json.dumps(missing_chat[-1]) == json.dumps(chat[-1])  # the same words: existence is not revealed
    for endpoint, args in (("/approve", ()), ("/reject", ("no",)), ("/edit_scene", (1, "darker")),
                           ("/regenerate", ())):
        chat = bob.predict(*args, api_name=endpoint)[0]
        assert "no storyboard to review" in json.dumps(chat)

    listing = alice.predict(api_name="/threads")["choices"]
    assert [c[1] for c in listing] == [tid] and "awaiting review" in listing[0][0]  # bob decided nothing


def test_files_under_the_data_directory_are_not_served(two_users: Any) -> None:
    url, app = two_users
    home = app.settings.home
    secret = home / "outputs" / "alice.mp4"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"\0\0\0 ftypisom" + b"\0" * 100)
    with httpx.Client() as client:
        assert client.post(url + "/login", data={"username": "bob", "password": "bob-pw-2"}).status_code == 200
        for path in (secret, home / "checkpoints.sqlite"):
            resp = client.get(f"{url}/gradio_api/file={path}")
            assert resp.status_code == 403, path


def test_uploads_over_the_limit_are_refused(two_users: Any) -> None:
    url, app = two_users
    limit = app.settings.max_upload_bytes
    with httpx.Client() as client:
        client.post(url + "/login", data={"username": "bob", "password": "bob-pw-2"})
        big = b"a" * (limit + 1024)
        resp = client.post(url + "/gradio_api/upload", files={"files": ("big.md", big, "text/markdown")})
        assert resp.status_code in (400, 413) and "big" not in resp.text.lower().replace("too big", "")
