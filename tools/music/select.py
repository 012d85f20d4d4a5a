"""``select_music``: choose a bed by mood / energy / tempo / length, fit it to the video, cache it."""

from __future__ import annotations

from pathlib import Path

from reelforge.tools.music import procedural
from reelforge.tools.music.fit import RATE, REFERENCE_LUFS, fit_length, load_stereo, normalise, write_stereo
from reelforge.tools.music.library import Track, list_library, procedural_tracks
from reelforge.tools.production import MOODS, Asset, Provenance, stable_hash
from reelforge.tools.settings import Settings, get_settings
from reelforge.tools.store import AssetStore
from reelforge.tools.voice.base import VoiceError

DEFAULT_MOOD = "corporate"  # "auto": neutral, works under most narration
ALIASES = {"happy": "upbeat", "energetic": "upbeat", "inspiring": "upbeat", "epic": "dramatic",
           "tense": "dramatic", "mysterious": "dark", "sad": "dark", "relaxed": "calm", "chill": "calm",
           "fun": "playful", "quirky": "playful", "business": "corporate", "neutral": "corporate"}


def normalise_mood(mood: str | None) -> str:
    """A known mood: ``auto``/empty → the default; common synonyms mapped. Raises ValueError for others."""
    m = (mood or "auto").strip().lower()
    if m == "auto":
        return DEFAULT_MOOD
    m = ALIASES.get(m, m)
    if m not in MOODS:
        raise ValueError(f"unknown music mood {mood!r}; use auto or one of {', '.join(MOODS)}")
    return m


def score(track: Track, mood: str, duration_s: float, energy: float | None, bpm: float | None) -> float:
    """Higher is better: mood match dominates, then energy, tempo and length fit.

    A track without an energy or tempo tag gets an average fit for it (not zero), and the user's own music gets
    a bonus that beats the generator unless its tags say it clearly does not fit.
    """
    s = 3.0 if mood in track.moods else (1.0 if any(ALIASES.get(m) == mood for m in track.moods) else 0.0)
    if energy is not None:
        s += 1.5 * ((1 - min(1.0, abs(track.energy - energy))) if track.energy is not None else 0.6)
    if bpm:
        s += 1.0 * (max(0.0, 1 - abs(track.bpm - bpm) / 40) if track.bpm else 0.6)
    if track.loopable or not track.duration_s or track.duration_s >= duration_s:
        s += 0.5
    else:  # a short track is looped, which is fine but less natural
        s += 0.25 + 0.25 * track.duration_s / duration_s
    if track.source == "library":
        s += 1.5  # the user's own music first when it fits about as well
    return s


def targets(mood: str, energy: float | None = None, bpm: float | None = None) -> tuple[float, float]:
    """The energy (0..1) and tempo to look for: given values, else the mood's own (calm ≈ 0.2 at 76 BPM,
    upbeat ≈ 0.85 at 118 BPM, ...), so library tracks are ranked by energy and tempo even from a mood alone."""
    style = procedural.STYLES[normalise_mood(mood)]
    return (style.energy if energy is None else float(energy)), float(bpm or style.bpm)


def candidates(settings: Settings, *, commercial: bool = True) -> list[Track]:
    """Library tracks (non-commercial licences dropped for commercial videos) plus the procedural catalogue."""
    lib = [t for t in list_library(settings) if not (commercial and "nc" in t.licence.lower().replace("-", " ").split())]
    return lib + procedural_tracks()


def choose(tracks: list[Track], mood: str, duration_s: float, *, seed: int = 0, energy: float | None = None,
           bpm: float | None = None) -> Track:
    """The best-scoring track; ties broken by a seeded hash, so the same inputs always pick the same track."""
    if not tracks:
        raise ValueError("no music tracks to choose from")
    return max(tracks, key=lambda t: (round(score(t, mood, duration_s, energy, bpm), 6), stable_hash(seed, t.id)))


