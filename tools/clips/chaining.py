"""Chained shots: consecutive shots of one scene that are one continuous action.

A shot with ``Shot.continues`` starts on the last frame of the previous shot of its scene, so the cut between
them does not jump. That only happens where it can: the previous clip was made by a video model (not drawn
offline, not stock footage) and this shot's model takes a first frame (image-to-video). A user's own picture
for the shot (``Shot.image_path``) always wins; the chained frame wins over the shot's keyframe, which stays
its picture in the storyboard.

Chaining adds no paid call: the chained shot is the same image-to-video request the estimate priced (a model's
price does not depend on whether it starts from a picture), and ``continues`` is part of the approval
fingerprint. The frame is cut from the clip with ffmpeg and cached by the clip's content, and the runner's cache
key hashes the frame, so a new take of the previous shot makes a new chained shot and an unchanged chain is
re-used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path

from reelforge.tools.clips.registry import ModelSpec, Registry
from reelforge.tools.production import Asset, Shot, Storyboard, file_digest
from reelforge.tools.store import AssetStore


def continues_on(spec: ModelSpec) -> bool:
    """True for a video model that starts a clip from a picture, so it can continue the previous shot."""
    return spec.kind == "video" and "image-to-video" in spec.modes


def chain_links(storyboard: Storyboard) -> dict[str, str]:
    """``{shot id: id of the shot it continues}`` for every shot marked ``continues`` after another of its scene."""
    out: dict[str, str] = {}
    for scene in storyboard.scenes:
        for prev, shot in zip(scene.shots, scene.shots[1:], strict=False):
            if shot.continues:
                out[shot.id] = prev.id
    return out


def will_continue(prev: Shot, shot: Shot) -> bool:
    """Whether the routed plan starts ``shot`` on ``prev``'s last frame: ``shot`` continues it, ``prev`` is routed
    to a video model and ``shot`` to a model that takes a first frame (what the storyboard tells the person)."""
    return (shot.continues and prev.route is not None and prev.route.source == "video"
            and shot.route is not None and shot.route.first_frame)


def may_continue(shot: Shot, registry: Registry) -> bool:
    """Whether any model on ``shot``'s route could start from a frame (an unrouted shot is routed later: yes).
    A shot that cannot need not wait for the previous one."""
    if shot.route is None:
        return True
    models = [shot.route.model_id, *shot.route.fallbacks]
    return any(m in registry.models and continues_on(registry.get(m)) for m in models)


def made_by_video_model(clip: Asset, registry: Registry) -> bool:
    """True when ``clip`` came from a generated-video model (a fallback to motion graphics or stock does not
    continue into the next shot)."""
    model = clip.provenance.model
    return bool(model) and model in registry.models and registry.get(model).kind == "video"


def last_frame(clip: str | Path, store: AssetStore) -> Path:
    """The last frame of ``clip`` as a PNG, cut once per clip content and kept in the store."""
    from reelforge.tools.media import run_ffmpeg

    out = store.path_for(store.key("last-frame", file_digest(clip)), ".png")
    if not out.is_file():
        tmp = store.scratch(".png")
        # decode the last second, writing each frame over the same picture: the last one stays
        run_ffmpeg(["-sseof", "-1", "-i", str(clip), "-an", "-update", "1", "-c:v", "png", str(tmp)],
                   what="last frame of the previous shot")
        if not tmp.is_file() or tmp.stat().st_size == 0:
            from reelforge.tools.media import MediaError

            raise MediaError(f"{clip}: no frame could be read from its end")
        tmp.replace(out)
    return out


def chained_frame(clip: Asset | None, registry: Registry, store: AssetStore) -> str | None:
    """The first frame for the shot after ``clip``: its last frame when a video model made it, else None."""
    from reelforge.tools.media import MediaError

    if clip is None or not made_by_video_model(clip, registry):
        return None
    try:
        return str(last_frame(store.localize(clip).path, store))  # made on another worker: fetched first
    except (MediaError, OSError):  # a missing or unreadable clip: the next shot starts from its keyframe or prompt
        return None


async def frame_after(previous: Awaitable[Asset], registry: Registry, store: AssetStore) -> str | None:
    """Wait for the previous shot's clip, then its last frame (None when that shot failed or cannot chain)."""
    try:
        clip = await previous
    except Exception:  # noqa: BLE001 - its own failure is reported where it was awaited; this shot goes on alone
        return None
    return await asyncio.to_thread(chained_frame, clip, registry, store)
