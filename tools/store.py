"""Content-addressed asset store: the same request never pays or renders twice.

Files live in a local folder. With object storage (``REELFORGE_ASSET_STORE=s3://…``, see :mod:`tools.blobs`) the
folder is this machine's cache and the bucket is shared by every worker: ``put`` uploads the file and its record
(``assets/<key><suffix>`` and ``assets/<key>.json``), ``get`` fetches what another machine stored.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from reelforge.tools.production import Asset, stable_hash


class AssetStore:
    """Files under ``root/<key[:2]>/<key><suffix>`` with an ``<key>.json`` record of the :class:`Asset`."""

    def __init__(self, root: str | Path, blobs: Any = None) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.blobs = blobs  # tools.blobs.S3Blobs, or None for the local folder alone

    @staticmethod
    def key(*parts: object) -> str:
        """Cache key of a request: hash of (provider, model, normalised request, seed, input hashes...)."""
        return stable_hash(*parts)

    def _dir(self, key: str) -> Path:
        d = self.root / key[:2]
        d.mkdir(parents=True, exist_ok=True)
        return d

    def path_for(self, key: str, suffix: str) -> Path:
        """Where the file for ``key`` lives (whether or not it exists yet)."""
        return self._dir(key) / f"{key}{suffix}"

    def get(self, key: str) -> Asset | None:
        """The stored asset for ``key``, or None when missing or its file is gone."""
        rec = self._dir(key) / f"{key}.json"
        asset = None
        if rec.is_file():
            try:
                asset = Asset.model_validate_json(rec.read_text())
            except ValueError:
                asset = None
        if asset is not None and Path(asset.path).is_file():
            return asset
        return self._fetch(key) if self.blobs is not None else None

    def _fetch(self, key: str) -> Asset | None:
        """Another machine's asset from object storage, copied into this machine's folder."""
        raw = self.blobs.get_bytes(f"assets/{key}.json")
        if raw is None:
            return None
        try:
            asset = Asset.model_validate_json(raw)
        except ValueError:
            return None
        suffix = Path(asset.path).suffix
        dest = self.path_for(key, suffix)
        if not dest.is_file() and not self.blobs.get_file(f"assets/{key}{suffix}", dest):
            return None
        return self._record(asset.model_copy(update={"path": str(dest)}))

    def localize(self, asset: Asset) -> Asset:
        """``asset`` with a path on this machine (fetched from object storage when it was made elsewhere)."""
        if Path(asset.path).is_file():
            return asset
        found = self.get(asset.key)
        if found is None:
            raise FileNotFoundError(f"asset {asset.key} ({asset.kind}) is neither here nor in the shared store")
        return asset.model_copy(update={"path": found.path})

    def put(self, asset: Asset, src: str | Path | None = None) -> Asset:
        """Record ``asset`` (moving ``src`` into the store first, atomically) and return the stored copy."""
        if src is not None:
            dest = self.path_for(asset.key, Path(src).suffix or Path(asset.path).suffix)
            if Path(src).resolve() != dest.resolve():
                tmp = dest.with_name(dest.name + ".part")
                shutil.copyfile(src, tmp)
                os.replace(tmp, dest)
            asset = asset.model_copy(update={"path": str(dest)})
        asset = self._record(asset)
        if self.blobs is not None and Path(asset.path).is_file():  # the file first: a record always has its file
            self.blobs.put_file(f"assets/{asset.key}{Path(asset.path).suffix}", asset.path)
            self.blobs.put_bytes(f"assets/{asset.key}.json", asset.model_dump_json().encode())
        return asset

    def _record(self, asset: Asset) -> Asset:
        rec = self._dir(asset.key) / f"{asset.key}.json"
        fd, tmp_name = tempfile.mkstemp(dir=rec.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(asset.model_dump(mode="json"), fh, indent=1)
        os.replace(tmp_name, rec)
        return asset

    def publish(self, rel: str, src: str | Path, expires_s: int) -> str | None:
        """Upload a delivered file to object storage and return a presigned download link (None when local)."""
        if self.blobs is None:
            return None
        self.blobs.put_file(rel, src)
        return self.blobs.presign(rel, expires_s)

    def scratch(self, suffix: str = "") -> Path:
        """A fresh temporary file path inside the store (same filesystem, so moves are atomic)."""
        d = self.root / "tmp"
        d.mkdir(exist_ok=True)
        fd, name = tempfile.mkstemp(dir=d, suffix=suffix)
        os.close(fd)
        return Path(name)
