"""Expectations → checks. Every check names its expectation (``turn 2 · tools.sequence``) and says why it
passed or failed in plain words, so a failing scenario is read, not debugged."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reelforge.evals.scenario import CORE_QC, Expect, QCExpect, RouteExpect, ToolsExpect
from reelforge.evals.transcript import TurnRecord
from reelforge.tools.production import Manifest, Shot, Storyboard

EPS = 1e-6


class Check(BaseModel):
    """One graded expectation."""

    name: str
    passed: bool
    message: str


def _check(name: str, passed: bool, why_failed: str, why_passed: str = "ok") -> Check:
    return Check(name=name, passed=bool(passed), message=why_passed if passed else why_failed)


# --- tools ----------------------------------------------------------------------------------------

def _is_subsequence(want: list[str], got: list[str]) -> tuple[bool, int]:
    """Whether ``want`` appears in order inside ``got``; also how many of it matched."""
    i = 0
    for name in got:
        if i < len(want) and name == want[i]:
            i += 1
    return i == len(want), i


def grade_tools(exp: ToolsExpect, records: list[TurnRecord], at: str) -> Iterator[Check]:
    calls = [c for r in records for c in r.tools]
    names = [c.name for c in calls]
    seen = " → ".join(names) or "no tool calls"
    if exp.sequence:
        ok, matched = _is_subsequence(exp.sequence, names)
        yield _check(f"{at} · tools.sequence", ok,
                     f"expected the calls {exp.sequence} in this order, but after {exp.sequence[:matched]} "
                     f"the next expected call {exp.sequence[matched] if not ok else ''!r} never came; "
                     f"calls were: {seen}", f"in order: {seen}")
    if exp.includes:
        missing = [n for n in exp.includes if n not in names]
        yield _check(f"{at} · tools.includes", not missing, f"never called {missing}; calls were: {seen}")
    if exp.excludes:
        bad = [n for n in exp.excludes if n in names]
        yield _check(f"{at} · tools.excludes", not bad, f"called forbidden tool(s) {bad}; calls were: {seen}")
    if exp.only is not None:
        extra = sorted(set(names) - set(exp.only))
        yield _check(f"{at} · tools.only", not extra, f"called tool(s) outside {exp.only}: {extra}")
    for name in exp.failed:
        hits = [c for c in calls if c.name == name]
        ok = any(not c.ok for c in hits)
        obs = "; ".join(c.text.splitlines()[0][:120] for c in hits) or "never called"
        yield _check(f"{at} · tools.failed[{name}]", ok,
                     f"expected {name} to be refused or fail, but its observation was: {obs}", obs)
    if exp.max_calls is not None:
        yield _check(f"{at} · tools.max_calls", len(names) <= exp.max_calls,
                     f"{len(names)} tool calls, more than {exp.max_calls}: {seen}")


# --- brief ----------------------------------------------------------------------------------------

def _match(want: Any, got: Any) -> tuple[bool, str]:
    """One brief field against ``value`` | ``{min, max}`` | ``{contains}`` | ``{in}`` | ``{not}``."""
    if isinstance(want, dict):
        if "min" in want or "max" in want:
            lo, hi = want.get("min", float("-inf")), want.get("max", float("inf"))
            ok = isinstance(got, (int, float)) and lo - EPS <= got <= hi + EPS
            return ok, f"between {lo} and {hi}"
        if "contains" in want:
            needle = str(want["contains"]).lower()
            hay = " ".join(map(str, got)) if isinstance(got, list) else str(got)
            return needle in hay.lower(), f"containing {want['contains']!r}"
        if "in" in want:
            return got in want["in"], f"one of {want['in']}"
        if "not" in want:
            return got != want["not"], f"not {want['not']!r}"
    if isinstance(want, float) and isinstance(got, (int, float)):
        return abs(want - got) < 1e-6, repr(want)
    return want == got, repr(want)


def grade_brief(fields: dict[str, Any], record: TurnRecord, at: str) -> Iterator[Check]:
    brief = record.brief_dump()
    for field, want in fields.items():
        name = f"{at} · brief.{field}"
        if not brief:
            yield _check(name, False, "there is no brief")
            continue
        got = brief.get(field, "<no such field>")
        ok, wanted = _match(want, got)
        yield _check(name, ok, f"expected {wanted}, got {got!r}", f"{got!r}")


# --- storyboard and routing -------------------------------------------------------------------------

def _board(record: TurnRecord) -> Storyboard | None:
    return record.production.storyboard if record.production else None


def _selected(board: Storyboard, exp: RouteExpect) -> list[Shot]:
    out = []
    for scene in board.scenes:
        if exp.scene is not None and scene.index != exp.scene:
            continue
        out += [s for s in scene.shots if exp.trait is None or exp.trait in s.traits]
    return out


def _strength(model_id: str, trait: str) -> float:
    from reelforge.tools.clips.registry import Registry
    from reelforge.tools.settings import get_settings

    registry = Registry.load(get_settings())
    return float(registry.get(model_id).strengths.get(trait, 0.0)) if model_id in registry.models else 0.0


def grade_route(exp: RouteExpect, board: Storyboard, at: str) -> Iterator[Check]:
    what = " ".join(x for x in (f"scene {exp.scene}" if exp.scene else "", exp.trait or "") if x) or "every shot"
    name = f"{at} · routing[{what}]"
    shots = _selected(board, exp)
    if not shots:
        traits = {s.id: s.traits for s in board.shots}
        yield _check(name, False, f"no shot matches {what}; shots and traits: {traits}")
        return
    for shot in shots:
        model = shot.route.model_id if shot.route else ""
        problems = []
        if exp.model_in and model not in exp.model_in:
            problems.append(f"model {model!r} is not one of {exp.model_in}")
        if model in exp.model_not_in:
            problems.append(f"model {model!r} is excluded")
        if exp.paid is not None and (model != "motion") != exp.paid:
            problems.append(f"model {model!r} is {'free' if model == 'motion' else 'paid'}")
        if exp.min_strength is not None and exp.trait:
            s = _strength(model, exp.trait)
            if s < exp.min_strength:
                problems.append(f"{model!r} has {exp.trait} strength {s:.2f} < {exp.min_strength}")
        reason = shot.route.reason if shot.route else "not routed"
        yield _check(f"{name} {shot.id}", not problems, "; ".join(problems) + f" (router: {reason})",
                     f"{model}: {reason[:100]}")


def grade_storyboard(exp: Expect, record: TurnRecord, at: str) -> Iterator[Check]:
    board = _board(record)
    wants = (exp.scenes is not None or exp.storyboard_version is not None or exp.routing or exp.notes_contain
             or exp.storyboard_contains or exp.storyboard_not_contains)
    if not wants:
        return
    if board is None:
        yield _check(f"{at} · storyboard", False, "there is no storyboard")
        return
    if exp.scenes is not None:
        lo, hi = exp.scenes
        n = len(board.scenes)
        yield _check(f"{at} · scenes", lo <= n <= hi, f"{n} scenes, expected {lo:g}–{hi:g}", f"{n} scenes")
    if exp.storyboard_version is not None:
        yield _check(f"{at} · storyboard_version", board.version == exp.storyboard_version,
                     f"storyboard is v{board.version}, expected v{exp.storyboard_version}")
    for route in exp.routing:
        yield from grade_route(route, board, at)
    for needle in exp.notes_contain:
        yield _check(f"{at} · notes_contain[{needle}]", any(needle.lower() in n.lower() for n in board.notes),
                     f"no storyboard note contains {needle!r}; notes: {board.notes}")
    text = _board_text(board).lower()
    for needle in exp.storyboard_contains:
        yield _check(f"{at} · storyboard_contains[{needle}]", needle.lower() in text,
                     f"no scene title, narration or visual prompt contains {needle!r}; narration: {board.narration[:200]!r}")
    for needle in exp.storyboard_not_contains:
        yield _check(f"{at} · storyboard_not_contains[{needle}]", needle.lower() not in text,
                     f"the storyboard contains {needle!r}: {board.narration[:200]!r}")


def _board_text(board: Storyboard) -> str:
    parts = [board.title]
    for scene in board.scenes:
        parts += [scene.title, scene.narration, *(s.visual_prompt for s in scene.shots),
                  *(s.on_screen_text or "" for s in scene.shots)]
    return "\n".join(parts)


def grade_changed_scenes(want: list[int], previous: TurnRecord | None, record: TurnRecord, at: str) -> Iterator[Check]:
    old, new = (_board(previous) if previous else None), _board(record)
    if old is None or new is None:
        yield _check(f"{at} · changed_scenes", False, "needs a storyboard before and after this turn")
        return
    before = {s.index: (s.narration, [sh.visual_prompt for sh in s.shots]) for s in old.scenes}
    after = {s.index: (s.narration, [sh.visual_prompt for sh in s.shots]) for s in new.scenes}
    changed = sorted(i for i in before.keys() | after.keys() if before.get(i) != after.get(i))
    yield _check(f"{at} · changed_scenes", changed == sorted(want),
                 f"scenes {changed or 'none'} changed (v{old.version} → v{new.version}), expected exactly {want}",
                 f"scenes {changed} changed")


def grade_budget(want: bool, record: TurnRecord, at: str) -> Iterator[Check]:
    prod = record.production
    if prod is None or prod.brief is None:
        yield _check(f"{at} · within_budget", False, "there is no brief")
        return
    budget = prod.brief.budget_usd
    est = prod.storyboard.estimated_cost_usd if prod.storyboard else 0.0
    actual = prod.cost.actual_usd
    within = est <= budget + EPS and actual <= budget + EPS
    yield _check(f"{at} · within_budget", within == want,
                 f"estimate ${est:.2f}, actual ${actual:.2f}, budget ${budget:.2f}: expected within_budget={want}",
                 f"estimate ${est:.2f}, actual ${actual:.2f} of ${budget:.2f}")


# --- outputs, QC, manifest ----------------------------------------------------------------------------

def _manifest(record: TurnRecord) -> Manifest | None:
    prod = record.production
    if prod is None or not prod.manifest_path or not Path(prod.manifest_path).is_file():
        return None
    return Manifest.model_validate(json.loads(Path(prod.manifest_path).read_text(encoding="utf-8")))


def grade_qc(exp: QCExpect, record: TurnRecord, at: str) -> Iterator[Check]:
    from reelforge.tools.media import MediaError, probe

    outputs = record.production.outputs if record.production else []
    if not outputs:
        yield _check(f"{at} · qc", False, "no output files were delivered")
        return
    manifest = _manifest(record)
    for out in outputs:
        name = f"{at} · qc[{out.aspect}]"
        try:
            info = probe(out.path)
        except MediaError as exc:
            yield _check(name, False, f"{out.path} cannot be probed: {exc}")
            continue
        if exp.passed is not None:
            yield _check(f"{name}.passed", out.qc.passed == exp.passed, out.qc.summary(), out.qc.summary())
        for wanted in dict.fromkeys([*(CORE_QC if exp.core else ()), *exp.checks]):
            qc = next((c for c in out.qc.checks if c.name == wanted), None)
            yield _check(f"{name}.{wanted}", qc is not None and qc.passed,
                         f"QC check {wanted!r} " + (f"failed: {qc.detail}" if qc else "is missing from the report"),
                         qc.detail if qc else "")
        if exp.duration_s is not None:
            lo, hi = exp.duration_s
            yield _check(f"{name}.duration_s", lo <= info.duration_s <= hi,
                         f"the file lasts {info.duration_s:.2f} s, expected {lo:g}–{hi:g} s", f"{info.duration_s:.2f} s")
        if exp.audio is not None:
            yield _check(f"{name}.audio", info.has_audio == exp.audio, f"has_audio={info.has_audio}")
        if exp.loudness_lufs is not None:
            lo, hi = exp.loudness_lufs
            lufs = next((c.value for c in out.qc.checks if c.name == "loudness"), None)
            ok = isinstance(lufs, (int, float)) and lo <= lufs <= hi
            yield _check(f"{name}.loudness_lufs", ok, f"integrated loudness {lufs} LUFS, expected {lo:g}…{hi:g}",
                         f"{lufs} LUFS")
        if exp.captions is not None:
            qc_ok = any(c.name == "captions" and c.passed for c in out.qc.checks)
            files = {k: v for k, v in (manifest.sidecars if manifest else {}).items() if k in ("srt", "vtt")}
            present = qc_ok and bool(files) and all(Path(p).is_file() and Path(p).stat().st_size for p in files.values())
            yield _check(f"{name}.captions", present == exp.captions,
                         f"captions present={present} (QC caption check passed={qc_ok}, sidecars={sorted(files)}), "
                         f"expected {exp.captions}")


def grade_fell_back(want: bool, record: TurnRecord, at: str) -> Iterator[Check]:
    manifest = _manifest(record)
    if manifest is None:
        yield _check(f"{at} · fell_back", False, "there is no manifest")
        return
    fell = [a.key for a in manifest.assets if a.kind == "clip" and a.provenance.fell_back]
    noted = [n for n in manifest.notes if "fell back" in n]
    ok = (bool(fell) and bool(noted)) if want else not fell
    yield _check(f"{at} · fell_back", ok,
                 f"fell-back clips in manifest: {len(fell)}, manifest notes: {noted or 'none'}; expected fell_back={want}",
                 noted[0][:160] if noted else "no fallback")


def grade_narration_language(lang: str, record: TurnRecord, at: str) -> Iterator[Check]:
    manifest = _manifest(record)
    narr = [a for a in manifest.assets if a.kind == "narration"] if manifest else []
    voices = sorted({f"{a.provenance.source}:{a.provenance.model}" for a in narr})
    ok = bool(narr) and manifest is not None and manifest.brief.language == lang and all(
        re.match(rf"^{re.escape(lang)}\b|^{re.escape(lang)}[-_]", (a.provenance.model or "").split("/")[-1].lower())
        for a in narr)
    yield _check(f"{at} · narration_language", ok,
                 f"expected narration in {lang!r}; brief language "
                 f"{manifest.brief.language if manifest else '?'}, voices {voices or 'none'}", f"voices {voices}")


# --- conversation -----------------------------------------------------------------------------------

def grade_conversation(exp: Expect, records: list[TurnRecord], at: str) -> Iterator[Check]:
    reply = "\n".join(r.reply for r in records)
    short = reply.replace("\n", " ")[:240]
    for needle in exp.reply_contains:
        yield _check(f"{at} · reply_contains[{needle}]", needle.lower() in reply.lower(),
                     f"the director never said {needle!r}; it said: {short!r}")
    for needle in exp.reply_not_contains:
        yield _check(f"{at} · reply_not_contains[{needle}]", needle.lower() not in reply.lower(),
                     f"the director said {needle!r}: {short!r}")
    if exp.questions is not None:
        n = reply.count("?")
        yield _check(f"{at} · questions", n == exp.questions, f"{n} question marks, expected {exp.questions}: {short!r}")
    if exp.max_model_calls is not None:
        most = max(r.model_calls for r in records)
        yield _check(f"{at} · max_model_calls", most <= exp.max_model_calls,
                     f"the LLM was called {most} times in one turn, at most {exp.max_model_calls} expected")
    if exp.errors is not None:
        errs = [e for r in records for e in r.errors]
        yield _check(f"{at} · errors", bool(errs) == exp.errors, f"errors: {errs or 'none'}; expected errors={exp.errors}")


# --- everything ----------------------------------------------------------------------------------------

def _state_checks(exp: Expect, records: list[TurnRecord], at: str) -> Iterator[Check]:
    record = records[-1]
    prod = record.production
    if exp.pending_review is not None:
        pending = record.pending is not None
        yield _check(f"{at} · pending_review", pending == exp.pending_review,
                     f"a storyboard is {'pending' if pending else 'not pending'} review, expected pending={exp.pending_review}")
    if exp.status:
        got = prod.status if prod else "none"
        yield _check(f"{at} · status", got in exp.status, f"production status {got!r}, expected one of {exp.status}")
    if exp.produced is not None:
        produced = any(r.produced for r in records)
        yield _check(f"{at} · produced", produced == exp.produced,
                     f"production {'ran' if produced else 'did not run'}, expected produced={exp.produced}")
    if exp.outputs is not None:
        got = [o.aspect for o in prod.outputs] if prod else []
        yield _check(f"{at} · outputs", got == exp.outputs, f"delivered {got or 'nothing'}, expected {exp.outputs}",
                     f"{got}")


def grade(exp: Expect | None, records: list[TurnRecord], at: str, previous: TurnRecord | None = None) -> list[Check]:
    """All checks of one expectation block over ``records`` (one turn, or all turns for the scenario);
    ``previous`` is the turn before, for comparisons."""
    if exp is None or not records:
        return []
    record = records[-1]
    checks: list[Check] = []
    if exp.tools is not None:
        checks += grade_tools(exp.tools, records, at)
    checks += grade_brief(exp.brief, record, at)
    checks += grade_storyboard(exp, record, at)
    if exp.changed_scenes is not None:
        checks += grade_changed_scenes(exp.changed_scenes, previous, record, at)
    if exp.within_budget is not None:
        checks += grade_budget(exp.within_budget, record, at)
    checks += _state_checks(exp, records, at)
    if exp.qc is not None:
        checks += grade_qc(exp.qc, record, at)
    if exp.fell_back is not None:
        checks += grade_fell_back(exp.fell_back, record, at)
    if exp.narration_language is not None:
        checks += grade_narration_language(exp.narration_language, record, at)
    checks += grade_conversation(exp, records, at)
    return checks


def nothing_before_approval(records: list[TurnRecord]) -> Check:
    """Invariant of every scenario: no generation happened in a turn that began without an approved storyboard."""
    approved = False
    for r in records:
        before = approved
        prod = r.production
        approved = bool(prod and prod.approved_version is not None)
        if r.produced and not (before or approved):
            return _check("invariant · nothing produced before approval", False,
                          f"turn {r.index} ({r.label}) produced without an approved storyboard")
        if r.produced and prod and prod.produced_version not in (None, prod.approved_version):
            return _check("invariant · nothing produced before approval", False,
                          f"turn {r.index} produced v{prod.produced_version} but v{prod.approved_version} is approved")
    return _check("invariant · nothing produced before approval", True, "")
