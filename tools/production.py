"""The shared vocabulary of a production: brief, storyboard, shots, assets, timeline, manifest.

Every layer (planning, routing, clips, voice, music, assembly, the agent and the front doors) speaks
these pydantic models, so a checkpoint or a manifest can be read back anywhere.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

# --- fixed vocabularies ---------------------------------------------------------------------------

FORMATS: dict[str, tuple[int, int]] = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
}
PREFERENCES = ("quality", "balanced", "cheap", "fast")
SHOT_KINDS = ("generated", "stock", "presenter", "graphics", "still")
GRAPHIC_LAYOUTS = ("title", "list", "steps", "number", "quote", "comparison", "lower_third", "location", "end_card")
TRAITS = (
    "photoreal_human",
    "fast_action",
    "slow_cinematic",
    "stylized_animation",
    "abstract_motion_graphics",
    "text_on_screen",
    "product",
    "nature",
    "aerial",
    "real_place",
    "b_roll",
)
MOODS = ("upbeat", "calm", "dramatic", "corporate", "playful", "dark")
TRANSITIONS = ("cut", "crossfade", "dip", "wipeleft", "wiperight", "slideleft", "slideup")

Preference = Literal["quality", "balanced", "cheap", "fast"]
ShotKind = Literal["generated", "stock", "presenter", "graphics", "still"]
GraphicLayout = Literal["title", "list", "steps", "number", "quote", "comparison", "lower_third", "location",
                        "end_card"]
#: What happens to the sound a video model makes with a shot: ``auto`` (ambience under narration, the scene's
#: own sound where nobody speaks), ``ambience`` (kept low and ducked under the voice), ``scene`` (the shot's
#: sound at full level), ``mute``.
ShotSound = Literal["auto", "ambience", "scene", "mute"]
# Closed values as the director's tools offer them to a model (JSON-schema enums).
Tone = Literal["modern", "upbeat", "calm", "dramatic", "corporate", "playful", "dark"]
MusicMood = Literal["auto", "none", "upbeat", "calm", "dramatic", "corporate", "playful", "dark"]
AspectChoice = Literal["9:16", "16:9", "1:1", "4:5", "vertical", "portrait", "square", "landscape", "horizontal",
                       "widescreen"]
SourceKind = Literal["prompt", "script", "outline", "article"]
AssetKind = Literal["clip", "image", "narration", "music", "captions", "video", "thumbnail", "timeline", "other"]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_aspects(text: str | list[str]) -> list[str]:
    """Parse ``"9:16,16:9"`` into known aspect ratios; raises ``ValueError`` naming the unknown one."""
    items = text if isinstance(text, list) else [a for a in text.replace(" ", "").split(",") if a]
    aliases = {"vertical": "9:16", "portrait": "9:16", "landscape": "16:9", "horizontal": "16:9",
               "square": "1:1", "feed": "4:5"}
    out: list[str] = []
    for item in items:
        a = aliases.get(item.lower(), item)
        if a not in FORMATS:
            raise ValueError(f"unknown aspect ratio {item!r}; use one of {', '.join(FORMATS)}")
        if a not in out:
            out.append(a)
    if not out:
        raise ValueError("no aspect ratio given")
    return out


# --- brief ----------------------------------------------------------------------------------------


class Consent(BaseModel):
    """A user's affirmation that they have the right to use a voice or a likeness."""

    text: str
    affirmed_by: str
    affirmed_at: str = Field(default_factory=now_iso)


class Brief(BaseModel):
    """What the user wants: goal, audience, length, formats, style, voice, music, budget."""

    goal: str
    title: str = ""
    source_kind: SourceKind = "prompt"
    source_text: str = ""
    source_url: str | None = None
    audience: str = "general"
    duration_s: float = 30.0
    aspects: list[str] = Field(default_factory=lambda: ["9:16"])
    tone: str = "modern"
    style: str = ""
    language: str = "en"
    voice: str = "auto"  # "auto", an offline voice name, or "elevenlabs:<voice_id>"
    allow_voice_fallback: bool = True
    music_mood: str = "auto"
    budget_usd: float = 5.0
    preference: Preference = "balanced"
    captions: bool = True
    caption_preset: str = "bold"
    # Keyframes before approval: "auto" draws them only with a free image model; "on" means the person agreed to
    # pay an image model for them (at most a quarter of the budget); "off" never draws them.
    keyframes: Literal["auto", "on", "off"] = "auto"
    commercial: bool = True
    presenter_path: str | None = None  # the user's own photo or video, shown picture-in-picture
    presenter_consent: Consent | None = None
    notes: list[str] = Field(default_factory=list)


