"""Content-addressed asset store: the same request never pays or renders twice."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from reelforge.tools.production import Asset, stable_hash


class AssetStore:
    """Files under ``root/<key[:2]>/<key><suffix>`` with an ``<key>.json`` record of the :class:`Asset`."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

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
        if not rec.is_file():
            return None
        try:
            asset = Asset.model_validate_json(rec.read_text())
        except ValueError:
            return None
        return asset if Path(asset.path).is_file() else None

    def put(self, asset: Asset, src: str | Path | None = None) -> Asset:
        """Record ``asset`` (moving ``src`` into the store first, atomically) and return the stored copy."""
        if src is not None:
            dest = self.path_for(asset.key, Path(src).suffix or Path(asset.path).suffix)
            if Path(src).resolve() != dest.resolve():
                tmp = dest.with_name(dest.name + ".part")
                shutil.copyfile(src, tmp)
                os.replace(tmp, dest)
            asset = asset.model_copy(update={"path": str(dest)})
        rec = self._dir(asset.key) / f"{asset.key}.json"
        fd, tmp_name = tempfile.mkstemp(dir=rec.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(asset.model_dump(mode="json"), fh, indent=1)
        os.replace(tmp_name, rec)
        return asset

    def scratch(self, suffix: str = "") -> Path:
        """A fresh temporary file path inside the store (same filesystem, so moves are atomic)."""
        d = self.root / "tmp"
        d.mkdir(exist_ok=True)
        fd, name = tempfile.mkstemp(dir=d, suffix=suffix)
        os.close(fd)
        return Path(name)
