"""Pick a motion-graphics layout for a shot from its narration: the words on screen are the words spoken.

Rules, first match wins: a quotation → quote with attribution; "A versus B" → comparison; an enumeration
("the sun, the stars and the Earth's magnetic field") → list, or steps when the text speaks of steps or a
sequence; a figure with a unit → big number counting up; "Name, the baker" → lower third; "in Lyon" →
location card; a call to action in the last scene → end card; otherwise a title with the scene's headline.
Only words from the narration (or the scene title) are shown, trimmed, never invented.
"""

from __future__ import annotations

import re

from reelforge.tools.graphics.icons import icon_for
from reelforge.tools.production import Graphic

UNITS: dict[str, str] = {
    "km/h": "km/h", "kph": "km/h", "kilometres per hour": "km/h", "kilometers per hour": "km/h", "mph": "mph",
    "miles per hour": "mph", "m/s": "m/s", "kilometres": "km", "kilometers": "km", "km": "km", "miles": "miles",
    "mile": "mile", "metres": "m", "meters": "m", "m": "m", "centimetres": "cm", "centimeters": "cm", "cm": "cm",
    "%": "%", "percent": "%", "per cent": "%", "kg": "kg", "kilograms": "kg", "tonnes": "tonnes", "tons": "tons",
    "litres": "litres", "liters": "litres", "years": "years", "days": "days", "hours": "hours", "minutes": "min",
    "seconds": "s", "million": "million", "billion": "billion", "thousand": "thousand", "degrees": "°",
    "°c": "°C", "°f": "°F", "people": "people", "species": "species", "dollars": "dollars", "euros": "euros",
    "pounds": "pounds", "calories": "kcal", "kcal": "kcal", "watts": "W", "kwh": "kWh", "times": "×",
}
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_FIG = re.compile(r"(?<![\w.])([$€£]?\d{1,3}(?:[,\u202f ]\d{3})+(?:\.\d+)?|[$€£]?\d+(?:[.,]\d+)?)\s*"
                  rf"(?:({_UNIT_RE})(?![\w])|(?=[\s,.;:!?)]|$))", re.I)
_QUOTE = re.compile(r"[\"“«„]([^\"”»“]{6,300})[\"”»]")
_ATTR_AFTER = re.compile(r"^[\s,.:;—–-]*(?:as\s+)?(?:(?:said|says|wrote|writes|put it|puts it|according to|"
                         r"notes?|noted|explains?|explained)\s+)?(?P<who>[^.!?;]{2,80}?)\s*(?:said|says|wrote|writes|"
                         r"put it|puts it|notes?|noted|explains?|explained|once said)?\s*[.!?]?\s*$", re.I)
_ATTR_BEFORE = re.compile(r"(?P<who>[A-Z][^.!?;:]{1,80}?)\s+(?:said|says|wrote|writes|once said|put it)\s*[:,]?\s*$")
_VERSUS = re.compile(r"^(?P<a>.{2,60}?)\s+(?:vs\.?|versus|compared (?:to|with)|against)\s+(?P<b>.{2,60}?)"
                     r"(?:[,.;:!?]|$)", re.I)
_LIST_TAIL = re.compile(r"(?P<items>(?:[^,;:.]{2,60},\s+){1,6}[^,;:.]{2,60}?,?\s+(?:and|or|&)\s+[^,;:.]{2,60})"
                        r"\s*[.!?]?\s*$")
_STEPS = re.compile(r"\b(steps?|stages?|phases?|first(?:ly)?|then|next|finally|afterwards|process|how to)\b", re.I)
_PERSON = re.compile(r"\b(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2}),\s+(?:a|an|the|our)\s+(?P<role>[^,.;!?]{3,50})")
_PLACE = re.compile(r"\b(?:in|at|from|to|near)\s+(?P<place>(?:[A-Z][\w'-]+)(?:[\s-](?:de|la|le|del|of|"
                    r"[A-Z][\w'-]+))*)(?:,\s+(?P<region>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?))?")
_CTA = re.compile(r"\b(subscribe|follow|visit|order|book|sign up|join|download|try|shop|call|learn more|"
                  r"find out more|come (?:by|in|and)|link)\b", re.I)
_NOT_PLACES = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
               "Sunday", "English", "French", "The", "This", "That", "Earth"}
_GENERIC_TITLE = re.compile(r"^(?:scene|chapter|part|section|slide|step|shot)\s*\d+$", re.I)  # says nothing
_LEADING = re.compile(r"^(?:and|or|the|a|an|then|finally|first|next|also)\s+", re.I)
_TRAILING = re.compile(r"\s+(?:about|around|roughly|nearly|almost|over|up to|more than|at|of|by|to|some)$",
                       re.I)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:—–-")


def _cap(text: str) -> str:
    text = _clean(text)
    return text[:1].upper() + text[1:] if text else text


def _short(text: str, n: int) -> str:
    """At most ``n`` words, cut at a word boundary, with an ellipsis when cut."""
    words = _clean(text).split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def quote_of(text: str) -> tuple[str, str] | None:
    """(quotation, attribution) when ``text`` quotes someone."""
    m = _QUOTE.search(text)
    if not m:
        return None
    body = _clean(m.group(1)).rstrip(",")
    after, before = text[m.end():], text[:m.start()]
    who = ""
    a = _ATTR_AFTER.match(after)
    if a and a.group("who").strip() and len(a.group("who").split()) <= 8:
        who = a.group("who")
    else:
        b = _ATTR_BEFORE.search(before)
        who = b.group("who") if b else ""
    who = re.sub(r"^(?:as|by)\s+", "", _clean(who), flags=re.I)
    who = re.sub(r"\s+(?:said|says|put it|wrote)$", "", who, flags=re.I)
    return body, who


