"""A threaded HTTP server on 127.0.0.1 for a scenario run: static fixture pages, or a fake provider handler."""

from __future__ import annotations

import json
import mimetypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# (method, path, body) -> (status, JSON-able body or bytes, headers)
Handler = Callable[[str, str, bytes], tuple[int, Any, dict[str, str]]]


def static_handler(root: Path) -> Handler:
    """Serve files under ``root`` (GET only, no directory listing, no escaping the root)."""
    base = root.resolve()

    def handle(method: str, path: str, body: bytes) -> tuple[int, Any, dict[str, str]]:
        target = (base / path.split("?", 1)[0].lstrip("/")).resolve()
        if method not in ("GET", "HEAD") or base not in target.parents or not target.is_file():
            return 404, b"not found", {"Content-Type": "text/plain"}
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/"):
            kind += "; charset=utf-8"
        return 200, target.read_bytes(), {"Content-Type": kind}

    return handle


# (method, raw path with query, lower-cased headers, body) -> (status, body bytes, headers)
RawHandler = Callable[[str, str, dict[str, str], bytes], tuple[int, bytes, dict[str, str]]]


def _request_class(handler: RawHandler) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # small JSON replies otherwise wait ~40 ms for delayed ACKs

        def log_message(self, *args: Any) -> None:  # keep test and eval output clean
            pass

        def _do(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            status, data, headers = handler(self.command, self.path,
                                            {k.lower(): v for k, v in self.headers.items()}, body)
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
def serve_raw(handler: RawHandler) -> Iterator[str]:
    """Run ``handler`` on a free loopback port in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _request_class(handler))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve(handler: Handler) -> Iterator[str]:
    """Run ``handler`` on a free loopback port; a body that is not bytes is sent as JSON."""

    def raw(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict[str, str]]:
        status, out, extra = handler(method, path, body)
        if isinstance(out, bytes):
            return status, out, extra
        return status, json.dumps(out).encode(), {"Content-Type": "application/json", **extra}

    with serve_raw(raw) as url:
        yield url


def closed_port() -> str:
    """A loopback URL nothing listens on (an unreachable provider)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
