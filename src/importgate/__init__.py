"""importgate: an architecture gate for Python import graphs.

importgate reads the contracts declared in import-linter's own configuration format,
checks them on an import graph built once by grimp, and explains every broken contract
down to the file and line of each offending import.

The stable Python API is small on purpose:

* :func:`importgate.engine.run_check` runs a check and returns a :class:`CheckResult`;
* :mod:`importgate.model` holds the result types;
* :mod:`importgate.contracts` holds importgate's own import-linter contract types.
"""

__version__ = "0.1.0"
