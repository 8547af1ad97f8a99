"""Translate the search AST into SQLAlchemy expressions, build keyset-pagination conditions, and
the visibility conditions that keep a search to what its reader may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from modelreg.entities.permissions import Permission, Reader
from modelreg.search import Comparison, Filter, OrderKey
from modelreg.store.sql.auth_tables import (
    experiment_permissions,
    registered_model_permissions,
    users,
)
from modelreg.store.sql.tables import (
    experiment_tags,
    experiments,
    latest_metrics,
    model_version_tags,
    model_versions,
    params,
    registered_model_tags,
    registered_models,
    run_tags,
    runs,
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


RUN_COLUMNS: dict[str, sa.ColumnElement[Any]] = {
    "run_id": runs.c.run_id,
    "run_name": runs.c.name,
    "status": runs.c.status,
    "user_id": runs.c.user_id,
    "artifact_uri": runs.c.artifact_uri,
    "start_time": runs.c.start_time,
    "end_time": runs.c.end_time,
}

EXPERIMENT_COLUMNS: dict[str, sa.ColumnElement[Any]] = {
    "name": experiments.c.name,
    "experiment_id": experiments.c.experiment_id,
    "creation_time": experiments.c.creation_time,
    "last_update_time": experiments.c.last_update_time,
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


def _record_condition(
    table: sa.Table,
    owner_column: sa.ColumnElement[Any],
    owner_id: sa.ColumnElement[Any],
    comparison: Comparison,
) -> sa.ColumnElement[bool]:
    # `!=` also matches owners without the record: "none with this key equals the value".
    op = "=" if comparison.op == "!=" else comparison.op
    exists = (
        sa.select(sa.literal(1))
        .where(owner_column == owner_id)
        .where(table.c.key == comparison.key)
        .where(_compare(table.c.value, op, comparison.value))
        .exists()
    )
    return ~exists if comparison.op == "!=" else exists


@dataclass(frozen=True)
class Searchable:
    """How a search's identifiers map to SQL for one entity.

    ``columns`` maps attribute names to columns; ``records`` maps a prefixed kind (``tag``,
    ``param``, ``metric``) to its table and the column there that refers to the entity's key.
    """

    key: sa.ColumnElement[Any]
    columns: dict[str, sa.ColumnElement[Any]]
    records: dict[str, tuple[sa.Table, sa.ColumnElement[Any]]]

    def conditions(self, search: Filter) -> list[sa.ColumnElement[bool]]:
        """WHERE conditions for ``search``."""
        conditions = []
        for comparison in search.comparisons:
            if comparison.kind == "attribute":
                column = self.columns[comparison.key]
                conditions.append(_compare(column, comparison.op, comparison.value))
            else:
                table, owner = self.records[comparison.kind]
                conditions.append(_record_condition(table, owner, self.key, comparison))
        return conditions


REGISTERED_MODELS = Searchable(
    key=_rm.c.id,
    columns=REGISTERED_MODEL_COLUMNS,
    records={"tag": (registered_model_tags, registered_model_tags.c.model_id)},
)
MODEL_VERSIONS = Searchable(
    key=_mv.c.id,
    columns=MODEL_VERSION_COLUMNS,
    records={"tag": (model_version_tags, model_version_tags.c.version_id)},
)
RUNS = Searchable(
    key=runs.c.run_id,
    columns=RUN_COLUMNS,
    records={
        "tag": (run_tags, run_tags.c.run_id),
        "param": (params, params.c.run_id),
        "metric": (latest_metrics, latest_metrics.c.run_id),
    },
)
EXPERIMENTS = Searchable(
    key=experiments.c.experiment_id,
    columns=EXPERIMENT_COLUMNS,
    records={"tag": (experiment_tags, experiment_tags.c.experiment_id)},
)


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


def _readable(
    grants: sa.Table, owner: sa.ColumnElement[Any], key: sa.ColumnElement[Any], reader: Reader
) -> sa.ColumnElement[bool]:
    """The rows whose ``key`` the reader may read: by their grant, else by the default."""
    grant = (
        sa.select(sa.literal(1))
        .select_from(grants.join(users, users.c.id == grants.c.user_id))
        .where(owner == key, users.c.username == reader.username)
    )
    denied = grants.c.permission == Permission.NO_PERMISSIONS.value
    if reader.default.allows(Permission.READ):
        return ~grant.where(denied).exists()
    return grant.where(~denied).exists()


def visible_models(reader: Reader | None) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions keeping the registered models ``reader`` may read (none: all)."""
    if reader is None:
        return []
    table = registered_model_permissions
    return [_readable(table, table.c.model_id, _rm.c.id, reader)]


def visible_experiments(reader: Reader | None) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions keeping the experiments ``reader`` may read (none: all)."""
    if reader is None:
        return []
    table = experiment_permissions
    return [_readable(table, table.c.experiment_id, experiments.c.experiment_id, reader)]
