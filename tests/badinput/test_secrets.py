"""Bad input corpus — secrets: one masking function (keys from the environment and from .env) for events, logs,
manifests, checkpoints and chat; vendor credentials never follow a redirect to another host; a run with fake
keys leaves no key string in any artefact."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fakes.server import FakeApp, serve

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.events import ErrorEvent, error_event
from reelforge.agent.service import AgentService
from reelforge.tools.http_credentials import VendorAsyncClient, VendorClient
from reelforge.tools.masking import install_log_masking, mask
from reelforge.tools.settings import Settings

ENV_KEY = "sk-envonly-7f3a9c2e11d04b"
DOTENV_KEY = "fal-dotenv-only-5b1e8d7744"
QUERY_KEY = "pixabay-1234567-abcdef"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    monkeypatch.setenv("ELEVENLABS_API_KEY", ENV_KEY)
    (tmp_path / ".env").write_text(f"FAL_KEY={DOTENV_KEY}\nPIXABAY_API_KEY={QUERY_KEY}\n")  # cwd is tmp_path
    return [ENV_KEY, DOTENV_KEY, QUERY_KEY]


def test_mask_knows_keys_from_the_environment_and_from_dotenv(keys: list[str]) -> None:
    text = f"401 from vendor: bad key {DOTENV_KEY}; also {ENV_KEY}; GET https://pixabay.com/api/?key=whatever&q=cat"
    masked = mask(text)
    assert all(k not in masked for k in keys) and "?key=***&q=cat" in masked
    assert mask("postgresql://app:hunter2secret@db/x") == "postgresql://app:***@db/x"
    assert mask("Authorization: Bearer abcdefghijklmnop") == "Authorization: Bearer ***"
    assert DOTENV_KEY not in error_event(RuntimeError(f"boom {DOTENV_KEY}"), "testing").message
    assert DOTENV_KEY not in ErrorEvent(message=f"vendor said {DOTENV_KEY}").message  # every event masks


def test_logs_are_masked_and_http_client_urls_stay_quiet(keys: list[str], caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").info("HTTP Request: GET https://pixabay.com/api/?key=%s", QUERY_KEY)
    logging.getLogger("reelforge.test").warning("vendor error %s", DOTENV_KEY)
    try:
        raise ValueError(f"the key {ENV_KEY} was refused")
    except ValueError:
        logging.getLogger("reelforge.test").exception("failed")
    text = caplog.text
    assert "HTTP Request" not in text  # httpx INFO lines (full URLs) are not logged
    assert "vendor error ***" in text and "the key *** was refused" in text
    assert all(k not in text for k in keys)


@pytest.fixture
def two_hosts():
    """``a`` redirects to ``b`` (another origin: another port) and to itself; both record what they get."""
    b = FakeApp()
    b.route("GET", "/landing")(lambda r: (200, {"ok": True}))
    a = FakeApp()
    with serve(b), serve(a):
        a.route("GET", "/away")(lambda r: (302, b"", {"Location": f"{b.base_url}/landing?key={QUERY_KEY}&q=1"}))
        a.route("GET", "/home")(lambda r: (302, b"", {"Location": "/landing"}))
        a.route("GET", "/landing")(lambda r: (200, {"ok": True}))
        yield a, b


CREDENTIALS = {"x-goog-api-key": "goog-secret-1", "api-key": "azure-secret-2", "X-Api-Key": "heygen-secret-3",
               "xi-api-key": "eleven-secret-4", "Authorization": "Key fal-secret-5"}


async def test_credentials_do_not_follow_a_redirect_to_another_host(two_hosts) -> None:
    a, b = two_hosts
    async with VendorAsyncClient() as client:
        resp = await client.get(f"{a.base_url}/away", params={"key": QUERY_KEY}, headers=CREDENTIALS)
    assert resp.status_code == 200
    got = b.requests[-1]
    assert not {k.lower() for k in CREDENTIALS} & {k.lower() for k in got.headers}
    assert "key" not in got.query and got.query.get("q") == "1"
    with VendorClient() as client:  # the sync client (ElevenLabs SDK) too; same host keeps its credentials
        assert client.get(f"{a.base_url}/home", headers=CREDENTIALS).status_code == 200
    assert a.requests[-1].headers.get("x-goog-api-key") == "goog-secret-1"


async def test_a_run_with_fake_keys_leaves_no_key_anywhere(keys: list[str], tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    from fakes.agent_studio import FakeStudio

    caplog.set_level(logging.DEBUG)
    settings = Settings()
    events = []
    async with AgentService.open(settings, studio=FakeStudio(), brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="cli")
        async for ev in svc.send(tid, f"a 9 second teaser for a bakery, my fal key is {DOTENV_KEY} "
                                      f"and {ENV_KEY}"):
            events.append(ev)
        async for ev in svc.send(tid, "approve"):
            events.append(ev)
        transcript = await svc.history(tid)
    artefacts = [p for p in settings.home.rglob("*") if p.is_file()]
    assert artefacts and any(p.name.startswith("checkpoints") for p in artefacts)
    blobs = [p.read_bytes() for p in artefacts]
    texts = [e.model_dump_json() for e in events] + [str(transcript), caplog.text]
    for key in keys:
        assert not any(key.encode() in b for b in blobs), key
        assert not any(key in t for t in texts), key


def test_a_key_inside_the_production_state_never_reaches_the_checkpoint(keys: list[str]) -> None:
    from reelforge.agent.checkpointer import serializer
    from reelforge.agent.state import Production

    prod = Production(error=f"vendor said: invalid key {DOTENV_KEY}", feedback=f"use {ENV_KEY}")
    kind, data = serializer().dumps_typed({"production": prod})
    assert DOTENV_KEY.encode() not in data and ENV_KEY.encode() not in data
    back = serializer().loads_typed((kind, data))["production"]
    assert back.error == "vendor said: invalid key " + "*" * len(DOTENV_KEY)  # still readable
