"""Music beds: the user's library, a procedural generator (CC0), optional ElevenLabs Music; fitted and levelled."""

from reelforge.tools.music.library import Track, list_library, procedural_tracks
from reelforge.tools.music.select import choose, normalise_mood, select_music

__all__ = ["Track", "choose", "list_library", "normalise_mood", "procedural_tracks", "select_music"]
