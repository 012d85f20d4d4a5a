"""Offline scene edits: apply a plain-language instruction to one scene's shots (camera, light, style, kind...)."""

from __future__ import annotations

import re

from reelforge.tools.planning.visual import VisualSpec, drop_conflicts, lint_prompt, negative_prompt
from reelforge.tools.production import TRAITS, Scene, Shot

# (pattern, slot, value, traits added, traits removed)
_RULES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (r"\b(drone|aerial|bird'?s[- ]eye|from above|overhead)\b", "camera", "aerial drone shot, slow forward glide high above",
     ("aerial",), ()),
    (r"\bclose[- ]?up|macro\b", "camera", "close-up, shallow depth of field", (), ("aerial",)),
    (r"\bwide( shot| angle)?\b|establishing", "camera", "wide establishing shot, slow pan", (), ()),
    (r"\btracking|follow(ing)? shot\b", "camera", "smooth tracking shot following the subject", (), ()),
    (r"\bhandheld\b", "camera", "handheld camera, natural sway", (), ()),
    (r"\bstatic|locked[- ]off|tripod\b", "camera", "static locked-off shot", (), ()),
    (r"\borbit|360\b", "camera", "slow orbit around the subject", (), ()),
    (r"\bdusk|twilight|blue hour\b", "lighting", "dusk, deep blue twilight with warm last light", (), ()),
    (r"\bsunset|golden hour\b", "lighting", "golden hour sunset backlight, long shadows", (), ()),
    (r"\bsunrise|dawn|morning\b", "lighting", "early dawn light, soft mist", (), ()),
    (r"\bnight|midnight|neon\b", "lighting", "night, pools of warm artificial light", (), ()),
    (r"\bdaylight|midday|noon|sunny\b", "lighting", "bright natural daylight", (), ()),
    (r"\bmoody|dark(er)?\b", "lighting", "low-key moody light", (), ()),
    (r"\bslow[- ]?motion\b", "motion", "in slow motion", ("slow_cinematic",), ("fast_action",)),
    (r"\bfast|energetic|action\b", "motion", "dynamic fast movement", ("fast_action",), ("slow_cinematic",)),
    (r"\banimated|cartoon|animation|anime|pixar|3d\b", "style", "stylized 3D animation, bold shapes",
     ("stylized_animation",), ("photoreal_human",)),
    (r"\bwatercolou?r|illustrat", "style", "hand-painted watercolour illustration", ("stylized_animation",), ()),
    (r"\bblack[- ]and[- ]white|monochrome\b", "style", "black-and-white film look", (), ()),
    (r"\bphoto-?real|realistic|live[- ]action\b", "style", "photorealistic live-action look", (),
     ("stylized_animation",)),
    (r"\bcinematic|film(ic)?\b", "style", "cinematic film look, anamorphic", ("slow_cinematic",), ()),
)
_KINDS = ((r"\bstock( footage)?|real footage\b", "stock"), (r"\bpresenter|avatar|talking head|host\b", "presenter"),
          (r"\bgenerat(e|ed)|ai video\b", "generated"))
_NARRATION = re.compile(r"(?:narration|say|voice ?over|vo)\s*[:=]\s*[\"“']?(.+?)[\"”']?\s*$", re.I)
_TEXT = re.compile(r"(?:on[- ]screen text|caption|title|text)\s*[:=]\s*[\"“']?(.+?)[\"”']?\s*$", re.I)
_SUBJECT = re.compile(r"\b(?:show|instead show|replace (?:it|the shot|the visual) with|make it about)\s+(.+?)"
                      r"(?:\s+(?:as|in|with|at)\s+(?:a|an|the)?\s*(?:drone|aerial|close|wide|night|dusk|slow|fast)\b.*)?$",
                      re.I)
_SECONDS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds)\b", re.I)


def edit_shot(shot: Shot, instruction: str) -> tuple[Shot, list[str]]:
    """Apply ``instruction`` to one shot; the instruction wins over conflicting old phrases."""
    spec = VisualSpec.parse(shot.visual_prompt)
    traits = list(shot.traits)
    changes: dict[str, str] = {}
    applied: list[str] = []
    low = instruction.lower()
    for pattern, slot, value, add, remove in _RULES:
        if slot in changes or not re.search(pattern, low):
            continue
        changes[slot] = value if slot != "motion" else f"{spec.motion.split(',')[0]}, {value}".strip(", ")
        traits = [t for t in traits if t not in remove] + [t for t in add if t not in traits]
        applied.append(slot)
    if m := _SUBJECT.search(instruction):
        changes["subject"] = m.group(1).strip().rstrip(".")
        applied.append("subject")
    if "camera" in changes and "aerial" not in traits:
        traits = [t for t in traits if t != "aerial"]
    spec = spec.with_(**changes)
    prompt, issues = _lint_keeping(spec, changes)
    update: dict[str, object] = {"visual_prompt": prompt, "traits": [t for t in TRAITS if t in traits],
                                 "negative_prompt": negative_prompt(traits), "route": None}
    for pattern, kind in _KINDS:
        if re.search(pattern, low):
            update["kind"] = kind
            applied.append("kind")
            break
    if m := _TEXT.search(instruction):
        update["on_screen_text"] = m.group(1).strip()
        applied.append("on_screen_text")
    if not applied:  # free text: treat it as a change of subject focus
        update["visual_prompt"] = lint_prompt(spec.with_(subject=f"{spec.subject}, {instruction.strip().rstrip('.')}")
                                              .render())[0]
        applied.append("subject")
    return shot.model_copy(update=update), issues


def _lint_keeping(spec: VisualSpec, changes: dict[str, str]) -> tuple[str, list[str]]:
    """Lint so that the newly set slots win: phrases in untouched slots that contradict them are removed."""
    fresh = ", ".join(changes.values())
    cleaned: dict[str, str] = {}
    issues: list[str] = []
    for slot in ("subject", "motion", "lighting", "camera", "style"):
        if slot in changes:
            continue
        value, found = drop_conflicts(getattr(spec, slot), fresh)
        if found:
            cleaned[slot] = value
            issues.extend(found)
    final, more = lint_prompt(spec.with_(**cleaned).render())
    return final, issues + more


def apply_edit(scene: Scene, instruction: str) -> tuple[Scene, list[str]]:
    """Edit every shot of a scene (and its narration when the instruction gives new words)."""
    notes: list[str] = []
    shots = []
    for shot in scene.shots:
        new, issues = edit_shot(shot, instruction)
        shots.append(new)
        notes.extend(issues)
    update: dict[str, object] = {"shots": shots}
    if m := _NARRATION.search(instruction):
        text = m.group(1).strip()
        update["narration"] = text
        per = len(shots)
        update["shots"] = [s.model_copy(update={"narration": text if i == 0 else ""}) for i, s in enumerate(shots)] \
            if per else shots
    if m := _SECONDS.search(instruction):
        total = float(m.group(1))
        shots_now = update["shots"]
        assert isinstance(shots_now, list)
        update["shots"] = [s.model_copy(update={"seconds": round(total / len(shots_now), 3)}) for s in shots_now]
    return scene.model_copy(update=update), notes
