"""``python -m skmnistnoise.cli``: the same command as ``python -m skmnistnoise``."""

import sys

from . import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
