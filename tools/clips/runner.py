"""Produce shots: cache lookup, submit → poll → download, retries, fallbacks, the motion renderer last.

``generate_shot`` walks the shot's route (primary, then ``route.fallbacks``, then ``motion``). Each model
is tried with its cache key first (a hit makes no call); a refusal or bad-input error moves straight to
the next model (never retried on the same one); a transient failure (429 / 5xx / timeout / expired
result URL) resubmits once. Jobs run under a per-(model, gateway) semaphore sized by the registry's
``concurrency`` and an overall deadline of ``settings.provider_timeout_s``.

Presenter shots on an avatar model (HeyGen, D-ID) lip-sync the production's narration: the caller passes
``narration_audio`` (a callable, sync or async, ``shot -> audio path | None``; see :func:`shot_narration`
for the slice of a scene's narration under one shot) and the runner puts it in
``ClipRequest.params["audio_path"]`` with the shot's words as ``script``. A user's presenter upload
(``brief.presenter_path`` with ``brief.presenter_consent``) is validated and sent as the photo
(``image_path``) or the video to lip-sync (``params["video_path"]``).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from reelforge.tools.clips import attempts
from reelforge.tools.clips.base import ClipProvider, ClipRequest, Job, JobStatus, ProviderError
from reelforge.tools.clips.chaining import continues_on, frame_after, may_continue
from reelforge.tools.clips.journal import JournalStore, journal_for, single_flight
from reelforge.tools.clips.registry import ModelSpec, Registry, RegistryError
from reelforge.tools.production import (
    FORMATS,
    Asset,
    Brief,
    ContinuitySheet,
    LookSheet,
    Narration,
    Provenance,
    Shot,
    Storyboard,
    file_digest,
)
from reelforge.tools.routing.router import OFFLINE_MODEL, choose
from reelforge.tools.settings import Settings
from reelforge.tools.store import AssetStore

EventFn = Callable[[str, str, float | None, str], Any]
#: ``shot -> path of the narration audio spoken over it`` (or None); may be async.
NarrationFn = Callable[[Shot], "str | Path | None | Awaitable[str | Path | None]"]
#: ClipRequest.params holding local files: the cache key hashes their content, not their path.
FILE_PARAMS = ("audio_path", "video_path")
POLL_BACKOFF = 1.5
POLL_FAILURES = 5  # consecutive failed status checks before a job is left to a later resume
POLL_MAX_S = 15.0
JOB_RETRIES = 1

_limits: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]] = (
    weakref.WeakKeyDictionary())


class JobStillPaid(Exception):
    """Polling stopped while the provider may still be making the clip (it stays in the journal to resume)."""

    def __init__(self, error: ProviderError) -> None:
        super().__init__(str(error))
        self.error = error


def _semaphore(key: str, size: int) -> asyncio.Semaphore:
    """One semaphore per (event loop, provider key)."""
    per_loop = _limits.setdefault(asyncio.get_running_loop(), {})
    if key not in per_loop:
        per_loop[key] = asyncio.Semaphore(size)
    return per_loop[key]


async def _emit(on_event: EventFn | None, shot_id: str, status: str, percent: float | None, message: str) -> None:
    if on_event is None:
        return
    out = on_event(shot_id, status, percent, message)
    if inspect.isawaitable(out):
        await out


def build_request(shot: Shot, brief: Brief, registry: Registry, model_id: str, gateway: str, settings: Settings, *,
                  aspect: str | None = None, continuity: ContinuitySheet | None = None,
                  clip_seconds: float | None = None, audio_path: str | Path | None = None,
                  extend_s: list[float] | None = None, look: LookSheet | None = None,
                  chained_frame: str | None = None) -> ClipRequest:
    """The provider-neutral request for ``shot`` on ``model_id`` / ``gateway``.

    ``extend_s`` (from the route) makes one continuous take: the first clip, then the provider extends it.
    ``look`` (the storyboard's look sheet) adds its style and the shot's subjects (:meth:`LookSheet.for_shot`) to
    the prompt, and their pictures become the request's ``references`` (:meth:`Registry.references_for`: none
    where the gateway cannot send them, or its vendor cannot take them with this request).

    For an avatar model, ``audio_path`` is the narration to lip-sync (see the module docstring).
    ``chained_frame`` (the previous shot's last frame, see :mod:`tools.clips.chaining`) is the first frame on a
    video model that takes one, before the keyframe; the user's own picture for the shot still comes first.
    """
    spec = registry.get(model_id)
    gw = spec.gateways.get(gateway)
    aspect = aspect or brief.aspects[0]
    look = look.for_shot(shot) if look is not None else None
    width, height = FORMATS[aspect]
    extras = [p for p in (brief.style, continuity.suffix() if continuity else "", look.prompt_suffix() if look else "")
              if p]
    prompt = "; ".join([shot.visual_prompt, *extras])
    # The approved keyframe is the first frame on models that take one (what was approved is what moves).
    first_frame = shot.image_path or (chained_frame if continues_on(spec) else None) or shot.keyframe
    i2v = bool(first_frame) and "image-to-video" in spec.modes
    seconds = clip_seconds or spec.clip_length(shot.seconds)
    params = dict(gw.params) if gw else {}
    still = shot.kind == "still" and bool(first_frame)  # the keyframe alone, moved by a camera
    if spec.kind == "offline" and shot.graphic is not None and not still:
        from reelforge.tools.graphics import brand_from_settings

        params["graphic"] = shot.graphic.model_dump(mode="json", exclude_defaults=True)
        params["brand"] = brand_from_settings(settings).fingerprint()
    elif spec.kind == "offline" and shot.on_screen_text:
        params["on_screen_text"] = shot.on_screen_text
    if spec.kind == "stock":
        params.setdefault("traits", list(shot.traits))
    image_path = first_frame if (i2v or spec.kind == "offline") else shot.image_path
    if spec.kind == "avatar":
        image_path, params = _avatar_params(shot, brief, params, image_path, audio_path)
        i2v = bool(image_path)
    req = ClipRequest(
        shot_id=shot.id, prompt=prompt, seconds=seconds, aspect=aspect, width=width, height=height,
        fps=settings.fps, negative_prompt=shot.negative_prompt, model_id=model_id,
        gateway_model=(gw.model_i2v or gw.model) if (gw and i2v) else (gw.model if gw else ""),
        resolution=spec.resolutions[0] if spec.resolutions and gateway != "local" else "",
        image_path=image_path, audio=spec.native_audio, seed=shot.seed,
        mode="image-to-video" if i2v else "text-to-video", params=params,
        extend_s=list(extend_s or []) if registry.can_extend(spec, gateway) else [])
    if look is not None and gw is not None:
        req.references = registry.references_for(spec, gateway, req, look.reference_paths())
        if req.references and gw.model_ref:  # the gateway's reference-to-video endpoint takes them
            req.gateway_model = gw.model_ref
    return req


def _avatar_params(shot: Shot, brief: Brief, params: dict[str, Any], image_path: str | None,
                   audio_path: str | Path | None) -> tuple[str | None, dict[str, Any]]:
    """The presenter's sources for an avatar request: narration audio, the words, the user's upload."""
    params = dict(params)
    if audio_path:
        params["audio_path"] = str(audio_path)
    if shot.narration.strip():
        params.setdefault("script", shot.narration.strip())
    elif not audio_path and not params.get("script"):  # never let an avatar read the visual prompt aloud
        params["_skip"] = "this presenter shot has no narration to speak"
    if brief.presenter_path and not image_path and "video_path" not in params:
        from reelforge.tools.presenter import PresenterError, require_consent, validate_upload

        try:
            require_consent(brief.presenter_consent)
            upload = validate_upload(brief.presenter_path)
        except PresenterError as exc:  # without a usable upload only a configured stock avatar may speak
            if not params.get("avatar_id"):
                params["_skip"] = str(exc)
        else:
            if upload.is_image:
                image_path = str(upload.path)
            else:
                params["video_path"] = str(upload.path)
    return image_path, params


def presenter_windows(storyboard: Storyboard, narrations: list[Narration], brief: Brief, *, fps: int,
                      target_s: float | None) -> dict[str, tuple[float, float, float]]:
    """For each presenter shot, what the viewer hears while it is on screen, as assembly will place it:
    ``(lead_s, start_s, end_s)`` = seconds of silence before the voice starts in the clip, then the span of
    its scene's narration file that plays over the rest of the clip.

    Assembly starts a scene's narration a paced pause after the scene's first frame, shares the scene
    among its shots by planned length and starts a clip early for a crossfade; an avatar clip made from
    this window moves its lips exactly with the voice. ``target_s`` as given to ``build_timeline``.
    """
    from reelforge.tools.assembly import build_timeline

    dummy = {s.id: Asset(key=f"lead-{s.id}", kind="clip", path=f"{s.id}.mp4",
                         provenance=Provenance(source="plan", model="plan")) for s in storyboard.shots}
    timeline = build_timeline(storyboard, dummy, narrations, None, brief, fps=fps, target_s=target_s)
    clips = {c.shot_id: c for c in timeline.clips}
    placed = iter(timeline.narration)
    out: dict[str, tuple[float, float, float]] = {}
    for i, scene in enumerate(storyboard.scenes):
        narr = narrations[i] if i < len(narrations) and narrations[i].duration_s > 0 else None
        if narr is None:
            continue
        voice_at = next(placed).start
        for shot in scene.shots:
            if shot.kind != "presenter":
                continue
            clip = clips[shot.id]
            start = max(0.0, clip.start - voice_at)
            end = min(narr.duration_s, clip.start + clip.duration - voice_at)
            if end - start >= 0.2:
                out[shot.id] = (round(max(0.0, voice_at - clip.start), 3), round(start, 3), round(end, 3))
    return out


def shot_narration(storyboard: Storyboard, narrations: list[Narration], shot_id: str,
                   store: AssetStore, *, window: tuple[float, float, float] | None = None) -> Path | None:
    """The part of its scene's narration spoken over ``shot_id`` (the whole file for a one-shot scene).

    ``narrations[i]`` belongs to ``storyboard.scenes[i]`` (as for assembly). The cut follows the shots'
    narration spans when their words line up with the word timings, else the shots' share of the scene's
    planned seconds; cuts fall midway between words. With ``window`` = ``(lead_s, start_s, end_s)`` from
    :func:`presenter_windows` it is exactly what plays over the shot, after ``lead_s`` of silence.
    Returns None for a shot with nothing spoken over it.
    """
    for i, scene in enumerate(storyboard.scenes):
        ids = [s.id for s in scene.shots]
        if shot_id not in ids:
            continue
        if i >= len(narrations) or narrations[i].duration_s <= 0 or not Path(narrations[i].asset.path).is_file():
            return None
        narr, j = narrations[i], ids.index(shot_id)
        lead = 0.0
        if window is not None:
            lead, t0, t1 = round(max(0.0, window[0]), 3), max(0.0, window[1]), min(narr.duration_s, window[2])
        elif len(ids) == 1:
            return Path(narr.asset.path)
        else:
            t0, t1 = _span(scene.shots, j, narr)
        if t1 - t0 < 0.2:
            return None
        from reelforge.tools.media import run_ffmpeg

        key = store.key("narration-slice", file_digest(narr.asset.path), round(t0, 3), round(t1, 3), lead)
        out = store.path_for(key, ".wav")
        if not out.is_file():
            tmp = store.scratch(".wav")
            delay = ["-af", f"adelay={round(lead * 1000)}:all=1"] if lead >= 0.001 else []
            run_ffmpeg(["-ss", f"{t0:.3f}", "-t", f"{t1 - t0:.3f}", "-i", narr.asset.path, "-vn", *delay, "-ac", "1",
                        "-ar", "48000", "-c:a", "pcm_s16le", str(tmp)], what="narration slice")
            tmp.replace(out)
        return out
    return None


def _span(shots: list[Shot], j: int, narr: Narration) -> tuple[float, float]:
    """Seconds [start, end) of shot ``j``'s words in ``narr``."""
    counts = [len(s.narration.split()) for s in shots]
    words = narr.words
    if words and sum(counts) == len(words):
        first = sum(counts[:j])
        if counts[j] == 0:
            return 0.0, 0.0
        last = first + counts[j] - 1
        t0 = 0.0 if first == 0 else (words[first - 1].end + words[first].start) / 2
        t1 = narr.duration_s if last == len(words) - 1 else (words[last].end + words[last + 1].start) / 2
        return t0, t1
    total = sum(s.seconds for s in shots) or 1.0
    before = sum(s.seconds for s in shots[:j])
    t0, t1 = narr.duration_s * before / total, narr.duration_s * (before + shots[j].seconds) / total
    if words:  # move each cut to the middle of the nearest pause between words
        gaps = [(a.end + b.start) / 2 for a, b in zip(words, words[1:], strict=False)]
        if gaps:
            t0 = 0.0 if j == 0 else min(gaps, key=lambda g: abs(g - t0))
            t1 = narr.duration_s if j == len(shots) - 1 else min(gaps, key=lambda g: abs(g - t1))
    return t0, t1


def cache_key(req: ClipRequest, gateway: str) -> str:
    """Hash of (model, gateway, normalised request, seed, input hashes)."""
    params = {k: (file_digest(v) if k in FILE_PARAMS and isinstance(v, str) else v) for k, v in req.params.items()}
    norm = {"prompt": " ".join(req.prompt.split()), "negative": " ".join(req.negative_prompt.split()),
            "seconds": round(req.seconds, 3), "aspect": req.aspect, "size": [req.width, req.height], "fps": req.fps,
            "mode": req.mode, "resolution": req.resolution, "gateway_model": req.gateway_model,
            "params": params, "audio": req.audio, **({"extend": req.extend_s} if req.extend_s else {}),
            # reference images count by content, not by path
            **({"references": [file_digest(p) for p in req.references]} if req.references else {})}
    return AssetStore.key("clip", req.model_id, gateway, norm, req.seed, file_digest(req.image_path))


async def _run_job(provider: ClipProvider, req: ClipRequest, dest: Path, settings: Settings,
                   on_event: EventFn | None, journal: JournalStore, key: str, *, model: str, gateway: str) -> Job:
    """Resume the job a crashed or timed-out run left at the provider, or reconcile its interrupted submission,
    or submit afresh with its intent journalled first (see :mod:`tools.clips.attempts`: never pay twice); poll
    with backoff under the overall deadline; download. Raises ProviderError."""
    deadline = time.monotonic() + settings.provider_timeout_s
    rec = await attempts.load(journal, key)
    job = attempts.resumable(rec, provider)
    if job is not None:
        await _emit(on_event, req.shot_id, "generating", None, f"resuming job {job.id}")
        try:
            job = await provider.poll(job)
        except ProviderError as exc:
            if exc.kind not in ("expired", "invalid"):  # a flaky answer is not a lost job: ask again later
                raise
            job = None  # the provider no longer knows it: start afresh (with a new key)
    elif rec.get("state") == "intent" and rec.get("provider") == provider.name:
        await _emit(on_event, req.shot_id, "generating", None, "checking an interrupted submission")
        rec, job = await attempts.reconcile(journal, key, rec, provider, req)
    if job is None:
        rec, sent = await attempts.record_intent(journal, key, rec, provider, req, model=model, gateway=gateway)
        try:
            job = await provider.submit(sent)
        except ProviderError as exc:
            if exc.status_code is not None:  # the provider answered "no": nothing was accepted
                await attempts.close_attempt(journal, key, rec)
            raise  # no answer (a timeout, a dropped connection): the intent stays, to be reconciled first
        rec = await attempts.record_submitted(journal, key, rec, job)
    try:
        return await _finish_job(provider, job, req, dest, settings, on_event, deadline, journal, key, rec)
    except JobStillPaid as exc:  # the job may still finish (deadline, a flaky status API): keep it to resume
        raise exc.error from exc
    except ProviderError:  # refused, failed or its result expired: that job is over
        await attempts.close_attempt(journal, key, rec)
        raise


async def _finish_job(provider: ClipProvider, job: Job, req: ClipRequest, dest: Path, settings: Settings,
                      on_event: EventFn | None, deadline: float, journal: JournalStore, key: str,
                      rec: dict[str, Any]) -> Job:
    """Wait for the job, extend its clip where the route asks for one continuous take, download.

    Each extension is paid like a submission, so it is journalled the same way (intent first, job id after); a
    resumed run continues from the last extension on record instead of extending again."""
    job = await _wait(provider, job, req, settings, on_event, deadline)
    made = req.seconds
    for step_no, step in enumerate(req.extend_s, start=1):
        if step_no <= int(rec.get("extended") or 0):  # done before a crash: the resumed job already has it
            made += step
            continue
        await _emit(on_event, req.shot_id, "generating", None, f"extending the take from {made:g} s to "
                                                               f"{made + step:g} s")
        rec = await attempts.record_extension(journal, key, rec, step_no)
        extended = await provider.extend(job, req, step)
        rec = await attempts.record_submitted(journal, key, {**rec, "extended": step_no, "extending": None}, extended)
        job = await _wait(provider, extended, req, settings, on_event, deadline)
        made += step
    await provider.download(job, dest)
    return job


async def _wait(provider: ClipProvider, job: Job, req: ClipRequest, settings: Settings,
                on_event: EventFn | None, deadline: float) -> Job:
    """Poll ``job`` with backoff until it is done and succeeded; raise ProviderError otherwise."""
    delay = max(0.01, provider.poll_interval_s)
    last_status = None
    failures = 0
    while not job.status.done:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise JobStillPaid(ProviderError(provider.name, "timeout",
                                             f"no result within {settings.provider_timeout_s:.0f} s (job {job.id})"))
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * POLL_BACKOFF, POLL_MAX_S)
        try:
            job = await provider.poll(job)
        except ProviderError as exc:  # a bad answer about a job is not a dead job: ask again, then give up
            failures += 1
            if not exc.retryable or failures > POLL_FAILURES:
                raise JobStillPaid(exc) from exc
            continue
        failures = 0
        if job.status is not last_status or job.progress is not None:
            last_status = job.status
            await _emit(on_event, req.shot_id, "generating" if job.status is JobStatus.RUNNING else job.status.value,
                        job.progress, job.message)
    if job.status is JobStatus.REFUSED:
        raise ProviderError(provider.name, "refused", job.message or "refused by the provider's content policy")
    if job.status is not JobStatus.SUCCEEDED:
        raise ProviderError(provider.name, "provider", job.message or f"job {job.status.value}")
    return job


