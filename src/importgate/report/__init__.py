"""Writers that turn a :class:`~importgate.model.CheckResult` into something to read.

Each format lives in its own module and exposes ``render(result) -> str``; the
``FORMATS`` table maps a ``--format`` name to its writer and default file name.
"""

from importgate.report.registry import FORMATS, ReportFormat, render

__all__ = ["FORMATS", "ReportFormat", "render"]
