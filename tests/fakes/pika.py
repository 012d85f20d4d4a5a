"""Pika 2.2 on fal.ai (§8): the fal queue fake plus Pika's own input schema on submit.

Pika has no self-serve API of its own; fal hosts it. Inputs (fal llms.txt): ``prompt`` (required),
``aspect_ratio`` (16:9, 9:16, 1:1, 4:5, 5:4, 3:2, 2:3), ``resolution`` (720p, 1080p), ``duration``
(5 or 10, integer), ``image_url`` (image-to-video, required there). A bad input answers 422 ``detail``.
"""

from __future__ import annotations

import re

from fakes import fal
from fakes.server import FakeApp

ASPECTS = {"16:9", "9:16", "1:1", "4:5", "5:4", "3:2", "2:3"}


def problems(task: str, body: dict) -> list[str]:
    out = []
    if not body.get("prompt"):
        out.append("prompt: field required")
    if body.get("aspect_ratio", "16:9") not in ASPECTS:
        out.append(f"aspect_ratio: unexpected value {body.get('aspect_ratio')!r}")
    if body.get("resolution", "720p") not in ("720p", "1080p"):
        out.append("resolution: unexpected value")
    if body.get("duration", 5) not in (5, 10) or isinstance(body.get("duration"), str):
        out.append("duration: must be the integer 5 or 10")
    if task == "image-to-video" and not str(body.get("image_url", "")).startswith(("http", "data:image/")):
        out.append("image_url: field required")
    return out


def make_app() -> FakeApp:
    app = fal.make_app()
    submit = next(fn for method, _, fn in app.routes if method == "POST")

    def pika(req):
        errs = problems(req.params["task"], req.json())
        if errs:
            return 422, {"detail": [{"loc": ["body", e.split(":")[0]], "msg": e, "type": "value_error"} for e in errs]}
        return submit(req)

    app.routes.insert(0, ("POST", re.compile(r"^/fal-ai/pika/v2\.2/(?P<task>text-to-video|image-to-video)$"), pika))
    return app
