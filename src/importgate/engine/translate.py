"""Translate an import-linter ``ContractCheck`` into importgate's :class:`Violation` list.

Each standard contract type keeps its findings in its own metadata shape; this module
knows those shapes. A contract type importgate does not know still gets a faithful
report: its own rendering (what ``lint-imports`` would print) is kept as the message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.private_modules import PrivateModulesContract
from importlinter.contracts.protected import ProtectedContract
from importlinter.domain.contract import Contract, ContractCheck

from importgate.graph import LinkFactory
from importgate.model import DETAILS_KEY, VIOLATIONS_KEY, Link, Violation


def violations_of(
    contract: Contract, check: ContractCheck, links: LinkFactory, render: Callable[[], str]
) -> list[Violation]:
    """Every violation of a broken contract, in import-linter's order.

    ``render`` produces what ``lint-imports`` would print for the contract; it is only
    called for contract types whose metadata importgate does not know.
    """
    metadata = check.metadata
    if check.kept:
        return []
    if VIOLATIONS_KEY in metadata:
        return list(metadata[VIOLATIONS_KEY])
    if isinstance(contract, LayersContract):
        return _layers(metadata, links)
    if isinstance(contract, (ForbiddenContract, IndependenceContract)):
        return _chains(metadata["invalid_chains"], links)
    if isinstance(contract, ProtectedContract):
        return [
            _single(link, links, f"{link['imported']} is protected")
            for entry in metadata["illegal_imports"]
            for link in entry.illegal_links
        ]
    if isinstance(contract, PrivateModulesContract):
        return [
            _single(link, links, f"{link['imported']} is private")
            for link in metadata["illegal_imports"]
        ]
    if isinstance(contract, AcyclicSiblingsContract):
        return [
            _single(
                {"importer": a, "imported": b, "line_numbers": ()},
                links,
                f"Cycle among the children of {package}; removing this import would help break it",
            )
            for package, breakers in sorted(metadata["cycle_breakers_by_package"].items())
            for a, b in sorted(breakers)
        ]
    return [Violation(importer=None, imported=None, message=render().strip())]


def _link(raw: Mapping[str, Any], links: LinkFactory) -> Link:
    return links.link(raw["importer"], raw["imported"], raw.get("line_numbers") or ())


def _single(raw: Mapping[str, Any], links: LinkFactory, message: str) -> Violation:
    return Violation(
        importer=raw["importer"],
        imported=raw["imported"],
        chain=(_link(raw, links),),
        message=message,
    )


def _expand(detailed: Mapping[str, Any]) -> Iterator[list[Mapping[str, Any]]]:
    """A DetailedChain stands for several chains: the main one, then one per extra end."""
    main = list(detailed["chain"])
    yield main
    for first in detailed.get("extra_firsts", ()):
        if len(main) == 1:
            yield [first]
        else:
            yield [first, *main[1:]]
    for last in detailed.get("extra_lasts", ()):
        yield [*main[:-1], last]


def _chain_violations(
    importer: str, imported: str, routes: Iterable[Any], links: LinkFactory
) -> Iterator[Violation]:
    message = f"{importer} is not allowed to import {imported}"
    for route in routes:
        chains = _expand(route) if isinstance(route, Mapping) else [list(route)]
        for chain in chains:
            yield Violation(
                importer=importer,
                imported=imported,
                chain=tuple(_link(raw, links) for raw in chain),
                message=message,
            )


def _layers(metadata: Mapping[str, Any], links: LinkFactory) -> list[Violation]:
    violations: list[Violation] = []
    for dependency in metadata["invalid_dependencies"]:
        violations.extend(
            _chain_violations(
                dependency["importer"], dependency["imported"], dependency["routes"], links
            )
        )
    for module in sorted(metadata.get("undeclared_modules") or ()):
        violations.append(
            Violation(
                importer=module,
                imported=None,
                message=f"{module} is not listed as a layer (the contract is exhaustive)",
            )
        )
    return violations


def _chains(invalid_chains: Iterable[Mapping[str, Any]], links: LinkFactory) -> list[Violation]:
    violations: list[Violation] = []
    for entry in invalid_chains:
        violations.extend(
            _chain_violations(
                entry["downstream_module"], entry["upstream_module"], entry["chains"], links
            )
        )
    return violations


def details_of(check: ContractCheck) -> dict[str, Any]:
    """Extra findings worth reporting beside the violations (e.g. cycle breakers)."""
    details: dict[str, Any] = {}
    breakers = check.metadata.get("cycle_breakers")
    if isinstance(breakers, list) and all(isinstance(b, Link) for b in breakers):
        details["cycle_breakers"] = [b.to_dict() for b in breakers]
    ignored_kinds = check.metadata.get("ignored_kind_import_count")
    if isinstance(ignored_kinds, int):
        details["ignored_kind_import_count"] = ignored_kinds
    if check.ignored_import_count:
        details["ignored_import_count"] = check.ignored_import_count
    extra = check.metadata.get(DETAILS_KEY)
    if isinstance(extra, Mapping):
        details.update(extra)
    return details
