"""Listing many models costs a fixed number of queries, not one per model (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from modelreg.service import RegistryService


@contextmanager
def count_queries(engine: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def _seed(registry: RegistryService, models: int) -> None:
    for i in range(models):
        name = f"m{i:03d}"
        registry.create_registered_model(name, tags={"team": "a", "i": str(i)})
        for _ in range(3):
            registry.create_model_version(name, "runs:/r/model", tags={"k": "v"})
        registry.transition_model_version_stage(name, 1, "Production")
        registry.set_registered_model_alias(name, "champion", 2)


def test_search_page_query_count_does_not_grow_with_page_size(
    local_registry: RegistryService,
) -> None:
    registry = local_registry
    _seed(registry, 100)
    engine = registry.store.engine
    with count_queries(engine) as small:
        page = registry.search_registered_models(max_results=5)
    with count_queries(engine) as large:
        page = registry.search_registered_models(max_results=100)
    assert len(page) == 100
    assert all(len(m.latest_versions) == 2 and m.aliases == {"champion": 2} for m in page)
    assert all(m.latest_versions[1].tags == {"k": "v"} for m in page)
    assert len(large) == len(small) <= 10


def test_version_search_query_count_is_bounded(local_registry: RegistryService) -> None:
    registry = local_registry
    _seed(registry, 30)
    with count_queries(registry.store.engine) as statements:
        found = registry.search_model_versions(max_results=90)
    assert len(found) == 90
    assert all(v.tags == {"k": "v"} for v in found)
    assert len(statements) <= 6
