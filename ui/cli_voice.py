"""`reelforge voice list|clone|delete|align` and `reelforge music list`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from reelforge.tools.music import list_library, procedural_tracks
from reelforge.tools.music.library import music_dir
from reelforge.tools.production import Consent
from reelforge.tools.settings import get_settings
from reelforge.tools.voice import VoiceError, clone_voice, delete_clone, list_clones, list_voices

console = Console(stderr=True)
out = Console()
voice_app = typer.Typer(help="Narration voices: list, clone (with consent), delete, align.", no_args_is_help=True)
music_app = typer.Typer(help="Background music: your library and the built-in generator.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


@voice_app.command("list")
def voice_list(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
               search: Annotated[str | None, typer.Option("--search", help="Only voices whose name, labels or "
                                                         "description contain this.")] = None) -> None:
    """Offline voices, ElevenLabs voices (when ELEVENLABS_API_KEY is set) and your cloned voices."""
    settings = get_settings()
    voices = list_voices(settings, search)
    clones = {c.voice_id: c for c in list_clones(settings)}
    if as_json:
        out.print_json(json.dumps([v.model_dump() | {"consent": clones[v.id.split(":", 1)[-1]].consent.model_dump()
                                                      if v.id.split(":", 1)[-1] in clones else None}
                                   for v in voices]))
        return
    table = Table("id", "name", "engine", "category", "available", "notes")
    for v in voices:
        clone = clones.get(v.id.split(":", 1)[-1])
        note = f"consent by {clone.consent.affirmed_by} at {clone.consent.affirmed_at}" if clone else v.description
        table.add_row(v.id, v.name, v.engine, v.category, "yes" if v.available else "no", note)
    shown = {v.id for v in voices}
    for c in clones.values():
        if c.id not in shown and (not search or search.lower() in c.name.lower()):
            table.add_row(c.id, c.name, c.engine, "cloned", "?", f"consent by {c.consent.affirmed_by}")
    out.print(table)


@voice_app.command("clone")
def voice_clone(
    name: Annotated[str, typer.Argument(help="Name for the new voice.")],
    samples: Annotated[list[Path], typer.Argument(help="wav/mp3/m4a/ogg samples, 10 s to 3 min in total.")],
    consent: Annotated[str | None, typer.Option("--consent", help="Your statement that you have the right "
                                                "to clone this voice.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who affirms the consent (default: $USER).")] = None,
) -> None:
    """Clone a voice with ElevenLabs; refused without --consent. The consent is stored with the voice."""
    import getpass

    if not consent or not consent.strip():
        raise _fail("voice cloning refused: pass --consent \"I have the right to use this voice...\"")
    record = Consent(text=consent.strip(), affirmed_by=(by or getpass.getuser()).strip())
    try:
        voice = clone_voice(name, list(samples), consent=record, settings=get_settings())
    except VoiceError as exc:
        raise _fail(str(exc)) from None
    out.print(f"cloned voice [bold]{voice.name}[/]: use --voice {voice.id}")


@voice_app.command("delete")
def voice_delete(voice_id: Annotated[str, typer.Argument(help="The cloned voice id (elevenlabs:<id>).")]) -> None:
    """Delete a cloned voice here and at ElevenLabs."""
    try:
        voice = delete_clone(voice_id, get_settings())
    except VoiceError as exc:
        raise _fail(str(exc)) from None
    out.print(f"deleted cloned voice {voice.name} ({voice.id})")


@voice_app.command("align")
def voice_align(
    audio: Annotated[Path, typer.Argument(help="A narration recording without timestamps (wav/mp3/m4a/ogg...).")],
    text: Annotated[str, typer.Argument(help="What is said in it: the text itself, or a .txt/.md file.")],
    language: Annotated[str, typer.Option("--language", help="Language of the speech (ISO 639-1).")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Word timings for an uploaded narration, aligned offline against a reference voice (for captions)."""
    from reelforge.tools.voice import align_words

    source = Path(text)
    words_text = source.read_text() if source.suffix.lower() in (".txt", ".md") and source.is_file() else text
    if not audio.is_file():
        raise _fail(f"{audio}: no such file")
    try:
        words = align_words(audio, words_text, language=language, settings=get_settings())
    except VoiceError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        out.print_json(json.dumps([w.model_dump() for w in words]))
        return
    table = Table("word", "start", "end", title=f"{audio.name}: {len(words)} words (estimated, ±0.1 s)")
    for w in words:
        table.add_row(w.word, f"{w.start:.2f}", f"{w.end:.2f}")
    out.print(table)


@music_app.command("list")
def music_list(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Tracks in your music folder (REELFORGE_MUSIC_DIR) plus the built-in generator's moods."""
    settings = get_settings()
    tracks = list_library(settings) + procedural_tracks()
    if as_json:
        out.print_json(json.dumps([t.model_dump() for t in tracks]))
        return
    table = Table("id", "title", "moods", "bpm", "energy", "length", "licence", title=f"music ({music_dir(settings)})")
    for t in tracks:
        table.add_row(t.id, t.title, ", ".join(t.moods), f"{t.bpm:.0f}" if t.bpm else "",
                      f"{t.energy:.2f}" if t.energy is not None else "",
                      f"{t.duration_s:.1f} s" if t.duration_s else "loop", t.licence)
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``voice`` and ``music`` command groups."""
    app.add_typer(voice_app, name="voice")
    app.add_typer(music_app, name="music")
