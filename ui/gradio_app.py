"""The Gradio studio: chat with the director, tune the brief, review the storyboard, watch production, download.

Everything goes through one :class:`agent.service.AgentService` per process (opened lazily on Gradio's event
loop). Handlers are async generators that fold service events into a :class:`StudioView` and stream the
components. Named API endpoints (``/send``, ``/approve``, ``/edit_scene``, ``/regenerate``, ``/change_model``,
``/regenerate_scene``, ``/set_kind``, ``/reject``, ``/preview``, ``/threads``, ``/open_thread``, ``/new_video``,
``/show_version``, ``/compare_version``) make every step scriptable with ``gradio_client``.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from reelforge.agent.events import ErrorEvent, Event, PreviewEvent, VideoEvent, error_event  # noqa: E402
from reelforge.agent.review import ReviewDecision, StoryboardReview  # noqa: E402
from reelforge.agent.service import AgentService  # noqa: E402
from reelforge.tools.owners import web_owner  # noqa: E402
from reelforge.tools.production import FORMATS, SHOT_KINDS  # noqa: E402
from reelforge.tools.settings import Settings, get_settings  # noqa: E402
from reelforge.ui.gradio_brief import (  # noqa: E402
    DEFAULT_CONSENT,
    MUSIC_CHOICES,
    PREFERENCE_CHOICES,
    PRESENTER,
    PRESENTER_CONSENT,
    PRESENTER_SUFFIXES,
    VOICE_CHOICES,
    VOICE_SAMPLE,
    InputError,
    changed,
    message_parts,
    settings_patch,
)
from reelforge.ui.gradio_delivery import Delivery  # noqa: E402
from reelforge.ui.gradio_render import delivery_markdown, download_label, progress_html, step_marker, storyboard_html  # noqa: E402
from reelforge.ui.gradio_session import StudioView  # noqa: E402
from reelforge.ui.gradio_theme import CSS, HEAD, HEADER, MODELS_AND_KEYS, theme  # noqa: E402

DOC_TYPES = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".rst"]
PLACEHOLDER = ("Describe your video — e.g. “a 20 second teaser for our coffee shop, upbeat” — paste an article "
               "URL, or attach a script or outline.")
MAX_SLIDER_S = 300
MAX_DOWNLOADS = 12  # download buttons: an MP4 per format, captions, timeline, thumbnail, credits, manifest
NOT_YOURS = "You have no video with that id."  # the same words whether the thread is someone else's or absent
Stream = Callable[[AgentService, str], AsyncIterator[Event]]


def parse_users(spec: str) -> list[tuple[str, str]]:
    """``"alice:pw,bob:pw2"`` → ``[("alice", "pw"), ("bob", "pw2")]``; raises ``ValueError`` in plain words."""
    users = []
    for item in (p.strip() for p in spec.split(",")):
        if not item:
            continue
        name, sep, password = item.partition(":")
        if not sep or not name.strip() or not password:
            raise ValueError("REELFORGE_UI_USERS must look like 'alice:password,bob:password2'")
        users.append((name.strip(), password))
    if not users:
        raise ValueError("REELFORGE_UI_USERS is set but names no user")
    return users


class ServiceHolder:
    """Opens the AgentService once, on the event loop that runs the handlers, and closes it on shutdown."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stack: AsyncExitStack | None = None
        self._service: AgentService | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    async def get(self) -> AgentService:
        if self._service is None:
            self._lock = self._lock or asyncio.Lock()
            async with self._lock:
                if self._service is None:
                    stack = AsyncExitStack()
                    self._service = await stack.enter_async_context(AgentService.open(self.settings))
                    self._stack, self._loop = stack, asyncio.get_running_loop()
        return self._service

    def close(self, timeout: float = 10.0) -> None:
        """Close the checkpointer from any thread (its connection thread would keep the process alive)."""
        stack, loop = self._stack, self._loop
        self._stack = self._service = None
        if stack is None or loop is None or loop.is_closed():
            return
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(stack.aclose(), loop).result(timeout)
        else:
            loop.run_until_complete(stack.aclose())


