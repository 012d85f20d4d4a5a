"""A loopback fake of Veo on the Gemini API and on Vertex AI (§3): long-running operations.

``forbidden`` → HTTP 400 ``INVALID_ARGUMENT`` naming the safety filter; ``risky`` → the operation ends
with no samples and ``raiMediaFilteredReasons``; ``broken`` → the operation ends with ``error``.
Gemini sample URIs point at ``/v1beta/files/{id}:download`` and need the API key; Vertex returns bytes.
``instances[0].referenceImages`` follows Veo 3.1's rules: at most 3, each ``{"image": {"bytesBase64Encoded",
"mimeType"}, "referenceType": "ASSET"}`` (any case), with a prompt and no image, last frame or video, 8 s and 16:9 only.
"""

from __future__ import annotations

import base64
import itertools

from fakes.server import FakeApp
from fakes.video_vendors import VIDEO, advance, fault

API_KEY = "AIza-test-key"
TOKEN = "ya29.test-token"
PROJECT = "demo-project"
LOCATION = "us-central1"
MODELS = {"veo-3.1-generate-preview", "veo-3.1-fast-generate-preview", "veo-3.1-generate-001",
          "veo-3.1-fast-generate-001"}


def g_error(status: int, code: str, message: str) -> tuple:
    return status, {"error": {"code": status, "message": message, "status": code}}


def validate(body: dict) -> tuple | None:
    inst = (body.get("instances") or [{}])[0]
    params = body.get("parameters") or {}
    if not inst.get("prompt"):
        return g_error(400, "INVALID_ARGUMENT", "instances[0].prompt is required")
    if params.get("aspectRatio", "16:9") not in ("16:9", "9:16"):
        return g_error(400, "INVALID_ARGUMENT", "aspectRatio must be 16:9 or 9:16")
    video = inst.get("video")
    if video is not None and ":download" not in str(video.get("uri", "")):
        return g_error(400, "INVALID_ARGUMENT", "video.uri must be a video Veo generated")
    if params.get("durationSeconds", 8) not in (4, 6, 8):
        return g_error(400, "INVALID_ARGUMENT", "durationSeconds must be 4, 6 or 8")
    image = inst.get("image")
    if image is not None and not (image.get("bytesBase64Encoded") and image.get("mimeType")):
        return g_error(400, "INVALID_ARGUMENT", "image needs bytesBase64Encoded and mimeType")
    if "referenceImages" in inst and (bad := reference_error(inst, params)):
        return bad
    if "forbidden" in inst["prompt"]:
        return g_error(400, "INVALID_ARGUMENT", "The prompt could not be submitted. It violates our safety "
                                                "policy (Responsible AI filter).")
    return None


def reference_error(inst: dict, params: dict) -> tuple | None:
    """The 400 Veo 3.1 answers for reference images it cannot take, else None."""
    refs = inst["referenceImages"]
    if not isinstance(refs, list) or not 1 <= len(refs) <= 3:
        return g_error(400, "INVALID_ARGUMENT", "referenceImages takes 1 to 3 images")
    for ref in refs:
        image = ref.get("image") or {}
        if str(ref.get("referenceType", "")).lower() != "asset":
            return g_error(400, "INVALID_ARGUMENT", "Veo 3.1 takes asset reference images only")
        if not (image.get("bytesBase64Encoded") and str(image.get("mimeType", "")).startswith("image/")):
            return g_error(400, "INVALID_ARGUMENT", "a reference image needs bytesBase64Encoded and mimeType")
        try:
            base64.b64decode(image["bytesBase64Encoded"], validate=True)
        except ValueError:
            return g_error(400, "INVALID_ARGUMENT", "bytesBase64Encoded is not base64")
    if any(k in inst for k in ("image", "lastFrame", "video")):
        return g_error(400, "INVALID_ARGUMENT", "referenceImages cannot be used with image, lastFrame or video")
    if params.get("durationSeconds") != 8 or params.get("aspectRatio", "16:9") != "16:9":
        return g_error(400, "INVALID_ARGUMENT", "reference images need durationSeconds 8 and aspectRatio 16:9")
    return None


