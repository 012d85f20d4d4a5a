"""A loopback fake of the fal.ai queue API that never delivers: it refuses every prompt (content policy) or is
down (HTTP 503). Scenarios point every fal-hosted model at it with a fake ``FAL_KEY`` and
``REELFORGE_FAL_BASE_URL``, so routing picks paid models and production must fall back to keep going."""

from __future__ import annotations

import itertools
import json
from typing import Any

from reelforge.evals.loopback import Handler

REFUSAL = {"detail": [{"loc": ["body", "prompt"], "type": "content_policy_violation",
                       "msg": "The content could not be processed because it was flagged by a content checker."}]}


def fal_fake(mode: str, log: list[dict[str, Any]] | None = None) -> Handler:
    """``refuse``: jobs are accepted, then their result is a 422 content-policy refusal; ``outage``: 503."""
    ids = itertools.count(1)
    requests = log if log is not None else []

    def handle(method: str, path: str, body: bytes) -> tuple[int, Any, dict[str, str]]:
        requests.append({"method": method, "path": path})
        if mode == "outage":
            return 503, {"detail": "Service temporarily unavailable"}, {"Retry-After": "0"}
        if method == "POST":
            rid = f"req-{next(ids)}"
            prompt = (json.loads(body or b"{}") or {}).get("prompt", "")
            requests[-1]["prompt"] = prompt
            base = f"/fake/queue/requests/{rid}"
            return 200, {"request_id": rid, "status": "IN_QUEUE", "status_url": f"{base}/status",
                         "response_url": base}, {}
        if path.endswith("/status"):
            return 200, {"status": "COMPLETED", "response_url": path.removesuffix("/status")}, {}
        return 422, REFUSAL, {}

    return handle
