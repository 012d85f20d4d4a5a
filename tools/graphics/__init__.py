"""Motion graphics that carry the words: layouts picked from the narration, drawn natively per format.

- :mod:`.pick` reads a shot's narration and picks a layout (title, list, steps, number, quote,
  comparison, lower third, location, end card) with the words to show.
- :mod:`.layouts` designs each layout for the frame it is drawn in; :mod:`.render` animates and encodes it.
- :mod:`.typography`, :mod:`.icons` and :mod:`.brand`: bundled open fonts, Font Awesome Free icons, the brand kit.
"""

from reelforge.tools.graphics.brand import BrandError, BrandKit, brand_from_settings
from reelforge.tools.graphics.pick import pick_graphic

__all__ = ["BrandError", "BrandKit", "brand_from_settings", "pick_graphic"]
