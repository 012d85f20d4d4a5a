"""The Gradio studio end to end with the offline brain: `reelforge ui` in a subprocess on loopback, driven by
gradio_client (brief → storyboard → edit → approve → video) and by a real headless Chromium through Playwright.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PROVIDER_KEYS

from reelforge.tools.media import probe

CHROMIUM = "/usr/bin/chromium"
BRIEF = "a teaser for a coffee shop, 8 seconds, square"  # two scenes: one is edited, one kept
ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback only
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`reelforge ui --host 127.0.0.1 --port N` with a private home and no keys; stopped with Ctrl+C."""
    root = tmp_path_factory.mktemp("studio")
    env = {k: v for k, v in os.environ.items() if k not in PROVIDER_KEYS}
    env.update(REELFORGE_HOME=str(root / "home"), GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1",
               REELFORGE_ALLOW_PRIVATE_URLS="1")  # the test article is served on loopback
    port = free_port()
    log = (root / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "reelforge", "ui", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, (root / "server.log").read_text()
        try:
            if get(url + "/config")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the studio did not start:\n" + (root / "server.log").read_text())
    yield url
    proc.send_signal(signal.SIGINT)  # Ctrl+C must close the checkpointer and exit
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("`reelforge ui` did not exit after Ctrl+C")
    finally:
        log.close()
    text = (root / "server.log").read_text()
    assert "Traceback" not in text, text


def test_cli_serves_config_with_the_studio_components(studio: str) -> None:
    status, body = get(studio + "/config")
    assert status == 200
    types = {c["type"] for c in json.loads(body)["components"]}
    assert {"chatbot", "video", "button", "html", "multimodaltextbox"} <= types


def _video_path(update: object) -> str | None:
    value = update.get("value") if isinstance(update, dict) else update
    if isinstance(value, dict):
        value = value.get("video") or value.get("path")
    return value if isinstance(value, str) else None


def _visual(board: str, scene: int) -> str:
    """The visual prompt on one scene card."""
    m = re.search(rf'data-scene="{scene}".*?<p class="rf-visual">(.*?)</p>', board, re.DOTALL)
    assert m, f"no card for scene {scene}"
    return m.group(1)


def _approved(outs: tuple) -> tuple:
    """(chat, board, model, progress, players, downloads, delivered) from the studio's API outputs (layout
    blocks are not returned): 4 players, the comparison player, 12 download buttons, the delivery text."""
    chat, board, model, progress, *rest = outs
    players, files = rest[:4], [f for f in map(_video_path, rest[5:17]) if f]
    return chat, board, model, progress, players, files, rest[17]


def test_client_brief_storyboard_edit_approve_video(studio: str) -> None:
    from gradio_client import Client

    client = Client(studio, verbose=False)
    named = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/send", "/approve", "/edit_scene", "/regenerate", "/change_model", "/reject", "/threads",
            "/open_thread"} <= set(named)

    job = client.submit({"text": BRIEF, "files": []}, ["1:1"], 30, sample=None, api_name="/send")
    chat, board, *_ = job.result(timeout=120)
    assert len(job.outputs()) > 2  # streamed, not one final update
    assert 'data-scene="1"' in board and ">v1<" in board and "awaiting your approval" in board
    assert 'src="data:image/png;base64,' in board  # keyframe thumbnails
    total = re.search(r"1:1 · ([\d.]+) s", board)  # the text's 8 s wins over the panel's stale 30 s (the
    assert total and 6 <= float(total.group(1)) <= 10, board[:400]  # planner paces to the voice: about 8 s)
    texts = json.dumps(chat)
    assert "Here's the brief" in texts and "Storyboard v1 is ready" in texts

    v1_scene1, v1_scene2 = _visual(board, 1), _visual(board, 2)
    chat, board, *_ = client.predict(2, "", api_name="/edit_scene")
    assert "needs an instruction" in json.dumps(chat) and ">v1<" in board  # plain words, still pending

    chat, board, *_ = client.predict(1, "a sunrise over the harbour", api_name="/edit_scene")
    assert ">v2<" in board and "Scene 1 rewritten" in json.dumps(chat)
    assert _visual(board, 1) != v1_scene1 and _visual(board, 2) == v1_scene2  # only scene 1 changed

    chat, board, _model, progress, players, files, qc = _approved(client.predict(api_name="/approve"))
    assert "approved" in board and "Scene 1 · " in progress and "rf-done" in progress and "s01-1" not in progress
    videos = [p for p in map(_video_path, players) if p]
    assert len(videos) == 1 and videos[0].endswith("1080x1080.mp4")
    names = {Path(f).name for f in files}
    assert {"manifest.json"} <= names and {".mp4", ".srt", ".vtt", ".otio"} <= {Path(f).suffix for f in files}
    info = probe(videos[0])
    assert info.has_video and info.has_audio and (info.width, info.height) == (1080, 1080)
    assert 6.5 < info.duration_s < 10.0
    assert "Delivered" in qc and "1:1" in qc

    # the thread is listed and a new session (another tab, or after a restart) reopens it with its video
    listing = client.predict(api_name="/threads")
    tids = [c[1] for c in listing["choices"]]
    assert tids and tids[0].startswith("web:")
    other = Client(studio, verbose=False)
    chat, board, _m, _p, players, files, qc = _approved(other.predict(tids[0], api_name="/open_thread"))
    assert "coffee shop" in json.dumps(chat) and "approved" in board
    assert _video_path(players[0]) and "Delivered" in qc


