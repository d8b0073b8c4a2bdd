"""The environment for the makes that the tests and the benchmark run."""

from __future__ import annotations

import os

#: Variables that a calling make (``make test V=1``, ``make -j1 bench``, ``make bench
#: TRIM=a5``) or the shell would pass down to those makes, changing what they do.
MAKE_ENV_DROP = ("MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES", "MAKELEVEL", "V", "TRIM", "ICC", "BUILD")


def clean_make_env() -> dict:
    """This process's environment without the make variables above, as from a clean shell."""
    return {k: v for k, v in os.environ.items() if k not in MAKE_ENV_DROP}
