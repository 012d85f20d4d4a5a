"""Article reading: three extractors, the most agreed reading wins, no readable page is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from reelforge.tools.ingest.article import extract_article, main_text
from reelforge.tools.ingest.errors import EmptyContentError

PAGES = Path(__file__).resolve().parents[2] / "bench" / "extraction_pages"


def test_the_benchmark_ships_at_least_thirty_pages_with_ground_truth():
    pages = sorted(PAGES.glob("*.html"))
    assert len(pages) >= 30
    assert all(p.with_suffix(".txt").read_text(encoding="utf-8").strip() for p in pages)


@pytest.mark.parametrize("name", ["25-news-short-notice", "05-table-layout-home-compost"])
def test_pages_trafilatura_reads_are_never_refused(name):
    html = (PAGES / f"{name}.html").read_text(encoding="utf-8")
    truth = (PAGES / f"{name}.txt").read_text(encoding="utf-8")
    assert trafilatura.extract(html)
    doc = extract_article(html, "https://example.org/a")
    assert truth.split("\n")[0] in doc.text
    assert "All rights reserved" not in doc.text and "Related stories" not in doc.text


def test_comments_and_sidebars_stay_out():
    html = (PAGES / "01-news-lighthouse-keepers.html").read_text(encoding="utf-8")
    text = main_text(html)
    assert "paraffin and brass polish" in text
    assert "Lovely to read this" not in text and "Council approves" not in text


def test_a_page_without_main_text_is_refused_plainly():
    html = "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>"
    with pytest.raises(EmptyContentError, match="no readable article text"):
        extract_article(html, "https://example.org/menu")


def test_ads_and_read_more_boxes_inside_the_story_stay_out():
    html = (PAGES / "34-inline-ads-allotment-waiting.html").read_text(encoding="utf-8")
    text = extract_article(html, "https://example.org/a").text
    assert "Half plots, they say" in text
    assert "Save 20% on garden tools" not in text and "Read more" not in text
