"""``python -m morphologies check|info|view FILE``: the morphology subcommands of ``nnd``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