def _plain_validation(exc: ValidationError) -> str:
    return "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())


def decision_line(decision: ReviewDecision) -> str:
    """The user's line in the chat for a decision made with the review buttons."""
    scene = decision.scene
    match decision.action:
        case "approve":
            return "✓ Approved"
        case "edit":
            return f"✎ Edit scene {scene}: {decision.instruction}"
        case "model":
            return f"⇄ Scene {scene}: use {decision.model_id}"
        case "kind":
            return f"◧ Scene {scene}: {decision.kind}"
        case "regenerate":
            return f"↻ Regenerate scene {scene}" if scene else "↻ Regenerate the storyboard"
        case "reject":
            return f"✗ Rejected: {decision.feedback or 'no reason given'}"
    return f"✎ {decision.describe()}"  # the actions the buttons do not make (remove, move, look, ...)


def login_of(request: gr.Request | None) -> str | None:
    """The signed-in studio user, or None when the studio runs without logins."""
    return getattr(request, "username", None) if request is not None else None


def downloads(video: VideoEvent | None) -> list[str]:
    """The MP4s, captions, timeline, thumbnail and manifest of a delivery (existing files only)."""
    if video is None:
        return []
    paths = [o.path for o in video.outputs]
    if video.manifest_path and Path(video.manifest_path).is_file():
        try:
            sidecars = json.loads(Path(video.manifest_path).read_text()).get("sidecars", {})
        except (OSError, ValueError):
            sidecars = {}
        paths += [str(p) for p in sidecars.values()] + [video.manifest_path]
    return [p for p in dict.fromkeys(paths) if Path(p).is_file()]


