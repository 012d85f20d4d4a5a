"""Assembly: Timeline → one ffmpeg filtergraph → one encode per output format; captions, mix, QC, hand-off."""

from reelforge.tools.assembly.captions import write_ass, write_captions
from reelforge.tools.assembly.render import assemble
from reelforge.tools.assembly.timeline import build_timeline, fit_clip

__all__ = ["assemble", "build_timeline", "fit_clip", "write_ass", "write_captions"]
