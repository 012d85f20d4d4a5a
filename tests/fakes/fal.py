"""A loopback fake of the fal.ai queue API (providers.md §9.1).

Submit ``POST /{owner}/{app}/...`` (``Authorization: Key <FAL_KEY>``) → ``{request_id, status_url,
response_url, cancel_url, status: IN_QUEUE}``; status URLs use only ``{owner}/{app}``; status answers
202 while ``IN_QUEUE``/``IN_PROGRESS`` and 200 once ``COMPLETED``; the result is ``{"video": {"url"}}``.
Prompt words steer it: ``forbidden`` → the result is a 422 content-policy ``detail``; ``crash`` →
COMPLETED with ``error``/``error_type``. Faults: ``inject(app, "submit"|"status"|"result", ...)``.
The reference-to-video endpoints reelforge uses take ``image_urls`` (1 to their maximum, URLs or data URLs), no
``image_url`` start frame, and a prompt whose ``@ImageN`` names only images it was given (422 otherwise).
"""

from __future__ import annotations

import itertools
import re

from fakes.server import FakeApp
from fakes.video_vendors import advance, fault, file_url, now_iso, task_app

KEY = "fal-test-key"
SCRIPT = ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]
#: reference-to-video endpoint -> most reference images it takes
REFERENCE_ENDPOINTS = {"fal-ai/veo3.1/reference-to-video": 3, "fal-ai/kling-video/o3/pro/reference-to-video": 7}


def reference_error(body: dict, most: int) -> tuple | None:
    """The 422 a reference-to-video endpoint answers for input it cannot take, else None."""
    urls = body.get("image_urls")
    problem = None
    if not isinstance(urls, list) or not 1 <= len(urls) <= most:
        problem = f"image_urls takes 1 to {most} images"
    elif not all(str(u).startswith(("https://", "http://", "data:image/")) for u in urls):
        problem = "each of image_urls must be a URL or a data URL"
    elif "image_url" in body:
        problem = "reference-to-video takes no image_url"
    elif any(int(n) > len(urls) for n in re.findall(r"@Image(\d+)", str(body.get("prompt", "")))):
        problem = "the prompt names an image that is not in image_urls"
    return None if problem is None else (422, {"detail": [{"loc": ["body", "image_urls"], "msg": problem,
                                                           "type": "value_error"}]})


def make_app() -> FakeApp:
    app = task_app("jobs", expired_status=404)
    ids = itertools.count(1)

    def unauthorised(req) -> tuple | None:
        if req.headers.get("authorization") != f"Key {KEY}":
            return 401, {"detail": "Invalid authentication credentials"}
        return None

    def unknown(req) -> tuple | None:
        return None if req.params["rid"] in app.state["jobs"] else (404, {"detail": "Request not found"})

    def submit(req):
        bad = unauthorised(req) or fault(app, "submit")
        if bad:
            return bad
        parts = req.path.strip("/").split("/")
        rid = f"req-{next(ids)}"
        body = req.json()
        if (most := REFERENCE_ENDPOINTS.get("/".join(parts))) and (bad := reference_error(body, most)):
            return bad
        app.state["jobs"][rid] = {"input": body, "model": "/".join(parts), "sent_at": now_iso()}
        base = f"{app.base_url}/{parts[0]}/{parts[1]}/requests/{rid}"
        return 200, {"request_id": rid, "status_url": f"{base}/status", "response_url": base,
                     "cancel_url": f"{base}/cancel", "status": "IN_QUEUE", "queue_position": 0}

    @app.route("GET", "/v1/models/requests/by-endpoint")
    def by_endpoint(req):  # the Platform API (api.fal.ai/v1): an endpoint's requests, newest first
        bad = unauthorised(req)
        if bad:
            return bad
        items = [{"request_id": rid, "endpoint_id": job["model"], "sent_at": job["sent_at"],
                  **({"json_input": job["input"]} if req.query.get("expand") == "payloads" else {})}
                 for rid, job in reversed(app.state["jobs"].items())
                 if job["model"] == req.query.get("endpoint_id") and job["sent_at"] >= req.query.get("start", "")]
        return 200, {"items": items[:int(req.query.get("limit", 50))], "next_cursor": None, "has_more": False}

    for depth in range(2, 7):  # model ids have two to six path segments
        app.route("POST", "/" + "/".join(f"{{p{i}}}" for i in range(depth)))(submit)

    @app.route("GET", "/{owner}/{app_}/requests/{rid}/status")
    def status(req):
        if bad := unauthorised(req) or fault(app, "status") or unknown(req):
            return bad
        job = app.state["jobs"][req.params["rid"]]
        state = advance(job, SCRIPT)
        body = {"status": state, "request_id": req.params["rid"],
                "response_url": f"{app.base_url}/{req.params['owner']}/{req.params['app_']}/requests/{req.params['rid']}"}
        if state != "COMPLETED":
            return 202, {**body, "queue_position": 0 if state == "IN_QUEUE" else None}
        if "crash" in job["input"].get("prompt", ""):
            return 200, {**body, "error": "Runner disconnected", "error_type": "runner_disconnected"}
        return 200, body

    @app.route("GET", "/{owner}/{app_}/requests/{rid}")
    def result(req):
        if bad := unauthorised(req) or fault(app, "result") or unknown(req):
            return bad
        job = app.state["jobs"][req.params["rid"]]
        if "forbidden" in job["input"].get("prompt", ""):
            return 422, {"detail": [{"loc": ["body", "prompt"], "type": "content_policy_violation",
                                     "msg": "The content could not be processed because it contained material flagged by a content checker."}]}
        return 200, {"video": {"url": file_url(app, f"{req.params['rid']}.mp4"), "content_type": "video/mp4"}}

    return app
