"""A hostile HTTP server on loopback: canned raw responses, sent all at once or trickled byte by byte.

``serve_raw(responder)`` runs a socket server whose ``responder(request_bytes)`` returns either the bytes to
send, or a ``Trickle`` (bytes sent one at a time with a pause). It yields the base URL.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Trickle:
    """Send ``data`` one byte every ``pause_s`` seconds (until the client hangs up)."""

    data: bytes
    pause_s: float = 0.2


Responder = Callable[[bytes], "bytes | Trickle"]


def http_response(body: bytes, headers: dict[str, str] | None = None, status: str = "200 OK") -> bytes:
    """A complete HTTP/1.1 response with a Content-Length."""
    head = {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body)), "Connection": "close",
            **(headers or {})}
    lines = "".join(f"{k}: {v}\r\n" for k, v in head.items())
    return f"HTTP/1.1 {status}\r\n{lines}\r\n".encode() + body


def gzip_bomb(inflated_bytes: int) -> bytes:
    """A small gzip body that inflates to ``inflated_bytes`` of spaces."""
    out = gzip.compress(b"<html><body><p>" + b" " * inflated_bytes, compresslevel=9, mtime=0)
    return out


@contextmanager
def serve_raw(responder: Responder) -> Iterator[str]:
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.2)
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            req = conn.recv(65536)
            out = responder(req)
            if isinstance(out, Trickle):
                for b in out.data:
                    if stop.is_set():
                        break
                    conn.sendall(bytes([b]))
                    time.sleep(out.pause_s)
            else:
                conn.sendall(out)
        except OSError:
            pass
        finally:
            conn.close()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    finally:
        stop.set()
        t.join(2)
        srv.close()
