"""``python -m vegafigs`` runs the command line."""

import sys

from vegafigs.cli import main

sys.exit(main())
