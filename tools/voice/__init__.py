"""Narration: ElevenLabs, Piper and espeak-ng voices with word timings; consented cloning; offline alignment."""

from reelforge.tools.voice.align import align_words
from reelforge.tools.voice.base import ClonedVoice, VoiceError, VoiceInfo
from reelforge.tools.voice.clone import clone_voice, delete_clone, list_clones
from reelforge.tools.voice.speech import Speech, normalize_text, to_speech
from reelforge.tools.voice.synth import list_voices, narrate_scenes, synthesize

__all__ = ["ClonedVoice", "VoiceError", "VoiceInfo", "align_words", "clone_voice", "delete_clone", "list_clones",
           "list_voices", "narrate_scenes", "normalize_text", "synthesize", "Speech", "to_speech"]