def _probe_fields(path: Path) -> dict[str, Any]:
    from reelforge.tools.media import MediaError, probe

    try:
        info = probe(path)
    except MediaError:
        return {}
    return {"duration_s": info.duration_s or None, "width": info.width or None, "height": info.height or None,
            "has_audio": info.has_audio}


async def attempt(model_id: str, gateway: str, req: ClipRequest, registry: Registry,
                   store: AssetStore, settings: Settings, on_event: EventFn | None) -> tuple[Path, float, Job]:
    """Run one model (retrying a transient job failure once); return the downloaded file, its cost, the job."""
    spec = registry.get(model_id)
    sem = _semaphore(f"{gateway}:{model_id}", spec.concurrency)
    gw = spec.gateways.get(gateway)
    # An account-wide limit shared by every model on this gateway (e.g. fal's concurrent requests).
    shared = _semaphore(f"account:{gateway}:{gw.adapter}", gw.concurrency) if gw and gw.concurrency else None
    last: ProviderError | None = None
    for attempt in range(1 + JOB_RETRIES):
        async with sem, (shared or contextlib.nullcontext()):
            provider = registry.provider_for(model_id, gateway, settings)
            try:
                if req.params.get("_skip"):
                    raise ProviderError(provider.name, "invalid", str(req.params["_skip"]))
                provider.check_request(req)
                await _emit(on_event, req.shot_id, "generating", 0.0, f"{model_id} via {gateway}"
                            + (f" (retry {attempt})" if attempt else ""))
                dest = store.scratch(".png" if spec.kind == "image" else ".mp4")
                job = await _run_job(provider, req, dest, settings, on_event, journal_for(settings, store.root),
                                     cache_key(req, gateway), model=model_id, gateway=gateway)
                if spec.kind == "image":  # one picture, priced per image
                    billed = 1.0
                else:
                    billed = job.data.get("billed_s") or (
                        spec.billed_seconds(float(job.data.get("duration_s") or req.seconds))
                        + sum(spec.billed_seconds(s) for s in req.extend_s))
                cost = float(job.data.get("cost_usd", float(billed) * registry.gateway_price(spec, gateway)))
                return dest, cost, job
            except ProviderError as exc:
                last = exc
                if not (exc.retryable or exc.kind == "expired"):
                    raise
            finally:
                await provider.aclose()
    assert last is not None
    raise last


