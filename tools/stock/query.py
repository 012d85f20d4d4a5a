"""Turn a shot's visual prompt into short stock-search queries, and reformulate when nothing fits.

Stock search engines match keywords against titles and tags, so a generation prompt ("cinematic slow
dolly shot of a lighthouse at dusk, 35mm, moody") becomes ``"lighthouse dusk"``; when that finds
nothing usable, :func:`query_variants` offers progressively broader queries.
"""

from __future__ import annotations

import re

MAX_QUERY_CHARS = 100  # Pixabay's limit, the strictest of the stock APIs



def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _wordset("""
a an the of in on at to for from with without by and or but over under into onto across through
near behind between above below is are was were be being been it its this that these those their
his her our your my some any very while as who which where when than then there here up down out
""")

# Words about the camera, the render or the style: meaningless to a stock library's tag index.
STYLE_WORDS = _wordset("""
cinematic cinematography shot shots footage video clip scene frame framing camera cam lens 35mm 50mm
85mm 4k 8k hd uhd hdr photorealistic photoreal realistic hyperrealistic ultra detailed highly
dolly pan panning tilt tracking handheld static zoom zooming push pull slow-motion motion slow
close-up closeup close wide medium establishing angle low high pov view shallow depth field
bokeh dof lighting lit light moody dramatic beautiful stunning epic style render rendered
octane unreal vibrant film grain professional quality masterpiece trending artstation aesthetic
""")

# Words a stock library *does* index that a trait implies, used as a last, broad query.
TRAIT_HINTS: dict[str, str] = {
    "nature": "nature landscape",
    "aerial": "aerial view",
    "real_place": "city street",
    "b_roll": "people working",
    "product": "product closeup",
    "photoreal_human": "people portrait",
    "fast_action": "sport action",
    "slow_cinematic": "landscape sunset",
    "abstract_motion_graphics": "abstract background",
    "text_on_screen": "abstract background",
    "stylized_animation": "colorful abstract",
}
SCENIC_WORDS = frozenset({"aerial", "drone", "timelapse", "time-lapse", "underwater", "sunset", "sunrise"})


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9'-]*", text.lower())


def keywords(text: str) -> list[str]:
    """Content words of ``text`` in order, without stopwords, style words or repeats."""
    first = re.split(r"[;\n]", text, maxsplit=1)[0]  # continuity suffixes follow a ';'
    out: list[str] = []
    for w in _words(first):
        w = w.strip("'-")
        if len(w) < 2 or w in STOPWORDS or w.isdigit():
            continue
        if w in STYLE_WORDS and w not in SCENIC_WORDS:
            continue
        if w not in out:
            out.append(w)
    return out


def shot_query(prompt: str, *, max_words: int = 5) -> str:
    """A short keyword query for a stock library from a shot's visual prompt."""
    words = keywords(prompt)[:max_words]
    if not words:
        raise ValueError(f"cannot write a stock query from {prompt!r}: it has no content words")
    return " ".join(words)[:MAX_QUERY_CHARS].strip()


def query_variants(prompt: str, traits: list[str] | tuple[str, ...] = (), *, query: str | None = None) -> list[str]:
    """Queries to try in order: the specific one first, then broader ones, then a trait hint.

    ``query`` (a user's explicit search) goes first when given.
    """
    words = keywords(prompt)
    variants: list[str] = []

    def add(q: str) -> None:
        q = " ".join(q.split())[:MAX_QUERY_CHARS].strip()
        if q and q not in variants:
            variants.append(q)

    if query:
        add(query)
    if words:
        add(" ".join(words[:5]))
        add(" ".join(words[:3]))
        add(" ".join(words[1:3]) if len(words) > 2 else "")  # often the head noun without its adjective
    for trait in traits:
        if trait in TRAIT_HINTS:
            add(TRAIT_HINTS[trait])
    for w in words[:2]:
        add(w)
    if not variants:
        raise ValueError(f"cannot write a stock query from {prompt!r}: it has no content words")
    return variants