def select_music(mood: str, duration_s: float, *, settings: Settings | None = None, store: AssetStore | None = None,
                 seed: int = 0, energy: float | None = None, bpm: float | None = None, commercial: bool = True,
                 allow_paid: bool = False) -> Asset:
    """A music bed exactly ``duration_s`` long (± 50 ms), loudness-normalised, with licence and attribution.

    Sources: the user's library (``REELFORGE_MUSIC_DIR``), the procedural generator (always available) and,
    with ``allow_paid`` and ``ELEVENLABS_API_KEY``, ElevenLabs Music when no library track matches the mood
    (if it fails, the generator's bed is used and its provenance says ``fell_back`` with the reason).
    ``energy`` / ``bpm`` default to the mood's (:func:`targets`). Same inputs, same track: deterministic.
    """
    if duration_s <= 0:
        raise ValueError(f"music duration must be positive, got {duration_s}")
    settings = settings or get_settings()
    store = store or AssetStore(settings.store_dir)
    m = normalise_mood(mood)
    tracks = candidates(settings, commercial=commercial)
    energy, bpm = targets(m, energy, bpm)
    track = choose(tracks, m, duration_s, seed=seed, energy=energy, bpm=bpm)
    if allow_paid and track.source == "procedural" and settings.secret("ELEVENLABS_API_KEY"):
        track = Track(id=f"elevenlabs:{m}:{seed}", source="elevenlabs", title=f"ElevenLabs {m} music",
                      moods=[m], bpm=bpm, licence="ElevenLabs Music (per your plan)",
                      attribution="Music generated with ElevenLabs")
    source_hash = stable_hash(Path(track.path).stat().st_size, Path(track.path).stat().st_mtime_ns) if track.path else ""
    key = store.key("music", track.id, source_hash, round(duration_s, 3), seed, energy, bpm, REFERENCE_LUFS)
    hit = store.get(key)
    if hit is not None:
        return hit
    try:
        audio, tempo = _source_audio(track, m, duration_s, seed, energy, bpm, settings, store)
    except VoiceError as exc:  # ElevenLabs Music failed: the generator's bed instead, and the asset says why
        if track.source != "elevenlabs":
            raise
        bed = select_music(m, duration_s, settings=settings, store=store, seed=seed, energy=energy, bpm=bpm,
                           commercial=commercial, allow_paid=False)
        reason = f"ElevenLabs Music failed: {exc}"
        return bed.model_copy(update={"provenance": bed.provenance.model_copy(
            update={"fell_back": True, "fallback_reason": reason})})
    fitted = fit_length(audio, duration_s, bpm=tempo)
    out = write_stereo(store.scratch(".wav"), fitted)
    out = write_stereo(out, normalise(out, fitted))
    prov = Provenance(source=track.source, model=track.id, prompt=f"mood={m} energy={energy} bpm={bpm or tempo}",
                      licence=track.licence, attribution=_credit(track), source_url=track.path,
                      cost_usd=0.0)
    asset = store.put(Asset(key=key, kind="music", path=str(out), duration_s=round(len(fitted) / RATE, 4),
                            has_audio=True, provenance=prov), out)
    out.unlink(missing_ok=True)
    return asset


def _credit(track: Track) -> str:
    if track.attribution:
        return track.attribution
    by = f" by {track.artist}" if track.artist else ""
    return f"\"{track.title}\"{by} ({track.licence})"


def _source_audio(track: Track, mood: str, duration_s: float, seed: int, energy: float | None, bpm: float | None,
                  settings: Settings, store: AssetStore):
    if track.source == "library" and track.path:
        return load_stereo(track.path), track.bpm
    if track.source == "elevenlabs":
        from reelforge.tools.voice import eleven

        prompt = f"instrumental {mood} background music for a video" + (f", {bpm:.0f} BPM" if bpm else "")
        path = eleven.compose_music(prompt, duration_s + 1.0, store.scratch(".mp3"), settings)
        return load_stereo(path), bpm
    bars = max(4, min(16, int(duration_s / (4 * 60 / (bpm or procedural.STYLES[mood].bpm))) + 1))
    bars = 8 if bars > 8 else 4  # a short loop repeats; whole phrases of 4 or 8 bars
    return procedural.generate(mood, seed=seed, bars=bars, bpm=bpm, energy=energy)
