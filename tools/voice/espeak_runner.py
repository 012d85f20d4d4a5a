"""espeak-ng (GPL-3) worker, run as a SEPARATE PROCESS: ``python -I espeak_runner.py VOICE RATE OUT.wav``.

Reads the text on stdin, writes a 16-bit mono WAV and prints JSON
``{"sample_rate": 22050, "samples": N, "words": [[text_position, length, audio_ms], ...]}`` from
libespeak-ng's word events (ctypes, no compiled extension needed).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import sys
import wave


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


def main() -> int:
    voice, rate, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    text = sys.stdin.read()
    name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
    lib = ctypes.CDLL(name)
    sample_rate = lib.espeak_Initialize(2, 500, None, 0)  # AUDIO_OUTPUT_SYNCHRONOUS
    if sample_rate <= 0:
        print(json.dumps({"error": "espeak_Initialize failed"}))
        return 1
    lib.espeak_SetVoiceByName(voice.encode())
    lib.espeak_SetParameter(1, rate, 0)  # espeakRATE
    pcm: list[bytes] = []
    words: list[list[int]] = []

    @ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))
    def callback(wav, n, events):  # type: ignore[no-untyped-def]
        if wav and n > 0:
            pcm.append(ctypes.string_at(wav, n * 2))
        i = 0
        while events[i].type != 0:
            ev = events[i]
            if ev.type == 1:  # espeakEVENT_WORD
                words.append([ev.text_position, ev.length, ev.audio_position])
            i += 1
        return 0

    lib.espeak_SetSynthCallback(callback)
    data = text.encode()
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 1, None, None)  # POS_CHARACTER, espeakCHARS_UTF8
    lib.espeak_Synchronize()
    audio = b"".join(pcm)
    with wave.open(out, "wb") as wf:
        wf.setnchannels(1)
        wf.setsampwidth(2)
        wf.setframerate(sample_rate)
        wf.writeframes(audio)
    print(json.dumps({"sample_rate": sample_rate, "samples": len(audio) // 2, "words": words}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
