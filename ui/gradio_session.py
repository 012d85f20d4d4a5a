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
from reelforge.ui.wording import shot_model, shot_scene, split_jargon, step_name

MODELS_LINE = re.compile(r"^Models usable now:\s*(.+?)\.?$", re.MULTILINE)
STAGE_NAMES = {"voice": "Narration", "music": "Music", "assemble": "Putting it together", "qc": "Quality check",
               "done": "Delivery", "plan": "Planning"}
DETAILS = "Details"
#: Which part of the work column is current: the JS in the page scrolls it into view when it changes.
Step = str  # "start" | "storyboard" | "production" | "player"


@dataclass
class Delivered:
    """One delivered version of the video in this thread."""

    number: int  # 1, 2, … in delivery order
    storyboard_version: int | None
    video: VideoEvent
    change: str = ""  # what the follow-up that made it asked for

    @property
    def label(self) -> str:
        first = self.video.outputs[0] if self.video.outputs else None
        length = f" · {first.duration_s:.0f} s" if first else ""
        formats = ", ".join(o.aspect for o in self.video.outputs)
        cost = "free" if self.video.cost_usd <= 0 else f"${self.video.cost_usd:.2f}"
        what = f" — {self.change[:60]}" if self.change else ""
        return f"Version {self.number}{what} · {formats}{length} · {cost}"


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
    versions: list[Delivered] = field(default_factory=list)  # every delivery seen in this thread, oldest first
    shown: int | None = None  # the version in the player (its number); None: the latest
    compare: int | None = None  # a second version shown beside it
    player_open: bool = False  # the player is shown (a delivery, or a version reopened)
    _streaming: int | None = None
    _details: int | None = None  # the index of this turn's "Details" message

    @property
    def step(self) -> Step:
        """The current step of the work: what the page keeps in view."""
        if self.review is not None:
            return "storyboard"
        if self.progress and self.video is None:
            return "production"
        if self.video is not None:
            return "player"
        return "storyboard" if self.board is not None else "start"

    def shown_version(self) -> Delivered | None:
        """The version in the player: the one picked, else the latest."""
        for v in self.versions:
            if v.number == self.shown:
                return v
        return self.versions[-1] if self.versions else None

    def compared_version(self) -> Delivered | None:
        shown = self.shown_version()
        return next((v for v in self.versions if v.number == self.compare and v is not shown), None)

    def reset(self, thread_id: str | None = None) -> None:
        """Forget everything shown; start over on ``thread_id``."""
        self.__init__(thread_id=thread_id)  # type: ignore[misc]

    def say(self, role: str, text: str, title: str | None = None) -> None:
        """Append a chat message; ``title`` makes it a collapsed disclosure. A new user turn starts a new
        "Details" disclosure."""
        msg: dict[str, Any] = {"role": role, "content": text}
        if title:
            msg["metadata"] = {"title": title, "status": "done"}
        self.chat.append(msg)
        if role == "user":
            self._details = None

    def detail(self, text: str) -> None:
        """Add a line to this turn's collapsed "Details" (tool steps, ids, scores, paths)."""
        if not text.strip():
            return
        if self._details is None or self._details >= len(self.chat) or self._details != len(self.chat) - 1:
            self.say("assistant", text, title=DETAILS)
            self._details = len(self.chat) - 1
        else:
            self.chat[self._details]["content"] += "\n\n" + text

    def tell(self, text: str, role: str = "assistant") -> None:
        """A director's message: the plain part in the chat, any engine jargon in "Details"."""
        plain, tech = split_jargon(text) if role == "assistant" else (text, "")
        if plain:
            self.say(role, plain)
        self.detail(tech)

    def start_production(self) -> None:
        """An approval is on its way: the review closes and progress starts fresh."""
        self.review = None
        self.progress.clear()
        self.video = None
        self.player_open = False

    def fallbacks(self) -> list[str]:
        """The scenes that had to use a backup model, by name."""
        return [row["item"] for row in self.progress.values() if row["status"] == "fell_back"]

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
                plain, tech = split_jargon(ev.text) if ev.role == "assistant" else (ev.text, "")
                self.chat[self._streaming]["content"] = plain or "…"
                self._streaming = None
                self.detail(tech)
            else:
                self.tell(ev.text, ev.role)
            return
        self._streaming = None
        if ev.type == "tool":
            self._learn_models(ev.text)
            self.detail(f"{'' if ev.ok else '⚠ '}{step_name(ev.name)} ({ev.name}): {ev.text}")
        elif ev.type == "progress":
            if self.review is not None:  # approved (also by a typed "approve")
                self.start_production()
            self._progress(ev.stage, ev.status, ev.percent, ev.shot_id, ev.message)
        elif ev.type == "storyboard":
            self.review = self.board = ev.review
            self.player_open = False  # a new storyboard replaces the delivered video on screen
            for scene in ev.review.scenes:
                for shot in scene.shots:
                    self._add_models([shot.model_id, *shot.fallbacks])
            self.say("assistant", f"Storyboard v{ev.review.version} is ready — have a look at the scenes, then "
                                  "approve it or tell me what to change.")
        elif ev.type == "video":
            self.add_version(ev)
        elif ev.type == "preview":
            self.preview = ev
            notes = "".join(f" ({n})" for n in ev.notes)
            self.say("assistant", f"▶ Preview of storyboard v{ev.storyboard_version} is ready ({ev.width}×{ev.height}, "
                                  f"{ev.duration_s:.0f} s, watermarked, free){notes} — it plays with the storyboard.")
        elif ev.type == "error":
            self.say("assistant", f"⚠ {ev.message}")

    def add_version(self, video: VideoEvent) -> None:
        """A delivery: it becomes the newest version and is shown in the player."""
        self.video = video
        self.review = None
        number = len(self.versions) + 1
        self.versions.append(Delivered(number, self.board.version if self.board else None, video))
        self.shown, self.compare, self.player_open = number, None, True

    def load_deliveries(self, deliveries: list[Any]) -> None:
        """The thread's delivered versions (``Production.deliveries``), the latest in the player."""
        self.versions = [Delivered(d.number, d.storyboard_version, VideoEvent(
            outputs=d.outputs, manifest_path=d.manifest_path, qc_summary=d.qc_summary, cost_usd=d.cost_usd),
            d.change) for d in deliveries]
        if self.versions:
            self.video = self.versions[-1].video
            self.shown, self.compare = self.versions[-1].number, None
            self.player_open = self.review is None  # a storyboard awaiting review comes first

    def reopen(self, number: int | None) -> None:
        """Show version ``number`` in the player again."""
        if any(v.number == number for v in self.versions):
            self.shown, self.player_open = number, True
            if self.compare == number:
                self.compare = None

    def compare_with(self, number: int | None) -> None:
        """Show version ``number`` beside the one in the player (None or 0: stop comparing)."""
        self.compare = number if number and any(v.number == number for v in self.versions) else None
        if self.compare is not None:
            self.player_open = True

    def load_history(self, items: list[dict[str, str]]) -> None:
        """Show a stored conversation (``AgentService.history`` items)."""
        for item in items:
            if item["role"] == "tool":
                self._learn_models(item["text"])
                name = item.get("name", "tool")
                self.detail(f"{step_name(name)} ({name}): {item['text']}")
            else:
                self.tell(item["text"], item["role"])

    def _progress(self, stage: str, status: str, percent: float, shot_id: str | None, message: str) -> None:
        if stage == "clips" and shot_id:
            key, item = shot_id, shot_scene(shot_id, self.board)
            model = shot_model(shot_id, self.board)
            message = model if not message or message in self.models else split_jargon(message)[0]
        elif stage == "assemble" and message:
            key, item, message = f"assemble {message}", f"Putting it together · {message}", "one pass per format"
        elif stage == "qc" and message:
            key, item = f"qc {message}", f"Quality check · {message}"
        else:
            key, item, message = stage, STAGE_NAMES.get(stage, stage.title()), split_jargon(message)[0]
        if stage == "music" and message.startswith("procedural:"):
            message = f"made here · {message.removeprefix('procedural:')}"
        if stage in ("qc", "done"):
            if stage == "done":
                status, message = "done", "files ready to download"
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
