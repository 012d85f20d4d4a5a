"""Shared fixtures: every test runs with its own REELFORGE_HOME and no real provider keys."""

from __future__ import annotations

import os

import pytest
from PIL import Image

PROVIDER_KEYS = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "ELEVENLABS_API_KEY", "FAL_KEY", "REPLICATE_API_TOKEN",
    "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "MINIMAX_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY",
    "RUNWAYML_API_SECRET", "ARK_API_KEY", "LUMAAI_API_KEY", "PEXELS_API_KEY", "PIXABAY_API_KEY",
    "HEYGEN_API_KEY", "DID_API_KEY", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
    "REELFORGE_DATABASE_URL", "REELFORGE_UI_USERS", "REELFORGE_COMFYUI_URL", "CLOUDSDK_AUTH_ACCESS_TOKEN",
    "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "AZURE_OPENAI_API_KEY", "MINIMAX_GROUP_ID",
    "REELFORGE_BRAIN", "REELFORGE_LLM_MODEL", "REELFORGE_OPENVERSE", "DASHSCOPE_API_KEY", "LTXV_API_KEY",
)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """A private data directory and a clean environment for each test."""
    home = tmp_path / "reelforge-home"
    monkeypatch.setenv("REELFORGE_HOME", str(home))
    for key in PROVIDER_KEYS:
        monkeypatch.delenv(key, raising=False)
    for key in [k for k in os.environ if k.startswith("REELFORGE_") and k.endswith("_BASE_URL")]:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the checkout
    return home


@pytest.fixture
def reference_pictures(tmp_path):
    """Two small, different PNGs standing for a look sheet's subject pictures."""
    paths = [tmp_path / "baker.png", tmp_path / "shop.png"]
    for path, colour in zip(paths, [(200, 120, 60), (40, 40, 160)], strict=True):
        Image.new("RGB", (320, 320), colour).save(path)
    return paths
