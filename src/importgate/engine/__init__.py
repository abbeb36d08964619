"""The application layer: run a check through import-linter and grimp, return results.

:func:`run_check` is the whole check as a function; the command line is a thin shell
around it.
"""

from importgate.engine.check import CheckOptions, run_check

__all__ = ["CheckOptions", "run_check"]
