"""``python -m hopfield_phases`` is the ``hopfield-phases`` command line."""

import sys

from hopfield_phases.compare.cli import main

sys.exit(main())
