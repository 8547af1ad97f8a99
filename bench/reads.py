"""The timed registry reads, one set of calls for modelreg and MLflow.

modelreg's ``RegistryService`` and MLflow's ``SqlAlchemyStore`` share MlflowClient's method
names, so the same calls (and the same checks on their answers) time either. Standard library
only, like ``workload``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import report
import workload

#: Every read the store benchmarks can time, in table order.
OPERATIONS = (
    "get_latest_versions",
    "get_model_version_by_alias",
    "get_model_version",
    "search_like_prefix",
    "search_model_versions_by_name",
)


def calls(registry: Any, models: int) -> dict[str, Callable[[Any], None]]:
    """Each operation as a one-argument call that raises if the answer is wrong.

    The argument is a model name, except for the prefix search (a ``model-NNN`` prefix) and
    get_model_version (a ``(name, version)`` pair).
    """

    def latest(name: str) -> None:
        if not registry.get_latest_versions(name):
            raise RuntimeError(f"{name} has no latest versions")

    def by_alias(name: str) -> None:
        if registry.get_model_version_by_alias(name, workload.CHAMPION).name != name:
            raise RuntimeError(f"{name}@champion is another model's version")

    def version(pick: tuple[str, int]) -> None:
        if int(registry.get_model_version(*pick).version) != pick[1]:
            raise RuntimeError(f"{pick} answered another version")

    def search(prefix: str) -> None:
        page = registry.search_registered_models(workload.like_filter(prefix), max_results=100)
        matches = workload.prefix_matches(prefix, models)
        if len(page) != min(100, matches) or (page.token is None) != (matches <= 100):
            raise RuntimeError(f"LIKE '{prefix}%' found {len(page)} of {matches} models")

    def versions_of(name: str) -> None:
        found = registry.search_model_versions(f"name = '{name}'")
        if len(found) != workload.VERSIONS_PER_MODEL or {v.name for v in found} != {name}:
            raise RuntimeError(f"name = '{name}' found {len(found)} versions")

    return {
        "get_latest_versions": latest,
        "get_model_version_by_alias": by_alias,
        "get_model_version": version,
        "search_like_prefix": search,
        "search_model_versions_by_name": versions_of,
    }


def measure(
    registry: Any, models: int, count: int, operations: Sequence[str] = OPERATIONS
) -> dict[str, Any]:
    """Time ``count`` calls of each operation over random models (the same for every tool)."""
    picks = workload.read_picks(models, count)
    arguments: dict[str, list[Any]] = {
        "search_like_prefix": picks.like_prefixes,
        "get_model_version": [
            (name, 1 + i % workload.VERSIONS_PER_MODEL) for i, name in enumerate(picks.names)
        ],
    }
    timed = calls(registry, models)
    return {
        operation: report.summarize(
            report.time_calls(timed[operation], arguments.get(operation, picks.names))
        )
        for operation in operations
    }
