"""The release checks that ``make check`` runs.

They read the finished outputs in the build folder and the model of their source,
and nothing else: no module here imports a writer, so a check cannot agree with a
writer by accident. Each check must be able to fail; tests/test_check.py breaks
outputs on purpose to prove it.
"""

from __future__ import annotations

# Importing a module registers its checks; the table lists them in this order.
from . import pdf, epub, docx, html  # noqa: F401
from . import press  # noqa: F401  (the print edition's holds: FPO box, photo resolution)
from . import text  # noqa: F401  (text fidelity, the last check of every output)
from .core import KINDS, LABEL, REGISTRY, SUFFIX, run, table

__all__ = ["KINDS", "LABEL", "REGISTRY", "SUFFIX", "run", "table"]
