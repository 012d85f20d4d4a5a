"""A tiny threaded HTTP server on 127.0.0.1 for contract tests.

A fake is a :class:`FakeApp`: register routes with ``@app.route("POST", "/v1/things/{id}")``; a handler
gets a :class:`Req` and returns ``(status, body)`` or ``(status, body, headers)``; ``body`` may be a
dict/list (sent as JSON), ``bytes`` or ``str``. Every request is recorded in ``app.requests``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")


Handler = Callable[[Req], tuple]


class FakeApp:
    """Routes plus a request log; ``base_url`` is set once the server runs."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[Req] = []
        self.base_url = ""
        self.state: dict[str, Any] = {}

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")

        def deco(fn: Handler) -> Handler:
            self.routes.append((method.upper(), regex, fn))
            return fn

        return deco

    def dispatch(self, req: Req) -> tuple[int, bytes, dict[str, str]]:
        self.requests.append(req)
        for method, regex, fn in self.routes:
            m = regex.match(req.path)
            if m and method == req.method:
                req.params = m.groupdict()
                out = fn(req)
                status, body = out[0], out[1]
                headers = dict(out[2]) if len(out) > 2 else {}
                if isinstance(body, (dict, list)):
                    data = json.dumps(body).encode()
                    headers.setdefault("Content-Type", "application/json")
                elif isinstance(body, str):
                    data = body.encode()
                    headers.setdefault("Content-Type", "text/plain; charset=utf-8")
                else:
                    data = body or b""
                    headers.setdefault("Content-Type", "application/octet-stream")
                return status, data, headers
        return 404, json.dumps({"error": f"no route {req.method} {req.path}"}).encode(), {
            "Content-Type": "application/json"}


def _handler_for(app: FakeApp) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # small JSON replies otherwise wait ~40 ms for delayed ACKs

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _do(self) -> None:
            parts = urlsplit(self.path)
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            req = Req(self.command, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                      {k.lower(): v for k, v in self.headers.items()}, body)
            status, data, headers = app.dispatch(req)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _do

    return H


@contextmanager
def serve(app: FakeApp) -> Iterator[FakeApp]:
    """Run ``app`` on 127.0.0.1 on a free port for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(app))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()
