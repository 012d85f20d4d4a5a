"""A tiny threaded HTTP server on 127.0.0.1 for contract tests.

A fake is a :class:`FakeApp`: register routes with ``@app.route("POST", "/v1/things/{id}")``; a handler
gets a :class:`Req` and returns ``(status, body)`` or ``(status, body, headers)``; ``body`` may be a
dict/list (sent as JSON), ``bytes`` or ``str``. Every request is recorded in ``app.requests``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from reelforge.evals.loopback import serve_raw


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


@contextmanager
def serve(app: FakeApp) -> Iterator[FakeApp]:
    """Run ``app`` on 127.0.0.1 on a free port for the duration of the block."""

    def raw(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict[str, str]]:
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        return app.dispatch(Req(method, parts.path, query, headers, body))

    with serve_raw(raw) as url:
        app.base_url = url
        yield app
