"""Piper worker, run as a SEPARATE PROCESS (``python -I piper_runner.py MODEL CONFIG``); never import it.

Piper is GPL-3, so reelforge (MIT) only talks to it over pipes: one JSON request per stdin line
``{"text": ..., "out": "/path.wav", "length_scale": null, "noise_w_scale": null}``, one JSON reply per
stdout line ``{"ok": true, "sample_rate": 22050, "samples": N, "sentences": [[[phoneme, n_samples], ...], ...]}``
or ``{"ok": false, "error": "..."}``. The process stays warm between requests.
"""

from __future__ import annotations

import json
import sys
import wave


def main() -> int:
    import numpy as np
    from piper import PiperVoice, SynthesisConfig

    model, config = sys.argv[1], sys.argv[2]
    voice = PiperVoice.load(model, config_path=config)
    print(json.dumps({"ready": True, "sample_rate": voice.config.sample_rate}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            cfg = SynthesisConfig(length_scale=req.get("length_scale"), noise_w_scale=req.get("noise_w_scale"))
            chunks, sentences = [], []
            for chunk in voice.synthesize(req["text"], syn_config=cfg, include_alignments=True):
                chunks.append(chunk.audio_int16_array)
                sentences.append([[a.phoneme, int(a.num_samples)] for a in (chunk.phoneme_alignments or [])])
            audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
            with wave.open(req["out"], "wb") as wf:
                wf.setnchannels(1)
                wf.setsampwidth(2)
                wf.setframerate(voice.config.sample_rate)
                wf.writeframes(audio.tobytes())
            reply = {"ok": True, "sample_rate": voice.config.sample_rate, "samples": int(audio.shape[0]),
                     "sentences": sentences}
        except Exception as exc:  # noqa: BLE001 - report every failure to the parent
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