async def generate_shot(shot: Shot, brief: Brief, registry: Registry, store: AssetStore, settings: Settings, *,
                        on_event: EventFn | None = None, aspect: str | None = None,
                        continuity: ContinuitySheet | None = None,
                        narration_audio: NarrationFn | None = None, look: LookSheet | None = None,
                        chained_frame: str | None = None) -> Asset:
    """Make (or fetch from the cache) the clip for ``shot``, falling back down its route to ``motion``.

    ``narration_audio(shot)`` is asked (once, only when an avatar model is tried) for the narration to lip-sync.
    ``chained_frame`` is the previous shot's last frame for a shot that continues it (see :func:`build_request`).
    """
    route = shot.route or choose(shot, brief, registry, settings)
    chain = [route.model_id] + [m for m in route.fallbacks if m != route.model_id]
    if OFFLINE_MODEL in registry.models and OFFLINE_MODEL not in chain:
        chain.append(OFFLINE_MODEL)
    await _emit(on_event, shot.id, "queued", 0.0, f"{route.model_id} via {route.gateway or '?'}")
    reasons: list[str] = []
    audio: list[str | Path | None] = []  # asked at most once

    async def narration_for(spec: ModelSpec) -> str | Path | None:
        if spec.kind != "avatar" or narration_audio is None:
            return None
        if not audio:
            from reelforge.tools.media import MediaError

            try:
                got = narration_audio(shot)
                audio.append(await got if inspect.isawaitable(got) else got)
            except (MediaError, OSError) as exc:  # no audio: the avatar speaks the words with its own voice
                reasons.append(f"narration audio unavailable ({type(exc).__name__})")
                audio.append(None)
        return audio[0]

    for i, model_id in enumerate(chain):
        if model_id not in registry.models:
            reasons.append(f"{model_id}: not in the registry")
            continue
        avail = registry.available(model_id, settings)
        spec = registry.get(model_id)
        routed_ok = i == 0 and route.gateway in spec.gateways and not registry.gateway_status(spec, route.gateway,
                                                                                               settings)
        gateway = route.gateway if routed_ok else avail.gateway
        if not avail.ok or gateway is None:
            reasons.append(f"{model_id}: {avail.reason}")
            continue
        req = build_request(shot, brief, registry, model_id, gateway, settings, aspect=aspect, continuity=continuity,
                            clip_seconds=route.clip_seconds if i == 0 and route.clip_seconds else None,
                            audio_path=await narration_for(spec), extend_s=route.extend_s if i == 0 else None,
                            look=look, chained_frame=chained_frame)
        key = cache_key(req, gateway)
        fell_back = i > 0
        async with single_flight(settings, key):  # a concurrent request for this clip waits, then hits the cache
            cached = store.get(key)
            if cached is not None:
                await _emit(on_event, shot.id, "done", 100.0, f"cached {model_id}")
                # the clip is the same; whether it is a fallback, and why, is this run's story
                cached = cached.model_copy(update={"provenance": cached.provenance.model_copy(update={
                    "fell_back": fell_back, "fallback_reason": "; ".join(reasons) if fell_back else None})})
                return await _native_formats(cached, shot, brief, registry, store, settings, model_id, gateway,
                                             req.aspect, continuity, look)
            try:
                path, cost, job = await attempt(model_id, gateway, req, registry, store, settings, on_event)
            except RegistryError as exc:
                reasons.append(f"{model_id}: {exc}")
                continue
            except ProviderError as exc:
                reasons.append(f"{model_id}: {exc.kind}: {exc.message}")
                await _emit(on_event, shot.id, "fell_back", None, f"{model_id} failed ({exc.kind}: {exc.message})")
                continue
            extra = job.data.get("provenance") if isinstance(job.data.get("provenance"), dict) else {}
            prov = {"source": gateway if gateway not in ("direct", "local") else spec.family, "model": model_id,
                    "prompt": req.prompt, **extra, "cost_usd": round(cost, 4), "fell_back": fell_back,
                    "fallback_reason": "; ".join(reasons) if fell_back else None}
            if spec.kind == "avatar" and brief.presenter_consent and brief.presenter_path and (
                    req.params.get("video_path") or (req.image_path and req.image_path != shot.image_path)):
                prov["consent"] = brief.presenter_consent  # the user's likeness was used: keep their affirmation
                prov.setdefault("licence", "generated from a user-provided likeness (consent recorded)")
            journal = journal_for(settings, store.root)
            prov["unconfirmed_jobs"] = list((await attempts.load(journal, key)).get("unknown") or [])
            asset = Asset(key=key, kind="clip", path=str(path), **_probe_fields(path),
                          provenance=Provenance.model_validate(prov))
            stored = store.put(asset, path)
            await asyncio.to_thread(journal.delete, key)  # the clip is safe: nothing left to resume
            if Path(path) != Path(stored.path):
                Path(path).unlink(missing_ok=True)
            stored = await _native_formats(stored, shot, brief, registry, store, settings, model_id, gateway,
                                           req.aspect, continuity, look)
            await _emit(on_event, shot.id, "done", 100.0, f"{model_id}" + (" (fell back)" if fell_back else ""))
            return stored
    raise ProviderError("runner", "provider", f"shot {shot.id}: every model failed ({'; '.join(reasons)})")


