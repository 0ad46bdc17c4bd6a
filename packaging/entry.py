"""Frozen entry point: the same `switchboard` command as the installed console script."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
