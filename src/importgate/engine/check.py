"""``run_check``: the whole of ``importgate check`` as a function.

Steps, each done by import-linter or grimp and each turning failure into
:class:`~importgate.model.CouldNotRun`:

1. read the configuration (same discovery as ``lint-imports``);
2. select the contracts and resolve their types (built-in and custom);
3. build the import graph once, with grimp's cache;
4. check each contract on its own copy of the graph;
5. explain each violation with file, line, source text and import kind.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import grimp
from importlinter.domain.contract import Contract, InvalidContractOptions

from importgate.engine import errors, linter
from importgate.engine.translate import details_of, violations_of
from importgate.graph import KindCache, LinkFactory, ModuleLocator
from importgate.model import CheckResult, ContractResult, CouldNotRun

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as the check moves on."""


@dataclass(frozen=True)
class CheckOptions:
    """What ``importgate check`` was asked to do."""

    config_file: str | None = None
    contract_ids: Sequence[str] = field(default_factory=tuple)
    cache_dir: str | None = None
    no_cache: bool = False


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: report nothing."""


@dataclass(frozen=True)
class CheckedGraph:
    """A check's result together with the graph and contracts it was made from."""

    result: CheckResult
    graph: grimp.ImportGraph
    contracts: tuple[Contract, ...]


def run_check(options: CheckOptions, progress: Progress = _quiet) -> CheckResult:
    """Check the contracts; raise :class:`CouldNotRun` when the check cannot be made."""
    return check_graph(options, progress).result


def check_graph(options: CheckOptions, progress: Progress = _quiet) -> CheckedGraph:
    """:func:`run_check`, also handing back the import graph and the contract objects."""
    # lint-imports puts the working directory on the import path; so do we.
    cwd = os.getcwd()
    if sys.path[:1] != [cwd]:
        sys.path.insert(0, cwd)

    config_file = options.config_file or linter.discovered_config_file()
    try:
        user_options = linter.read_options(options.config_file)
    except Exception as error:  # every reader failure is the user's to fix
        raise errors.config_error(error, config_file) from error

    try:
        selected = linter.select_contracts(user_options, config_file, options.contract_ids)
    except Exception as error:
        types = user_options.session_options.get("contract_types", [])
        raise errors.selection_error(error, config_file, types) from error

    contracts = []
    for item in selected:
        try:
            contracts.append(linter.instantiate(item, user_options))
        except InvalidContractOptions as error:
            raise errors.contract_options_error(
                error, item.options["name"], item.options.get("id"), config_file
            ) from error

    root_packages = list(user_options.session_options["root_packages"])
    progress("Building import graph", 0, 1)
    started = time.perf_counter()
    try:
        graph = linter.build_graph(
            user_options, linter.cache_setting(options.cache_dir, options.no_cache)
        )
    except Exception as error:
        raise errors.graph_error(error, root_packages, config_file) from error
    graph_ms = int((time.perf_counter() - started) * 1000)

    # Import kinds are remembered beside grimp's cache, and only when grimp's is used.
    kind_cache = KindCache(
        None if options.no_cache else options.cache_dir or linter.default_cache_dir()
    )
    links = LinkFactory(graph, ModuleLocator(), kind_cache)
    results: list[ContractResult] = []
    for index, (item, contract) in enumerate(zip(selected, contracts, strict=True)):
        progress(f"Checking {contract.name}", index, len(contracts))
        started = time.perf_counter()
        try:
            contract_check = linter.check(contract, graph)
        except CouldNotRun:
            raise
        except Exception as error:
            raise errors.contract_check_error(
                error, contract.name, item.options.get("id"), config_file
            ) from error
        duration = int((time.perf_counter() - started) * 1000)
        render = functools.partial(linter.render, contract, contract_check)
        key = item.options.get("id") or contract.name
        violations = [
            dataclasses.replace(violation, fingerprint=violation.fingerprint_for(key))
            for violation in violations_of(contract, contract_check, links, render)
        ]
        results.append(
            ContractResult(
                id=item.options.get("id"),
                name=contract.name,
                type=item.options["type"],
                kept=contract_check.kept,
                violations=tuple(violations),
                warnings=tuple(contract_check.warnings),
                details=details_of(contract_check),
                duration_ms=duration,
            )
        )
    kind_cache.save()
    progress("Done", len(contracts), len(contracts))
    result = CheckResult(
        contracts=tuple(results),
        root_packages=tuple(root_packages),
        config_file=config_file,
        module_count=len(graph.modules),
        import_count=graph.count_imports(),
        graph_duration_ms=graph_ms,
    )
    return CheckedGraph(result, graph, tuple(contracts))
