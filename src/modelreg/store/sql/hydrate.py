"""Build entities from rows, loading tags, aliases and latest versions for many rows at once.

Every function here takes a batch of ids and runs a fixed number of queries, whatever the
batch size, so listing a page of models never costs a query per model. The statements are
built once, at import, with bound parameters: building SQLAlchemy expressions per call cost
more than running them on these hot read paths.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
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
_aliases = registered_model_aliases

#: The columns a model-version query selects: every version column and the model's name.
VERSION_COLUMNS = (*_mv.c, _rm.c.name)

_ids: sa.BindParameter[Any] = sa.bindparam("ids", expanding=True)


def _tag_query(table: sa.Table, owner: sa.Column[Any]) -> sa.Select[Any]:
    return (
        sa.select(owner, table.c.key, table.c.value)
        .where(owner.in_(_ids))
        .order_by(owner, table.c.key)
    )


_MODEL_TAGS = _tag_query(registered_model_tags, registered_model_tags.c.model_id)
_VERSION_TAGS = _tag_query(model_version_tags, model_version_tags.c.version_id)
_ALIASES = (
    sa.select(_aliases.c.model_id, _aliases.c.alias, _aliases.c.version)
    .where(_aliases.c.model_id.in_(_ids))
    .order_by(_aliases.c.model_id, _aliases.c.alias)
)


def _latest_query(with_stages: bool) -> sa.Select[Any]:
    """The highest version per (model, stage), for the models ``ids`` (and ``stages``)."""
    latest = sa.select(
        _mv.c.model_id, _mv.c.current_stage, sa.func.max(_mv.c.version).label("version")
    ).where(_mv.c.model_id.in_(_ids))
    if with_stages:
        latest = latest.where(_mv.c.current_stage.in_(sa.bindparam("stages", expanding=True)))
    latest_sq = latest.group_by(_mv.c.model_id, _mv.c.current_stage).subquery()
    return (
        sa.select(*VERSION_COLUMNS)
        .join_from(_mv, _rm, _rm.c.id == _mv.c.model_id)
        .join(
            latest_sq,
            sa.and_(latest_sq.c.model_id == _mv.c.model_id, latest_sq.c.version == _mv.c.version),
        )
        .order_by(_mv.c.model_id, _mv.c.version)
    )


_LATEST = _latest_query(with_stages=False)
_LATEST_IN_STAGES = _latest_query(with_stages=True)

Aliases = Mapping[int, Mapping[str, int]]


def _tags(
    connection: sa.Connection, query: sa.Select[Any], ids: Collection[int]
) -> dict[int, dict[str, str]]:
    tags: dict[int, dict[str, str]] = defaultdict(dict)
    if ids:
        for owner_id, key, value in connection.execute(query, {"ids": list(ids)}):
            tags[owner_id][key] = value
    return tags


def aliases_by_model(connection: sa.Connection, model_ids: Collection[int]) -> Aliases:
    """Each model's aliases, ``{model_id: {alias: version}}``."""
    aliases: dict[int, dict[str, int]] = defaultdict(dict)
    if model_ids:
        for model_id, alias, version in connection.execute(_ALIASES, {"ids": list(model_ids)}):
            aliases[model_id][alias] = version
    return aliases


def versions(
    connection: sa.Connection, rows: Sequence[sa.Row[Any]], aliases: Aliases | None = None
) -> list[ModelVersion]:
    """ModelVersion entities for rows selected with VERSION_COLUMNS, with tags and aliases
    (pass ``aliases`` when the caller has loaded them already)."""
    tags = _tags(connection, _VERSION_TAGS, [row.id for row in rows])
    if aliases is None:
        aliases = aliases_by_model(connection, {row.model_id for row in rows})
    return [_version(row, tags[row.id], aliases.get(row.model_id, {})) for row in rows]


def _version(row: sa.Row[Any], tags: dict[str, str], aliases: Mapping[str, int]) -> ModelVersion:
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
    connection: sa.Connection,
    model_ids: Collection[int],
    stages: Iterable[Stage] | None = None,
    aliases: Aliases | None = None,
) -> dict[int, list[ModelVersion]]:
    """The highest version in each stage, per model, ordered by version number."""
    if not model_ids:
        return {}
    if stages is None:
        rows = connection.execute(_LATEST, {"ids": list(model_ids)}).all()
    else:
        parameters = {"ids": list(model_ids), "stages": [stage.value for stage in stages]}
        rows = connection.execute(_LATEST_IN_STAGES, parameters).all()
    result: dict[int, list[ModelVersion]] = defaultdict(list)
    for version_row, version in zip(rows, versions(connection, rows, aliases), strict=True):
        result[version_row.model_id].append(version)
    return result


def registered_models_for(
    connection: sa.Connection, rows: Sequence[sa.Row[Any]]
) -> list[RegisteredModel]:
    """RegisteredModel entities for rows of ``registered_models``, fully loaded."""
    ids = [row.id for row in rows]
    tags = _tags(connection, _MODEL_TAGS, ids)
    aliases = aliases_by_model(connection, ids)
    latest = latest_versions(connection, ids, aliases=aliases)
    return [
        RegisteredModel(
            name=row.name,
            creation_timestamp=row.creation_time,
            last_updated_timestamp=row.last_updated_time,
            description=row.description,
            latest_versions=latest.get(row.id, []),
            tags=tags[row.id],
            aliases=dict(aliases.get(row.id, {})),
        )
        for row in rows
    ]