# --- storyboard -----------------------------------------------------------------------------------


class RouteChoice(BaseModel):
    """The router's pick for one shot: a model on a gateway, why, what it costs, and what comes next."""

    model_id: str
    provider: str
    gateway: str = "direct"
    reason: str = ""
    est_cost_usd: float = 0.0
    clip_seconds: float = 0.0  # the first generation's length
    extend_s: list[float] = Field(default_factory=list)  # seconds each "extend" call then adds (one continuous take)
    fallbacks: list[str] = Field(default_factory=list)
    downgraded: bool = False
    name: str = ""  # the product name people know ("Kling 3.0 Turbo Pro", "Motion graphics")
    summary: str = ""  # why, in plain words (tools.routing.plain); ``reason`` is the engineer's line
    source: str = ""  # what renders the shot: video | stock | avatar | offline (the registry's model kind)
    only_choice: bool = False  # no other model could make this shot (e.g. no keys: the offline renderer)
    first_frame: bool = False  # the model starts from a picture: a keyframe, or the previous shot's last frame


class Graphic(BaseModel):
    """What a motion-graphics shot shows, chosen from the narration (see ``tools.graphics``).

    ``layout`` picks the design; the other fields are its words, exactly as displayed:
    title (kicker + headline), list / steps (``items``), number (``figure`` counted up, ``unit``, ``body``),
    quote (``body`` + ``attribution``), comparison (two ``items``), lower third (``title`` + ``body``),
    location (``title`` + ``body``), end card (``title`` as the call to action, ``items`` as credits).
    """

    layout: GraphicLayout
    kicker: str = ""
    title: str = ""
    body: str = ""
    figure: str = ""
    unit: str = ""
    attribution: str = ""
    items: list[str] = Field(default_factory=list)
    icons: list[str] = Field(default_factory=list)  # icon names (Font Awesome Free), one per item or one in all

    def words(self) -> str:
        """Every word the graphic puts on screen, in reading order."""
        parts = [self.kicker, self.title, f"{self.figure} {self.unit}".strip(), self.body, *self.items,
                 self.attribution]
        return " ".join(p for p in parts if p)


class Shot(BaseModel):
    """One generated, stock, presenter or motion-graphics clip inside a scene."""

    id: str
    narration: str = ""
    visual_prompt: str
    negative_prompt: str = ""
    traits: list[str] = Field(default_factory=list)
    seconds: float
    kind: ShotKind = "generated"
    sound: ShotSound = "auto"
    on_screen_text: str | None = None
    graphic: Graphic | None = None
    keyframe: str | None = None  # the image model's picture of this shot (storyboard, first frame, still)
    image_path: str | None = None
    # One continuous action with the previous shot of its scene: this shot starts on that clip's last frame
    # (on models that take a first frame). The planner sets it; the person can turn it off.
    continues: bool = False
    importance: float = 1.0
    seed: int = 0
    route: RouteChoice | None = None
    model_override: str | None = None


class Scene(BaseModel):
    """A beat of the story: narration spoken over one or more shots."""

    index: int
    title: str = ""
    narration: str
    shots: list[Shot]
    chapter: str | None = None
    transition: str = "crossfade"
    source_sentences: list[str] = Field(default_factory=list)
    thumbnail: str | None = None

    @property
    def seconds(self) -> float:
        return round(sum(s.seconds for s in self.shots), 3)


class ContinuitySheet(BaseModel):
    """Constants added to every shot prompt so that scenes look like one film."""

    style: str = ""
    palette: str = ""
    setting: str = ""
    characters: list[str] = Field(default_factory=list)

    def suffix(self) -> str:
        parts = [self.style, f"palette: {self.palette}" if self.palette else "", self.setting, *self.characters]
        return "; ".join(p for p in parts if p)


