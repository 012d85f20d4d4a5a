"""The estimate delta: what the asset store already holds is re-used (nothing to pay), the rest is paid."""

from __future__ import annotations

import json

from reelforge.tools.clips.registry import Registry
from reelforge.tools.estimate import estimate_lines, price_storyboard, to_pay_usd
from reelforge.tools.production import Asset, Brief, Provenance, RouteChoice, Scene, Shot, Storyboard
from reelforge.tools.settings import Settings
from reelforge.tools.store import AssetStore
from reelforge.tools.voice import eleven
from reelforge.tools.voice.speech import to_speech
from reelforge.tools.voice.synth import paid_key


def test_a_narration_already_made_is_reused_and_a_new_voice_is_paid(tmp_path) -> None:
    settings, store = Settings(), AssetStore(tmp_path / "store")
    brief = Brief(goal="coffee", voice="elevenlabs:abc", music_mood="none")
    shots = [Shot(id="s1", visual_prompt="beans", seconds=3, route=RouteChoice(model_id="motion", provider="motion"))]
    board = price_storyboard(brief, Storyboard(scenes=[Scene(index=1, narration="Fresh beans, 2 kg.", shots=shots)]),
                             settings)
    registry = Registry.load(settings)
    [narration] = [x for x in estimate_lines(brief, board, registry, store, settings) if x.kind == "narration"]
    assert not narration.reused and to_pay_usd([narration]) == narration.estimated_usd > 0
    spoken = to_speech("Fresh beans, 2 kg.").spoken
    key = paid_key(store, "elevenlabs", "abc", eleven.model_for(settings, "balanced"), "en", spoken)
    wav = tmp_path / "n.wav"
    wav.write_bytes(b"RIFF")
    store.put(Asset(key=key, kind="narration", path=str(wav), provenance=Provenance(source="elevenlabs")), wav)
    store.path_for(key, ".words.json").write_text(json.dumps([]))
    [narration] = [x for x in estimate_lines(brief, board, registry, store, settings) if x.kind == "narration"]
    assert narration.reused and to_pay_usd([narration]) == 0
    other = brief.model_copy(update={"voice": "elevenlabs:cloned"})  # "use my cloned voice": paid again
    [narration] = [x for x in estimate_lines(other, price_storyboard(other, board, settings), registry, store,
                                             settings) if x.kind == "narration"]
    assert not narration.reused
