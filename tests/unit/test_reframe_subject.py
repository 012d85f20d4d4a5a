"""Subject-aware reframing: a crop between aspect ratios follows the subject; the blurred fill is used only
when the subject cannot fit."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from reelforge.tools.assembly.formats import cover_crop, reframe_mode
from reelforge.tools.assembly.subject import faces, find_subject, with_subjects
from reelforge.tools.production import Timeline, TimelineClip


def picture(tmp_path, box: tuple[int, int, int, int], size=(640, 360)) -> str:
    img = Image.new("RGB", size, (40, 60, 80))
    ImageDraw.Draw(img).ellipse(box, fill=(250, 220, 40), outline=(255, 255, 255), width=4)
    path = tmp_path / "shot.png"
    img.save(path)
    return str(path)


def test_the_salient_subject_is_found_where_it_is(tmp_path):
    box, how = find_subject(picture(tmp_path, (480, 120, 600, 240)), is_image=True)
    assert how == "salient"
    assert box[0] > 0.55 and box[2] <= 1.0 and box[1] < 0.5 < box[3]


def test_the_crop_moves_to_the_subject_and_stays_inside_the_picture():
    assert cover_crop(1920, 1080, 1080, 1920) == (608, 1080, 656, 0)  # no subject known: centred
    w, h, x, y = cover_crop(1920, 1080, 1080, 1920, [0.8, 0.3, 0.9, 0.6])
    assert (w, h) == (608, 1080) and x == 1920 - 608  # pushed right, clamped to the edge
    w, h, x, y = cover_crop(1920, 1080, 1080, 1920, [0.1, 0.3, 0.2, 0.6])
    assert x == 0


def test_fill_only_when_the_subject_cannot_fit():
    assert reframe_mode(1920, 1080, 1080, 1920, [0.3, 0.2, 0.45, 0.8]) == "crop"
    assert reframe_mode(1920, 1080, 1080, 1920, [0.1, 0.2, 0.9, 0.8]) == "fill"  # wider than a 9:16 window
    assert cover_crop(1920, 1080, 1080, 1920, [0.1, 0.2, 0.9, 0.8]) is None
    # a portrait source into landscape crops when the faces fit (without a subject it fills: heads get cut)
    assert reframe_mode(1080, 1920, 1920, 1080) == "fill"
    assert reframe_mode(1080, 1920, 1920, 1080, [0.3, 0.1, 0.7, 0.3]) == "crop"


def test_no_faces_in_a_plain_picture():
    assert faces(np.full((180, 320), 128, np.uint8)) == []


def test_subjects_are_located_only_where_a_format_must_crop(tmp_path):
    path = picture(tmp_path, (480, 120, 600, 240))
    clip = TimelineClip(shot_id="s1", path=path, start=0, duration=1, is_image=True)
    drawn = clip.model_copy(update={"shot_id": "s2", "variants": {"9:16": path}})
    tl = with_subjects(Timeline(duration_s=2, clips=[clip, drawn]), ["16:9", "9:16"])
    assert tl.clips[0].focus is not None and tl.clips[1].focus is None
    assert tl.for_aspect("9:16").clips[1].focus is None
