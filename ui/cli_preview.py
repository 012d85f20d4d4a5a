"""`reelforge preview`: plan a storyboard and make its free animatic (360p, 12 fps, watermarked) in seconds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reelforge.ui.cli_make import _check_out_dir, _plain, build_brief, console, fail, out_console
from reelforge.ui.prompt_brief import AspectOpt, DurationOpt, MusicOpt, Prompt, ScriptOpt


def preview(
    prompt: Prompt = "",
    script: ScriptOpt = None,
    duration: DurationOpt = None,
    aspect: AspectOpt = None,  # the first format is previewed
    voice: Annotated[str, typer.Option("--voice", help="auto, piper, espeak, ... (a paid voice is read by the offline voice in the preview).")] = "auto",
    music: MusicOpt = "auto",
    out: Annotated[Path, typer.Option("-o", "--out", help="Output directory.")] = Path("reelforge-out/preview"),
) -> None:
    """Plan the storyboard and render a free preview of it: real narration, captions and music over the keyframes.
    Nothing is generated or paid for; `reelforge make` (or approving in chat) makes the video."""
    from reelforge.tools.studio import Studio

    brief = build_brief(prompt, script=script, duration=duration, aspect=aspect, voice=voice, music=music)
    _check_out_dir(out)
    try:
        studio = Studio()
        with console.status("planning the storyboard"):
            storyboard = studio.plan(brief)
        with console.status(f"rendering the preview of {len(storyboard.scenes)} scenes"):
            made = studio.preview(brief, storyboard, out)
    except Exception as exc:  # noqa: BLE001 - a one-line reason, never a traceback
        raise fail(_plain(exc)) from None
    for scene in storyboard.scenes:
        out_console.print(f"{scene.index}. [{scene.seconds:.1f}s] {scene.narration or scene.title}", highlight=False,
                          markup=False)
    out_console.print(f"{made.path}  (preview {made.width}x{made.height} at {made.fps} fps, {made.duration_s:.1f}s, "
                      f"storyboard v{made.storyboard_version}; estimate ${storyboard.estimated_cost_usd:.2f} when made)",
                      highlight=False, markup=False)
    for note in made.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("preview")(preview)
