"""Write one benchmark's table into ``reports/benchmarks.md`` without touching the others.

Several benchmarks share the one file the README links to. Each owns a section fenced by
``<!-- bench:NAME -->`` / ``<!-- /bench:NAME -->`` markers; rerunning a benchmark replaces
its own section in place and leaves every other section as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "reports" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Written by the scripts in `benchmarks/`; each section says the command that made it.\n"
)


def write_section(name: str, markdown: str, report: Path = REPORT) -> Path:
    """Put ``markdown`` into the section called ``name`` (added at the end if new)."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = report.read_text(encoding="utf-8") if report.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text, encoding="utf-8")
    return report