class CostLine(BaseModel):
    """One paid item of a production: estimated before approval, actual after production.

    ``reused`` marks an item already in the asset store (nothing will be paid for it again).
    """

    item: str  # "shot s1", "narration", "music"
    kind: Literal["clip", "narration", "music", "avatar", "stock", "image"]
    provider: str = ""
    model: str = ""
    quantity: float = 0.0
    unit: str = ""  # "s", "characters", "track", "image"
    estimated_usd: float = 0.0
    actual_usd: float | None = None
    reused: bool = False
    price_source: str = ""


class LookSubject(BaseModel):
    """A recurring subject (a character, a product, a place) and the picture that shows it."""

    name: str
    description: str = ""
    reference: str | None = None  # a local image: uploaded by the user, or generated once and approved


class LookSheet(BaseModel):
    """The look of one video: style words and recurring subjects, given to every model that takes them."""

    style: str = ""  # palette, lighting, lens, grade
    subjects: list[LookSubject] = Field(default_factory=list)

    def prompt_suffix(self) -> str:
        parts = [self.style] + [f"{s.name}: {s.description}" if s.description else s.name for s in self.subjects]
        return "; ".join(p for p in parts if p)

    def reference_paths(self) -> list[str]:
        return [s.reference for s in self.subjects if s.reference]

    def changed(self, *, style: str | None = None, subject: str | None = None, description: str | None = None,
                reference: str | None = None, remove: bool = False) -> LookSheet:
        """A copy with a new ``style``, or one ``subject`` (matched by name, any case) added, re-described, given a
        reference picture or, with ``remove``, taken off. ``ValueError`` to remove a subject it does not have."""
        look = self.model_copy(deep=True)
        if style is not None:
            look.style = " ".join(style.split())[:300]
        if not subject:
            return look
        name = " ".join(subject.split())[:60]
        found = next((s for s in look.subjects if s.name.lower() == name.lower()), None)
        if remove:
            if found is None:
                raise ValueError(f"the look sheet has no subject {name!r}")
            look.subjects.remove(found)
            return look
        if found is None:
            found = LookSubject(name=name)
            look.subjects.append(found)
        if description is not None:
            found.description = " ".join(description.split())[:300]
        if reference is not None:
            found.reference = reference
        return look

    def summary(self) -> str:
        """One line for people: "Look: warm light | subjects: the baker: in her sixties (reference picture)"."""
        subjects = "; ".join(f"{s.name}: {s.description or '-'}" + (" (reference picture)" if s.reference else "")
                             for s in self.subjects)
        return f"Look: {self.style or 'from the brief'}" + (f" | subjects: {subjects}" if subjects else "")

    def for_shot(self, shot: Shot) -> LookSheet:
        """The look one shot is made with: the style, and the subjects its words name ("the baker kneads");
        a shot that names none of them ("she smiles", "the shop at dawn") keeps every subject. So changing one
        subject changes only the keyframes and clips that can show it."""
        said = name_words(f"{shot.visual_prompt} {shot.narration}")
        named = [s for s in self.subjects if name_words(s.name) & said]
        return self if not named or len(named) == len(self.subjects) else self.model_copy(update={"subjects": named})


_NAME_STOP = frozenset({"the", "a", "an", "of", "and", "our", "my", "your", "their", "his", "her"})


def plain_letters(text: str) -> str:
    """``text`` with each accented letter replaced by its base letter ("café" → "cafe"), one for one."""
    return "".join(unicodedata.normalize("NFKD", ch)[0] for ch in text)


def name_words(text: str) -> set[str]:
    """Lower-case words of three letters or more, accents and a plural "s" dropped, for matching a subject's
    name."""
    words = re.findall(r"[^\W\d_]{3,}", plain_letters(text).lower())
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words if w not in _NAME_STOP}


