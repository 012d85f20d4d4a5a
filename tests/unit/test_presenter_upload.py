"""User-provided presenter: upload validation, consent, and per-format picture-in-picture overlays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from reelforge.tools.media import run_ffmpeg
from reelforge.tools.presenter import (
    PLACEMENT,
    PresenterError,
    presenter_asset,
    presenter_overlay,
    sniff,
    validate_upload,
)
from reelforge.tools.production import Consent
from reelforge.tools.store import AssetStore

CONSENT = Consent(text="I am the person in this photo and agree to its use as a presenter.", affirmed_by="ada")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("presenter")
    photo = d / "me.jpg"
    Image.new("RGB", (240, 320), (200, 120, 90)).save(photo, "JPEG")
    video = d / "me.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x160:r=10:d=2", "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", str(video)], what="presenter test clip")
    text = d / "notes.jpg"
    text.write_text("this is not a picture at all, whatever its name says")
    broken = d / "broken.jpg"
    broken.write_bytes(photo.read_bytes()[:200])
    fake_mp4 = d / "fake.mp4"
    fake_mp4.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00garbage" * 200)
    return {"photo": photo, "video": video, "text": text, "broken": broken, "fake_mp4": fake_mp4}


def test_presenter_sniffs_magic_bytes_not_names():
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\x00\x00\x00\x20ftypqt  ") == "video/quicktime"
    assert sniff(b"\x1a\x45\xdf\xa3abc") == "video/webm"
    assert sniff(b"GIF89a") is None


def test_presenter_accepts_a_photo_and_a_short_video(media):
    photo = validate_upload(media["photo"])
    assert (photo.kind, photo.mime, photo.width, photo.height) == ("image", "image/jpeg", 240, 320)
    video = validate_upload(media["video"])
    assert video.kind == "video" and abs(video.duration_s - 2.0) < 0.2 and video.width == 160


@pytest.mark.parametrize(("name", "kw", "message"), [
    ("text", {}, "is not an image or a video"),
    ("broken", {}, "corrupt"),
    ("fake_mp4", {}, "corrupt"),
    ("photo", {"max_image_bytes": 500}, "may be at most"),
    ("video", {"max_video_s": 1.0}, "a presenter video may be at most 1 s"),
])
def test_presenter_refuses_bad_uploads_with_their_own_message(media, name, kw, message):
    with pytest.raises(PresenterError, match=message):
        validate_upload(media[name], **kw)


def test_presenter_refuses_missing_and_empty_files(tmp_path):
    with pytest.raises(PresenterError, match="not found"):
        validate_upload(tmp_path / "nope.png")
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(PresenterError, match="is empty"):
        validate_upload(tmp_path / "empty.png")


def test_presenter_requires_consent_and_records_it(media, isolated_home):
    store = AssetStore(isolated_home / "store")
    with pytest.raises(PresenterError, match="consent is required"):
        presenter_overlay(media["photo"], None, "16:9", store=store)
    with pytest.raises(PresenterError, match="who agreed"):
        presenter_asset(media["photo"], Consent(text="ok", affirmed_by=" "), store=store)
    asset = presenter_asset(media["photo"], CONSENT, store=store)
    assert asset.provenance.source == "user" and asset.provenance.consent == CONSENT
    record = json.loads(Path(asset.path).with_suffix(".json").read_text())
    assert record["provenance"]["consent"]["affirmed_by"] == "ada"
    assert Path(asset.path).read_bytes() == media["photo"].read_bytes() and asset.path.endswith(".jpg")


def test_presenter_overlay_defaults_per_format(media, isolated_home):
    store = AssetStore(isolated_home / "store")
    wide = presenter_overlay(media["photo"], CONSENT, "16:9", store=store)
    tall = presenter_overlay(media["video"], CONSENT, "9:16", store=store, start=0.5, duration=1.0)
    assert (wide.corner, wide.shape, wide.scale, wide.is_image) == (*PLACEMENT["16:9"][:2], 0.28, True)
    assert (tall.corner, tall.shape, tall.is_image) == ("top-left", "circle", False)
    assert (tall.start, tall.duration) == (0.5, 1.0) and Path(tall.path).is_file()
    square = presenter_overlay(media["photo"], CONSENT, "1:1", store=store, corner="bottom-left", shape="rect")
    assert (square.corner, square.shape) == ("bottom-left", "rect")
    with pytest.raises(PresenterError, match="unknown aspect"):
        presenter_overlay(media["photo"], CONSENT, "3:2", store=store)


def test_overlay_spans_leave_out_shots_an_avatar_presents():
    from reelforge.tools.presenter import overlay_spans
    from reelforge.tools.production import TimelineClip

    clips = [TimelineClip(shot_id=s, path=f"{s}.mp4", start=a, duration=d)
             for s, a, d in (("s1", 0, 3.2), ("s2", 3.0, 4.2), ("s3", 7.0, 3.0))]
    assert overlay_spans(clips, 10.0, set()) == [(0.0, 10.0)]
    assert overlay_spans(clips, 10.0, {"s2"}) == [(0.0, 3.0), (7.2, 2.8)]
    assert overlay_spans(clips, 10.0, {"s1", "s2", "s3"}) == []
    assert overlay_spans(clips, 10.0, {"s3"}) == [(0.0, 7.0)]
