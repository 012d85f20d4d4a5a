"""Article extraction benchmark: reelforge's reader against hand-made ground truth, with plain trafilatura beside it.

    .venv/bin/python bench/extraction.py [--pages DIR] [--public CHECKOUT] [--verbose]

Each page ``NAME.html`` in ``bench/extraction_pages`` has its ground truth in ``NAME.txt``: the article body
as written, one block per line (headings inside the body and list items included; title, byline, navigation,
comments, related links, banners and footers excluded). The pages were written for this benchmark (their
text and markup are reelforge's own, so they ship with it) in the layouts real sites use: news pages with
comments and related stories, blogs with sidebars, magazines with cookie banners and a newsletter box inside
the story, div soup without ``<p>``, old table layouts with ``<br>`` paragraphs, bare pages, very short
notices, comment threads longer than the story, and ads and "read more" boxes between its paragraphs.

Scoring is the public article-extraction benchmark's (scrapinghub/article-extraction-benchmark,
``evaluate.py``): per page, true/false positives and negatives over word 4-gram shingles; precision and recall
are means over pages and F1 is computed from those means. A page the reader refuses, or reads as empty, scores
zero recall and counts as a failure.
``refused_readable`` counts refusals of pages that trafilatura alone extracts text from (it must be 0).

``--public CHECKOUT`` scores a local checkout of scrapinghub/article-extraction-benchmark instead (181 real
pages; their HTML is not ours to ship, so it is never copied into reelforge).

Prints one JSON line: ``f1``, ``precision``, ``recall``, ``failures``, ``refused_readable``, ``pages``, and
``trafilatura_f1`` (plain ``trafilatura.extract`` on the same pages, for comparison).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

import trafilatura

from reelforge.tools.ingest.article import extract_article
from reelforge.tools.ingest.errors import IngestError

PAGES = Path(__file__).resolve().parent / "extraction_pages"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Word 4-grams of ``text`` (the whole text when it is shorter)."""
    words = _TOKEN.findall(text or "")
    return Counter(tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1)) if words[i:i + n])


def score(extracted: str, truth: str) -> tuple[float, float]:
    """(precision, recall) of the extracted shingles against the truth's, as the public benchmark counts them."""
    got, want = shingles(extracted), shingles(truth)
    tp = sum((got & want).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    if fp == fn == 0:
        return 1.0, 1.0
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def summary(scores: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Mean precision, mean recall, and the F1 of those means (the benchmark's definition)."""
    p = sum(s[0] for s in scores) / len(scores)
    r = sum(s[1] for s in scores) / len(scores)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def shipped_pages(folder: Path) -> list[tuple[str, str, str]]:
    """(name, html, truth) for every ``NAME.html`` + ``NAME.txt`` in ``folder``."""
    return [(p.stem, p.read_text(encoding="utf-8"), p.with_suffix(".txt").read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.html"))]


def public_pages(checkout: Path) -> list[tuple[str, str, str]]:
    """(name, html, truth) from a checkout of the public benchmark (``ground-truth.json``, ``html/*.html.gz``)."""
    truth = json.loads((checkout / "ground-truth.json").read_text(encoding="utf-8"))
    return [(key, gzip.decompress((checkout / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace"),
             item.get("articleBody", "")) for key, item in sorted(truth.items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--public", type=Path, help="a checkout of scrapinghub/article-extraction-benchmark")
    parser.add_argument("--verbose", action="store_true", help="one line per page on stderr")
    args = parser.parse_args(argv)
    pages = public_pages(args.public) if args.public else shipped_pages(args.pages)
    if not pages:
        print(f"no pages in {args.public or args.pages}", file=sys.stderr)
        return 2
    ours, plain = [], []
    failures = refused_readable = 0
    for name, html, truth in pages:
        alone = trafilatura.extract(html) or ""
        try:
            text = extract_article(html, f"https://bench.example/{name}").text
        except IngestError as exc:
            text = ""
            refused_readable += bool(alone.strip())
            print(f"refused {name}: {exc}", file=sys.stderr)
        failures += not text.strip()
        ours.append(score(text, truth))
        plain.append(score(alone, truth))
        if args.verbose:
            print(f"{name:45s} ours p={ours[-1][0]:.3f} r={ours[-1][1]:.3f}   "
                  f"trafilatura p={plain[-1][0]:.3f} r={plain[-1][1]:.3f}", file=sys.stderr)
    p, r, f1 = summary(ours)
    result = {"f1": round(f1, 4), "precision": round(p, 4), "recall": round(r, 4), "failures": failures,
              "refused_readable": refused_readable, "pages": len(pages),
              "trafilatura_f1": round(summary(plain)[2], 4)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