class Storyboard(BaseModel):
    """A versioned plan: scenes with shots, each routed with an estimated cost.

    ``paid_extras`` prices what is paid besides the clips (narration, music), so the estimate, the budget
    check and the approval cover every paid item (see :mod:`tools.estimate`).
    """

    version: int = 1
    title: str = ""
    scenes: list[Scene]
    continuity: ContinuitySheet = Field(default_factory=ContinuitySheet)
    notes: list[str] = Field(default_factory=list)
    # What the user must know before approving, in plain words (every review shows these): where the
    # content came from when no language model wrote it, and a plan shorter than the length asked for.
    warnings: list[str] = Field(default_factory=list)
    paid_extras: list[CostLine] = Field(default_factory=list)
    look: LookSheet | None = None

    @property
    def shots(self) -> list[Shot]:
        return [shot for scene in self.scenes for shot in scene.shots]

    @property
    def total_seconds(self) -> float:
        return round(sum(s.seconds for s in self.scenes), 3)

    @property
    def clips_cost_usd(self) -> float:
        return round(sum(s.route.est_cost_usd for s in self.shots if s.route), 4)

    @property
    def estimated_cost_usd(self) -> float:
        """Every paid item: the routed clips plus narration and music (``paid_extras``)."""
        return round(self.clips_cost_usd + sum(x.estimated_usd for x in self.paid_extras), 4)

    @property
    def narration(self) -> str:
        return " ".join(s.narration for s in self.scenes if s.narration)


# --- assets ---------------------------------------------------------------------------------------


class Provenance(BaseModel):
    """Where an asset came from and under what terms."""

    source: str  # provider or generator, e.g. "motion", "piper", "fal", "pexels", "user"
    model: str | None = None
    prompt: str | None = None
    cost_usd: float = 0.0
    licence: str = "generated"
    attribution: str | None = None
    source_url: str | None = None
    author: str | None = None  # stock media: photographer / creator, for credits
    consent: Consent | None = None
    fell_back: bool = False
    fallback_reason: str | None = None
    unconfirmed_jobs: list[str] = Field(default_factory=list)  # interrupted paid requests nobody could confirm
    created_at: str = Field(default_factory=now_iso)


class Asset(BaseModel):
    """A file in the asset store with its provenance."""

    key: str
    kind: AssetKind
    path: str
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    has_audio: bool = False
    provenance: Provenance
    variants: dict[str, str] = Field(default_factory=dict)  # aspect → the same shot laid out for that format


class WordTiming(BaseModel):
    word: str
    start: float
    end: float


class Narration(BaseModel):
    """A narration audio file with word timings (seconds, relative to the file start).

    ``text`` and ``words`` are the writer's text and words (what captions show); ``spoken`` and
    ``spoken_words`` are what the voice said ("1:16" is one word shown, "one to sixteen" three spoken).
    """

    text: str
    asset: Asset
    words: list[WordTiming]
    duration_s: float
    spoken: str = ""
    spoken_words: list[WordTiming] = Field(default_factory=list)


class Cost(BaseModel):
    """Money: estimated before approval, actual after production."""

    estimated_usd: float = 0.0
    actual_usd: float = 0.0
    by_shot: dict[str, float] = Field(default_factory=dict)
    voice_usd: float = 0.0
    music_usd: float = 0.0
    items: list[CostLine] = Field(default_factory=list)  # estimate vs actual per paid item
    unknown_jobs: list[str] = Field(default_factory=list)  # paid jobs a crash left unreconciled (see journal)


# --- timeline and outputs -------------------------------------------------------------------------


class TimelineClip(BaseModel):
    """A clip placed on the timeline. ``start`` is where it begins in the output, in seconds."""

    shot_id: str
    path: str
    start: float
    duration: float
    is_image: bool = False
    has_audio: bool = False
    use_audio: bool = False
    sound: Literal["ambience", "scene", "mute"] = "mute"  # how the clip's own sound is mixed (when used)
    transition: str = "crossfade"  # transition *into* this clip
    transition_s: float = 0.4
    variants: dict[str, str] = Field(default_factory=dict)  # aspect → a file drawn natively for that format
    focus: list[float] | None = None  # the subject's box (x0, y0, x1, y1 in 0..1): crops keep it in frame


class AudioPlacement(BaseModel):
    path: str
    start: float
    duration: float
    text: str = ""  # narration: the writer's line, exactly (timeline markers show it)
    spoken: str = ""  # narration: what the voice says for it


class Overlay(BaseModel):
    """A picture-in-picture presenter placed over the scenes."""

    path: str
    is_image: bool = False
    shape: Literal["circle", "rounded", "rect"] = "circle"
    corner: Literal["bottom-right", "bottom-left", "top-right", "top-left"] = "bottom-right"
    scale: float = 0.3
    start: float = 0.0
    duration: float | None = None


