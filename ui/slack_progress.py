"""One status message per run, edited in place at a rate Slack accepts (updates in between are coalesced)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from reelforge.agent.events import Progress
from reelforge.agent.review import StoryboardReview
from reelforge.ui.wording import shot_scene, split_jargon

MIN_INTERVAL_S = 1.0  # chat.update is rate-limited (Tier 3); one edit a second is safe
MAX_LINES = 12
STAGES = {"voice": "Narration", "music": "Music", "assemble": "Putting it together", "qc": "Quality check",
          "done": "Delivery"}


class StatusMessage:
    """Posts the status on the first update, then ``chat.update``s it at most once per ``min_interval``;
    the latest text always wins and :meth:`finish` flushes it."""

    def __init__(self, client: Any, channel: str, thread_ts: str, *, min_interval: float = MIN_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic, review: StoryboardReview | None = None) -> None:
        self.client = client
        self.review = review  # names the scenes ("Scene 2 · The loaf") instead of shot ids
        self.channel = channel
        self.thread_ts = thread_ts
        self.min_interval = min_interval
        self.clock = clock
        self.ts: str | None = None
        self._lines: dict[tuple[str, str | None], str] = {}
        self._shown = ""
        self._pending = ""
        self._last = float("-inf")

    def progress(self, ev: Progress) -> None:
        """Record one progress event and maybe edit the message."""
        where = shot_scene(ev.shot_id, self.review) if ev.shot_id else STAGES.get(ev.stage, ev.stage)
        message = "" if ev.shot_id else split_jargon(ev.message)[0]
        self._lines[(ev.stage, ev.shot_id)] = (f"• {where}: {ev.status.replace('_', ' ')}"
                                               + (f" — {message}" if message else ""))
        lines = list(self._lines.values())[-MAX_LINES:]
        self.set(":hourglass_flowing_sand: *Producing your video…*\n" + "\n".join(lines))

    def set(self, text: str) -> None:
        self._pending = text
        if self.clock() - self._last >= self.min_interval:
            self._flush()

    def finish(self, text: str | None = None) -> None:
        """Show ``text`` (or the last pending text) now, whatever the rate."""
        if text is not None:
            if self.ts is None and not self._lines:
                return  # nothing was ever shown: no status message needed
            self._pending = text
        self._flush()

    def _flush(self) -> None:
        if not self._pending or self._pending == self._shown:
            return
        text = self._pending
        if self.ts is None:
            resp = self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts, text=text)
            self.ts = resp["ts"]
        else:
            self.client.chat_update(channel=self.channel, ts=self.ts, text=text)
        self._shown = text
        self._last = self.clock()
