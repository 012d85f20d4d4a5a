"""The content-addressed asset store on an S3-compatible server (moto in server mode on loopback): what one
machine stores, another machine finds, without paying or rendering again; delivered files get a download link."""

from __future__ import annotations

from pathlib import Path

import httpx
from fakes.services import moto_endpoint, s3_store  # noqa: F401 - fixtures

from reelforge.tools.blobs import blob_store
from reelforge.tools.production import Asset, Provenance
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore
from reelforge.tools.studio import Studio


def test_asset_stored_on_one_machine_is_found_on_another(s3_store, tmp_path) -> None:  # noqa: F811
    settings = get_settings()
    here = AssetStore(tmp_path / "machine-a", blob_store(settings))
    there = AssetStore(tmp_path / "machine-b", blob_store(settings))
    src = tmp_path / "clip.mp4"
    src.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"x" * 4096)
    key = here.key("clip", "kling", "a drone shot", 7)
    stored = here.put(Asset(key=key, kind="clip", path=str(src), provenance=Provenance(source="fal", model="kling",
                                                                                   cost_usd=0.42)), src)
    assert there.get("missing-key") is None
    found = there.get(key)
    assert found is not None and found.path != stored.path and found.path.startswith(str(tmp_path / "machine-b"))
    assert Path(found.path).read_bytes() == src.read_bytes() and found.provenance.cost_usd == 0.42
    elsewhere = stored.model_copy(update={"path": "/gone/on/another/host.mp4"})
    assert there.localize(elsewhere).path == found.path


def test_delivered_file_gets_a_presigned_link(s3_store, tmp_path) -> None:  # noqa: F811
    store = Studio(get_settings()).store
    assert store.blobs is not None and s3_store == f"s3://{store.blobs.bucket}/assets-root"
    video = tmp_path / "teaser-1080x1920.mp4"
    video.write_bytes(b"video bytes")
    url = store.publish("outputs/web_abc/v1/teaser-1080x1920.mp4", video, expires_s=600)
    assert url and "Signature" in url
    assert httpx.get(url).content == b"video bytes"  # no credentials needed


def test_local_folder_stays_the_default(tmp_path) -> None:
    settings = get_settings()
    assert blob_store(settings) is None
    store = Studio(settings).store
    assert store.blobs is None and store.publish("x", tmp_path, 60) is None