class Timeline(BaseModel):
    """Everything assembly needs, independent of the output format."""

    duration_s: float
    fps: int = 30
    clips: list[TimelineClip]
    narration: list[AudioPlacement] = Field(default_factory=list)
    music: AudioPlacement | None = None
    words: list[WordTiming] = Field(default_factory=list)  # absolute times, for captions
    caption_preset: str = "bold"
    captions: bool = True
    overlays: list[Overlay] = Field(default_factory=list)
    end_card: str | None = None

    def for_aspect(self, aspect: str) -> Timeline:
        """This timeline with each clip's native rendering for ``aspect`` where one was made."""
        if not any(aspect in c.variants for c in self.clips):
            return self
        clips = [c.model_copy(update={"path": c.variants[aspect], "focus": None}) if aspect in c.variants else c
                 for c in self.clips]
        return self.model_copy(update={"clips": clips})


class QCCheck(BaseModel):
    name: str
    passed: bool
    value: Any = None
    detail: str = ""


class QCReport(BaseModel):
    checks: list[QCCheck] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def summary(self) -> str:
        bad = [c for c in self.checks if not c.passed]
        if not bad:
            return f"QC passed ({len(self.checks)} checks)"
        return "QC: " + "; ".join(f"{c.name} failed: {c.detail}" for c in bad)


class OutputFile(BaseModel):
    aspect: str
    width: int
    height: int
    path: str
    duration_s: float = 0.0
    qc: QCReport = Field(default_factory=QCReport)
    url: str | None = None  # a presigned download link when outputs go to object storage
    render_s: float = 0.0  # wall time of the encode that made this file
    render_peak_mb: float = 0.0  # the encoder's peak resident memory
    segments: int = 0  # rendered from cached spans: how many spans the file has ...
    segments_encoded: int = 0  # ... and how many had to be encoded (the rest were reused)


class NarrationLine(BaseModel):
    """One scene's narration as written (captions show it) and as spoken (the voice reads it)."""

    scene: int
    text: str
    spoken: str


class Manifest(BaseModel):
    """What was made, from what, at what cost, under which licences."""

    reelforge_version: str = "0.1.0"
    created_at: str = Field(default_factory=now_iso)
    brief: Brief
    storyboard: Storyboard
    assets: list[Asset] = Field(default_factory=list)
    cost: Cost = Field(default_factory=Cost)
    outputs: list[OutputFile] = Field(default_factory=list)
    sidecars: dict[str, str] = Field(default_factory=dict)  # "srt" / "vtt" / "otio" / "thumbnail" -> path
    narration: list[NarrationLine] = Field(default_factory=list)
    credits: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


# --- helpers --------------------------------------------------------------------------------------


def stable_hash(*parts: Any) -> str:
    """A short, stable content hash of JSON-serialisable parts (pydantic models allowed)."""
    def norm(p: Any) -> Any:
        if isinstance(p, BaseModel):
            return p.model_dump(mode="json")
        return p

    blob = json.dumps([norm(p) for p in parts], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def file_digest(path: str | Path | None) -> str | None:
    """A short content hash of a local file, so that what is hashed is the picture, not its name; anything that
    is not a local file (a URL, a missing path, None) is returned as it is."""
    if not path or not Path(path).is_file():
        return str(path) if path else None
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:24]


# --- production progress and results ---------------------------------------------------------------


class ProgressEvent(BaseModel):
    """A step of production, for progress bars, chat status and Slack updates."""

    stage: Literal["plan", "clips", "voice", "music", "assemble", "qc", "done"]
    status: str  # queued | generating | done | fell_back | failed | running
    percent: float = 0.0
    shot_id: str | None = None
    message: str = ""


class ProductionAssets(BaseModel):
    """What production made for one storyboard version: clips per shot, narration per scene, music."""

    clips: dict[str, Asset] = Field(default_factory=dict)
    narrations: list[Narration] = Field(default_factory=list)
    music: Asset | None = None

    @property
    def all_assets(self) -> list[Asset]:
        out = list(self.clips.values()) + [n.asset for n in self.narrations if n.duration_s > 0]  # silent: no file
        return out + ([self.music] if self.music else [])

    @property
    def cost_usd(self) -> float:
        return round(sum(a.provenance.cost_usd for a in self.all_assets), 4)
