"""Repeated deliveries (Slack retries, a double-clicked button, a re-sent request) are processed once,
across processes and restarts: event ids are claimed in a small SQLite table in ``REELFORGE_HOME``."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

KEEP_S = 7 * 24 * 3600  # long past any platform's retry window


class SeenEvents:
    """``claim(event_id)`` is True exactly once per id for every process sharing the data directory."""

    def __init__(self, path: str | Path, keep_s: float = KEEP_S) -> None:
        self.path = Path(path)
        self.keep_s = keep_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.execute("CREATE TABLE IF NOT EXISTS seen_events (id TEXT PRIMARY KEY, at REAL NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    def claim(self, event_id: str) -> bool:
        """Record ``event_id``; False when it was already recorded (a duplicate)."""
        now = time.time()
        db = self._connect()
        try:
            cur = db.execute("INSERT OR IGNORE INTO seen_events (id, at) VALUES (?, ?)", (event_id, now))
            first = cur.rowcount == 1
            if first and int(now) % 64 == 0:  # prune now and then
                db.execute("DELETE FROM seen_events WHERE at < ?", (now - self.keep_s,))
            return first
        finally:
            db.close()
