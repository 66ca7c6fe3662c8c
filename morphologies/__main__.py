"""``python -m morphologies check|info|view FILE``: the morphology subcommands of ``nnd``."""

import sys

from .cli import main

sys.exit(main())