class StudioApp:
    """Builds the Blocks app and holds its handlers."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.settings.ensure_dirs()
        self.services = ServiceHolder(self.settings)
        self.delivery = Delivery()

    # --- rendering ----------------------------------------------------------------------------------

    def outputs(self, view: StudioView) -> tuple[Any, ...]:
        """Values for :attr:`out` in order. The work column follows the work: the storyboard while it is
        reviewed, production while it runs, the player once delivered, and the versions to go back to."""
        step = view.step
        shown = view.shown_version() if view.player_open else None
        outs = [o for o in (shown.video.outputs if shown else []) if Path(o.path).is_file()]
        players = [gr.update(value=self.delivery.serve(o.path), visible=True,
                             label=f"{o.aspect} · {o.width}×{o.height}") for o in outs[:len(FORMATS)]]
        players += [gr.update(value=None, visible=False)] * (len(FORMATS) - len(players))
        other = view.compared_version() if shown else None
        first = other.video.outputs[0] if other and other.video.outputs else None
        compare = (gr.update(value=self.delivery.serve(first.path), visible=True,
                             label=f"Version {other.number} · {first.aspect}")
                   if other and first and Path(first.path).is_file() else gr.update(value=None, visible=False))
        files = downloads(shown.video) if shown else []
        buttons = [gr.update(value=self.delivery.serve(f), label=download_label(f, outs), visible=True)
                   for f in files[:MAX_DOWNLOADS]]
        buttons += [gr.update(value=None, visible=False)] * (MAX_DOWNLOADS - len(buttons))
        delivered = step == "player" or shown is not None
        board_label = (f"Storyboard v{view.board.version}" + (" · approved" if view.review is None else "")
                       if view.board else "Storyboard")
        choices = [(v.label, v.number) for v in reversed(view.versions)]
        compare_choices = [("Nothing", 0), *choices]
        return (
            view, view.chat, storyboard_html(view.board, pending=view.review is not None),
            gr.update(label=board_label, open=step in ("start", "storyboard", "production") or not delivered),
            gr.update(visible=view.review is not None), gr.update(choices=view.models),
            progress_html(view.progress_rows()),
            gr.update(visible=bool(view.progress) and step != "storyboard", open=step == "production"),
            gr.update(visible=shown is not None), *players, compare, *buttons,
            delivery_markdown(shown.video, view.fallbacks(), shown.number) if shown else "",
            gr.update(visible=bool(view.versions)),
            gr.update(choices=choices, value=shown.number if shown else None),
            gr.update(choices=compare_choices, value=other.number if other else 0),
            step_marker(step, len(view.chat), view.board.version if view.board else 0),
        )

    # --- driving the service ------------------------------------------------------------------------

    async def _drive(self, view: StudioView, stream: Stream, request: gr.Request | None
                     ) -> AsyncIterator[tuple[Any, ...]]:
        """Run one service call for the signed-in owner, yielding the components after each event; errors
        become chat lines. A thread that is not the caller's is refused before anything runs."""
        yield self.outputs(view)
        login = login_of(request)
        try:
            svc = await self.services.get()
            if view.thread_id is None:
                view.thread_id = await svc.new_thread(origin="web", user=login, owner=web_owner(login))
            elif not await svc.may_act(view.thread_id, web_owner(login)):
                view.apply(ErrorEvent(message=NOT_YOURS))
                yield self.outputs(view)
                return
            async for ev in stream(svc, view.thread_id):
                view.apply(ev)
                yield self.outputs(view)
            view.review = await svc.pending(view.thread_id)
            view.board = view.review or view.board
        except Exception as exc:  # noqa: BLE001 - the user gets plain words, never a traceback
            view.apply(error_event(exc, "talking to the director"))
        yield self.outputs(view)

    async def send(self, message: Any, aspects: list[str], duration: float, budget: float, preference: str,
                   voice: str, music: str, sample: str | None, consent_ok: bool, consent_text: str,
                   view: StudioView, request: gr.Request, presenter: str | None = None,
                   presenter_ok: bool = False, presenter_text: str = "") -> AsyncIterator[tuple[Any, ...]]:
        """A chat turn: text, attached script/outline files, an optional voice sample or presenter picture (each
        with consent), and changed settings."""
        text, files = message_parts(message)
        owner = web_owner(login_of(request))
        try:
            extra, consent_line = VOICE_SAMPLE.attach(sample, consent_ok, consent_text, by=owner)
            pictures, presenter_line = PRESENTER.attach(presenter, presenter_ok, presenter_text, by=owner)
            extra += pictures
            consent_line = " ".join(p for p in (consent_line, presenter_line) if p)
        except InputError as exc:
            view.say("assistant", f"⚠ {exc}")
            yield (*self.outputs(view), gr.update(), gr.update())
            return
        if not (text or files or extra):
            yield (*self.outputs(view), gr.update(), gr.update())
            return
        names = [Path(f).name for f in files] + [Path(f.path).name for f in extra]
        shown = "\n".join([text, *(f"Attached: {name}" for name in names)]).strip()
        view.say("user", shown)
        body = "\n".join(p for p in (text, consent_line) if p)
        patch: dict[str, Any] = {}
        if view.review is None:  # while a storyboard is pending the text is a review decision
            patch = changed(settings_patch(aspects, duration, budget, preference, voice, music), view.applied)
            view.applied.update(patch)

        def stream(svc: AgentService, tid: str) -> AsyncIterator[Event]:
            return svc.send(tid, body, attachments=[*files, *extra], brief_patch=patch or None)

        first, before = True, view.preview
        async for out in self._drive(view, stream, request):  # "preview" typed in the chat plays as the button's
            yield (*out, self.preview_player(view, before), gr.update(value=None) if first else gr.update())
            first = False

    async def _decide(self, view: StudioView, request: gr.Request | None, scene: float | None = None,
                      **fields: str | None) -> AsyncIterator[tuple[Any, ...]]:
        """A review button's decision: the scene picker's number (none when empty or 0) and the button's
        fields (an empty input counts as ''); refused in plain words when it is incomplete."""
        try:
            decision = ReviewDecision(scene=int(scene) if scene else None, **{k: v or "" for k, v in fields.items()})
        except ValidationError as exc:
            view.say("assistant", f"⚠ {_plain_validation(exc)}")
            yield self.outputs(view)
            return
        if view.thread_id is None:
            view.say("assistant", "⚠ There is no storyboard to review yet — describe your video first.")
            yield self.outputs(view)
            return
        view.say("user", decision_line(decision))
        if decision.action == "approve":
            view.start_production()
        view.review = None

        def stream(svc: AgentService, tid: str) -> AsyncIterator[Event]:
            return svc.resume(tid, decision)

        async for out in self._drive(view, stream, request):
            yield out

    async def preview(self, view: StudioView, request: gr.Request | None = None) -> AsyncIterator[tuple[Any, ...]]:
        """A free animatic of the storyboard on screen (360p, watermarked), played next to it; nothing changes."""
        if view.thread_id is None:
            view.say("assistant", "⚠ There is no storyboard to preview yet — describe your video first.")
            yield (*self.outputs(view), gr.update())
            return
        view.say("user", "▶ Preview")

        def stream(svc: AgentService, tid: str) -> AsyncIterator[Event]:
            return svc.preview(tid)

        async for out in self._drive(view, stream, request):
            yield (*out, self.preview_player(view))

    def preview_player(self, view: StudioView, before: PreviewEvent | None = None) -> Any:
        """The preview player's update: the storyboard's newest preview (one made since ``before``, when given),
        served and shown next to the storyboard; no change when there is none."""
        made = view.preview
        if made is None or made is before or not Path(made.path).is_file():
            return gr.update()
        return gr.update(value=self.delivery.serve(made.path), visible=True,
                         label=f"Preview of v{made.storyboard_version} (360p, free)")

    async def approve(self, view: StudioView, request: gr.Request | None = None) -> AsyncIterator[tuple[Any, ...]]:
        """Approve the storyboard: production starts and streams its progress."""
        async for out in self._decide(view, request, action="approve"):
            yield out

    async def edit_scene(self, scene: float | None, instruction: str, view: StudioView,
                         request: gr.Request | None = None) -> AsyncIterator[tuple[Any, ...]]:
        """Re-plan one scene from an instruction."""
        async for out in self._decide(view, request, scene, action="edit", instruction=instruction):
            yield out

    async def regenerate(self, view: StudioView, request: gr.Request | None = None
                         ) -> AsyncIterator[tuple[Any, ...]]:
        """Plan the whole storyboard again."""
        async for out in self._decide(view, request, action="regenerate"):
            yield out

    async def regenerate_scene(self, scene: float | None, view: StudioView, request: gr.Request | None = None
                               ) -> AsyncIterator[tuple[Any, ...]]:
        """A fresh take of one scene (new seed; the other scenes are kept)."""
        if not scene:
            view.say("assistant", "⚠ Give the number of the scene to regenerate.")
            yield self.outputs(view)
            return
        async for out in self._decide(view, request, scene, action="regenerate"):
            yield out

    async def change_model(self, scene: float | None, model_id: str, view: StudioView,
                           request: gr.Request | None = None) -> AsyncIterator[tuple[Any, ...]]:
        """Force a model for one scene."""
        async for out in self._decide(view, request, scene, action="model", model_id=model_id):
            yield out

    async def set_kind(self, scene: float | None, kind: str, view: StudioView, request: gr.Request | None = None
                       ) -> AsyncIterator[tuple[Any, ...]]:
        """Mark one scene presenter / stock / generated (it is re-routed to a matching source)."""
        async for out in self._decide(view, request, scene, action="kind", kind=kind):
            yield out

    async def voices(self, current: str | None, request: gr.Request | None = None) -> Any:
        """Fill the voice picker from the studio's voices (offline engines, ElevenLabs, this user's consented
        clones)."""
        try:
            found = await (await self.services.get()).voices(owner=web_owner(login_of(request)))
        except Exception:  # noqa: BLE001 - the picker keeps its built-in choices
            return gr.update()
        choices = []
        for v in found:
            label = v["name"] if v["id"] == "auto" else f"{v['name']} ({v['id']})"
            if not v["available"]:
                label += " — not installed"
            choices.append((label, v["id"]))
        ids = {vid for _, vid in choices}
        if current and current not in ids:
            choices.append((current, current))
        return gr.update(choices=choices, value=current or "auto")

    async def reject(self, feedback: str, view: StudioView, request: gr.Request | None = None
                     ) -> AsyncIterator[tuple[Any, ...]]:
        """Reject the storyboard with feedback for the director."""
        async for out in self._decide(view, request, action="reject", feedback=feedback):
            yield out

    # --- threads ------------------------------------------------------------------------------------

    async def threads(self, view: StudioView, request: gr.Request | None = None) -> Any:
        """The signed-in user's own threads (the local user's without logins), most recent first."""
        try:
            svc = await self.services.get()
            infos = await svc.threads(owner=web_owner(login_of(request)))
        except Exception as exc:  # noqa: BLE001
            view.apply(error_event(exc, "listing your videos"))
            return gr.update()
        choices = []
        for t in infos:
            flag = " · awaiting review" if t.pending_review else " · interrupted" if t.interrupted else ""
            choices.append((f"{t.title[:60]} — {t.status}{flag} ({t.thread_id})", t.thread_id))
        ids = [tid for _, tid in choices]
        return gr.update(choices=choices, value=view.thread_id if view.thread_id in ids else None)

    async def open_thread(self, thread_id: str | None, view: StudioView, request: gr.Request | None = None
                          ) -> AsyncIterator[tuple[Any, ...]]:
        """Load one of the user's past threads: its conversation, the pending storyboard or its delivered
        videos; finish a run that was interrupted. Another user's thread id is refused."""
        if not thread_id or thread_id == view.thread_id:
            yield (*self.outputs(view), *[gr.update()] * 6)
            return
        try:
            svc = await self.services.get()
            mine = await svc.may_act(thread_id, web_owner(login_of(request)))
        except Exception as exc:  # noqa: BLE001
            view.apply(error_event(exc, "opening that thread"))
            mine = False
        if not mine:
            view.apply(ErrorEvent(message=NOT_YOURS))
            yield (*self.outputs(view), *[gr.update()] * 6)
            return
        view.reset(thread_id)
        try:
            view.load_history(await svc.history(thread_id))
            prod = await svc.production(thread_id)
            view.review = await svc.pending(thread_id)
            if prod is not None and prod.brief is not None and prod.storyboard is not None:
                view.board = view.review or StoryboardReview.build(prod.brief, prod.storyboard)
            if prod is not None and prod.deliveries:
                view.load_deliveries(prod.deliveries)
            elif prod is not None and prod.outputs:
                view.add_version(VideoEvent(outputs=prod.outputs, manifest_path=prod.manifest_path,
                                            qc_summary=prod.qc_summary, cost_usd=prod.cost.actual_usd))
        except Exception as exc:  # noqa: BLE001
            view.apply(error_event(exc, "opening that thread"))
            prod = None
        panel = self._panel(view, prod.brief if prod is not None else None)
        yield (*self.outputs(view), *panel)

        def stream(svc: AgentService, tid: str) -> AsyncIterator[Event]:
            return svc.continue_run(tid)

        async for out in self._drive(view, stream, request):
            yield (*out, *[gr.update()] * 6)

    @staticmethod
    def _panel(view: StudioView, brief: Any) -> list[Any]:
        """Settings panel values from a thread's brief; what is shown counts as applied."""
        if brief is None:
            return [gr.update()] * 6
        values = {"aspects": list(brief.aspects), "duration_s": min(max(brief.duration_s, 3), MAX_SLIDER_S),
                  "budget_usd": brief.budget_usd, "preference": brief.preference, "voice": brief.voice,
                  "music_mood": brief.music_mood}
        view.applied.update(values)
        return [gr.update(value=v) for v in values.values()]

    async def sync_panel(self, view: StudioView, request: gr.Request | None = None) -> tuple[Any, ...]:
        """Show the thread's actual brief in the settings panel (the chat may have changed it)."""
        try:
            svc = await self.services.get()
            mine = view.thread_id and await svc.may_act(view.thread_id, web_owner(login_of(request)))
            prod = await svc.production(view.thread_id) if mine else None
        except Exception:  # noqa: BLE001 - the panel simply keeps its values
            prod = None
        return (view, *self._panel(view, prod.brief if prod is not None else None))

    async def show_version(self, number: int | None, view: StudioView) -> tuple[Any, ...]:
        """Reopen a delivered version in the player."""
        view.reopen(int(number) if number else None)
        return self.outputs(view)

    async def compare_version(self, number: int | None, view: StudioView) -> tuple[Any, ...]:
        """Show another version beside the one in the player (0: stop comparing)."""
        view.compare_with(int(number) if number else None)
        return self.outputs(view)

    @staticmethod
    def scene_kind(scene: float | None, view: StudioView) -> Any:
        """The kind picker follows the chosen scene (what it asked for: generated, stock or presenter)."""
        board = view.board
        found = next((s for s in board.scenes if s.number == int(scene or 0)), None) if board else None
        if found is None or not found.shots:
            return gr.update()
        return gr.update(value=found.shots[0].kind)

    async def new_video(self, view: StudioView) -> tuple[Any, ...]:
        """Start a fresh thread (created at the first message)."""
        view.reset()
        return self.outputs(view)

    # --- layout -------------------------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        """The Blocks app: the conversation and settings on one side; the work (storyboard → production → player
        → versions) on the other. On a phone the storyboard comes right after the chat, settings last."""
        with gr.Blocks(title="reelforge studio", analytics_enabled=False, fill_width=True) as demo:
            view = gr.State(StudioView())
            gr.HTML(HEADER)
            with gr.Row(equal_height=False, elem_classes="rf-main"):
                with gr.Column(scale=5, min_width=300, elem_classes="rf-side"):
                    chatbot = gr.Chatbot(
                        label="Conversation with the director", show_label=False, height=520, layout="bubble",
                        buttons=["copy"], elem_classes="rf-chat",
                        placeholder="**Tell me about your video.** I'll write the brief, plan the scenes, pick a "
                                    "model for each shot and show you the storyboard before anything is made.")
                    box = gr.MultimodalTextbox(placeholder=PLACEHOLDER, file_types=DOC_TYPES, file_count="multiple",
                                               sources=["upload"], show_label=False, autofocus=True,
                                               elem_classes="rf-box")
                    with gr.Accordion("Video settings", open=True, elem_classes="rf-settings"):
                        aspects = gr.CheckboxGroup(list(FORMATS), value=["9:16"], label="Formats")
                        with gr.Row():
                            duration = gr.Slider(3, MAX_SLIDER_S, value=30, step=1, label="Length (s)")
                            budget = gr.Number(5.0, label="Budget (USD)", minimum=0, step=0.5)
                        preference = gr.Radio(PREFERENCE_CHOICES, value="balanced", label="Model preference")
                        with gr.Row():
                            voice = gr.Dropdown(VOICE_CHOICES, value="auto", allow_custom_value=True, label="Voice",
                                                info="auto, an offline voice, or elevenlabs:<voice id>")
                            music = gr.Dropdown(MUSIC_CHOICES, value="auto", label="Music mood")
                    with gr.Accordion("Models and keys", open=False, elem_classes="rf-settings"):
                        gr.Markdown(MODELS_AND_KEYS, padding=True)
                    with gr.Accordion("Narrate with your own voice", open=False, elem_classes="rf-settings"):
                        sample = gr.Audio(type="filepath", sources=["upload", "microphone"], label="Voice sample")
                        consent_ok = gr.Checkbox(label="I have the right to clone this voice")
                        consent_text = gr.Textbox(DEFAULT_CONSENT, label="Consent statement (stored with the voice)",
                                                  lines=2)
                    with gr.Accordion("Show yourself on screen (presenter)", open=False, elem_classes="rf-settings"):
                        presenter = gr.File(label="Your photo or short video (picture-in-picture while the "
                                                  "narration plays)", file_types=list(PRESENTER_SUFFIXES),
                                            type="filepath")
                        presenter_ok = gr.Checkbox(label="I am the person shown, or I have their permission")
                        presenter_text = gr.Textbox(PRESENTER_CONSENT, lines=2,
                                                    label="Consent statement (stored with the video)")
                    with gr.Accordion("Your videos", open=False, elem_classes="rf-settings"):
                        threads = gr.Dropdown(label="Past threads (chat, CLI and Slack)", choices=[],
                                              interactive=True, allow_custom_value=True)
                        with gr.Row():
                            refresh = gr.Button("↻ Refresh", size="sm")
                            new = gr.Button("+ New video", size="sm")
                with gr.Column(scale=7, min_width=300, elem_classes="rf-work"):
                    with gr.Accordion("Storyboard", open=True, elem_id="rf-step-storyboard") as board_panel:
                        storyboard = gr.HTML(storyboard_html(None), padding=False)
                        with gr.Group(visible=False, elem_classes="rf-review") as review_panel:
                            with gr.Row(equal_height=True):
                                approve = gr.Button("Approve & produce", variant="primary", size="lg", scale=3,
                                                    min_width=160)
                                preview = gr.Button("▶ Preview (free)", size="lg", scale=1, min_width=140)
                            preview_player = gr.Video(visible=False, interactive=False, label="Preview",
                                                      elem_classes="rf-player")
                            with gr.Row(equal_height=True):
                                scene_no = gr.Number(1, label="Scene", precision=0, minimum=1, scale=1, min_width=90)
                                instruction = gr.Textbox(label="Change this scene", scale=4, min_width=200,
                                                         placeholder="e.g. make it a sunrise over the harbour")
                            with gr.Row(equal_height=True):
                                edit = gr.Button("Edit scene", min_width=120)
                                regen_scene = gr.Button("Regenerate scene", min_width=120)
                            with gr.Row(equal_height=True):
                                model = gr.Dropdown(["motion"], value="motion", label="Model for that scene",
                                                    allow_custom_value=True, scale=4, min_width=200)
                                change = gr.Button("Change model", scale=1, min_width=120)
                            with gr.Row(equal_height=True):
                                kind = gr.Radio(list(SHOT_KINDS), value="generated", label="Kind of that scene",
                                                info="generated (a video model), stock (royalty-free footage) or "
                                                     "presenter (someone speaking on screen)", scale=4, min_width=200)
                                set_kind = gr.Button("Set kind", scale=1, min_width=120)
                            with gr.Row(equal_height=True):
                                feedback = gr.Textbox(label="Not right? Tell the director", scale=4, min_width=200,
                                                      placeholder="e.g. shorter, calmer, more about the menu")
                            with gr.Row(equal_height=True):
                                reject = gr.Button("Reject", variant="stop", min_width=120)
                                regen = gr.Button("Regenerate all", min_width=120)
                    with gr.Accordion("Production", open=True, visible=False, elem_id="rf-step-production"
                                      ) as progress_panel:
                        progress = gr.HTML(progress_html([]), padding=True)
                    with gr.Group(visible=False, elem_id="rf-step-player", elem_classes="rf-result") as result_panel:
                        gr.HTML('<div class="rf-section-title">Your video</div>', padding=True)
                        with gr.Row(elem_classes="rf-players"):
                            players = [gr.Video(visible=False, interactive=False, buttons=["download"],
                                                elem_classes="rf-player") for _ in FORMATS]
                            compare_player = gr.Video(visible=False, interactive=False, buttons=["download"],
                                                      elem_classes="rf-player rf-compare")
                        gr.HTML('<div class="rf-section-title">Downloads</div>', padding=True)
                        with gr.Column(elem_classes="rf-downloads"):
                            files = [gr.DownloadButton(visible=False, size="sm", elem_classes="rf-download")
                                     for _ in range(MAX_DOWNLOADS)]
                        qc = gr.Markdown(padding=True)
                    with gr.Group(visible=False, elem_id="rf-step-versions") as versions_panel:
                        gr.HTML('<div class="rf-section-title">Versions</div>', padding=True)
                        version_pick = gr.Radio([], label="Show in the player", elem_classes="rf-versions")
                        compare_pick = gr.Dropdown([("Nothing", 0)], value=0, label="Compare side by side with")
                    marker = gr.HTML(step_marker("start", 0, 0), elem_classes="rf-marker", padding=False)

            out = [view, chatbot, storyboard, board_panel, review_panel, model, progress, progress_panel,
                   result_panel, *players, compare_player, *files, qc, versions_panel, version_pick, compare_pick,
                   marker]
            panel = [aspects, duration, budget, preference, voice, music]
            listing = dict(fn=self.threads, inputs=[view], outputs=[threads], api_visibility="private")
            syncing = dict(fn=self.sync_panel, inputs=[view], outputs=[view, *panel], api_visibility="private")
            common = dict(outputs=out, concurrency_id="director")
            cleared = dict(fn=lambda: gr.update(value=""), api_visibility="private")

            refresh.click(self.threads, [view], [threads], api_name="threads")  # first: keeps the bare name
            box.submit(self.send, [box, *panel, sample, consent_ok, consent_text, view, presenter, presenter_ok,
                                   presenter_text], [*out, preview_player, box],
                       api_name="send", concurrency_id="director", trigger_mode="multiple",  # never drop a message
                       show_progress_on=[storyboard]).then(**listing).then(**syncing)
            approve.click(self.approve, [view], api_name="approve", **common).then(**listing)
            preview.click(self.preview, [view], [*out, preview_player], api_name="preview", concurrency_id="director")
            edit.click(self.edit_scene, [scene_no, instruction, view], api_name="edit_scene", **common
                       ).success(outputs=[instruction], **cleared)
            regen.click(self.regenerate, [view], api_name="regenerate", **common)
            regen_scene.click(self.regenerate_scene, [scene_no, view], api_name="regenerate_scene", **common)
            change.click(self.change_model, [scene_no, model, view], api_name="change_model", **common)
            set_kind.click(self.set_kind, [scene_no, kind, view], api_name="set_kind", **common)
            reject.click(self.reject, [feedback, view], api_name="reject", **common
                         ).success(outputs=[feedback], **cleared)
            threads.input(self.open_thread, [threads, view], [*out, *panel], api_name="open_thread",
                          concurrency_id="director")
            new.click(self.new_video, [view], out, api_name="new_video").then(**listing)
            version_pick.input(self.show_version, [version_pick, view], out, api_name="show_version")
            compare_pick.input(self.compare_version, [compare_pick, view], out, api_name="compare_version")
            scene_no.change(self.scene_kind, [scene_no, view], [kind], api_visibility="private")
            storyboard.change(self.scene_kind, [scene_no, view], [kind], api_visibility="private")
            demo.load(**listing)
            demo.load(self.voices, [voice], [voice], api_visibility="private")
        return demo


def launch(host: str = "127.0.0.1", port: int = 7860, *, settings: Settings | None = None,
           block: bool = True) -> tuple[gr.Blocks, StudioApp]:
    """Serve the studio on ``host:port`` (never shared publicly); login required when REELFORGE_UI_USERS is set.
    With ``block=False`` it returns at once (tests); call ``app.services.close()`` and ``demo.close()`` after."""
    settings = settings or get_settings()
    users = parse_users(settings.ui_users.get_secret_value()) if settings.ui_users else None
    app = StudioApp(settings)
    demo = app.build()
    demo.queue(default_concurrency_limit=8, max_size=64)
    demo.launch(server_name=host, server_port=port, share=False, auth=users,
                auth_message="Sign in to reelforge studio." if users else None,
                max_file_size=settings.max_upload_bytes, theme=theme(), css=CSS, head=HEAD, footer_links=["api", "gradio"],
                show_error=False, quiet=not block, prevent_thread_lock=True)
    if block:
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            app.services.close()
            demo.close()
            app.delivery.close()
    return demo, app
