"""Facts about the code behind a grimp graph: where modules live and how imports run.

grimp answers "who imports whom, on which line". This layer adds what the reports need
on top: the source file of each module, the text of each import line and whether an
import runs at import time, later, or never (``if TYPE_CHECKING:``).
"""

from importgate.graph.kindcache import KindCache
from importgate.graph.kinds import classify_lines
from importgate.graph.links import LinkFactory
from importgate.graph.sources import ModuleLocator

__all__ = ["KindCache", "LinkFactory", "ModuleLocator", "classify_lines"]
