"""Safe fetching of a web page: public addresses only, pinned connections, manual redirects, size cap.

Every hop is resolved here, every resolved address is checked (:mod:`tools.ingest.netguard`), and the
connection goes to the checked address (a pinned httpcore network backend; the URL, Host header and TLS
SNI/certificate check keep the real host name), so DNS cannot be re-bound between check and connect.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from reelforge.tools.ingest.errors import (
    BinaryContentError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    NotHtmlError,
    PrivateAddressError,
    PrivateRedirectError,
    RedirectError,
    SchemeError,
    TooLargeError,
)
from reelforge.tools.ingest.netguard import checked_address

MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain", "text/markdown")
USER_AGENT = "reelforge/0.1 (+https://github.com/reelforge; article reader)"
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf",
                 b"RIFF", b"\x00\x00\x00", b"ID3", b"OggS", b"fLaC", b"\x7fELF", b"MZ", b"Rar!", b"wOF")


@dataclass
class Fetched:
    """A fetched body, decoded to text."""

    url: str  # the final URL after redirects
    content_type: str  # "text/html" or "text/plain"
    text: str
    charset: str
    size: int


def _dial_address(ip: str, port: int) -> tuple[str, int]:
    """Where a checked address is actually dialled (identity; a seam for loopback tests)."""
    return ip, port


class _PinnedBackend(httpcore.SyncBackend):
    """Connects to the pre-checked IP for a host name instead of resolving it again."""

    def __init__(self, pins: dict[str, str]) -> None:
        self.pins = pins

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        ip = self.pins.get(host.strip("[]").lower())
        if ip is None:  # never resolve a name that was not checked
            raise httpcore.ConnectError(f"host {host} was not checked before connecting")
        dial_ip, dial_port = _dial_address(ip, port)
        return super().connect_tcp(dial_ip, dial_port, timeout, local_address, socket_options)


class _PinnedTransport(httpx.HTTPTransport):
    """An httpx transport whose connection pool only dials pinned, checked addresses."""

    def __init__(self, pins: dict[str, str]) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                             network_backend=_PinnedBackend(pins), max_connections=2)


def _target(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "(none)"
        raise SchemeError(f"refusing URL scheme {shown!r}: only http and https pages can be read")
    host = (parts.hostname or "").lower()
    if not host:
        raise SchemeError(f"URL has no host: {url}")
    if parts.username or parts.password:
        raise SchemeError("refusing a URL with embedded credentials")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise SchemeError(f"URL has an invalid port: {url}") from exc
    return scheme, host, port


def _media_type(header: str) -> tuple[str, str | None]:
    if not header:
        return "", None
    main, *params = header.split(";")
    charset = None
    for p in params:
        k, _, v = p.strip().partition("=")
        if k.lower() == "charset" and v:
            charset = v.strip().strip('"\'').lower()
    return main.strip().lower(), charset


def looks_binary(head: bytes) -> bool:
    """True for bodies that start like a known binary format or contain NUL bytes / many control bytes."""
    if not head:
        return False
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):  # BOMs: text
        return False
    if any(head.startswith(m) for m in _BINARY_MAGIC) or b"\x00" in head[:4096]:
        return True
    sample = head[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample) * 0.1


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)


def decode_body(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """Decode with the header charset, then a ``<meta charset>``, then charset-normalizer; return (text, charset)."""
    candidates: list[str] = []
    if header_charset:
        candidates.append(header_charset)
    m = _META_CHARSET.search(body[:8192])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore").lower())
    if body.startswith(b"\xef\xbb\xbf"):
        candidates.insert(0, "utf-8-sig")
    for cs in candidates:
        try:
            return body.decode(cs), cs
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return body.decode("latin-1"), "latin-1"


def fetch_url(url: str, *, allow_private: bool = False, max_bytes: int = 5 * 1024 * 1024,
              timeout_s: float = 20.0) -> Fetched:
    """Fetch a web page safely (see module doc); raise an :class:`IngestError` subclass on any refusal."""
    deadline = time.monotonic() + timeout_s * 2
    seen: set[str] = set()
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        scheme, host, port = _target(current)
        try:
            ip = checked_address(host, port, allow_private=allow_private)
        except PrivateAddressError as exc:
            if hop:
                raise PrivateRedirectError(f"redirect from {url} led to a refused address: {exc}") from exc
            raise
        seen.add(current)
        resp_or_next = _one_hop(current, host, ip, max_bytes=max_bytes, timeout_s=timeout_s, deadline=deadline)
        if isinstance(resp_or_next, Fetched):
            return resp_or_next
        nxt = urljoin(current, resp_or_next)
        if nxt in seen:
            raise RedirectError(f"redirect loop at {nxt}")
        try:
            _target(nxt)
        except SchemeError as exc:
            raise RedirectError(f"redirect to a refused URL: {exc}") from exc
        current = nxt
    raise RedirectError(f"more than {MAX_REDIRECTS} redirects starting at {url}")


def _one_hop(url: str, host: str, ip: str, *, max_bytes: int, timeout_s: float, deadline: float) -> Fetched | str:
    """GET one URL over a pinned connection; return the page, or the Location of a redirect."""
    timeout = httpx.Timeout(connect=min(10.0, timeout_s), read=timeout_s, write=timeout_s, pool=timeout_s)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8",
               "Accept-Encoding": "identity"}
    try:
        with httpx.Client(transport=_PinnedTransport({host: ip}), timeout=timeout, follow_redirects=False,
                          trust_env=False) as client, client.stream("GET", url, headers=headers) as resp:
            if resp.is_redirect:
                location = resp.headers.get("location")
                if not location:
                    raise RedirectError(f"HTTP {resp.status_code} redirect without a Location header from {url}")
                return location
            if resp.status_code >= 400:
                raise HttpStatusError(f"the server answered HTTP {resp.status_code} {resp.reason_phrase} for {url}")
            return _read_body(resp, url, max_bytes=max_bytes, deadline=deadline)
    except httpx.TimeoutException as exc:
        raise FetchTimeoutError(f"{url} did not answer within {timeout_s:.0f} s") from exc
    except httpx.TransportError as exc:
        raise FetchError(f"cannot connect to {host}: {type(exc).__name__}") from exc


def _read_body(resp: httpx.Response, url: str, *, max_bytes: int, deadline: float) -> Fetched:
    media, charset = _media_type(resp.headers.get("content-type", ""))
    if media and media not in HTML_TYPES + TEXT_TYPES:
        raise NotHtmlError(f"{url} is {media}, not a web page (expected text/html or text/plain)")
    length = resp.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise TooLargeError(f"{url} is {int(length) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB")
    buf = bytearray()
    for chunk in resp.iter_bytes():
        if not buf and looks_binary(chunk):
            raise BinaryContentError(f"{url} sent binary data, not a readable page")
        buf.extend(chunk)
        if len(buf) > max_bytes:
            raise TooLargeError(f"{url} is larger than the {max_bytes / 1e6:.1f} MB limit; stopped reading")
        if time.monotonic() > deadline:
            raise FetchTimeoutError(f"{url} is taking too long to download")
    body = bytes(buf)
    if looks_binary(body[:4096]):
        raise BinaryContentError(f"{url} sent binary data, not a readable page")
    if not media:  # no content type: sniff
        media = "text/html" if re.search(rb"<(!doctype html|html|body|p)\b", body[:4096], re.I) else "text/plain"
    text, used = decode_body(body, charset)
    kind = "text/html" if media in HTML_TYPES else "text/plain"
    return Fetched(url=url, content_type=kind, text=text, charset=used, size=len(body))
