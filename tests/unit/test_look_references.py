"""The look sheet's reference pictures on a clip request: how many reach each gateway, and that they count by
content in the cache key and in what the user approved."""

from __future__ import annotations

import base64
import shutil

import pytest
from PIL import Image

from reelforge.tools.approval import approve, changed_since
from reelforge.tools.clips.gateway_input import build_input
from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import build_request, cache_key
from reelforge.tools.production import Brief, LookSheet, LookSubject, Scene, Shot, Storyboard
from reelforge.tools.settings import get_settings


@pytest.fixture
def registry():
    return Registry.load(get_settings())


@pytest.fixture
def pictures(tmp_path):
    paths = []
    for i, colour in enumerate([(200, 50, 50), (40, 160, 60), (30, 60, 200), (220, 200, 40)]):
        path = tmp_path / f"subject{i}.png"
        Image.new("RGB", (32, 32), colour).save(path)
        paths.append(path)
    return paths


def look(*paths) -> LookSheet:
    return LookSheet(style="soft grade", subjects=[LookSubject(name=f"subject {i}", reference=str(p))
                                                   for i, p in enumerate(paths)])


def test_the_limit_follows_the_adapter_and_the_registry_field(registry):
    veo, seedance, runway = registry.get("veo-3-1"), registry.get("seedance-2-0"), registry.get("runway-gen4-5")
    assert registry.reference_limit(veo, "direct") == 3  # the Veo adapter sends them itself
    assert registry.reference_limit(veo, "replicate") == 3  # the row names Replicate's field
    assert registry.reference_limit(veo, "fal") == 3  # through its reference-to-video endpoint (model_ref)
    assert registry.reference_limit(seedance, "direct") == 9
    assert registry.reference_limit(runway, "direct") == 0 and runway.references == 0
    assert registry.reference_limit(veo, None) == 0


def test_the_request_carries_the_pictures_up_to_the_limit(registry, pictures):
    shot = Shot(id="s1", visual_prompt="a baker", seconds=8)
    settings = get_settings()
    req = build_request(shot, Brief(goal="b", aspects=["16:9"]), registry, "veo-3-1", "direct", settings, look=look(*pictures))
    assert req.references == [str(p) for p in pictures[:3]]
    assert "references" not in req.params
    plain = build_request(shot, Brief(goal="b", aspects=["16:9"]), registry, "runway-gen4-5", "direct", settings, look=look(*pictures))
    assert plain.references == [] and "subject 0" in plain.prompt  # the words still reach every model


def test_a_request_the_vendor_cannot_take_pictures_with_carries_none(registry, pictures, tmp_path):
    settings, brief = get_settings(), Brief(goal="b", aspects=["16:9"])
    short = Shot(id="s1", visual_prompt="a baker", seconds=6)  # Veo takes references on 8 s clips only
    req = build_request(short, brief, registry, "veo-3-1", "direct", settings, look=look(pictures[0]))
    assert req.references == []
    other = build_request(short, brief, registry, "veo-3-1", "direct", settings, look=look(pictures[1]))
    assert cache_key(other, "direct") == cache_key(req, "direct")  # a picture never sent is never paid for again
    frame = tmp_path / "keyframe.png"
    Image.new("RGB", (64, 36), (9, 9, 9)).save(frame)
    framed = Shot(id="s2", visual_prompt="a baker", seconds=5, keyframe=str(frame))
    req = build_request(framed, brief, registry, "seedance-2-0", "direct", settings, look=look(pictures[0]))
    assert req.mode == "image-to-video" and req.references == []  # Ark never mixes a first frame and references
    assert build_request(framed.model_copy(update={"keyframe": None}), brief, registry, "seedance-2-0", "direct",
                         settings, look=look(pictures[0])).references == [str(pictures[0])]


def test_a_hosted_model_gets_them_in_its_field_only_on_requests_that_meet_its_conditions(registry, pictures, tmp_path):
    settings = get_settings()
    wide, tall = Brief(goal="b", aspects=["16:9"]), Brief(goal="b", aspects=["9:16"])
    eight, six = Shot(id="s1", visual_prompt="a baker", seconds=8), Shot(id="s2", visual_prompt="a baker", seconds=6)
    req = build_request(eight, wide, registry, "veo-3-1", "replicate", settings, look=look(pictures[0]))
    body = build_input(req, "replicate")
    assert body["reference_images"] == [f"data:image/png;base64,{base64.b64encode(pictures[0].read_bytes()).decode()}"]
    assert not any(k.startswith("_") for k in body)
    frame = tmp_path / "keyframe.png"
    Image.new("RGB", (64, 36), (9, 9, 9)).save(frame)
    for shot, brief in ((six, wide), (eight, tall), (eight.model_copy(update={"keyframe": str(frame)}), wide)):
        req = build_request(shot, brief, registry, "veo-3-1", "replicate", settings, look=look(pictures[0]))
        assert req.references == [] and "reference_images" not in build_input(req, "replicate")


def test_fal_sends_them_to_its_reference_to_video_endpoint_named_as_the_model_reads_them(registry, pictures):
    settings, brief = get_settings(), Brief(goal="b", aspects=["9:16"])
    kling = build_request(Shot(id="s1", visual_prompt="Marie bakes", seconds=5), brief, registry, "kling-v3-omni",
                          "fal", settings, look=look(*pictures[:2]))
    body = build_input(kling, "fal")
    assert kling.gateway_model == "fal-ai/kling-video/o3/pro/reference-to-video" and len(body["image_urls"]) == 2
    assert body["prompt"].endswith("the subjects look as in @Image1, @Image2")
    veo_short = build_request(Shot(id="s2", visual_prompt="Marie bakes", seconds=6), brief, registry, "veo-3-1",
                              "fal", settings, look=look(pictures[0]))
    assert veo_short.gateway_model == "fal-ai/veo3.1" and veo_short.references == []  # 8 s only


def test_the_cache_key_hashes_the_pictures_not_their_paths(registry, pictures, tmp_path):
    shot = Shot(id="s1", visual_prompt="a baker", seconds=8)
    settings, brief = get_settings(), Brief(goal="b", aspects=["16:9"])
    key = cache_key(build_request(shot, brief, registry, "veo-3-1", "direct", settings, look=look(pictures[0])),
                    "direct")
    moved = tmp_path / "elsewhere.png"
    shutil.copy(pictures[0], moved)
    same = build_request(shot, brief, registry, "veo-3-1", "direct", settings, look=look(moved))
    other = build_request(shot, brief, registry, "veo-3-1", "direct", settings, look=look(pictures[1]))
    none = build_request(shot, brief, registry, "veo-3-1", "direct", settings)
    assert cache_key(same, "direct") == key
    assert cache_key(other, "direct") != key and cache_key(none, "direct") != key


def test_a_new_picture_at_the_same_path_needs_a_new_approval(pictures):
    brief = Brief(goal="b", aspects=["16:9"])
    board = Storyboard(scenes=[Scene(index=1, narration="n", shots=[Shot(id="s1", visual_prompt="a baker", seconds=4)])],
                       look=look(pictures[0]))
    approval = approve(brief, board)
    assert not changed_since(approval, brief, board)
    Image.new("RGB", (32, 32), (0, 0, 0)).save(pictures[0])  # the user swaps the picture, same file name
    assert changed_since(approval, brief, board)
