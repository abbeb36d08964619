"""importgate's own contract types, written as import-linter custom contract types.

Register them in a configuration file's session options, e.g.::

    [importlinter]
    root_packages = mypackage
    contract_types =
        acyclic: importgate.contracts.acyclic.AcyclicContract

so that both ``importgate check`` and plain ``lint-imports`` run them.
"""
