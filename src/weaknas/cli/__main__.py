"""``python -m weaknas.cli``: the ``weaknas`` command."""

import sys

from weaknas.cli import main

sys.exit(main())