def make_app() -> FakeApp:
    app = FakeApp()
    app.state.update(ops={}, expired=set())
    ids = itertools.count(1)

    def start(model: str, body: dict, prefix: str) -> tuple:
        if model not in MODELS:
            return g_error(404, "NOT_FOUND", f"models/{model} is not found")
        if bad := validate(body):
            return bad
        name = f"{prefix}{model}/operations/op{next(ids)}"
        app.state["ops"][name] = {"body": body, "prompt": body["instances"][0]["prompt"]}
        return 200, {"name": name}

    def outcome(name: str, vertex: bool) -> tuple:
        op = app.state["ops"].get(name)
        if op is None:
            return g_error(404, "NOT_FOUND", "operation not found")
        stage = advance(op, ["new", "running", "done"])
        if stage != "done":
            return 200, {"name": name, **({"metadata": {"progress": 50}} if stage == "running" else {})}
        if "broken" in op["prompt"]:
            return 200, {"name": name, "done": True, "error": {"code": 13, "message": "Internal error."}}
        reasons = ["Video blocked: it may depict a real person."] if "risky" in op["prompt"] else None
        if vertex:
            videos = [] if reasons else [{"bytesBase64Encoded": base64.b64encode(VIDEO).decode(), "mimeType": "video/mp4"}]
            resp = {"@type": "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse", "videos": videos}
            if reasons:
                resp.update(raiMediaFilteredCount=1, raiMediaFilteredReasons=reasons)
            return 200, {"name": name, "done": True, "response": resp}
        samples = [] if reasons else [{"video": {"uri": f"{app.base_url}/v1beta/files/{name.rsplit('/', 1)[1]}:download?alt=media"}}]
        gvr: dict = {"generatedSamples": samples}
        if reasons:
            gvr.update(raiMediaFilteredCount=1, raiMediaFilteredReasons=reasons)
        return 200, {"name": name, "done": True, "response": {
            "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
            "generateVideoResponse": gvr}}

    def gemini_auth(req) -> tuple | None:
        if req.headers.get("x-goog-api-key") != API_KEY:
            return g_error(403, "PERMISSION_DENIED", "API key not valid. Please pass a valid API key.")
        return None

    def vertex_auth(req) -> tuple | None:
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return g_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if req.params.get("p") != PROJECT or req.params.get("l") != LOCATION:
            return g_error(403, "PERMISSION_DENIED", "Permission denied on project")
        return None

    @app.route("POST", "/v1beta/models/{m}:predictLongRunning")
    def g_create(req):
        return gemini_auth(req) or fault(app, "create") or start(req.params["m"], req.json(), "models/")

    @app.route("GET", "/v1beta/models/{m}/operations/{op}")
    def g_poll(req):
        name = f"models/{req.params['m']}/operations/{req.params['op']}"
        return gemini_auth(req) or fault(app, "poll") or outcome(name, vertex=False)

    @app.route("GET", "/v1beta/files/{fid}:download")
    def g_file(req):
        if bad := gemini_auth(req):
            return bad
        if f"{req.params['fid']}:download" in app.state["expired"]:
            return g_error(404, "NOT_FOUND", "File not found or expired")
        return 200, VIDEO, {"Content-Type": "video/mp4"}

    base = "/v1/projects/{p}/locations/{l}/publishers/google/models/{m}"

    @app.route("POST", base + ":predictLongRunning")
    def v_create(req):
        prefix = f"projects/{PROJECT}/locations/{LOCATION}/publishers/google/models/"
        return vertex_auth(req) or fault(app, "create") or start(req.params["m"], req.json(), prefix)

    @app.route("POST", base + ":fetchPredictOperation")
    def v_poll(req):
        return vertex_auth(req) or fault(app, "poll") or outcome(req.json().get("operationName", ""), vertex=True)

    return app
