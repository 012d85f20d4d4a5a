"""Scripts and outlines as text: headings, INT./EXT. scenes, VO:/NARRATOR: lines, [VISUAL: …] directions, bullets."""

from __future__ import annotations

import re

from reelforge.tools.ingest.source import Section
from reelforge.tools.production import SourceKind

_BULLET = re.compile(r"^\s*(?:[-*•+–]|\d{1,2}[.)]|[a-z][.)])\s+(.*\S)\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+(.*\S)\s*$")
_SCENE_HEADING = re.compile(r"^\s*(?:\.(?=[A-Z])|(?:INT|EXT|EST|INT\./EXT|INT/EXT|I/E)[.\s])\s*(.*\S)?\s*$")
_SPEAKER_LINE = re.compile(r"^\s*(?:VO|V\.O\.|VOICE[- ]?OVER|NARRATOR|NARRATION|HOST|PRESENTER)\s*(?:\([^)]*\))?\s*:\s*(.*)$",
                           re.I)
_CUE = re.compile(r"^\s*(?:NARRATOR|VO|V\.O\.|VOICE[- ]?OVER|HOST|PRESENTER|[A-Z][A-Z .'-]{1,30})\s*(?:\((?:V\.O\.|O\.S\.|CONT'D|O\.C\.)\))?\s*$")
_DIRECTION = re.compile(r"\[\s*(?:VISUAL|VISUALS|B-?ROLL|SHOT|SCENE|CAMERA)\s*:\s*([^\]]+)\]", re.I)
_ON_SCREEN = re.compile(r"\[\s*(?:ON[- ]?SCREEN|GRAPHIC|TEXT|SUPER|LOWER[- ]?THIRD)\s*:\s*([^\]]+)\]", re.I)
_TRANSITION = re.compile(r"^\s*(?:FADE (?:IN|OUT|TO BLACK)|CUT TO|DISSOLVE TO|SMASH CUT TO|MATCH CUT TO)\b.*$", re.I)
_TITLE_PAGE = re.compile(r"^\s*(?:Title|Credit|Author|Source|Draft date|Contact)\s*:\s*(.*)$", re.I)


def detect_kind(text: str, filename: str | None = None) -> SourceKind:
    """``outline`` when most lines are bullets, ``script`` for structured or multi-paragraph text, else ``prompt``."""
    if filename and filename.lower().endswith(".fountain"):
        return "script"
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "prompt"
    content = [ln for ln in lines if not _MD_HEADING.match(ln)]
    bullets = sum(1 for ln in content if _BULLET.match(ln))
    if bullets >= 2 and bullets >= 0.6 * len(content):
        return "outline"
    structured = any(_SCENE_HEADING.match(ln) or _SPEAKER_LINE.match(ln) or _DIRECTION.search(ln)
                     or _ON_SCREEN.search(ln) or _MD_HEADING.match(ln) for ln in lines)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    if structured or len(paragraphs) >= 2 or len(text.split()) > 80:
        return "script"
    return "prompt"


def _directions(line: str) -> tuple[str, list[str]]:
    """The line without its ``[VISUAL: …]`` directions, and those directions."""
    found = [d.strip() for d in _DIRECTION.findall(line)]
    return _DIRECTION.sub(" ", line).strip(), found


def _on_screen(line: str) -> tuple[str, list[str]]:
    """The line without its ``[ON-SCREEN: …]`` texts, and those texts exactly as written."""
    found = [d.strip() for d in _ON_SCREEN.findall(line)]
    return _ON_SCREEN.sub(" ", line).strip(), found


def _join(parts: list[str], sep: str = " ") -> str:
    return re.sub(r"\s+", " ", sep.join(p.strip().rstrip(".;") if sep != " " else p for p in parts if p)).strip()


def parse_script(text: str) -> tuple[str, list[Section]]:
    """Split a script into sections; return (title, sections). Screenplay action lines become visual hints."""
    lines = text.splitlines()
    screenplay = any(_SCENE_HEADING.match(ln) or _SPEAKER_LINE.match(ln) for ln in lines)
    # One top-level "# " heading is the title; several are the scenes' own headings.
    one_title = sum(1 for ln in lines if ln.lstrip().startswith("# ")) == 1
    title = ""
    sections: list[Section] = []
    narr: list[str] = []
    vis: list[str] = []
    shown: list[str] = []
    heading = ""
    in_dialogue = False

    def flush() -> None:
        nonlocal narr, vis, shown, heading
        if narr or vis or shown:
            sections.append(Section(heading=heading, narration=_join(narr), visual=_join(vis, "; "),
                                    on_screen=" · ".join(shown)))
            narr, vis, shown, heading = [], [], [], ""
        # else: a heading followed by a blank line belongs to the block after it

    for raw in lines:
        line = raw.strip()
        if not line:
            in_dialogue = False
            if not screenplay and (narr or vis):  # a heading stays with the paragraph after its blank line
                flush()
            continue
        if m := _TITLE_PAGE.match(line):
            if line.lower().startswith("title") and not title:
                title = m.group(1).strip()
            continue
        if m := _MD_HEADING.match(line):
            flush()
            heading = m.group(1).strip()
            if not title and one_title and line.lstrip().startswith("# "):
                title = heading
                heading = ""
            continue
        if _TRANSITION.match(line):
            continue
        if m := _SCENE_HEADING.match(line):
            flush()
            heading = (m.group(1) or "").strip() or line
            vis.append(heading.title().replace(" - ", ", "))
            continue
        line, texts = _on_screen(line)
        shown.extend(texts)
        line, directions = _directions(line)
        vis.extend(directions)
        if not line:
            continue
        if m := _SPEAKER_LINE.match(line):
            narr.append(m.group(1).strip())
            in_dialogue = True
            continue
        if screenplay and _CUE.match(line) and line.upper() == line:
            in_dialogue = True
            continue
        if screenplay and line.startswith("(") and line.endswith(")"):  # parenthetical
            continue
        if screenplay and not in_dialogue:
            vis.append(line)
        else:
            narr.append(line)
    flush()
    return title, [s for s in sections if s.narration or s.visual or s.on_screen]


def parse_outline(text: str) -> tuple[str, list[Section]]:
    """Top-level bullets (or headings) become sections; nested bullets become their sub-points."""
    title = ""
    sections: list[Section] = []
    base_indent: int | None = None
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if m := _MD_HEADING.match(raw):
            if not title and raw.lstrip().startswith("# "):
                title = m.group(1).strip()
            else:
                sections.append(Section(heading=m.group(1).strip()))
            continue
        line, texts = _on_screen(raw)
        line, directions = _directions(line)
        indent = len(raw) - len(raw.lstrip())
        m = _BULLET.match(line if line.strip() else "")
        item = (m.group(1) if m else line).strip()
        if base_indent is None and m:
            base_indent = indent
        nested = m is not None and base_indent is not None and indent > base_indent
        if nested and sections:
            sections[-1].bullets.append(item)
        elif m or not sections:
            if sections and not sections[-1].bullets and sections[-1].heading and not sections[-1].narration:
                sections[-1].bullets.append(item)  # first bullet under a heading
            else:
                sections.append(Section(heading=item, bullets=[item]))
        else:
            sections[-1].bullets.append(item)
        if directions:
            sections[-1].visual = _join([sections[-1].visual, *directions], "; ")
        if texts:
            sections[-1].on_screen = " · ".join([t for t in (sections[-1].on_screen, *texts) if t])
    return title, [s for s in sections if s.bullets or s.heading]
