"""Storyboard review: the payload shown to the reviewer and the typed decision that resumes the graph."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from reelforge.tools.clips.chaining import will_continue
from reelforge.tools.estimate import delta_text, to_pay_usd
from reelforge.tools.production import Brief, CostLine, LookSheet, Storyboard
from reelforge.tools.routing import budget_check
from reelforge.tools.routing.plain import SOURCE_LABELS
from reelforge.tools.vocabulary import scene_kind

#: What each requested shot kind is rendered by when its source is available.
KIND_SOURCES = {"generated": "video", "stock": "stock", "presenter": "avatar"}
OFFLINE_NOTICE = ("No video model is configured, so every scene is drawn here as motion graphics — the pictures are "
                  "placeholders, not footage of your subject. Add a video model key (for example FAL_KEY or "
                  "REPLICATE_API_TOKEN) to get generated footage — see “Models and keys” in the settings, or run "
                  "`reelforge models`.")
PARTLY_OFFLINE = ("{scenes} drawn here as motion graphics because no other model can make {them} with the keys "
                  "configured. Add a video model key for generated footage — see “Models and keys” in the settings, "
                  "or run `reelforge models`.")

Action = Literal["approve", "edit", "model", "kind", "sound", "look", "keyframes", "regenerate", "remove", "move",
                 "reject"]
SOUNDS = ("auto", "ambience", "scene", "mute")  # what a scene does with the sound its video model makes
BOARD_ACTIONS = ("look", "keyframes")  # changes of the whole storyboard that keep its scenes
ORDER_ACTIONS = ("remove", "move")  # changes of which scenes the storyboard has and in what order
KIND_PHRASE = re.compile(
    r"^(?:please\s+)?(?:make|set|mark|turn|change|use)\s+scene\s+#?(\d+)\s+(?:to\s+|into\s+|as\s+|a\s+|an\s+)*"
    r"(stock(?: footage| photos?)?|b-?roll|real footage|footage|presenter|avatar|talking head|(?:ai[- ])?generated|ai)"
    r"(?:\s+(?:scene|shot|footage|video))?\s*[.!]?$", re.IGNORECASE)


class ReviewDecision(BaseModel):
    """The reviewer's answer: approve | edit scene N | model for scene N | kind of scene N (presenter / stock /
    generated) | sound of scene N | a look-sheet change | draw keyframes | regenerate | remove scene N | move
    scene N to position P | reject with feedback.

    Scene numbers are always those of the storyboard as shown. Several removals and moves in one reply are
    applied in order, each ``position`` counted in the order left by the ones before (a swap of 2 and 3 is
    "move 2 to 3" then "move 3 to 2"); see :mod:`agent.scene_order`."""

    action: Action
    scene: int | None = None  # the scene number shown in the review (Scene.index, 1-based); with
    # "regenerate": only that scene gets a fresh take (new seed), otherwise the whole plan is redone
    instruction: str = ""  # for "edit": what to change; for "look" with a subject: its new description
    model_id: str = ""
    kind: str = ""  # for action "kind": presenter | stock | generated | graphics
    sound: str = ""  # for action "sound": auto | ambience | scene | mute
    subject: str = ""  # for action "look": the recurring subject changed, added or removed ("the baker")
    style: str = ""  # for action "look" without a subject: the new style (palette, lighting, lens, grade)
    remove: bool = False  # for action "look": take ``subject`` off the look sheet
    reference: str = ""  # for action "look" with a subject: the name of a picture uploaded to this thread, its
    # reference (looked up among the thread's recorded uploads, never a path)
    position: int | None = None  # for action "move": where the scene goes (1-based)
    feedback: str = ""

    def describe(self) -> str:
        """The change in a few plain words ("scene 2: darker", "without scene 4"), for chat lines and versions."""
        scene = self.scene
        match self.action:
            case "approve":
                return "approved"
            case "reject":
                return f"changes: {self.feedback or 'no reason given'}"
            case "edit":
                return f"scene {scene}: {self.instruction}"
            case "model":
                return f"scene {scene} with {self.model_id}"
            case "kind":
                return f"scene {scene} as {self.kind}"
            case "sound":
                return f"scene {scene} sound: {self.sound}"
            case "look" if self.remove:
                return f"{self.subject} off the look sheet"
            case "look":
                return f"{self.subject}: {self.instruction}" if self.subject else f"look: {self.style}"
            case "keyframes":
                return "real keyframes"
            case "remove":
                return f"without scene {scene}"
            case "move":
                return f"scene {scene} moved to position {self.position}"
        return f"a fresh take of scene {scene}" if scene else "a fresh take of the storyboard"

    @model_validator(mode="after")
    def _complete(self) -> ReviewDecision:
        if self.action in ("edit", "model", "sound", *ORDER_ACTIONS) and self.scene is None:
            raise ValueError(f"'{self.action}' needs a scene number, e.g. '{self.action} 2 ...'")
        if self.action == "sound" and self.sound not in SOUNDS:
            raise ValueError(f"'sound' needs one of {', '.join(SOUNDS)}")
        if self.action == "move" and (self.position is None or self.position < 1):
            raise ValueError("'move' needs a position, e.g. 'move 4 to 1'")
        if self.action == "look" and not (self.style.strip() or (self.subject.strip() and (
                self.remove or self.instruction.strip() or self.reference.strip()))):
            raise ValueError("'look' needs a style, or a subject with its description or picture (or to remove it)")
        if self.action == "edit" and not self.instruction.strip():
            raise ValueError("'edit' needs an instruction, e.g. 'edit 2 make it a sunrise'")
        if self.action == "model" and not self.model_id.strip():
            raise ValueError("'model' needs a model id, e.g. 'model 2 motion'")
        if self.action == "kind":
            if self.scene is None:
                raise ValueError("'kind' needs a scene number, e.g. 'kind 2 stock'")
            self.kind = scene_kind(self.kind or "")
        return self

    @classmethod
    def parse(cls, text: str) -> ReviewDecision:
        """Read a typed reply: ``approve``, ``edit 3 brighter``, ``model 2 veo-3``, ``kind 2 stock`` (or "make
        scene 2 stock footage"), ``regenerate``, ``remove 4``, ``move 4 to 1``, ``reject too slow``. Anything
        else is treated as rejection feedback for the director."""
        t = text.strip()
        low = t.lower().rstrip(".! ")
        if low in {"approve", "approved", "ok", "okay", "yes", "y", "lgtm", "go", "go ahead", "looks good"}:
            return cls(action="approve")
        if low in {"regenerate", "regen", "replan", "re-plan", "again"}:
            return cls(action="regenerate")
        m = re.match(r"^(?:regenerate|regen|redo|re-?roll)\s+(?:scene\s+)?#?(\d+)$", low)
        if m:
            return cls(action="regenerate", scene=int(m.group(1)))
        m = re.match(r"^(edit|model)\s+(?:scene\s+)?#?(\d+)\s*[:,-]?\s*(.*)$", t, re.IGNORECASE | re.DOTALL)
        if m:
            verb, n, rest = m.group(1).lower(), int(m.group(2)), m.group(3).strip()
            if verb == "edit":
                return cls(action="edit", scene=n, instruction=rest)
            return cls(action="model", scene=n, model_id=rest.split()[0] if rest else "")
        m = re.match(r"^remove\s+(?:scene\s+)?#?(\d+)$", low)
        if m:
            return cls(action="remove", scene=int(m.group(1)))
        m = re.match(r"^move\s+(?:scene\s+)?#?(\d+)\s+(?:to\s+)?(?:position\s+)?#?(\d+)$", low)
        if m:
            return cls(action="move", scene=int(m.group(1)), position=int(m.group(2)))
        m = re.match(r"^kind\s+(?:scene\s+)?#?(\d+)\s*[:,-]?\s*(.*)$", t, re.IGNORECASE | re.DOTALL)
        if m:
            return cls(action="kind", scene=int(m.group(1)), kind=m.group(2).strip())
        if m := KIND_PHRASE.match(t):
            return cls(action="kind", scene=int(m.group(1)), kind=m.group(2))
        m = re.match(r"^(reject|no)\b[\s:,-]*(.*)$", t, re.IGNORECASE | re.DOTALL)
        if m:
            return cls(action="reject", feedback=m.group(2).strip())
        return cls(action="reject", feedback=t)


class ReviewDecisions(BaseModel):
    """Several scene changes read from one reply ("make scene 2 brighter and scene 4 shorter"), applied in
    order to one new storyboard version."""

    decisions: list[ReviewDecision] = Field(min_length=1)


ReviewResume = ReviewDecision | ReviewDecisions  # what resumes the storyboard interrupt


SCENE_KIND_ONLY = re.compile(
    r"^(?:please\s+)?(?:(?:make|set|turn|change|use)\s+(?:it|this|this scene)?\s*(?:to|into|as|a|an)?\s*)?"
    r"(stock(?: footage| photos?)?|b-?roll|real footage|presenter|avatar|talking head|(?:ai[- ])?generated)"
    r"(?:\s+(?:scene|shot|footage|video))?\s*(?:please)?[.!]?$", re.IGNORECASE)
FRESH_TAKE = re.compile(r"^(?:please\s+)?(?:regenerate(?: it)?|re-?roll|redo(?: it)?|(?:a |another )?(?:fresh|new|different) "
                        r"(?:take|version|shot)|try (?:it )?again)\s*(?:please)?[.!]?$", re.IGNORECASE)

REMOVE_IT = re.compile(r"^(?:please\s+)?(?:remove|delete|drop|cut|skip|lose)(?:\s+(?:it|this(?:\s+scene)?|the\s+scene)"
                       r")?(?:\s+(?:entirely|completely|altogether))?\s*(?:please)?[.!]?$", re.IGNORECASE)


def scene_decision(scene: int, text: str) -> ReviewDecision:
    """What a change request for one scene means (e.g. from a form with a scene picker and a text box):
    a kind ("stock footage", "presenter"), a fresh take ("regenerate"), a model ("model veo-3-1"), its removal
    ("remove it") or an edit."""
    t = text.strip()
    if REMOVE_IT.match(t):
        return ReviewDecision(action="remove", scene=scene)
    if m := SCENE_KIND_ONLY.match(t):
        return ReviewDecision(action="kind", scene=scene, kind=m.group(1))
    if FRESH_TAKE.match(t):
        return ReviewDecision(action="regenerate", scene=scene)
    if m := re.match(r"^(?:use\s+)?(?:the\s+)?model\s+([\w.:/-]+)\s*$", t, re.IGNORECASE):
        return ReviewDecision(action="model", scene=scene, model_id=m.group(1))
    return ReviewDecision(action="edit", scene=scene, instruction=t)


class ShotReview(BaseModel):
    id: str
    kind: str = "generated"  # generated | stock | presenter
    visual_prompt: str
    seconds: float
    model_id: str = ""
    provider: str = ""
    reason: str = ""
    est_cost_usd: float = 0.0
    fallbacks: list[str] = Field(default_factory=list)
    model_name: str = ""  # the product name ("Kling 3.0 Turbo Pro", "Motion graphics")
    summary: str = ""  # why this model, in plain words; ``reason`` is the engineer's line
    source: str = ""  # what renders it: video | stock | avatar | offline
    only_choice: bool = False  # nothing else could make it (e.g. no keys)
    continues: bool = False  # starts on the last frame of the shot before it (one continuous take)

    @property
    def shown_as(self) -> str:
        """What this shot will really be on screen ("motion graphics" for a stock shot drawn offline)."""
        return SOURCE_LABELS.get(self.source, SOURCE_LABELS.get(KIND_SOURCES.get(self.kind, ""), "generated video"))

    @property
    def plain_model(self) -> str:
        """``"Kling 3.0 Turbo Pro — best for fast action within your budget · about $0.70"``."""
        name = self.model_name or self.model_id or "—"
        return f"{name} — {self.summary}" if self.summary else name


class SceneReview(BaseModel):
    number: int
    title: str = ""
    narration: str
    seconds: float
    est_cost_usd: float
    thumbnail: str | None = None
    shots: list[ShotReview]

    @property
    def models(self) -> str:
        return ", ".join(dict.fromkeys(s.model_id for s in self.shots if s.model_id)) or "—"

    @property
    def kind(self) -> str:
        """presenter / stock / generated (or a mix, comma-separated)."""
        return ", ".join(dict.fromkeys(s.kind for s in self.shots)) or "generated"

    @property
    def visual_prompt(self) -> str:
        return self.shots[0].visual_prompt if self.shots else ""

    @property
    def heading(self) -> str:
        """``"Scene 2 · What it is"``."""
        return f"Scene {self.number} · {self.title}" if self.title else f"Scene {self.number}"

    @property
    def shown_as(self) -> str:
        """What the scene will really be ("stock footage", "motion graphics", or a mix)."""
        return ", ".join(dict.fromkeys(s.shown_as for s in self.shots)) or "generated video"

    @property
    def label_note(self) -> str:
        """Said when the scene asked for stock or a presenter but something else will render it."""
        asked = [s for s in self.shots if s.kind != "generated" and s.source and KIND_SOURCES.get(s.kind) != s.source]
        if not asked:
            return ""
        kind = SOURCE_LABELS[KIND_SOURCES[asked[0].kind]]
        return f"Asked for {kind}; no {kind} source is set up, so it will be {asked[0].shown_as}."

    @property
    def flow(self) -> str:
        """How the scene's shots follow each other, when some continue the one before: ``"one continuous take"``
        or ``"part 2 continues part 1"``; empty when they simply cut."""
        chained = [i for i, s in enumerate(self.shots) if i and s.continues]
        if not chained:
            return ""
        if len(chained) == len(self.shots) - 1:
            return "one continuous take"
        return ", ".join(f"part {i + 1} continues part {i}" for i in chained)


class StoryboardReview(BaseModel):
    """The interrupt payload: the versioned storyboard with per-scene models, costs and thumbnails."""

    kind: Literal["storyboard"] = "storyboard"
    version: int
    title: str = ""
    aspects: list[str] = Field(default_factory=list)
    scenes: list[SceneReview]
    total_seconds: float
    total_cost_usd: float
    budget_usd: float
    within_budget: bool
    # what to know before approving: the plan's warnings (no content offline, shorter than asked), then the
    # router's notes (downgrades, over-budget choices)
    notes: list[str] = Field(default_factory=list)
    cost_items: list[CostLine] = Field(default_factory=list)  # every paid item; ``reused`` = already made
    look: LookSheet | None = None  # the style and recurring subjects every keyframe and clip is made with
    to_pay_usd: float | None = None  # what approving spends (the estimate less what the cache re-uses)
    delta: str = ""  # "re-used from the cache: ...; to pay: ..."
    instructions: str = ("approve | edit N <instruction> | model N <model_id> | kind N presenter|stock|generated"
                         " | regenerate [N] | remove N | move N to P | reject <feedback>")

    @classmethod
    def build(cls, brief: Brief, storyboard: Storyboard, cost_items: list[CostLine] | None = None) -> StoryboardReview:
        """Summarise a storyboard for review; ``cost_items`` (see ``Studio.estimate``) adds the estimate delta."""
        scenes = []
        for scene in storyboard.scenes:
            shots = [ShotReview(
                id=s.id, kind=s.kind, visual_prompt=s.visual_prompt, seconds=s.seconds,
                model_id=s.route.model_id if s.route else "", provider=s.route.provider if s.route else "",
                reason=s.route.reason if s.route else "", est_cost_usd=s.route.est_cost_usd if s.route else 0.0,
                fallbacks=list(s.route.fallbacks) if s.route else [],
                model_name=s.route.name if s.route else "", summary=s.route.summary if s.route else "",
                source=s.route.source if s.route else "", only_choice=s.route.only_choice if s.route else False,
                continues=i > 0 and will_continue(scene.shots[i - 1], s),
            ) for i, s in enumerate(scene.shots)]
            scenes.append(SceneReview(
                number=scene.index, title=scene.title, narration=scene.narration, seconds=scene.seconds,
                est_cost_usd=round(sum(s.est_cost_usd for s in shots), 4), thumbnail=scene.thumbnail, shots=shots,
            ))
        total = storyboard.estimated_cost_usd
        return cls(version=storyboard.version, title=storyboard.title or brief.title, aspects=list(brief.aspects),
                   scenes=scenes, total_seconds=storyboard.total_seconds, total_cost_usd=total,
                   budget_usd=brief.budget_usd, within_budget=not budget_check(storyboard, brief).over,
                   notes=[*storyboard.warnings, *(n for n in storyboard.notes if n.startswith("Router:"))],
                   cost_items=list(cost_items or storyboard.paid_extras),
                   to_pay_usd=to_pay_usd(cost_items) if cost_items else None,
                   delta=delta_text(cost_items) if cost_items else "", look=storyboard.look)

    def paid_summary(self) -> str:
        """What the estimate holds besides the clips, and what the cache re-uses (for every front door)."""
        extras = [f"{x.item} ${x.estimated_usd:.2f}" for x in self.cost_items if x.kind in ("narration", "music")]
        parts = [f"The estimate includes {', '.join(extras)}." if extras else "",
                 f"Estimate: {self.delta}" if self.delta else ""]
        return " ".join(p for p in parts if p)

    @property
    def offline_notice(self) -> str:
        """What "offline" means for this storyboard, once, in plain words; empty when real models render it."""
        offline = [s.number for s in self.scenes if any(sh.source == "offline" and sh.only_choice for sh in s.shots)]
        if not offline:
            return ""
        if len(offline) == len(self.scenes):
            return OFFLINE_NOTICE
        names = ", ".join(str(n) for n in offline)
        scenes = f"Scene {names} is" if len(offline) == 1 else f"Scenes {names} are"
        return PARTLY_OFFLINE.format(scenes=scenes, them="it" if len(offline) == 1 else "them")

    def text(self) -> str:
        """A plain-text rendering for chat front ends without tables."""
        lines = [f"Storyboard v{self.version} — {self.title or 'untitled'} ({', '.join(self.aspects)})"]
        for s in self.scenes:
            kind = "" if s.kind == "generated" else f" · {s.kind}"
            flow = f" · {s.flow}" if s.flow else ""
            lines.append(f"{s.number}. [{s.seconds:.1f}s · {s.models}{kind}{flow} · ${s.est_cost_usd:.2f}] {s.narration}")
        over = "" if self.within_budget else " — OVER BUDGET: approving will not produce it"
        lines.append(f"Total {self.total_seconds:.1f}s, est. ${self.total_cost_usd:.2f} of ${self.budget_usd:.2f}{over}")
        if self.look is not None:
            lines.append(self.look.summary())
        if self.paid_summary():
            lines.append(self.paid_summary())
        lines += [f"Note: {n.removeprefix('Router: ')}" for n in self.notes]
        lines.append(f"Reply: {self.instructions}")
        return "\n".join(lines)