async def _native_formats(asset: Asset, shot: Shot, brief: Brief, registry: Registry, store: AssetStore,
                          settings: Settings, model_id: str, gateway: str, made_for: str,
                          continuity: ContinuitySheet | None, look: LookSheet | None) -> Asset:
    """What reelforge draws itself (the offline renderer) is drawn again for every other output format, laid
    out for that frame, instead of being cropped or pillarboxed from the first one. Cached like any clip."""
    spec = registry.get(model_id)
    others = [a for a in brief.aspects if a != made_for]
    if spec.kind != "offline" or not others:
        return asset
    variants = dict(asset.variants)
    for aspect in others:
        req = build_request(shot, brief, registry, model_id, gateway, settings, aspect=aspect, continuity=continuity,
                            look=look)
        key = cache_key(req, gateway)
        cached = store.get(key)
        if cached is None:
            path, _cost, _job = await attempt(model_id, gateway, req, registry, store, settings, None)
            cached = store.put(Asset(key=key, kind="clip", path=str(path), **_probe_fields(path),
                                     provenance=asset.provenance.model_copy(update={"prompt": req.prompt})), path)
            if Path(path) != Path(cached.path):
                Path(path).unlink(missing_ok=True)
        variants[aspect] = cached.path
    return asset.model_copy(update={"variants": variants})


