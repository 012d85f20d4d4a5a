"""A fake Studio for agent tests: same methods as tools.studio.Studio, deterministic, no rendering.

It counts what it "renders" per shot (``renders``) and caches by a content key like the real studio,
so tests can check that an edit re-produces exactly the edited shots.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

from reelforge.tools.production import (
    Asset,
    Brief,
    Cost,
    CostLine,
    LookSheet,
    Manifest,
    OutputFile,
    ProductionAssets,
    ProgressEvent,
    Provenance,
    RouteChoice,
    Scene,
    Shot,
    Storyboard,
    stable_hash,
)
from reelforge.tools.settings import Settings, get_settings


class FakeStudio:
    def __init__(self, settings: Settings | None = None, *, price_per_shot: float = 0.0, scenes: int = 3,
                 shot_delay_s: float = 0.0) -> None:
        self.settings = settings or get_settings()
        self.settings.ensure_dirs()
        self.price_per_shot = price_per_shot
        self.n_scenes = scenes
        self.shot_delay_s = shot_delay_s
        self.render_log = self.settings.store_dir / "fake-renders.log"  # survives the process, like the store
        self.renders: Counter[str] = Counter()
        self.cache: dict[str, Asset] = {}
        self.plans = 0

    def read(self, url_or_path: str) -> Any:
        raise ValueError(f"cannot read {url_or_path} in the fake studio")

    def _route(self, shot: Shot) -> RouteChoice:
        model = shot.model_override or "motion"
        return RouteChoice(model_id=model, provider=model, reason=f"{model} fits this shot",
                           est_cost_usd=self.price_per_shot, clip_seconds=shot.seconds)

    def price(self, brief: Brief, storyboard: Storyboard) -> Storyboard:
        """Narration and music priced from the registry data, as the real studio does."""
        from reelforge.tools.estimate import price_storyboard

        return price_storyboard(brief, storyboard, self.settings)

    def route(self, brief: Brief, storyboard: Storyboard) -> Storyboard:
        board = self.price(brief, storyboard).model_copy(deep=True)
        for shot in board.shots:
            shot.route = self._route(shot)
        return board

    def preview(self, brief: Brief, storyboard: Storyboard, out_dir: Any, *, on_event: Any = None) -> Any:
        """A stand-in animatic file (the real preview is tested in tests/e2e/test_preview.py)."""
        from reelforge.tools.preview import Preview

        path = Path(out_dir) / f"preview-v{storyboard.version}.mp4"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"fake preview")
        return Preview(path=str(path), width=360, height=640, fps=12, duration_s=storyboard.total_seconds,
                       storyboard_version=storyboard.version, voice="offline")

    def plan(self, brief: Brief, source: Any = None) -> Storyboard:
        self.plans += 1
        secs = round(brief.duration_s / self.n_scenes, 3)
        scenes = [Scene(index=i + 1, title=f"Scene {i + 1}", narration=f"Line {i + 1} about {brief.goal}.",
                        shots=[Shot(id=f"s{i + 1}", visual_prompt=f"shot {i + 1} of {brief.goal}", seconds=secs)])
                  for i in range(self.n_scenes)]
        return self.route(brief, Storyboard(title=brief.goal[:40], scenes=scenes))

    def edit_scene(self, brief: Brief, storyboard: Storyboard, scene_index: int, instruction: str) -> Storyboard:
        board = storyboard.model_copy(deep=True)
        scene = next((s for s in board.scenes if s.index == scene_index), None)
        if scene is None:
            raise ValueError(f"there is no scene {scene_index}; scenes are 1–{len(board.scenes)}")
        scene.narration = f"{scene.narration} ({instruction})"
        for shot in scene.shots:
            shot.visual_prompt = f"{shot.visual_prompt}, {instruction}"
        board.version += 1
        return self.route(brief, board)

    def change_model(self, brief: Brief, storyboard: Storyboard, scene_index: int, model_id: str) -> Storyboard:
        if model_id not in {m["id"] for m in self.models()}:
            raise ValueError(f"unknown model {model_id!r}")
        board = storyboard.model_copy(deep=True)
        for shot in (s for scene in board.scenes if scene.index == scene_index for s in scene.shots):
            shot.model_override = model_id
        board.version += 1
        return self.route(brief, board)

    def models(self) -> list[dict[str, Any]]:
        return [{"id": "motion", "available": True}, {"id": "fancy-video", "available": True}]

    def estimate(self, brief: Brief, storyboard: Storyboard) -> list[CostLine]:
        return list(storyboard.paid_extras)  # the clips' estimate lives on their routes

    def thumbnails(self, brief: Brief, storyboard: Storyboard) -> Storyboard:
        return storyboard  # no pictures in the fake

    def update_look(self, brief: Brief, storyboard: Storyboard, *, style: str | None = None,
                    subject: str | None = None, description: str | None = None,
                    reference: str | None = None, remove: bool = False) -> Storyboard:
        board = storyboard.model_copy(deep=True)
        board.look = (board.look or LookSheet()).changed(style=style, subject=subject, description=description,
                                                         reference=reference, remove=remove)
        board.version += 1
        return board

    def list_voices(self) -> list[Any]:
        return []  # any voice name is accepted

    def voice_refusal(self, voice_id: str, owner: str | None) -> str | None:
        return None

    def clone_voice(self, samples: list[str], *, name: str, consent: Any, owner: str | None = None) -> Any:
        raise ValueError("voice cloning needs the real studio (ElevenLabs)")

    async def produce(self, brief: Brief, storyboard: Storyboard, *, approval: Any,
                      on_event: Any = None) -> ProductionAssets:
        from reelforge.tools.approval import require_approval

        require_approval(brief, storyboard, approval)  # the same gate as the real studio
        emit = on_event or (lambda _e: None)
        clips: dict[str, Asset] = {}
        for shot in storyboard.shots:
            key = stable_hash(shot.visual_prompt, shot.seconds, shot.route.model_id if shot.route else "", shot.seed)
            path = self.settings.store_dir / f"{key}.mp4"
            if not path.is_file():
                emit(ProgressEvent(stage="clips", shot_id=shot.id, status="generating", percent=0))
                await asyncio.sleep(self.shot_delay_s)
                self.renders[shot.id] += 1
                with self.render_log.open("a") as fh:
                    fh.write(shot.id + "\n")
                path.write_bytes(b"fake")
            self.cache[key] = Asset(key=key, kind="clip", path=str(path), duration_s=shot.seconds,
                                    provenance=Provenance(source="fake", cost_usd=self.price_per_shot))
            emit(ProgressEvent(stage="clips", shot_id=shot.id, status="done", percent=100))
            clips[shot.id] = self.cache[key]
        return ProductionAssets(clips=clips)

    def assemble(self, brief: Brief, storyboard: Storyboard, assets: ProductionAssets, out_dir: str | Path,
                 *, on_event: Any = None) -> Manifest:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        outputs = []
        for aspect in brief.aspects:
            path = out / f"video-{aspect.replace(':', 'x')}.mp4"
            path.write_bytes(b"fake video")
            outputs.append(OutputFile(aspect=aspect, width=1, height=1, path=str(path),
                                      duration_s=storyboard.total_seconds))
        manifest = Manifest(brief=brief, storyboard=storyboard, outputs=outputs,
                            cost=Cost(estimated_usd=storyboard.estimated_cost_usd, actual_usd=assets.cost_usd))
        (out / "manifest.json").write_text(json.dumps(manifest.model_dump(mode="json")))
        return manifest
