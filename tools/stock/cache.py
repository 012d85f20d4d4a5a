"""A 24-hour cache of stock search responses on disk.

Pixabay's API terms require caching responses for 24 hours (and forbid permanent hotlinking, so
files are downloaded into the asset store, not linked); Pexels and Openverse rate limits make the
same cache worthwhile. Cache keys never contain credentials: secret parameters are dropped before
hashing and only the response body is written.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from reelforge.tools.production import stable_hash

DAY_S = 24 * 3600.0
SECRET_PARAMS = frozenset({"key", "api_key", "apikey", "token", "access_token", "client_secret"})


class ResponseCache:
    """JSON responses under ``root/<provider>/<hash>.json``, fresh for ``ttl_s`` seconds."""

    def __init__(self, root: str | Path, *, ttl_s: float = DAY_S, clock: Any = time.time) -> None:
        self.root = Path(root)
        self.ttl_s = ttl_s
        self.clock = clock

    @staticmethod
    def key(provider: str, path: str, params: dict[str, Any]) -> str:
        """Hash of the request without any credential parameter."""
        clean = {k: str(v) for k, v in sorted(params.items()) if k.lower() not in SECRET_PARAMS}
        return stable_hash(provider, path, clean)

    def _file(self, provider: str, key: str) -> Path:
        return self.root / provider / f"{key}.json"

    def get(self, provider: str, path: str, params: dict[str, Any]) -> Any | None:
        """The cached body, or None when missing, unreadable or older than the TTL."""
        f = self._file(provider, self.key(provider, path, params))
        try:
            rec = json.loads(f.read_text())
        except (OSError, ValueError):
            return None
        if self.clock() - float(rec.get("fetched_at", 0)) > self.ttl_s:
            return None
        return rec.get("body")

    def put(self, provider: str, path: str, params: dict[str, Any], body: Any) -> None:
        """Store ``body`` atomically."""
        f = self._file(provider, self.key(provider, path, params))
        f.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=f.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump({"fetched_at": self.clock(), "body": body}, fh)
        os.replace(tmp, f)

    def purge(self) -> int:
        """Delete expired entries; returns how many were removed."""
        removed = 0
        for f in self.root.glob("*/*.json"):
            try:
                stale = self.clock() - float(json.loads(f.read_text()).get("fetched_at", 0)) > self.ttl_s
            except (OSError, ValueError):
                stale = True
            if stale:
                f.unlink(missing_ok=True)
                removed += 1
        return removed
