"""Build entities from rows, loading tags, aliases and latest versions for many rows at once.

Every function here takes a batch of ids and runs a fixed number of queries, whatever the
batch size, so listing a page of models never costs a query per model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from modelreg.entities import ModelVersion, ModelVersionStatus, RegisteredModel, Stage
from modelreg.store.sql.tables import (
    model_version_tags,
    model_versions,
    registered_model_aliases,
    registered_model_tags,
    registered_models,
)

_rm = registered_models
_mv = model_versions

#: The columns a model-version query selects: every version column and the model's name.
VERSION_COLUMNS = (*_mv.c, _rm.c.name)


def _tags_by_owner(
    connection: sa.Connection, table: sa.Table, owner: sa.Column[Any], ids: Collection[int]
) -> dict[int, dict[str, str]]:
    tags: dict[int, dict[str, str]] = defaultdict(dict)
    if ids:
        query = sa.select(owner, table.c.key, table.c.value).where(owner.in_(ids))
        for owner_id, key, value in connection.execute(query.order_by(owner, table.c.key)):
            tags[owner_id][key] = value
    return tags


def _aliases_by_model(
    connection: sa.Connection, model_ids: Collection[int]
) -> dict[int, dict[str, int]]:
    aliases: dict[int, dict[str, int]] = defaultdict(dict)
    if model_ids:
        table = registered_model_aliases
        query = (
            sa.select(table.c.model_id, table.c.alias, table.c.version)
            .where(table.c.model_id.in_(model_ids))
            .order_by(table.c.model_id, table.c.alias)
        )
        for model_id, alias, version in connection.execute(query):
            aliases[model_id][alias] = version
    return aliases


def versions(connection: sa.Connection, rows: Sequence[sa.Row[Any]]) -> list[ModelVersion]:
    """ModelVersion entities for rows selected with VERSION_COLUMNS, with tags and aliases."""
    tags = _tags_by_owner(
        connection, model_version_tags, model_version_tags.c.version_id, [r.id for r in rows]
    )
    aliases = _aliases_by_model(connection, {r.model_id for r in rows})
    return [_version(row, tags[row.id], aliases[row.model_id]) for row in rows]


def _version(row: sa.Row[Any], tags: dict[str, str], aliases: dict[str, int]) -> ModelVersion:
    return ModelVersion(
        name=row.name,
        version=row.version,
        creation_timestamp=row.creation_time,
        last_updated_timestamp=row.last_updated_time,
        current_stage=Stage(row.current_stage),
        description=row.description or "",
        source=row.source,
        run_id=row.run_id,
        run_link=row.run_link,
        user_id=row.user_id,
        status=ModelVersionStatus(row.status),
        status_message=row.status_message,
        storage_location=row.storage_location,
        tags=tags,
        aliases=sorted(alias for alias, version in aliases.items() if version == row.version),
    )


def latest_versions(
    connection: sa.Connection, model_ids: Collection[int], stages: Iterable[Stage] | None = None
) -> dict[int, list[ModelVersion]]:
    """The highest version in each stage, per model, ordered by version number."""
    if not model_ids:
        return {}
    latest = sa.select(
        _mv.c.model_id, _mv.c.current_stage, sa.func.max(_mv.c.version).label("version")
    ).where(_mv.c.model_id.in_(model_ids))
    if stages is not None:
        latest = latest.where(_mv.c.current_stage.in_([stage.value for stage in stages]))
    latest_sq = latest.group_by(_mv.c.model_id, _mv.c.current_stage).subquery()
    query = (
        sa.select(*VERSION_COLUMNS)
        .join_from(_mv, _rm, _rm.c.id == _mv.c.model_id)
        .join(
            latest_sq,
            sa.and_(latest_sq.c.model_id == _mv.c.model_id, latest_sq.c.version == _mv.c.version),
        )
        .order_by(_mv.c.model_id, _mv.c.version)
    )
    result: dict[int, list[ModelVersion]] = defaultdict(list)
    rows = connection.execute(query).all()
    for version_row, version in zip(rows, versions(connection, rows), strict=True):
        result[version_row.model_id].append(version)
    return result


def registered_models_for(
    connection: sa.Connection, rows: Sequence[sa.Row[Any]]
) -> list[RegisteredModel]:
    """RegisteredModel entities for rows of ``registered_models``, fully loaded."""
    ids = [row.id for row in rows]
    tags = _tags_by_owner(connection, registered_model_tags, registered_model_tags.c.model_id, ids)
    aliases = _aliases_by_model(connection, ids)
    latest = latest_versions(connection, ids)
    return [
        RegisteredModel(
            name=row.name,
            creation_timestamp=row.creation_time,
            last_updated_timestamp=row.last_updated_time,
            description=row.description,
            latest_versions=latest.get(row.id, []),
            tags=tags[row.id],
            aliases=aliases[row.id],
        )
        for row in rows
    ]
