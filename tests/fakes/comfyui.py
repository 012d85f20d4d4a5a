"""A loopback fake ComfyUI server (providers.md §10): /prompt, /history/{id}, /queue, /view, /upload/image.

``/history/{id}`` is ``{}`` for the first polls (pending, then running in ``/queue``), then holds the
outputs. ``app.state["output_style"]``: ``"images"`` (core SaveVideo, ``animated: [true]``) or ``"gifs"``
(VideoHelperSuite). Prompt words: ``broken`` → ``status_str: error`` with an execution_error message.
A workflow without a ``SaveVideo``/``CLIPTextEncode`` node is rejected with 400 like the real server.
"""

from __future__ import annotations

from fakes.server import FakeApp
from fakes.video_vendors import VIDEO, fault


def _prompt_text(workflow: dict) -> str:
    return " ".join(str(n["inputs"].get("text", "")) for n in workflow.values()
                    if isinstance(n, dict) and n.get("class_type") == "CLIPTextEncode")


def make_app() -> FakeApp:
    app = FakeApp()
    app.state.update(jobs={}, uploads={}, output_style="images", expired=set())

    @app.route("POST", "/prompt")
    def prompt(req):
        bad = fault(app, "prompt")
        if bad:
            return bad
        body = req.json() or {}
        wf = body.get("prompt")
        if not isinstance(wf, dict) or not wf:
            return 400, {"error": {"type": "no_prompt", "message": "No prompt provided", "details": "",
                                   "extra_info": {}}, "node_errors": {}}
        if not any(n.get("class_type") in ("SaveVideo", "VHS_VideoCombine") for n in wf.values()):
            return 400, {"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs",
                                   "details": "", "extra_info": {}}, "node_errors": {}}
        pid = body.get("prompt_id") or f"p{len(app.state['jobs']) + 1}"
        app.state["jobs"][pid] = {"workflow": wf, "polls": 0, "client_id": body.get("client_id")}
        return 200, {"prompt_id": pid, "number": len(app.state["jobs"]), "node_errors": {}}

    def _stage(pid: str) -> str:
        job = app.state["jobs"][pid]
        return ("pending", "running", "done")[min(job["polls"], 2)]

    @app.route("GET", "/queue")
    def queue(req):
        items = {s: [[i, pid, {}, {}, []] for i, (pid, job) in enumerate(app.state["jobs"].items())
                     if job.get("last", "pending") == s]
                 for s in ("pending", "running")}
        return 200, {"queue_running": items["running"], "queue_pending": items["pending"]}

    @app.route("GET", "/history/{pid}")
    def history(req):
        bad = fault(app, "history")
        if bad:
            return bad
        pid = req.params["pid"]
        job = app.state["jobs"].get(pid)
        if job is None:
            return 200, {}
        stage = job["last"] = _stage(pid)
        job["polls"] += 1
        if stage != "done":
            return 200, {}
        if "broken" in _prompt_text(job["workflow"]):
            status = {"status_str": "error", "completed": False, "messages": [
                ["execution_start", {"prompt_id": pid}],
                ["execution_error", {"prompt_id": pid, "node_id": "8", "node_type": "KSampler",
                                     "exception_message": "Allocation on device 0 would exceed allowed memory"}]]}
            return 200, {pid: {"prompt": [], "outputs": {}, "status": status}}
        item = {"filename": f"{pid}_00001_.mp4", "subfolder": "reelforge", "type": "output"}
        out = ({"gifs": [{**item, "format": "video/h264-mp4", "frame_rate": 24.0}]}
               if app.state["output_style"] == "gifs" else {"images": [item], "animated": [True]})
        return 200, {pid: {"prompt": [], "outputs": {"11": out, "9": {}},
                           "status": {"status_str": "success", "completed": True, "messages": []}}}

    @app.route("GET", "/view")
    def view(req):
        name = req.query.get("filename", "")
        if name in app.state["expired"] or req.query.get("type") != "output":
            return 404, "Not Found"
        return 200, VIDEO, {"Content-Type": "video/mp4"}

    @app.route("POST", "/upload/image")
    def upload(req):
        if b'name="image"' not in req.body:
            return 400, "no image"
        name = f"upload{len(app.state['uploads']) + 1}.png"
        app.state["uploads"][name] = req.body
        return 200, {"name": name, "subfolder": "", "type": "input"}

    return app
