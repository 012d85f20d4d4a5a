"""Main text (trafilatura) and metadata (beautifulsoup4) of a fetched web page."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import trafilatura
from bs4 import BeautifulSoup

from reelforge.tools.ingest.errors import EmptyContentError
from reelforge.tools.ingest.language import detect_language, normalize_language
from reelforge.tools.ingest.source import SourceDoc

MIN_WORDS = 40


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag and tag.get("content", "").strip():
            return str(tag["content"]).strip()
    return None


def _byline(soup: BeautifulSoup) -> str | None:
    found = _meta(soup, "author", "article:author", "byl", "dc.creator", "parsely-author")
    if not found:
        tag = soup.find(attrs={"rel": "author"}) or soup.find(attrs={"itemprop": "author"}) \
            or soup.find(class_=re.compile(r"\b(byline|author|auteur|autor)\b", re.I))
        found = tag.get_text(" ", strip=True) if tag else None
    if found:
        found = re.sub(r"^\s*(by|par|por|von|di)\s+", "", found, flags=re.I).strip()
    return found or None


def _date(soup: BeautifulSoup) -> str | None:
    found = _meta(soup, "article:published_time", "datePublished", "date", "dc.date", "pubdate")
    if not found:
        tag = soup.find("time", attrs={"datetime": True})
        found = str(tag["datetime"]).strip() if tag else None
    return found or None


MAX_TITLE_CHARS = 160


def _title(soup: BeautifulSoup) -> str:
    """The page's title, one line, at most MAX_TITLE_CHARS characters (it is shown to the director)."""
    found = _meta(soup, "og:title", "twitter:title")
    if not found:
        h1 = soup.find("h1")
        found = h1.get_text(" ", strip=True) if h1 else None
    if not found and soup.title:
        found = soup.title.get_text(" ", strip=True)
    title = re.sub(r"\s+", " ", found or "").strip()
    return title if len(title) <= MAX_TITLE_CHARS else title[:MAX_TITLE_CHARS - 1].rstrip() + "…"


def split_paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs of plain text (blank-line or line separated)."""
    return [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def extract_article(html: str, url: str | None = None) -> SourceDoc:
    """The page's main text without nav, ads, comments or scripts, plus title, byline, date, image, language."""
    soup = BeautifulSoup(html, "html.parser")
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False, include_links=False,
                               include_images=False, favor_precision=True, deduplicate=True) or ""
    title = _title(soup)
    h1 = soup.find("h1")
    headings = {t.strip().lower() for t in (title, h1.get_text(" ", strip=True) if h1 else "") if t}
    paragraphs = [p for p in split_paragraphs(text)
                  if p.strip().lower() not in headings and (len(p.split()) >= 4 or p.endswith((".", "!", "?")))]
    body = "\n\n".join(paragraphs)
    if len(body.split()) < MIN_WORDS:
        raise EmptyContentError(f"no readable article text found at {url or 'the page'} "
                                f"({len(body.split())} words of main text)")
    image = _meta(soup, "og:image", "twitter:image")
    html_tag = soup.find("html")
    declared = html_tag.get("lang") if html_tag else None
    language = normalize_language(str(declared)) if declared else detect_language(body)
    return SourceDoc(kind="article", title=title, byline=_byline(soup), date=_date(soup),
                     lead_image=urljoin(url, image) if (image and url) else image, language=language,
                     text=body, url=url, paragraphs=paragraphs)
