"""The fal.ai fake (:mod:`fakes.fal`) plus fal storage uploads and the avatar models' input validation.

``POST /storage/upload/initiate?storage_type=gcs`` (``Key`` auth, ``{file_name, content_type}``) →
``{upload_url, file_url}``; ``PUT /upload/{n}`` stores the bytes (a signed URL: a request carrying an
Authorization header is rejected, as a real signed GCS URL would); files are served at ``/cdn/{n}``.
``veed/fabric-1.0`` needs ``image_url``, ``audio_url``, ``resolution`` (480p | 720p);
``fal-ai/sync-lipsync/v2`` needs ``video_url`` and ``audio_url``; a missing field is a 422 ``detail`` list.
"""

from __future__ import annotations

import itertools

from fakes import fal
from fakes.server import FakeApp

REQUIRED = {"veed/fabric-1.0": ("image_url", "audio_url"), "fal-ai/sync-lipsync/v2": ("video_url", "audio_url")}


def make_app() -> FakeApp:
    app = fal.make_app()
    app.state.update(uploads={}, upload_auth_seen=False)
    ids = itertools.count(1)
    generic_submit = next(fn for m, rx, fn in app.routes if m == "POST")
    extra = FakeApp()

    @extra.route("POST", "/storage/upload/initiate")
    def initiate(req):
        if req.headers.get("authorization") != f"Key {fal.KEY}":
            return 401, {"detail": "Invalid authentication credentials"}
        if req.query.get("storage_type") != "gcs":
            return 422, {"detail": "storage_type must be gcs"}
        body = req.json() or {}
        if not body.get("file_name") or not body.get("content_type"):
            return 422, {"detail": [{"loc": ["body", "file_name"], "type": "missing", "msg": "Field required"}]}
        n = next(ids)
        app.state["uploads"][str(n)] = {"name": body["file_name"], "type": body["content_type"], "data": None}
        return 200, {"upload_url": f"{app.base_url}/upload/{n}?X-Goog-Signature=abc",
                     "file_url": f"{app.base_url}/cdn/{n}"}

    @extra.route("PUT", "/upload/{n}")
    def put(req):
        if "authorization" in req.headers:
            app.state["upload_auth_seen"] = True
            return 400, "<Error><Code>InvalidArgument</Code><Message>Authorization not allowed</Message></Error>"
        up = app.state["uploads"].get(req.params["n"])
        if up is None:
            return 403, "<Error><Code>AccessDenied</Code></Error>"
        up["data"] = req.body
        return 200, b""

    @extra.route("GET", "/cdn/{n}")
    def cdn(req):
        up = app.state["uploads"].get(req.params["n"])
        return (200, up["data"], {"Content-Type": up["type"]}) if up and up["data"] else (404, "not found")

    def model_submit(model: str):
        def handler(req):
            body = req.json() or {}
            missing = [f for f in REQUIRED[model] if not body.get(f)]
            if model == "veed/fabric-1.0" and body.get("resolution") not in ("480p", "720p"):
                missing.append("resolution")
            if missing:
                return 422, {"detail": [{"loc": ["body", f], "type": "missing", "msg": "Field required"}
                                        for f in missing]}
            for f in REQUIRED[model]:
                n = str(body[f]).rsplit("/", 1)[-1]
                if not str(body[f]).startswith(f"{app.base_url}/cdn/") or not app.state["uploads"].get(n, {}).get("data"):
                    return 422, {"detail": [{"loc": ["body", f], "type": "file_download_error",
                                             "msg": f"could not download {f}"}]}
            return generic_submit(req)
        return handler

    extra.route("POST", "/veed/fabric-1.0")(model_submit("veed/fabric-1.0"))
    extra.route("POST", "/fal-ai/sync-lipsync/v2")(model_submit("fal-ai/sync-lipsync/v2"))
    app.routes[:0] = extra.routes
    return app
