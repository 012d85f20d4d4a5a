"""Answers to questions asked during a storyboard review, from the storyboard itself (nothing changes)."""

from __future__ import annotations

from reelforge.agent.review import SceneReview, StoryboardReview

NEXT_STEP = "Reply \"approve\" to produce it, or tell me what to change."


def _scene(review: StoryboardReview, number: int | None) -> SceneReview | None:
    return next((s for s in review.scenes if s.number == number), None)


def _cost(review: StoryboardReview, scene: SceneReview | None) -> str:
    if scene is not None:
        free = " (free: nothing is paid for it)" if scene.est_cost_usd == 0 else ""
        return (f"Scene {scene.number} is estimated at ${scene.est_cost_usd:.2f}{free}, made by {scene.models}. "
                f"The whole video is estimated at ${review.total_cost_usd:.2f} of your ${review.budget_usd:.2f} budget.")
    fits = "within" if review.within_budget else "OVER"
    parts = ", ".join(f"scene {s.number} ${s.est_cost_usd:.2f}" for s in review.scenes)
    return (f"Storyboard v{review.version} is estimated at ${review.total_cost_usd:.2f} (US dollars), {fits} your "
            f"${review.budget_usd:.2f} budget: {parts}. Nothing is paid until you approve.")


def _models(review: StoryboardReview, scene: SceneReview | None) -> str:
    scenes = [scene] if scene is not None else review.scenes
    lines = []
    for s in scenes:
        shot = s.shots[0] if s.shots else None
        why = f" — {shot.reason}" if shot is not None and shot.reason else ""
        lines.append(f"Scene {s.number} ({s.kind}): {s.models}{why}")
    return "\n".join(lines) + "\nYou can change one, e.g. \"use veo for scene 2\" or \"make scene 3 stock footage\"."


def _content(review: StoryboardReview, scene: SceneReview | None) -> str:
    if scene is None:
        lines = [f"There are {len(review.scenes)} scenes:"]
        lines += [f"{s.number}. {s.title or s.narration}" for s in review.scenes]
        return "\n".join(lines)
    title = f" \"{scene.title}\"" if scene.title else ""
    return (f"Scene {scene.number}{title} ({scene.seconds:.0f} s) says: \"{scene.narration}\"\n"
            f"Picture: {scene.visual_prompt}\nMade by {scene.models} ({scene.kind}).")


def _duration(review: StoryboardReview, scene: SceneReview | None) -> str:
    if scene is not None:
        return f"Scene {scene.number} lasts about {scene.seconds:.1f} s of {review.total_seconds:.0f} s in total."
    parts = ", ".join(f"scene {s.number} {s.seconds:.1f} s" for s in review.scenes)
    return f"The video lasts about {review.total_seconds:.0f} s: {parts}."


def _next(review: StoryboardReview) -> str:
    return (f"Nothing has been made or paid for yet. When you approve storyboard v{review.version}, I generate "
            f"the clips, narration and music (estimated ${review.total_cost_usd:.2f}), assemble the video in "
            f"{', '.join(review.aspects) or 'the chosen format'} and send you the files here; that usually takes a "
            "few minutes. If you'd rather change something first, just say what.")


def _wait(review: StoryboardReview) -> str:
    return (f"No problem — take your time. Storyboard v{review.version} stays as it is, and nothing is made or paid "
            "for until you approve it. When you're ready, reply \"approve\" to produce it, or tell me what to change "
            "(for example \"make scene 2 brighter\" or \"drop the last scene\").")


def answer(topic: str, review: StoryboardReview, scene_number: int | None = None) -> str:
    """A plain-words answer about ``review`` on ``topic`` (cost, models, scene, duration, next, wait, other)."""
    scene = _scene(review, scene_number)
    if topic == "wait":
        return _wait(review)
    if topic == "cost":
        text = _cost(review, scene)
    elif topic == "models":
        text = _models(review, scene)
    elif topic == "scene":
        text = _content(review, scene)
    elif topic == "duration":
        text = _duration(review, scene)
    elif topic == "next":
        return _next(review)
    else:
        text = (f"Storyboard v{review.version} has {len(review.scenes)} scenes, about {review.total_seconds:.0f} s, "
                f"estimated ${review.total_cost_usd:.2f} of ${review.budget_usd:.2f}. I can answer questions about "
                "its cost, models, scenes, length or what happens next.")
    return f"{text}\n{NEXT_STEP}"
