"""REELFORGE_UI_USERS puts the studio behind a login: anonymous visitors get the login page, not the app."""

from __future__ import annotations

import json

import httpx
import pytest
from test_gradio_studio import free_port, get

from reelforge.ui.gradio_app import launch, parse_users


def test_parse_users() -> None:
    assert parse_users("alice:pw,bob:p:w2") == [("alice", "pw"), ("bob", "p:w2")]
    for bad in ("alice", "alice:", ":pw", " , "):
        with pytest.raises(ValueError, match="REELFORGE_UI_USERS"):
            parse_users(bad)


def test_anonymous_request_gets_the_login_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELFORGE_UI_USERS", "alice:s3cret-pw,bob:other-pw")
    port = free_port()
    demo, app = launch("127.0.0.1", port, block=False)
    url = f"http://127.0.0.1:{port}"
    try:
        status, page = get(url + "/")
        assert status == 200 and '"auth_required":true' in page.replace(" ", "")
        assert '"type":"chatbot"' not in page.replace(" ", "")  # the app's layout is not sent
        assert get(url + "/config")[0] == 401
        with httpx.Client() as client:
            assert client.post(url + "/login", data={"username": "alice", "password": "wrong"}).status_code == 400
            assert client.get(url + "/config").status_code == 401
            assert client.post(url + "/login", data={"username": "alice", "password": "s3cret-pw"}).status_code == 200
            config = client.get(url + "/config")
            assert config.status_code == 200
            assert "chatbot" in {c["type"] for c in json.loads(config.text)["components"]}
    finally:
        app.services.close()
        demo.close()
