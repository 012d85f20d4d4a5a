"""The studio: plan → route → produce (clips ∥ voice ∥ music) → assemble, for the CLI and the agent.

Each step delegates to its own package (planning, routing, clips, voice, music, assembly); this module only
orders them, runs independent work concurrently, reports progress, and writes the manifest.
"""

from __future__ import annotations

import asyncio
import json
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reelforge.tools.approval import Approval
from reelforge.tools.diskspace import MB, disk_guard, new_files_remover
from reelforge.tools.files import write_durably
from reelforge.tools.masking import mask
from reelforge.tools.production import (
    FORMATS,
    Asset,
    Brief,
    Consent,
    Cost,
    CostLine,
    Manifest,
    Narration,
    NarrationLine,
    ProductionAssets,
    ProgressEvent,
    Storyboard,
    stable_hash,
)
from reelforge.tools.settings import Settings, get_settings
from reelforge.tools.store import AssetStore
from reelforge.tools.studio_api import EventSink

if TYPE_CHECKING:
    from reelforge.tools.ingest import SourceDoc
    from reelforge.tools.preview import Preview
    from reelforge.tools.voice.base import ClonedVoice, VoiceInfo
KEYFRAME_WORKERS = 4  # storyboard keyframes drawn at once: each is mostly an ffmpeg start-up, so more than cores
# Rough room a stage needs (checked before it starts): clips, narration, music and caches; then the encodes.
PLAN_BYTES = 5 * MB
PRODUCE_BASE_BYTES = 120 * MB
PRODUCE_BYTES_PER_S = 3 * MB
ASSEMBLE_BASE_BYTES = 30 * MB
ASSEMBLE_BYTES_PER_S = 2 * MB


def run_sync(coro: Any) -> Any:
    """Run a coroutine to completion from synchronous code, also when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def slugify(text: str, max_len: int = 48) -> str:
    """A filesystem-safe slug: ``"How bees make honey!"`` → ``"how-bees-make-honey"``."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return (slug[:max_len].rstrip("-")) or "video"


