"""``python -m core.cli``: the ``tawasul`` command without its console script."""

import sys

from core.cli import main

sys.exit(main())
