"""importgate's own contract types, written as import-linter custom contract types.

Register them in a configuration file's session options, e.g.::

    [importlinter]
    root_package = mypackage
    contract_types =
        acyclic: importgate.contracts.acyclic.AcyclicContract
        import_time: importgate.contracts.import_time.ImportTimeContract
        public_api: importgate.contracts.public_api.PublicApiContract
        module_size: importgate.contracts.module_size.ModuleSizeContract
        absent: importgate.contracts.absent.AbsentContract

so that both ``importgate check`` and plain ``lint-imports`` run them.
"""
