"""``python -m pressroom.writers.pdf contact-sheet OUT.png PAGE.png...`` (make proof)."""

import sys

from .proof import _main

raise SystemExit(_main(sys.argv[1:]))