class Studio:
    """Every capability of reelforge behind one object, usable with or without the agent."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.settings.ensure_dirs()
        from reelforge.tools.blobs import blob_store

        self.store = AssetStore(self.settings.store_dir, blob_store(self.settings))
        self._registry: Any = None
        self._llm: Any = None
        self._llm_loaded = False

    # --- lazily built collaborators -----------------------------------------------------------------

    @property
    def registry(self) -> Any:
        """The model registry (bundled TOML files plus the user's override file)."""
        if self._registry is None:
            from reelforge.tools.clips.registry import Registry

            self._registry = Registry.load(self.settings)
        return self._registry

    @property
    def llm(self) -> Any:
        """The configured chat model for planning, or None offline."""
        if not self._llm_loaded:
            from reelforge.tools.llm import chat_model

            self._llm = chat_model(self.settings)
            self._llm_loaded = True
        return self._llm

    # --- reading and planning -------------------------------------------------------------------------

    def read(self, url_or_path: str) -> SourceDoc:
        """Read an article URL or a script / outline file into a SourceDoc."""
        from reelforge.tools.ingest import read_source

        return read_source(url_or_path, self.settings)

    def plan(self, brief: Brief, source: SourceDoc | None = None) -> Storyboard:
        """Plan scenes and shots for the brief, route every shot, and draw keyframe thumbnails."""
        from reelforge.tools.planning import plan_storyboard

        storyboard = plan_storyboard(brief, source, llm=self.llm)
        with disk_guard(self.settings.home, "drawing the storyboard's keyframes", PLAN_BYTES):
            return self.thumbnails(brief, self.route(brief, storyboard))

    def route(self, brief: Brief, storyboard: Storyboard) -> Storyboard:
        """Draw keyframes (with an image model, within budget), price narration and music, then pick a model
        per shot within what is left of the budget."""
        from reelforge.tools.routing import route_storyboard

        drawn = self.keyframes(brief, storyboard)
        return route_storyboard(self.price(brief, drawn), brief, self.registry, self.settings)

    def keyframes(self, brief: Brief, storyboard: Storyboard) -> Storyboard:
        """A keyframe per shot from an image model when one is configured and fits the budget (see
        tools.images.keyframes); shots whose prompt did not change keep theirs from the cache."""
        from reelforge.tools.images.keyframes import draw_keyframes, pick_image_model

        if brief.keyframes == "off" or pick_image_model(self.registry, self.settings, brief) is None:
            return storyboard  # nothing to draw with: no event loop, no work
        return run_sync(draw_keyframes(storyboard, brief, self.registry, self.store, self.settings))

    def price(self, brief: Brief, storyboard: Storyboard) -> Storyboard:
        """``storyboard`` with its narration and music priced for ``brief`` (see tools.estimate)."""
        from reelforge.tools.estimate import price_storyboard

        return price_storyboard(brief, storyboard, self.settings)

    def estimate(self, brief: Brief, storyboard: Storyboard) -> list[CostLine]:
        """Every paid item of ``storyboard``, each marked re-used when it is already in the asset store."""
        from reelforge.tools.estimate import estimate_lines

        return estimate_lines(brief, storyboard, self.registry, self.store, self.settings)

    def edit_scene(self, brief: Brief, storyboard: Storyboard, scene_index: int, instruction: str) -> Storyboard:
        """Re-plan one scene from an instruction; the version goes up and the scene is re-routed."""
        from reelforge.tools.planning import edit_scene

        self._check_scene(storyboard, scene_index)
        edited = edit_scene(brief, storyboard, scene_index, instruction, llm=self.llm)
        return self.thumbnails(brief, self.route(brief, edited))

    def change_model(self, brief: Brief, storyboard: Storyboard, scene_index: int, model_id: str) -> Storyboard:
        """Force a model for every shot of one scene; the version goes up."""
        self._check_scene(storyboard, scene_index)
        if model_id not in self.registry.models:
            known = ", ".join(sorted(self.registry.models))
            raise ValueError(f"unknown model {model_id!r}; known models: {known}")
        board = storyboard.model_copy(deep=True)
        for scene in board.scenes:
            if scene.index == scene_index:
                for shot in scene.shots:
                    shot.model_override = model_id
        board.version += 1
        return self.thumbnails(brief, self.route(brief, board))

    def update_look(self, brief: Brief, storyboard: Storyboard, *, style: str | None = None,
                    subject: str | None = None, description: str | None = None,
                    reference: str | None = None, remove: bool = False) -> Storyboard:
        """Change the look sheet (its style, or one recurring subject's description or reference picture, or
        take a subject off with ``remove``) and redraw what it changes: the keyframes and clip prompts of the
        shots it reaches (tools.production.LookSheet.for_shot). The version goes up.

        ``reference`` must be a file the caller has already vetted (an upload of this thread), never a path a
        person or a model typed."""
        from reelforge.tools.production import LookSheet

        board = storyboard.model_copy(deep=True)
        board.look = (board.look or LookSheet()).changed(style=style, subject=subject, description=description,
                                                         reference=reference, remove=remove)
        board.version += 1
        return self.thumbnails(brief, self.route(brief, board))

    @staticmethod
    def _check_scene(storyboard: Storyboard, scene_index: int) -> None:
        if not any(s.index == scene_index for s in storyboard.scenes):
            raise ValueError(f"there is no scene {scene_index}; scenes are 1–{len(storyboard.scenes)}")

    def thumbnails(self, brief: Brief, storyboard: Storyboard) -> Storyboard:
        """Give each scene a keyframe thumbnail (its motion graphic fully shown), cached by content."""
        from reelforge.tools.clips.motion import keyframe
        from reelforge.tools.graphics import brand_from_settings

        w, h = FORMATS[brief.aspects[0]]
        scale = 360 / max(w, h)
        tw, th = int(w * scale) // 2 * 2, int(h * scale) // 2 * 2
        brand = brand_from_settings(self.settings)

        def draw(scene: Any) -> None:
            shot = scene.shots[0]
            picture = shot.image_path or shot.keyframe  # the image model's keyframe when there is one
            graphic = None if shot.kind == "still" and picture else shot.graphic
            key = self.store.key("thumb", shot.visual_prompt, shot.on_screen_text, graphic, brand.fingerprint(),
                                 picture, shot.seed, tw, th)
            path = self.store.path_for(key, ".png")
            if not path.is_file():
                keyframe(shot.visual_prompt, tw, th, path, seed=shot.seed, on_screen_text=shot.on_screen_text,
                         image_path=picture, graphic=graphic, brand=brand)
            scene.thumbnail = str(path)

        with ThreadPoolExecutor(max_workers=KEYFRAME_WORKERS) as pool:  # each keyframe is mostly one ffmpeg run
            list(pool.map(draw, storyboard.scenes))
        return storyboard

    def models(self) -> list[dict[str, Any]]:
        """A short summary of every model and whether it can be used now (for the brain and the front doors)."""
        out = []
        for spec in self.registry.models.values():
            avail = self.registry.available(spec, self.settings)
            out.append({"id": spec.id, "family": spec.family, "name": spec.name, "kind": spec.kind,
                        "available": avail.ok, "gateway": avail.gateway, "why": avail.reason,
                        "price_per_s": avail.price_per_s if avail.ok else spec.price_per_s})
        return out

    # --- voices -----------------------------------------------------------------------------------------

    def list_voices(self) -> list[VoiceInfo]:
        """Voices usable now: offline engines, ElevenLabs voices when a key is set, and consented clones
        (filter another owner's private clones out with :meth:`voice_refusal`)."""
        from reelforge.tools.voice import list_voices

        return list_voices(self.settings)

    def voice_refusal(self, voice_id: str, owner: str | None) -> str | None:
        """Why ``owner`` may not use ``voice_id`` (someone else's private clone), else None."""
        from reelforge.tools.voice.clone import clone_refusal

        return clone_refusal(self.settings, voice_id, owner)

    def clone_voice(self, samples: list[str], *, name: str, consent: Consent, owner: str | None = None
                    ) -> ClonedVoice:
        """Clone a voice (ElevenLabs IVC) for ``owner``; refused without consent or with bad samples."""
        from reelforge.tools.voice import clone_voice

        return clone_voice(name, samples, consent=consent, settings=self.settings, owner=owner)

    # --- production -----------------------------------------------------------------------------------

    async def produce(self, brief: Brief, storyboard: Storyboard, *, approval: Approval | None,
                      on_event: EventSink | None = None) -> ProductionAssets:
        """Clips, narration and music, concurrently; cached so unchanged shots are never made twice.

        Nothing is spent unless ``approval`` covers this storyboard under this brief as they are now and the
        whole estimate fits the budget (:func:`tools.approval.require_approval` raises ``ApprovalError``).
        A disk too full for the work is refused up front or reported in plain words (tools.diskspace)."""
        need = PRODUCE_BASE_BYTES + int(storyboard.total_seconds * PRODUCE_BYTES_PER_S)
        with disk_guard(self.settings.home, "producing the clips, narration and music", need):
            return await self._produce(brief, storyboard, approval=approval, on_event=on_event)

    async def _produce(self, brief: Brief, storyboard: Storyboard, *, approval: Approval | None,
                       on_event: EventSink | None = None) -> ProductionAssets:
        from reelforge.tools.approval import require_approval
        from reelforge.tools.clips.chaining import chain_links
        from reelforge.tools.clips.end_card import credit_end_cards
        from reelforge.tools.clips.runner import generate_all

        require_approval(brief, storyboard, approval)

        emit = on_event or (lambda _e: None)

        def clip_event(shot_id: str, status: str, percent: float | None, message: str = "") -> None:
            emit(ProgressEvent(stage="clips", shot_id=shot_id, status=status, percent=percent or 0.0, message=message))

        voice_task = asyncio.ensure_future(asyncio.to_thread(self._narrate, brief, storyboard, emit))

        async def narration_audio(shot: Any) -> Any:  # an avatar presenter lip-syncs its scene's narration
            from reelforge.tools.clips.runner import presenter_windows, shot_narration

            narrations = await asyncio.shield(voice_task)
            target = None if brief.source_kind == "script" else brief.duration_s  # as in assemble()
            windows = presenter_windows(storyboard, narrations, brief, fps=self.settings.fps, target_s=target)
            if shot.id not in windows:
                return None
            return await asyncio.to_thread(shot_narration, storyboard, narrations, shot.id, self.store,
                                           window=windows[shot.id])

        clips_task = generate_all(storyboard.shots, brief, self.registry, self.store, self.settings,
                                  on_event=clip_event, aspect=brief.aspects[0], narration_audio=narration_audio,
                                  look=storyboard.look, chains=chain_links(storyboard))
        clips, narrations = await asyncio.gather(clips_task, voice_task)
        total = sum(n.duration_s for n in narrations) or storyboard.total_seconds
        music = await asyncio.to_thread(self._music, brief, max(total, storyboard.total_seconds), emit)
        # the end card credits what the video uses, known only now (tools.clips.end_card)
        clips = await credit_end_cards(storyboard, brief, clips, music, self.registry, self.store, self.settings)
        return ProductionAssets(clips=clips, narrations=narrations, music=music)

    def _narrate(self, brief: Brief, storyboard: Storyboard, emit: EventSink) -> list[Narration]:
        from reelforge.tools.voice import narrate_scenes

        scenes = storyboard.scenes

        def progress(i: int, _text: str) -> None:
            emit(ProgressEvent(stage="voice", status="generating", percent=100 * i / len(scenes),
                               message=f"narrating scene {scenes[i].index}"))

        notices: list[str] = []

        def fell_back(message: str) -> None:  # the user is told at once, not only in the manifest
            notices.append(message)
            emit(ProgressEvent(stage="voice", status="fell_back", percent=0, message=message))

        out = narrate_scenes([s.narration for s in scenes], voice=brief.voice, language=brief.language,
                             settings=self.settings, store=self.store, allow_fallback=brief.allow_voice_fallback,
                             preference=brief.preference, on_progress=progress, on_fallback=fell_back)
        emit(ProgressEvent(stage="voice", status="fell_back" if notices else "done", percent=100,
                           message=notices[0] if notices else "narration ready"))
        return out

    def _music(self, brief: Brief, seconds: float, emit: EventSink) -> Asset | None:
        from reelforge.tools.music import select_music

        if brief.music_mood in ("none", "off"):
            return None
        emit(ProgressEvent(stage="music", status="generating", percent=0, message=f"music: {brief.music_mood}"))
        track = select_music(brief.music_mood, seconds, settings=self.settings, store=self.store,
                             seed=int(stable_hash(brief.goal)[:6], 16), commercial=brief.commercial)
        emit(ProgressEvent(stage="music", status="done", percent=100, message=track.provenance.model or "music"))
        return track

    def preview(self, brief: Brief, storyboard: Storyboard, out_dir: str | Path, *,
                on_event: EventSink | None = None) -> Preview:
        """An animatic of the storyboard before approval: free, in seconds (see :mod:`tools.preview`)."""
        from reelforge.tools.preview import make_preview

        return make_preview(self, brief, storyboard, out_dir, on_event=on_event)

    # --- assembly -------------------------------------------------------------------------------------

    def assemble(self, brief: Brief, storyboard: Storyboard, assets: ProductionAssets, out_dir: str | Path,
                 *, on_event: EventSink | None = None) -> Manifest:
        """Assemble every aspect ratio, write captions, hand-off files and the manifest; run QC on each file.
        A disk too full is refused up front or reported in plain words, its partial files removed."""
        out = Path(out_dir)
        need = ASSEMBLE_BASE_BYTES + int(storyboard.total_seconds * len(brief.aspects) * ASSEMBLE_BYTES_PER_S)
        with disk_guard(out, "assembling the video", need, cleanup=new_files_remover(out)):
            return self._assemble(brief, storyboard, assets, out, on_event=on_event)

    def _assemble(self, brief: Brief, storyboard: Storyboard, assets: ProductionAssets, out_dir: str | Path,
                  *, on_event: EventSink | None = None) -> Manifest:
        from reelforge.tools.assembly import assemble, build_timeline, write_captions
        from reelforge.tools.assembly.audio import plan_levels
        from reelforge.tools.assembly.handoff import write_handoff
        from reelforge.tools.assembly.qc import planned_static_spans, run_qc

        emit = on_event or (lambda _e: None)
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        slug = slugify(brief.title or storyboard.title or brief.goal)
        # A script sets its own pace; a prompt, outline or article was written to fill the brief's length.
        target = None if brief.source_kind == "script" else brief.duration_s
        timeline = build_timeline(storyboard, assets.clips, assets.narrations, assets.music, brief,
                                  fps=self.settings.fps, target_s=target)

        def progress(aspect: str, fraction: float) -> None:
            emit(ProgressEvent(stage="assemble", status="running", percent=100 * fraction, message=aspect))

        levels = plan_levels(timeline)  # the mix is measured once and shared by every format
        outputs = []
        for aspect in brief.aspects:
            outputs += assemble(self._with_presenter(brief, timeline, aspect, self._avatar_shots(assets),
                                                   only=self._presenter_shots(storyboard)), [aspect], out, slug,
                                settings=self.settings, on_progress=progress, levels=levels,
                                cache_dir=self.settings.segment_cache_dir)
        sidecars = write_captions(timeline.words, out, slug) if timeline.words else {}
        for output in outputs:
            emit(ProgressEvent(stage="qc", status="running", percent=0, message=output.aspect))
            output.qc = run_qc(output.path, expected_duration=timeline.duration_s, width=output.width,
                               height=output.height, words=timeline.words if brief.captions else None,
                               static_spans=planned_static_spans(timeline), fps=timeline.fps)
        sidecars.update(write_handoff(timeline, storyboard, out, slug))
        extras = []
        if brief.presenter_path:
            from reelforge.tools.presenter import presenter_asset

            extras.append(presenter_asset(brief.presenter_path, brief.presenter_consent, store=self.store,
                                          settings=self.settings))
        manifest = self._manifest(brief, storyboard, assets, outputs, sidecars, extras)
        if manifest.credits:  # licences that ask for attribution: paste this into the video description
            credits_file = out / f"{slug}-credits.txt"
            credits_file.write_text("Credits\n" + "\n".join(manifest.credits) + "\n")
            manifest.sidecars["credits"] = str(credits_file)
        write_durably(out / "manifest.json", mask(json.dumps(manifest.model_dump(mode="json"), indent=2)).encode())
        emit(ProgressEvent(stage="done", status="done", percent=100, message=str(out / "manifest.json")))
        return manifest

    def _avatar_shots(self, assets: ProductionAssets) -> set[str]:
        """Shots an avatar presents full-frame (no picture-in-picture presenter over them)."""
        models = self.registry.models
        return {sid for sid, a in assets.clips.items()
                if a.provenance.model in models and models[a.provenance.model].kind == "avatar"}

    @staticmethod
    def _presenter_shots(storyboard: Storyboard) -> set[str]:
        """Shots the storyboard gives to the presenter (empty: the presenter accompanies the whole video)."""
        return {s.id for s in storyboard.shots if s.kind == "presenter"}

    def _with_presenter(self, brief: Brief, timeline: Any, aspect: str, skip: set[str] | None = None,
                        only: set[str] | None = None) -> Any:
        """The timeline with the user's presenter picture-in-picture, placed for ``aspect`` (or unchanged).

        Over the ``only`` shots when some are given (presenter scenes no avatar service made), else over the
        whole video; never over the ``skip`` shots (an avatar already presents there full-frame).
        """
        if not brief.presenter_path:
            return timeline
        from reelforge.tools.presenter import overlay_spans, presenter_overlay

        overlay = presenter_overlay(brief.presenter_path, brief.presenter_consent, aspect, store=self.store,
                                    settings=self.settings)
        skip = skip or set()
        if only:
            wanted = only - skip
            if not wanted:
                return timeline
            others = {c.shot_id for c in timeline.clips if c.shot_id not in wanted}
            spans = overlay_spans(timeline.clips, timeline.duration_s, others)
        elif skip:
            spans = overlay_spans(timeline.clips, timeline.duration_s, skip)
        else:
            return timeline.model_copy(update={"overlays": [*timeline.overlays, overlay]})
        parts = [overlay.model_copy(update={"start": a, "duration": d}) for a, d in spans]
        return timeline.model_copy(update={"overlays": [*timeline.overlays, *parts]})

    @staticmethod
    def _manifest(brief: Brief, storyboard: Storyboard, assets: ProductionAssets, outputs: list,
                  sidecars: dict[str, str], extra_assets: list[Asset]) -> Manifest:
        from reelforge.tools.estimate import actual_lines

        cost = Cost(
            estimated_usd=storyboard.estimated_cost_usd,
            actual_usd=assets.cost_usd,
            by_shot={k: a.provenance.cost_usd for k, a in assets.clips.items()},
            voice_usd=round(sum(n.asset.provenance.cost_usd for n in assets.narrations), 4),
            music_usd=assets.music.provenance.cost_usd if assets.music else 0.0,
            items=actual_lines(storyboard, assets),
            unknown_jobs=[f"shot {k}: {n}" for k, a in assets.clips.items() for n in a.provenance.unconfirmed_jobs],
        )
        from reelforge.tools.stock import credits_for

        all_assets = assets.all_assets + extra_assets
        notes = [f"shot {k} fell back to {a.provenance.source}: {a.provenance.fallback_reason}"
                 for k, a in assets.clips.items() if a.provenance.fell_back]
        notes += [f"unconfirmed paid request ({n}): check the provider's account" for n in cost.unknown_jobs]
        notes += [f"scene {i + 1} narration fell back: {n.asset.provenance.fallback_reason}"
                  for i, n in enumerate(assets.narrations) if n.asset.provenance.fell_back]
        lines = [NarrationLine(scene=scene.index, text=n.text, spoken=n.spoken or n.text)
                 for scene, n in zip(storyboard.scenes, assets.narrations, strict=False) if n.text]
        credits = credits_for(all_assets)
        drawn = {k for k, a in assets.clips.items() if a.provenance.model == "motion"}
        if any(s.graphic and s.graphic.icons for s in storyboard.shots if s.id in drawn):
            from reelforge.tools.graphics.icons import ICON_CREDIT

            credits.append(ICON_CREDIT)
        return Manifest(brief=brief, storyboard=storyboard, assets=all_assets, cost=cost, outputs=outputs,
                        sidecars=sidecars, credits=credits, notes=notes, narration=lines)

    async def make(self, brief: Brief, storyboard: Storyboard | None = None, *, out_dir: str | Path,
                   source: Any = None, on_event: EventSink | None = None) -> Manifest:
        """Plan (unless a storyboard is given), produce and assemble: the whole offline-capable path."""
        from reelforge.tools.approval import approve

        if storyboard is None:
            storyboard = await asyncio.to_thread(self.plan, brief, source)
        # the one-shot path (`reelforge make`): the command, with its brief and budget, is the approval
        assets = await self.produce(brief, storyboard, approval=approve(brief, storyboard, "command line"),
                                    on_event=on_event)
        return await asyncio.to_thread(self.assemble, brief, storyboard, assets, out_dir, on_event=on_event)
