"""The model registry: bundled files, deep merge with the user file, validation errors, availability."""

from __future__ import annotations

from datetime import date

import pytest

from reelforge.tools.clips.base import ClipProvider
from reelforge.tools.clips.registry import Registry, RegistryError
from reelforge.tools.settings import get_settings

FAMILIES = {"kling", "minimax", "veo", "runway", "sora", "seedance", "luma", "pika", "wan", "ltx", "motion"}


def test_bundled_registry_has_every_family_and_offline_motion():
    reg = Registry.load(get_settings())
    assert set(reg.families()) >= FAMILIES
    motion = reg.get("motion")
    assert motion.kind == "offline" and motion.price_per_s == 0 and motion.max_clip_s >= 60
    assert reg.available("motion", get_settings()).ok


def test_without_keys_only_motion_is_available_and_reasons_name_the_key():
    s = get_settings()
    reg = Registry.load(s)
    usable = [m for m in reg.models if reg.available(m, s).ok]
    assert "motion" in usable and all(reg.get(m).kind != "video" for m in usable)
    assert "FAL_KEY" in reg.available("pika-2-2", s).reason


def test_sora_is_unavailable_after_its_shutdown(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    reg = Registry.load(get_settings())
    a = reg.available("sora-2", get_settings())
    assert not a.ok and "2026-09-24" in a.reason
    assert reg.get("sora-2").retired_reason(date(2026, 1, 1)) is None


def test_credentials_make_the_cheapest_gateway_usable(monkeypatch):
    monkeypatch.setenv("FAL_KEY", "k")
    monkeypatch.setenv("REPLICATE_API_TOKEN", "r")
    reg = Registry.load(get_settings())
    a = reg.available("kling-v2-5-turbo-pro", get_settings())
    assert a.ok and a.gateway == "fal"


def test_comfyui_needs_its_url(monkeypatch):
    s = get_settings()
    reg = Registry.load(s)
    assert "REELFORGE_COMFYUI_URL" in reg.available("ltx-video", s).reason
    monkeypatch.setenv("REELFORGE_COMFYUI_URL", "http://127.0.0.1:8188")
    assert reg.available("ltx-video", get_settings()).gateway == "comfyui"


def test_user_file_overrides_price_and_adds_a_model(isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "models.toml").write_text(
        '[models.pika-2-2]\nprice_per_s = 0.01\n'
        '[models.my-model]\nfamily = "wan"\ndurations = [4]\naspects = ["9:16"]\n'
        '[models.my-model.gateways.local]\nadapter = "reelforge.tools.clips.motion:MotionProvider"\n')
    reg = Registry.load(get_settings())
    assert reg.get("pika-2-2").price_per_s == 0.01
    assert reg.get("pika-2-2").gateways["fal"].model == "fal-ai/pika/v2.2/text-to-video"  # merged, not replaced
    assert reg.available("my-model", get_settings()).ok


@pytest.mark.parametrize(("body", "needle"), [
    ('[models.x]\nfamily = "kling"\naspects = ["16:9"]\n', "durations"),
    ('[models.x]\nfamily = "kling"\ndurations = [5]\nstrengths = { speed = 0.3 }\n', "unknown trait 'speed'"),
    ('[models.x]\nfamily = "kling"\ndurations = [5]\naspects = ["7:3"]\n', "7:3"),
    ('[models.x]\nfamily = "kling"\ndurations = [5]\n[models.x.gateways.fal]\nadapter = "nodots"\n', "adapter"),
    ("[models.x\n", "not valid TOML"),
])
def test_invalid_user_file_names_file_and_key(isolated_home, body, needle):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "models.toml").write_text(body)
    with pytest.raises(RegistryError) as err:
        Registry.load(get_settings())
    assert "models.toml" in str(err.value) and needle in str(err.value)


def test_provider_for_builds_the_adapter_with_base_url(monkeypatch):
    monkeypatch.setenv("FAL_KEY", "k")
    monkeypatch.setenv("REELFORGE_FAL_BASE_URL", "http://127.0.0.1:9")
    p = Registry.load(get_settings()).provider_for("pika-2-2", "fal", get_settings())
    assert isinstance(p, ClipProvider) and p.name == "fal" and p.base_url == "http://127.0.0.1:9"


def test_provider_for_unknown_gateway_is_clear():
    with pytest.raises(KeyError, match="no gateway 'replicate'"):
        Registry.load(get_settings()).provider_for("pika-2-2", "replicate", get_settings())


def test_clip_length_covers_or_caps():
    reg = Registry.load(get_settings())
    kling = reg.get("kling-v2-5-turbo-pro")
    assert kling.clip_length(3) == 5 and kling.clip_length(7) == 10 and kling.clip_length(12) == 10
    assert reg.get("motion").clip_length(0.2) == 0.5
