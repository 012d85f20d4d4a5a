"""Files that ship with reelforge (fonts). ``FONTS_DIR`` is passed to ffmpeg as ``fontsdir``."""

from pathlib import Path

FONTS_DIR = Path(__file__).parent / "fonts"
CAPTION_FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"
CAPTION_FONT_NAME = "DejaVu Sans"