async def generate_all(shots: Iterable[Shot], brief: Brief, registry: Registry, store: AssetStore,
                       settings: Settings, *, on_event: EventFn | None = None, aspect: str | None = None,
                       continuity: ContinuitySheet | None = None, max_parallel: int | None = None,
                       narration_audio: NarrationFn | None = None, look: LookSheet | None = None,
                       chains: Mapping[str, str] | None = None) -> dict[str, Asset]:
    """Generate every shot with bounded fan-out (``settings.max_parallel_shots``); ``{shot_id: Asset}``.

    ``chains`` (``{shot id: the shot it continues}``, see :func:`tools.clips.chaining.chain_links`): such a shot
    waits for that shot's clip (without holding a slot) and starts on its last frame; the others run in parallel.
    """
    gate = asyncio.Semaphore(max_parallel or settings.max_parallel_shots)
    tasks: dict[str, asyncio.Future[Asset]] = {}

    async def one(shot: Shot, previous: asyncio.Future[Asset] | None) -> Asset:
        frame = None
        if previous is not None:
            await _emit(on_event, shot.id, "queued", 0.0, "waiting for the shot before: this one starts on its last frame")
            frame = await frame_after(previous, registry, store)
        async with gate:
            return await generate_shot(shot, brief, registry, store, settings, on_event=on_event, aspect=aspect,
                                       continuity=continuity, narration_audio=narration_audio, look=look,
                                       chained_frame=frame)

    for shot in shots:
        after = (chains or {}).get(shot.id)
        previous = tasks.get(after) if after and may_continue(shot, registry) else None
        tasks[shot.id] = asyncio.ensure_future(one(shot, previous))
    results = await asyncio.gather(*tasks.values())
    return dict(zip(tasks, results, strict=True))