def list_of(text: str) -> tuple[str, list[str]] | None:
    """(lead-in, items) for an enumeration of 3–7 items in one clause, e.g. ``"A: x, y and z."``."""
    for clause in re.split(r"(?<=[.!?])\s+", text):
        head, colon, tail = clause.partition(":")
        body = tail if colon else clause
        m = _LIST_TAIL.search(body)
        if not m:
            continue
        raw = re.split(r",\s+|\s+(?:and|or|&)\s+", m.group("items"))
        items = [_cap(_LEADING.sub("", _LEADING.sub("", i.strip()))) for i in raw if i.strip(" ,")]
        items = [i.rstrip(".!?") for i in items if i]
        if not (3 <= len(items) <= 7) or any(len(i.split()) > 7 for i in items):
            continue
        lead = _clean(head) if colon else _clean(body[:m.start()])
        if not colon:  # "We need flour, water, salt and time": the first item is no longer than the others
            first_words = items[0].split()
            keep = max(len(i.split()) for i in items[1:])
            if len(first_words) > keep:
                lead, items[0] = " ".join(first_words[:-keep]), _cap(" ".join(first_words[-keep:]))
        return _short(lead, 9), items
    return None


def figure_of(text: str) -> tuple[str, str, str] | None:
    """(figure as written, unit shown, the words around it) for the first figure worth showing."""
    for m in _FIG.finditer(text):
        figure, unit = m.group(1), (m.group(2) or "")
        digits = re.sub(r"\D", "", figure)
        if not digits or (not unit and len(digits) < 2) or (not unit and 1900 <= int(digits) <= 2100 and
                                                             len(digits) == 4):
            continue  # a lone digit or a year is not a headline figure
        clause_start = max(text.rfind(c, 0, m.start()) for c in ",;:.!?")
        before = text[clause_start + 1:m.start()] if clause_start >= 0 else text[:m.start()]
        after = re.split(r"[,;:.!?]", text[m.end():], maxsplit=1)[0]
        before = _TRAILING.sub("", _clean(before))
        before = re.sub(r"^(?:a|an|the)\s+", "", before, flags=re.I)
        context = " ".join(p for p in (_cap(before), _clean(after)) if p)
        return figure.replace("\u202f", ",").replace(" ", ","), UNITS.get(unit.lower(), unit), _short(context, 9)
    return None


def versus_of(text: str) -> tuple[str, str] | None:
    for clause in re.split(r"(?<=[.!?])\s+", text):
        m = _VERSUS.search(clause.strip())
        if m:
            return _cap(_short(m.group("a"), 5)), _cap(_short(m.group("b"), 5))
    return None


def _icons(items: list[str]) -> list[str]:
    found = [icon_for(i) for i in items]
    return [f for f in found if f] if all(found) else []


def pick_graphic(narration: str, *, title: str = "", last_scene: bool = False, first_shot: bool = True
                 ) -> Graphic:
    """The layout and words to show for a shot speaking ``narration`` in a scene called ``title``."""
    text = _clean(narration)
    title = "" if _GENERIC_TITLE.match(title.strip()) else title.strip()
    kicker = _short(title, 5) if title and title.lower() not in text.lower()[:len(title) + 5] else ""
    if text:
        q = quote_of(text)
        if q:
            return Graphic(layout="quote", body=q[0], attribution=q[1], icons=["quote-left"])
        vs = versus_of(text)
        if vs:
            return Graphic(layout="comparison", title=kicker, items=list(vs))
        found = list_of(text)
        if found:
            lead, items = found
            numbered = bool(_STEPS.search(text) or _STEPS.search(title))
            return Graphic(layout="steps" if numbered else "list", kicker=kicker, title=lead or kicker,
                           items=items, icons=[] if numbered else _icons(items))
        fig = figure_of(text)
        if fig:
            figure, unit, context = fig
            icon = icon_for(unit) or icon_for(title) or icon_for(context)
            return Graphic(layout="number", kicker=kicker, figure=figure, unit=unit, body=context,
                           icons=[icon] if icon else [])
        if last_scene and _CTA.search(text):
            sentence = next((s for s in re.split(r"(?<=[.!?])\s+", text) if _CTA.search(s)), text)
            return Graphic(layout="end_card", title=_short(sentence.rstrip(".!"), 10))
        person = _PERSON.search(text)
        if person:
            return Graphic(layout="lower_third", title=person.group("name"), body=_cap(_short(person.group("role"), 7)))
        place = _PLACE.search(text)
        if place and place.group("place").split()[0] not in _NOT_PLACES:
            return Graphic(layout="location", title=_short(place.group("place"), 5),
                           body=place.group("region") or "", icons=["location-dot"])
    head = title if first_shot and title else _headline(text) or title
    icon = icon_for(head) or icon_for(text)
    return Graphic(layout="title", kicker=kicker if head != title else "", title=_short(head, 12),
                   icons=[icon] if icon else [])


def _headline(text: str) -> str:
    """The first clause of the narration, as a short headline."""
    first = re.split(r"(?<=[.!?;:])\s+|,\s+", text, maxsplit=1)[0] if text else ""
    return _cap(first.rstrip(".!?;:"))

