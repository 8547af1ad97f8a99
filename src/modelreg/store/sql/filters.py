"""Translate the search AST into SQLAlchemy expressions, and build keyset-pagination conditions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from modelreg.search import Comparison, Filter, OrderKey
from modelreg.store.sql.tables import (
    model_version_tags,
    model_versions,
    registered_model_tags,
    registered_models,
)

_rm = registered_models
_mv = model_versions

REGISTERED_MODEL_COLUMNS: dict[str, sa.ColumnElement[Any]] = {
    "name": _rm.c.name,
    "creation_timestamp": _rm.c.creation_time,
    "last_updated_timestamp": _rm.c.last_updated_time,
}

# Model-version searches join registered_models for the name.
MODEL_VERSION_COLUMNS: dict[str, sa.ColumnElement[Any]] = {
    "name": _rm.c.name,
    "run_id": _mv.c.run_id,
    "source_path": _mv.c.source,
    "version_number": _mv.c.version,
    "creation_timestamp": _mv.c.creation_time,
    "last_updated_timestamp": _mv.c.last_updated_time,
}


def _compare(column: sa.ColumnElement[Any], op: str, value: Any) -> sa.ColumnElement[bool]:
    if op == "LIKE":
        return column.like(value)
    if op == "ILIKE":
        # lower() on both sides behaves the same on SQLite and PostgreSQL and can use the
        # lower(name) index, which PostgreSQL's ILIKE operator cannot.
        return sa.func.lower(column).like(sa.func.lower(value))
    if op == "IN":
        return column.in_(value)
    if op == "NOT IN":
        return column.not_in(value)
    return {
        "=": column.__eq__,
        "!=": column.__ne__,
        "<": column.__lt__,
        "<=": column.__le__,
        ">": column.__gt__,
        ">=": column.__ge__,
    }[op](value)


def _tag_condition(
    tags: sa.Table,
    owner_column: sa.ColumnElement[Any],
    owner_id: sa.ColumnElement[Any],
    comparison: Comparison,
) -> sa.ColumnElement[bool]:
    # `!=` also matches owners without the tag: "no tag with this key equals the value".
    op = "=" if comparison.op == "!=" else comparison.op
    exists = (
        sa.select(sa.literal(1))
        .where(owner_column == owner_id)
        .where(tags.c.key == comparison.key)
        .where(_compare(tags.c.value, op, comparison.value))
        .exists()
    )
    return ~exists if comparison.op == "!=" else exists


def registered_model_conditions(search: Filter) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions over ``registered_models`` for a registered-model filter."""
    conditions = []
    for comparison in search.comparisons:
        if comparison.kind == "tag":
            tags = registered_model_tags
            conditions.append(_tag_condition(tags, tags.c.model_id, _rm.c.id, comparison))
        else:
            column = REGISTERED_MODEL_COLUMNS[comparison.key]
            conditions.append(_compare(column, comparison.op, comparison.value))
    return conditions


def model_version_conditions(search: Filter) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions over ``model_versions`` joined to ``registered_models``."""
    conditions = []
    for comparison in search.comparisons:
        if comparison.kind == "tag":
            tags = model_version_tags
            conditions.append(_tag_condition(tags, tags.c.version_id, _mv.c.id, comparison))
        else:
            column = MODEL_VERSION_COLUMNS[comparison.key]
            conditions.append(_compare(column, comparison.op, comparison.value))
    return conditions


def order_columns(
    order: Sequence[OrderKey],
    columns: dict[str, sa.ColumnElement[Any]],
    tie_breaker: sa.ColumnElement[Any],
) -> list[tuple[sa.ColumnElement[Any], bool]]:
    """The sort columns with their directions, ending with a unique ascending tie-breaker."""
    return [(columns[key.key], key.ascending) for key in order] + [(tie_breaker, True)]


def order_clauses(sort: list[tuple[sa.ColumnElement[Any], bool]]) -> list[sa.ColumnElement[Any]]:
    """ORDER BY clauses for the sort columns."""
    return [column.asc() if ascending else column.desc() for column, ascending in sort]


def after_condition(
    sort: list[tuple[sa.ColumnElement[Any], bool]], values: Sequence[Any]
) -> sa.ColumnElement[bool]:
    """Rows strictly after the row whose sort values are ``values``, in the sort's order."""
    alternatives = []
    for i, (column, ascending) in enumerate(sort):
        equal_prefix = [c == v for (c, _), v in zip(sort[:i], values[:i], strict=True)]
        beyond = column > values[i] if ascending else column < values[i]
        alternatives.append(sa.and_(*equal_prefix, beyond))
    return sa.or_(*alternatives)
