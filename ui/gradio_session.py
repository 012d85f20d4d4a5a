"""One browser session's view of a thread: chat messages, the pending storyboard, shot progress and outputs.

:class:`StudioView` folds :mod:`agent.events` into what the Gradio components show, so the handlers stay
thin and the folding can be tested without a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reelforge.agent.events import Event, PreviewEvent, VideoEvent
from reelforge.agent.review import StoryboardReview

MODELS_LINE = re.compile(r"^Models usable now:\s*(.+?)\.?$", re.MULTILINE)
STAGE_NAMES = {"voice": "Narration", "music": "Music", "assemble": "Assembly", "qc": "Quality check",
               "done": "Delivery", "plan": "Planning"}


@dataclass
class StudioView:
    """What one browser tab shows. Lives in ``gr.State``; never shared between sessions."""

    thread_id: str | None = None
    chat: list[dict[str, Any]] = field(default_factory=list)
    review: StoryboardReview | None = None  # awaiting the user's decision
    board: StoryboardReview | None = None  # the storyboard on screen (pending or approved)
    progress: dict[str, dict[str, Any]] = field(default_factory=dict)
    video: VideoEvent | None = None
    preview: PreviewEvent | None = None  # the animatic of the storyboard on screen (free, before approval)
    models: list[str] = field(default_factory=lambda: ["motion"])
    applied: dict[str, Any] = field(default_factory=dict)  # brief settings already sent for this thread
    _streaming: int | None = None

    def reset(self, thread_id: str | None = None) -> None:
        """Forget everything shown; start over on ``thread_id``."""
        self.__init__(thread_id=thread_id)  # type: ignore[misc]

    def say(self, role: str, text: str, title: str | None = None) -> None:
        """Append a chat message; ``title`` makes it a collapsed step (tool calls)."""
        msg: dict[str, Any] = {"role": role, "content": text}
        if title:
            msg["metadata"] = {"title": title, "status": "done"}
        self.chat.append(msg)

    def start_production(self) -> None:
        """An approval is on its way: the review closes and progress starts fresh."""
        self.review = None
        self.progress.clear()
        self.video = None

    def fallbacks(self) -> list[str]:
        return [key for key, row in self.progress.items() if row["status"] == "fell_back"]

    def progress_rows(self) -> list[dict[str, Any]]:
        return list(self.progress.values())

    def apply(self, ev: Event) -> None:
        """Fold one service event into the view."""
        if ev.type == "message_delta":
            if self._streaming is None:
                self.chat.append({"role": "assistant", "content": ""})
                self._streaming = len(self.chat) - 1
            self.chat[self._streaming]["content"] += ev.text
            return
        if ev.type == "message":
            if self._streaming is not None:
                self.chat[self._streaming]["content"] = ev.text
                self._streaming = None
            else:
                self.say(ev.role, ev.text)
            return
        self._streaming = None
        if ev.type == "tool":
            self._learn_models(ev.text)
            self.say("assistant", ev.text, title=f"{'⚙' if ev.ok else '⚠'} {ev.name.replace('_', ' ')}")
        elif ev.type == "progress":
            if self.review is not None:  # approved (also by a typed "approve")
                self.start_production()
            self._progress(ev.stage, ev.status, ev.percent, ev.shot_id, ev.message)
        elif ev.type == "storyboard":
            self.review = self.board = ev.review
            for scene in ev.review.scenes:
                for shot in scene.shots:
                    self._add_models([shot.model_id, *shot.fallbacks])
            self.say("assistant", f"Storyboard v{ev.review.version} is ready — review the scenes on the right, "
                                  "then approve or ask for changes.")
        elif ev.type == "video":
            self.video = ev
            self.review = None
        elif ev.type == "preview":
            self.preview = ev
            notes = "".join(f" ({n})" for n in ev.notes)
            self.say("assistant", f"▶ Preview of storyboard v{ev.storyboard_version} is ready ({ev.width}×{ev.height}, "
                                  f"{ev.duration_s:.0f} s, watermarked, free){notes} — it plays next to the storyboard.")
        elif ev.type == "error":
            self.say("assistant", f"⚠ {ev.message}")

    def load_history(self, items: list[dict[str, str]]) -> None:
        """Show a stored conversation (``AgentService.history`` items)."""
        for item in items:
            if item["role"] == "tool":
                self._learn_models(item["text"])
                self.say("assistant", item["text"], title=f"⚙ {item.get('name', 'tool').replace('_', ' ')}")
            else:
                self.say(item["role"], item["text"])

    def _progress(self, stage: str, status: str, percent: float, shot_id: str | None, message: str) -> None:
        if stage == "clips" and shot_id:
            key, item = shot_id, f"Shot {shot_id}"
        elif stage == "assemble" and message:
            key, item, message = f"assemble {message}", f"Assembly {message}", "one ffmpeg pass"
        elif stage == "qc" and message:
            key, item = f"qc {message}", f"Quality check {message}"
        else:
            key, item = stage, STAGE_NAMES.get(stage, stage.title())
        if stage in ("qc", "done"):
            if stage == "done":
                status, message = "done", "files and manifest written"
            for row in self.progress.values():  # a later stage means earlier work finished
                if row["status"] == "running" and row["key"] != key:
                    row.update(status="done", percent=100.0)
        self.progress[key] = {"key": key, "item": item, "stage": stage, "status": status,
                              "percent": percent, "message": message}

    def _learn_models(self, text: str) -> None:
        m = MODELS_LINE.search(text)
        if m:
            self._add_models([x.strip() for x in m.group(1).split(",")])

    def _add_models(self, ids: list[str]) -> None:
        for model_id in ids:
            if model_id and model_id not in self.models and model_id != "none":
                self.models.append(model_id)
