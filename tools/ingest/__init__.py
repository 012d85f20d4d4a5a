"""Ingest: turn a prompt, a script/outline file or an article URL into a :class:`SourceDoc`, safely."""

from __future__ import annotations

from pathlib import Path

from reelforge.tools.ingest.article import extract_article, split_paragraphs
from reelforge.tools.ingest.errors import (
    BinaryContentError,
    CompressedContentError,
    EmptyContentError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    IngestError,
    NotHtmlError,
    PrivateAddressError,
    PrivateRedirectError,
    RedirectError,
    SchemeError,
    SourceFileError,
    TooLargeError,
)
from reelforge.tools.ingest.fetch import fetch_url
from reelforge.tools.ingest.language import detect_language
from reelforge.tools.ingest.script import detect_kind, parse_outline, parse_script
from reelforge.tools.ingest.source import Section, SourceDoc
from reelforge.tools.production import SourceKind
from reelforge.tools.settings import Settings, get_settings

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".fountain", ".text", ""}
MAX_FILE_BYTES = 2 * 1024 * 1024

__all__ = [
    "BinaryContentError", "CompressedContentError", "EmptyContentError", "FetchError", "FetchTimeoutError", "HttpStatusError",
    "IngestError", "NotHtmlError", "PrivateAddressError", "PrivateRedirectError", "RedirectError",
    "SchemeError", "Section", "SourceDoc", "SourceFileError", "TooLargeError", "read_source", "source_from_text",
]


def source_from_text(text: str, kind: SourceKind | None = None, *, title: str = "", filename: str | None = None,
                     language: str | None = None) -> SourceDoc:
    """Build a SourceDoc from text the user typed or a file held: detect the kind and parse its structure."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise EmptyContentError("the text is empty")
    kind = kind or detect_kind(text, filename)
    sections: list[Section] = []
    found_title = ""
    if kind == "outline":
        found_title, sections = parse_outline(text)
    elif kind == "script":
        found_title, sections = parse_script(text)
    elif kind == "article":
        sections = [Section(narration=p) for p in split_paragraphs(text)]
    body_parts = [s.narration or "; ".join(s.bullets) for s in sections] if sections else [text]
    paragraphs = [p for p in body_parts if p] or split_paragraphs(text)
    return SourceDoc(kind=kind, title=title or found_title, language=language or detect_language(text),
                     text=text, paragraphs=paragraphs, sections=sections)


def _read_file(path: Path) -> SourceDoc:
    if not path.is_file():
        raise SourceFileError(f"{path}: no such file")
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise SourceFileError(f"{path.name}: unsupported file type {path.suffix!r}; use .txt, .md or .fountain")
    size = path.stat().st_size  # checked before reading: a huge file is never loaded
    if size > MAX_FILE_BYTES:
        raise TooLargeError(f"{path.name} is {size / 1e6:.1f} MB; scripts are limited to "
                            f"{MAX_FILE_BYTES / 1e6:.0f} MB")
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise TooLargeError(f"{path.name} is larger than the {MAX_FILE_BYTES / 1e6:.0f} MB limit for scripts")
    from reelforge.tools.ingest.fetch import decode_body, looks_binary

    if looks_binary(data[:4096]):
        raise BinaryContentError(f"{path.name} is binary, not a text script")
    text, _ = decode_body(data, None)
    if not text.strip():
        raise EmptyContentError(f"{path.name} is empty")
    doc = source_from_text(text, filename=path.name)
    if doc.kind == "prompt":  # a file is a script, however short
        doc = source_from_text(text, "script", filename=path.name)
    return doc.model_copy(update={"path": str(path), "title": doc.title or path.stem.replace("_", " ").replace("-", " ")})


def read_source(url_or_path: str, settings: Settings | None = None) -> SourceDoc:
    """Read an article URL (safely fetched) or a local .txt/.md/.fountain file into a :class:`SourceDoc`.

    Raises an :class:`IngestError` subclass with a one-line reason for every refusal.
    """
    settings = settings or get_settings()
    target = url_or_path.strip()
    if "://" in target or target.lower().startswith(("http:", "https:", "ftp:", "file:", "data:", "javascript:")):
        fetched = fetch_url(target, allow_private=settings.allow_private_urls, max_bytes=settings.max_fetch_bytes,
                            timeout_s=settings.fetch_timeout_s)
        if fetched.content_type == "text/html":
            doc = extract_article(fetched.text, fetched.url)
        else:
            doc = source_from_text(fetched.text, "article")
            if doc.word_count < 40:
                raise EmptyContentError(f"{fetched.url} has too little text to make a video from")
        return doc.model_copy(update={"url": fetched.url})
    return _read_file(Path(target).expanduser())
