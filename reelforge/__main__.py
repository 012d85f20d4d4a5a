"""``python -m reelforge``: the same command line as ``reelforge``."""

from reelforge.ui.cli import main

if __name__ == "__main__":
    main()
