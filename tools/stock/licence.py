"""Licence and attribution for stock media, and the credits list for a production.

- Pexels licence: free, no attribution legally required; the API terms ask to credit the
  photographer and Pexels "when possible", so a credit line is always written.
- Pixabay Content License: free; the API terms ask to show where the media came from.
- Openverse: each item carries its own Creative Commons licence; attribution is mandatory except for
  CC0 and the Public Domain Mark, and Openverse's ``attribution`` string is kept verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reelforge.tools.production import Asset, Provenance
from reelforge.tools.stock.rank import Candidate

LIBRARY_NAMES = {"pexels": "Pexels", "pixabay": "Pixabay", "openverse": "Openverse"}
NO_ATTRIBUTION_NEEDED = ("cc0", "pdm", "public domain")
SCREEN_AUTHORS = 4  # authors named per library on an end card; the rest are "and N more"


def attribution_required(licence: str) -> bool:
    """True unless the licence is CC0 / Public Domain Mark (Pexels/Pixabay credits are courtesy, not law)."""
    low = licence.lower()
    return not any(tag in low for tag in NO_ATTRIBUTION_NEEDED)


def attribution_for(c: Candidate) -> str:
    """The credit line a candidate's licence asks for."""
    library = LIBRARY_NAMES.get(c.provider, c.provider.title())
    if c.provider == "openverse":
        if c.attribution:
            return c.attribution  # Openverse writes the full TASL line (title, author, source, licence)
        title = f'"{c.title}"' if c.title else "This work"
        by = f" by {c.author}" if c.author else ""
        lic = f" is licensed under {c.licence}" if c.licence else ""
        url = f" ({c.licence_url})" if c.licence_url else ""
        return f"{title}{by}{lic}{url}. Found via Openverse: {c.page_url}".strip()
    kind = "Video" if c.kind == "video" else "Photo"
    who = f" by {c.author}" if c.author else ""
    return f"{kind}{who} on {library} ({c.page_url})"


def provenance_for(c: Candidate, *, prompt: str | None = None, query: str = "") -> Provenance:
    """A :class:`Provenance` recording licence, attribution, source URL and author of a stock hit."""
    licence = c.licence or f"{LIBRARY_NAMES.get(c.provider, c.provider)} licence"
    if c.licence_url:
        licence = f"{licence} <{c.licence_url}>"
    return Provenance(
        source=c.provider,
        model=f"{c.kind}:{c.id}",
        prompt=prompt if prompt is not None else query,
        cost_usd=0.0,
        licence=licence,
        attribution=attribution_for(c),
        source_url=c.page_url,
        author=c.author or None,
    )


def credits_for(assets: Iterable[Asset]) -> list[str]:
    """Credit lines for every stock or user asset, de-duplicated, in first-use order.

    Used by the manifest, an end card and the video description. Generated media needs no credit.
    """
    lines: list[str] = []
    libraries: list[str] = []
    for a in assets:
        p = a.provenance
        if p.source in LIBRARY_NAMES:
            line = p.attribution or f"{LIBRARY_NAMES[p.source]}: {p.source_url or p.model}"
            if p.source not in libraries:
                libraries.append(p.source)
        elif p.attribution:
            line = p.attribution  # e.g. licensed music
        else:
            continue
        if line not in lines:
            lines.append(line)
    for lib in libraries:
        if lib in ("pexels", "pixabay"):
            note = f"Stock media from {LIBRARY_NAMES[lib]} (https://www.{lib}.com)"
            if note not in lines:
                lines.append(note)
    return lines


def screen_credits(assets: Iterable[Asset]) -> list[str]:
    """Short credit lines for an end card, in first-use order: the stock authors of each library, each
    Openverse work with its licence, and music from the user's library with its attribution.

    Nothing for generated media, narration (a cloned or stock voice names nobody) or music reelforge or a
    music model made. The full lines, with links, are :func:`credits_for`'s (the credits file).
    """
    authors: dict[str, list[str]] = {}
    kinds: dict[str, set[str]] = {}
    works: list[str] = []
    music: list[str] = []
    for a in assets:
        p = a.provenance
        if p.source == "openverse":
            works.append(_short_attribution(p))
        elif p.source in LIBRARY_NAMES:
            names = authors.setdefault(p.source, [])
            kinds.setdefault(p.source, set()).add("video" if (p.model or "").startswith("video:") else "photo")
            if p.author and p.author not in names:
                names.append(p.author)
        elif a.kind == "music" and p.source == "library" and p.attribution:
            music.append(_music_line(p.attribution))
    lines = []
    for lib, names in authors.items():
        what = "Footage" if kinds[lib] == {"video"} else "Photos" if kinds[lib] == {"photo"} else "Footage and photos"
        shown = ", ".join(names[:SCREEN_AUTHORS]) + (f" and {len(names) - SCREEN_AUTHORS} more"
                                                      if len(names) > SCREEN_AUTHORS else "")
        lines.append(f"{what} by {shown} on {LIBRARY_NAMES[lib]}" if names else f"{what} from {LIBRARY_NAMES[lib]}")
    return list(dict.fromkeys([*lines, *works, *music]))


def _short_attribution(p: Provenance) -> str:
    """An Openverse work's TASL line without its links ("\"Harbour\" by Ada is licensed under CC BY 4.0")."""
    text = re.split(r"\.\s+To view", p.attribution or "", maxsplit=1)[0]
    text = re.sub(r"\s*\(?<?https?://\S+", "", text).strip().rstrip(".")
    if text:
        return text
    licence = re.sub(r"\s*<[^>]*>", "", p.licence).strip()
    return f"Image by {p.author or 'an Openverse author'} ({licence})"


def _music_line(attribution: str) -> str:
    line = re.sub(r"\s*\(unknown\)$", "", attribution.strip())
    return line if line.lower().startswith("music") else f"Music: {line}"
