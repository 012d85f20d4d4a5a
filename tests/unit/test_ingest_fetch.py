"""Safe fetching: saved article pages from a loopback fake, and every refusal with its own message."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fakes.server import FakeApp, serve

from reelforge.tools.ingest import (
    BinaryContentError,
    HttpStatusError,
    NotHtmlError,
    PrivateAddressError,
    PrivateRedirectError,
    SchemeError,
    TooLargeError,
    netguard,
    read_source,
)
from reelforge.tools.ingest import fetch as fetch_mod
from reelforge.tools.settings import Settings

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
HTML = "text/html; charset=utf-8"


def _settings(allow: bool, **kw) -> Settings:
    return Settings(allow_private_urls=allow, **kw)


@pytest.fixture(scope="module")
def site():
    app = FakeApp()
    wetlands = (ARTICLES / "wetlands.html").read_bytes()
    bakery = (ARTICLES / "bakery_fr.html").read_bytes()
    app.route("GET", "/marrowby")(lambda r: (200, wetlands, {"Content-Type": HTML}))
    app.route("GET", "/pain")(lambda r: (200, bakery, {"Content-Type": "text/html"}))
    app.route("GET", "/photo")(lambda r: (200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 4000, {"Content-Type": HTML}))
    app.route("GET", "/pdf")(lambda r: (200, b"%PDF-1.7 ...", {"Content-Type": "application/pdf"}))
    app.route("GET", "/gone")(lambda r: (404, "not here", {"Content-Type": "text/plain"}))
    app.route("GET", "/hop")(lambda r: (302, b"", {"Location": "/marrowby"}))
    app.route("GET", "/to-private")(lambda r: (302, b"", {"Location": "http://10.0.0.7/admin"}))
    app.route("GET", "/to-metadata")(lambda r: (301, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}))
    with serve(app):
        yield app


def test_saved_article_extracts_main_text_only(site):
    doc = read_source(f"{site.base_url}/marrowby", _settings(True))
    assert doc.kind == "article"
    assert doc.title == "How Marrowby brought its river back to life"
    assert doc.byline == "Ines Calloway"
    assert doc.date == "2024-05-14T07:30:00Z"
    assert doc.lead_image == f"{site.base_url}/images/marrowby-wetland-dawn.jpg"
    assert doc.language == "en"
    assert "Otters returned within two years" in doc.text
    assert "give a river back the space" in doc.text
    for junk in ("cookies", "Garden furniture", "fjords", "RiverFan77", "council tax", "Most read", "Subscribe",
                 "dataLayer", "All rights reserved"):
        assert junk not in doc.text, junk


def test_redirect_followed_and_charset_decoded(site):
    doc = read_source(f"{site.base_url}/hop", _settings(True))
    assert doc.url.endswith("/marrowby")
    fr = read_source(f"{site.base_url}/pain", _settings(True))
    assert fr.language == "fr" and "boulangerie" in fr.text and "pétrissent" in fr.text
    assert "matelas" not in fr.text and "Jean-Pierre" not in fr.text


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1/", "loopback"),
    ("http://[::1]:8080/", "loopback"),
    ("http://10.1.2.3/", "10.0.0.0/8"),
    ("http://172.16.5.4/", "172.16.0.0/12"),
    ("http://192.168.1.10/", "192.168.0.0/16"),
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("http://[fd00:ec2::254]/", "cloud metadata"),
    ("http://100.64.0.9/", "carrier-grade NAT"),
    ("http://[::ffff:127.0.0.1]/", "127.0.0.1"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://localhost:9/", "loopback"),
])
def test_private_addresses_refused(url, reason):
    with pytest.raises(PrivateAddressError, match=reason):
        read_source(url, _settings(False))


@pytest.mark.parametrize("url", ["ftp://example.com/a.html", "file:///etc/passwd", "javascript:alert(1)"])
def test_bad_schemes_refused(url):
    with pytest.raises(SchemeError, match="scheme"):
        read_source(url, _settings(True))


def test_public_name_redirecting_to_private_is_refused(site, monkeypatch):
    """news.example resolves (fake DNS) to a public IP that is really the loopback fake; its redirect is refused."""
    port = int(site.base_url.rsplit(":", 1)[1])
    real_resolve = netguard.resolve
    monkeypatch.setattr(netguard, "resolve",
                        lambda host, p: ["93.184.216.34"] if host == "news.example" else real_resolve(host, p))
    monkeypatch.setattr(fetch_mod, "_dial_address",
                        lambda ip, p: ("127.0.0.1", port) if ip == "93.184.216.34" else (ip, p))
    before = len(site.requests)
    doc = read_source("http://news.example/marrowby", _settings(False))
    assert "Marrowby" in doc.title
    assert site.requests[-1].headers["host"] == "news.example"  # Host header kept, connection pinned
    with pytest.raises(PrivateRedirectError, match="10.0.0.0/8"):
        read_source("http://news.example/to-private", _settings(False))
    with pytest.raises(PrivateRedirectError, match="cloud metadata"):
        read_source("http://news.example/to-metadata", _settings(False))
    assert len(site.requests) == before + 3  # the private targets were never contacted


def test_binary_non_html_and_http_errors(site):
    s = _settings(True)
    with pytest.raises(BinaryContentError, match="binary"):
        read_source(f"{site.base_url}/photo", s)
    with pytest.raises(NotHtmlError, match="application/pdf"):
        read_source(f"{site.base_url}/pdf", s)
    with pytest.raises(HttpStatusError, match="404"):
        read_source(f"{site.base_url}/gone", s)


class _Endless(BaseHTTPRequestHandler):
    """Streams up to 50 MB without a Content-Length; records how much it managed to send."""

    sent = 0

    def log_message(self, *a):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        chunk = b"<p>" + b"word " * 2000 + b"</p>\n"
        try:
            self.wfile.write(b"<html><body>")
            while _Endless.sent < 50 * 1024 * 1024:
                self.wfile.write(chunk)
                _Endless.sent += len(chunk)
        except OSError:
            pass


def test_huge_body_aborted_early():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endless)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/big"
        with pytest.raises(TooLargeError, match="limit"):
            read_source(url, _settings(True))
        assert _Endless.sent < 20 * 1024 * 1024
    finally:
        server.shutdown()
        server.server_close()


def test_declared_huge_body_refused_before_reading(site):
    app = FakeApp()
    app.route("GET", "/big")(lambda r: (200, b"<html>" + b"a" * (2 * 1024 * 1024), {"Content-Type": HTML}))
    with serve(app), pytest.raises(TooLargeError, match="MB"):
        read_source(f"{app.base_url}/big", _settings(True, max_fetch_bytes=1024 * 1024))