def _details(chat: list[dict]) -> str:
    """What the collapsed "Details" disclosures of the chat hold (tool steps, ids, paths)."""
    return "\n".join(str(m.get("content")) for m in chat if (m.get("metadata") or {}).get("title") == "Details")


def test_client_script_upload_article_url_and_voice_sample(studio: str, tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    outline = tmp_path / "outline.md"
    outline.write_text("# Harbour Cafe\n\n## Morning roast\nWe roast beans at dawn by the harbour.\n\n"
                       "## Open late\nThe cafe stays open until midnight on Fridays.\n")
    client = Client(studio, verbose=False)
    chat, board, *_ = client.predict({"text": "a 6 second video from my outline, square",
                                      "files": [handle_file(str(outline))]}, ["1:1"], 6, sample=None,
                                     api_name="/send")
    assert "Read your source" in _details(chat) and "Attached: outline.md" in json.dumps(chat, ensure_ascii=False)
    assert 'data-scene="1"' in board

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ARTICLES))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as site:
        threading.Thread(target=site.serve_forever, daemon=True).start()
        try:
            client = Client(studio, verbose=False)
            chat, board, *_ = client.predict(
                {"text": f"a 6 second explainer from http://127.0.0.1:{site.server_port}/wetlands.html", "files": []},
                ["1:1"], 6, sample=None, api_name="/send")
        finally:
            site.shutdown()
    assert "Read your source" in _details(chat) and 'data-scene="1"' in board

    sample = tmp_path / "me.wav"
    with wave.open(str(sample), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000), w.writeframes(b"\0\0" * 16000)
    client = Client(studio, verbose=False)
    chat, *_ = client.predict({"text": "a 6 second teaser for a bakery", "files": []}, ["1:1"], 6,
                              sample=handle_file(str(sample)), consent_ok=False, api_name="/send")
    assert "tick the consent box" in json.dumps(chat) and len(chat) == 1  # refused before the director
    chat, *_ = client.predict({"text": "a 6 second teaser for a bakery", "files": []}, ["1:1"], 6,
                              sample=handle_file(str(sample)), consent_ok=True,
                              consent_text="This is my own voice and I consent to cloning it.", api_name="/send")
    text = json.dumps(chat, ensure_ascii=False)
    assert "clone_voice" in _details(chat) and "Attached: me.wav" in text
    assert "Traceback" not in text


