"""Files that ship with reelforge: fonts (``FONTS_DIR`` is passed to ffmpeg as ``fontsdir``) and the demo script."""

from pathlib import Path

FONTS_DIR = Path(__file__).parent / "fonts"
CAPTION_FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"
CAPTION_FONT_NAME = "DejaVu Sans"
DEMO_SCRIPT = Path(__file__).parent / "demo" / "the-moon.md"  # facts and their sources: demo/SOURCES.md
