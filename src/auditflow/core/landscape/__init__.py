"""The audit trail ("landscape"): schema, database set-up, recorder and queries."""

from auditflow.core.landscape.database import LandscapeError, open_landscape, sqlite_url
from auditflow.core.landscape.recorder import LandscapeRecorder, RunHeader

__all__ = ["LandscapeError", "LandscapeRecorder", "RunHeader", "open_landscape", "sqlite_url"]
