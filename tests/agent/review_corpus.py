"""The labelled review-reply corpus (tests/agent/data/review_replies.yaml) and its scoring."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

import yaml

from reelforge.agent.review import SceneReview, ShotReview, StoryboardReview
from reelforge.tools.production import LookSheet

CORPUS = Path(__file__).parent / "data" / "review_replies.yaml"
MODELS = ["heygen-avatar-iv", "did-talks", "pexels-video", "pexels-photo", "pixabay-video", "openverse-image",
          "kling-v2-5-turbo-pro", "kling-v2-6-pro", "kling-v3-pro", "hailuo-02", "hailuo-2-3", "veo-3-1",
          "veo-3-1-fast", "runway-gen4-5", "runway-gen4-turbo", "runway-gen3a-turbo", "sora-2", "sora-2-pro",
          "seedance-1-0-pro", "seedance-1-0-pro-fast", "seedance-1-5-pro", "seedance-2-0", "luma-ray-2",
          "luma-ray-flash-2", "pika-2-2", "wan-2-2", "wan-3", "ltx-video", "ltx-2-fast", "motion"]


def load() -> tuple[StoryboardReview, list[tuple[str, str]]]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    scenes = []
    for i, s in enumerate(data["board"]["scenes"], start=1):
        shot = ShotReview(id=f"s{i}a", kind=s["kind"], visual_prompt=s["title"], seconds=s["seconds"],
                          model_id=s["model"], est_cost_usd=s["cost"], reason="best fit for the budget")
        scenes.append(SceneReview(number=i, title=s["title"], narration=s["narration"], seconds=s["seconds"],
                                  est_cost_usd=s["cost"], shots=[shot]))
    review = StoryboardReview(version=1, title=data["board"]["title"], aspects=["9:16"], scenes=scenes,
                              total_seconds=sum(s.seconds for s in scenes),
                              total_cost_usd=sum(s.est_cost_usd for s in scenes), budget_usd=5.0, within_budget=True,
                              look=LookSheet.model_validate(data["board"]["look"]))
    return review, [(str(t), str(label)) for t, label in data["replies"]]


def matches(label: str, got: str) -> bool:
    """``got`` (ReplyReading.label()) fits the expected ``label``; model ids may be globs."""
    want, have = [p.split() for p in label.split(" + ")], [p.split() for p in got.split(" + ")]
    if len(want) != len(have):
        return False
    for w, h in zip(sorted(want), sorted(have), strict=True):
        if len(w) != len(h) or not all(fnmatch.fnmatch(b, a) for a, b in zip(w, h, strict=True)):
            return False
    return True


def score(read: Any) -> tuple[float, list[tuple[str, str, str]]]:
    """Accuracy of ``read(text, review, models) -> ReplyReading`` and the misses (text, expected, got)."""
    review, replies = load()
    misses = []
    for text, label in replies:
        got = read(text, review, MODELS).label()
        if not matches(label, got):
            misses.append((text, label, got))
    return 1 - len(misses) / len(replies), misses
