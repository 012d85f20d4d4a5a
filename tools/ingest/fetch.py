"""Safe fetching of a web page: public addresses only, pinned connections, manual redirects, bounded reads.

Every hop is resolved here, every resolved address is checked (:mod:`tools.ingest.netguard`), and the
connection goes to the checked address (a pinned httpcore network backend; the URL, Host header and TLS
SNI/certificate check keep the real host name), so DNS cannot be re-bound between check and connect.

Bounded: one overall deadline covers connecting, the response headers and the body of every hop (each
socket read and write gets only the time left, so a server trickling its headers a byte at a time is cut
off); the body is read as raw bytes and counted before any decoding; gzip/deflate are inflated here under
the same byte cap and every other content encoding (br, zstd...) is refused; the URL length is checked.
"""

from __future__ import annotations

import re
import time
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from reelforge.tools.ingest.errors import (
    BinaryContentError,
    CompressedContentError,
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
MAX_URL_CHARS = 4096
INFLATED_ENCODINGS = ("gzip", "x-gzip", "deflate")
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


class _Deadline:
    """One point in time every network operation of a fetch must finish by."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self, timeout: float | None) -> float:
        """The time an operation may take: its own timeout, but never past the deadline."""
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout(f"the overall {self.seconds:g} s deadline passed")
        return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read, write and TLS handshake ends by the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self.inner = inner
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self.deadline.left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        tls = self.inner.start_tls(ssl_context, server_hostname, self.deadline.left(timeout))
        return _DeadlineStream(tls, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _PinnedBackend(httpcore.SyncBackend):
    """Connects to the pre-checked IP for a host name instead of resolving it again, within the deadline."""

    def __init__(self, pins: dict[str, str], deadline: _Deadline) -> None:
        self.pins = pins
        self.deadline = deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        ip = self.pins.get(host.strip("[]").lower())
        if ip is None:  # never resolve a name that was not checked
            raise httpcore.ConnectError(f"host {host} was not checked before connecting")
        dial_ip, dial_port = _dial_address(ip, port)
        stream = super().connect_tcp(dial_ip, dial_port, self.deadline.left(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self.deadline)


class _PinnedTransport(httpx.HTTPTransport):
    """An httpx transport whose connection pool only dials pinned, checked addresses."""

    def __init__(self, pins: dict[str, str], deadline: _Deadline) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                             network_backend=_PinnedBackend(pins, deadline), max_connections=2)


def _target(url: str) -> tuple[str, str, int]:
    if len(url) > MAX_URL_CHARS:
        raise SchemeError(f"the URL is {len(url):,} characters long; the limit is {MAX_URL_CHARS:,}")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise SchemeError(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "(none)"
        raise SchemeError(f"refusing URL scheme {shown!r}: only http and https pages can be read")
    host = (parts.hostname or "").lower()
    if not host:
        raise SchemeError(f"URL has no host: {url[:200]}")
    if parts.username or parts.password:
        raise SchemeError("refusing a URL with embedded credentials")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise SchemeError(f"URL has an invalid port: {url[:200]}") from exc
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
    """Fetch a web page safely (see module doc); raise an :class:`IngestError` subclass on any refusal.

    ``timeout_s`` is the overall deadline for the whole fetch, redirects included."""
    deadline = _Deadline(timeout_s)
    seen: set[str] = set()
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        scheme, host, port = _target(current)
        try:
            ip = checked_address(host, port, allow_private=allow_private)
        except PrivateAddressError as exc:
            if hop:
                raise PrivateRedirectError(f"redirect from {_shown(url)} led to a refused address: {exc}") from exc
            raise
        seen.add(current)
        resp_or_next = _one_hop(current, host, ip, max_bytes=max_bytes, deadline=deadline)
        if isinstance(resp_or_next, Fetched):
            return resp_or_next
        nxt = urljoin(current, resp_or_next)
        if nxt in seen:
            raise RedirectError(f"redirect loop at {_shown(nxt)}")
        try:
            _target(nxt)
        except SchemeError as exc:
            raise RedirectError(f"redirect to a refused URL: {exc}") from exc
        current = nxt
    raise RedirectError(f"more than {MAX_REDIRECTS} redirects starting at {_shown(url)}")


def _shown(url: str) -> str:
    """A URL for an error message: without its query string (it may carry a token) and not too long."""
    parts = urlsplit(url)
    bare = parts._replace(query="", fragment="").geturl()
    return bare if len(bare) <= 200 else bare[:200] + "…"


def _one_hop(url: str, host: str, ip: str, *, max_bytes: int, deadline: _Deadline) -> Fetched | str:
    """GET one URL over a pinned connection; return the page, or the Location of a redirect."""
    step = min(10.0, deadline.seconds)
    timeout = httpx.Timeout(connect=step, read=step, write=step, pool=step)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8",
               "Accept-Encoding": "gzip, deflate"}
    shown = _shown(url)
    try:
        with httpx.Client(transport=_PinnedTransport({host: ip}, deadline), timeout=timeout, follow_redirects=False,
                          trust_env=False) as client, client.stream("GET", url, headers=headers) as resp:
            if resp.is_redirect:
                location = resp.headers.get("location")
                if not location:
                    raise RedirectError(f"HTTP {resp.status_code} redirect without a Location header from {shown}")
                return location
            if resp.status_code >= 400:
                raise HttpStatusError(f"the server answered HTTP {resp.status_code} {resp.reason_phrase[:80]} "
                                      f"for {shown}")
            return _read_body(resp, url, max_bytes=max_bytes, deadline=deadline)
    except httpx.TimeoutException as exc:
        raise FetchTimeoutError(f"{shown} did not answer in time (the limit is {deadline.seconds:g} s "
                                "for the whole page)") from exc
    except httpcore.TimeoutException as exc:  # the deadline, raised outside httpx's exception mapping
        raise FetchTimeoutError(f"{shown} did not answer in time (the limit is {deadline.seconds:g} s "
                                "for the whole page)") from exc
    except (httpx.TransportError, httpx.DecodingError) as exc:
        raise FetchError(f"cannot connect to {host}: {type(exc).__name__}") from exc


class _Inflater:
    """Counts raw bytes and inflates gzip / deflate bodies under a hard cap; refuses any other encoding."""

    def __init__(self, encoding: str, url: str, max_bytes: int) -> None:
        self.url, self.max_bytes = url, max_bytes
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in INFLATED_ENCODINGS):
            raise CompressedContentError(f"{url} sent its page compressed as {encoding!r}, which is not read "
                               "(only gzip and deflate are)")
        self.coding = codings[0] if codings else None
        self.raw = 0
        self._z: Any = None
        if self.coding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._deflate_head = b""

    def feed(self, chunk: bytes, have: int) -> bytes:
        """Decode one raw chunk; ``have`` is how many decoded bytes are already held."""
        self.raw += len(chunk)
        if self.raw > self.max_bytes:
            raise TooLargeError(f"{self.url} is larger than the {self.max_bytes / 1e6:.1f} MB limit; stopped reading")
        if self.coding is None:
            return chunk
        if self._z is None:  # deflate: zlib-wrapped (RFC 9110) or, from some servers, raw
            self._deflate_head += chunk
            if len(self._deflate_head) < 2:
                return b""
            chunk, self._deflate_head = self._deflate_head, b""
            wrapped = chunk[0] & 0x0F == 8 and (chunk[0] << 8 | chunk[1]) % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        room = self.max_bytes - have + 1
        try:
            out = self._z.decompress(chunk, room)
        except zlib.error as exc:
            raise BinaryContentError(f"{self.url} sent a corrupt {self.coding} body") from exc
        if len(out) >= room or self._z.unconsumed_tail:
            raise TooLargeError(f"{self.url} inflates to more than the {self.max_bytes / 1e6:.1f} MB limit; "
                                "stopped reading")
        return out


def _read_body(resp: httpx.Response, url: str, *, max_bytes: int, deadline: _Deadline) -> Fetched:
    shown = _shown(url)
    media, charset = _media_type(resp.headers.get("content-type", ""))
    if media and media not in HTML_TYPES + TEXT_TYPES:
        raise NotHtmlError(f"{shown} is {media[:80]}, not a web page (expected text/html or text/plain)")
    length = resp.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise TooLargeError(f"{shown} is {int(length) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB")
    inflater = _Inflater(resp.headers.get("content-encoding", ""), shown, max_bytes)
    buf = bytearray()
    for raw in resp.iter_raw(64 * 1024):
        chunk = inflater.feed(raw, len(buf))
        if not buf and chunk and looks_binary(chunk):
            raise BinaryContentError(f"{shown} sent binary data, not a readable page")
        buf.extend(chunk)
        deadline.left(None)  # a slow body is cut off at the deadline as well
    body = bytes(buf)
    if looks_binary(body[:4096]):
        raise BinaryContentError(f"{shown} sent binary data, not a readable page")
    if not media:  # no content type: sniff
        media = "text/html" if re.search(rb"<(!doctype html|html|body|p)\b", body[:4096], re.I) else "text/plain"
    text, used = decode_body(body, charset)
    kind = "text/html" if media in HTML_TYPES else "text/plain"
    return Fetched(url=url, content_type=kind, text=text, charset=used, size=len(body))
