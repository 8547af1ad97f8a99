"""The SQL registry store: transactions and the queries the registry service composes.

The service opens a transaction with :meth:`SqlRegistryStore.write` or
:meth:`SqlRegistryStore.read` and calls the methods of :class:`SqlRegistryTransaction`;
everything done inside one ``with`` block commits or rolls back together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from modelreg.entities import ModelVersion, ModelVersionStatus, RegisteredModel, Stage
from modelreg.entities.permissions import Reader
from modelreg.errors import (
    AliasNotFound,
    ModelVersionNotFound,
    RegisteredModelAlreadyExists,
    RegisteredModelNotFound,
)
from modelreg.search import Filter, OrderKey
from modelreg.store.sql import events_store, filters, generation, hydrate
from modelreg.store.sql.audit_tables import deleted_model_versions
from modelreg.store.sql.engine import create_store_engine
from modelreg.store.sql.tables import (
    model_version_tags,
    model_versions,
    registered_model_aliases,
    registered_model_tags,
    registered_models,
)
from modelreg.store.sql.transactions import TransactionalStore
from modelreg.store.sql.upsert import upsert

_rm = registered_models
_mv = model_versions
_aliases = registered_model_aliases
_PENDING = ModelVersionStatus.PENDING_REGISTRATION.value

#: A page of results and the sort values of its last row (None when nothing follows).
Page = tuple[list[Any], list[Any] | None]

# Hot lookups, built once (see hydrate's docstring).
_MODEL_BY_NAME = sa.select(_rm).where(_rm.c.name == sa.bindparam("name"))
_MODEL_ID_BY_NAME = sa.select(_rm.c.id).where(_rm.c.name == sa.bindparam("name"))
#: A version's row with its model's name; the lookups below add their conditions.
_VERSIONS = sa.select(*hydrate.VERSION_COLUMNS).join_from(_mv, _rm, _rm.c.id == _mv.c.model_id)
_VERSION_ROW = _VERSIONS.where(
    _mv.c.model_id == sa.bindparam("model_id"), _mv.c.version == sa.bindparam("version")
)
_VERSION_BY_NAME = _VERSIONS.where(
    _rm.c.name == sa.bindparam("name"), _mv.c.version == sa.bindparam("version")
)
_VERSION_BY_ALIAS = _VERSIONS.join(
    _aliases,
    sa.and_(_aliases.c.model_id == _mv.c.model_id, _aliases.c.version == _mv.c.version),
).where(_rm.c.name == sa.bindparam("name"), _aliases.c.alias == sa.bindparam("alias"))
_ALIAS_VERSION = sa.select(_aliases.c.version).where(
    _aliases.c.model_id == sa.bindparam("model_id"), _aliases.c.alias == sa.bindparam("alias")
)


class SqlRegistryStore(TransactionalStore["SqlRegistryTransaction"]):
    """Registry persistence over one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: sa.Engine) -> None:
        super().__init__(engine, SqlRegistryTransaction, counted=True)

    @classmethod
    def from_uri(cls, uri: str) -> SqlRegistryStore:
        """Open the store at ``uri``, creating or migrating its schema as needed."""
        return cls(create_store_engine(uri))

    def generation(self) -> int:
        """The count of committed changes to the registry and its permissions."""
        return generation.current(self.engine)


class SqlRegistryTransaction:
    """The registry's queries, all run on one connection inside one transaction."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection

    # -- helpers -------------------------------------------------------------------------

    def _execute(self, statement: sa.Executable) -> sa.CursorResult[Any]:
        return self.connection.execute(statement)

    # -- audit events --------------------------------------------------------------------

    def record_event(self, **values: Any) -> int:
        """Append an event to the audit log (see ``events_store.record_event``)."""
        return events_store.record_event(self.connection, **values)

    # -- registered models ---------------------------------------------------------------

    def model_id(self, name: str, *, lock: bool = False) -> int:
        """The id of the model named ``name``; ``lock`` holds its row until the transaction ends."""
        query = _MODEL_ID_BY_NAME
        if lock and self.connection.dialect.name == "postgresql":
            query = query.with_for_update()
        model_id = self.connection.execute(query, {"name": name}).scalar()
        if model_id is None:
            raise RegisteredModelNotFound(name)
        return int(model_id)

    def insert_model(
        self, name: str, description: str | None, tags: dict[str, str], now: int
    ) -> int:
        """Insert a registered model with its tags; raises if the name is taken."""
        query = (
            sa.insert(_rm)
            .values(name=name, description=description, creation_time=now, last_updated_time=now)
            .returning(_rm.c.id)
        )
        try:
            with self.connection.begin_nested():
                model_id = int(self._execute(query).scalar_one())
        except sa.exc.IntegrityError:
            raise RegisteredModelAlreadyExists(name) from None
        for key, value in tags.items():
            self.set_model_tag(model_id, key, value)
        return model_id

    def get_model_by_name(self, name: str) -> RegisteredModel:
        """The registered model called ``name``, fully loaded; raises if there is none."""
        rows = self.connection.execute(_MODEL_BY_NAME, {"name": name}).all()
        if not rows:
            raise RegisteredModelNotFound(name)
        return hydrate.registered_models_for(self.connection, rows)[0]

    def get_model(self, model_id: int) -> RegisteredModel:
        """The registered model with its tags, aliases and latest version per stage."""
        rows = self._execute(sa.select(_rm).where(_rm.c.id == model_id)).all()
        return hydrate.registered_models_for(self.connection, rows)[0]

    def rename_model(self, model_id: int, new_name: str, now: int) -> None:
        """Rename a model; its versions, tags and aliases follow it."""
        query = sa.update(_rm).where(_rm.c.id == model_id)
        try:
            with self.connection.begin_nested():
                self._execute(query.values(name=new_name, last_updated_time=now))
        except sa.exc.IntegrityError:
            raise RegisteredModelAlreadyExists(new_name) from None

    def update_model(self, model_id: int, now: int, **values: Any) -> None:
        """Set columns of a registered model and bump its last-updated time."""
        query = sa.update(_rm).where(_rm.c.id == model_id)
        self._execute(query.values(last_updated_time=now, **values))

    def delete_model(self, model_id: int) -> None:
        """Delete a model; its versions, tags and aliases go with it."""
        self._execute(sa.delete(_rm).where(_rm.c.id == model_id))

    def model_description(self, model_id: int) -> str | None:
        """A registered model's description."""
        query = sa.select(_rm.c.description).where(_rm.c.id == model_id)
        description: str | None = self._execute(query).scalar()
        return description

    def model_tag(self, model_id: int, key: str) -> str | None:
        """The value of one registered-model tag, or None."""
        table = registered_model_tags
        query = sa.select(table.c.value).where(table.c.model_id == model_id, table.c.key == key)
        value: str | None = self._execute(query).scalar()
        return value

    def set_model_tag(self, model_id: int, key: str, value: str) -> None:
        """Create or overwrite a registered-model tag."""
        values = {"model_id": model_id, "key": key, "value": value}
        upsert(self.connection, registered_model_tags, values, ("model_id", "key"))

    def delete_model_tag(self, model_id: int, key: str) -> None:
        """Remove a registered-model tag, if present."""
        table = registered_model_tags
        self._execute(sa.delete(table).where(table.c.model_id == model_id, table.c.key == key))

    def search_models(
        self,
        search: Filter,
        order: Sequence[OrderKey],
        after: list[Any] | None,
        limit: int,
        *,
        reader: Reader | None = None,
    ) -> Page:
        """One page of registered models matching ``search``, after the row ``after``, among
        those ``reader`` may read (all when None)."""
        sort = filters.order_columns(order, filters.REGISTERED_MODEL_COLUMNS, _rm.c.id)
        query = sa.select(_rm).where(
            *filters.REGISTERED_MODELS.conditions(search), *filters.visible_models(reader)
        )
        if after is not None:
            query = query.where(filters.after_condition(sort, after))
        query = query.order_by(*filters.order_clauses(sort)).limit(limit + 1)
        rows = self._execute(query).all()
        page = rows[:limit]
        models = hydrate.registered_models_for(self.connection, page)
        return models, _last_sort_values(rows, limit, sort)

    # -- model versions ------------------------------------------------------------------

    def allocate_version(self, model_id: int, now: int) -> int:
        """Take the model's next version number.

        The counter row is updated in the caller's transaction, so concurrent writers on one
        model queue on its row lock and get consecutive numbers; numbers are never reused.
        """
        query = (
            sa.update(_rm)
            .where(_rm.c.id == model_id)
            .values(last_version=_rm.c.last_version + 1, last_updated_time=now)
            .returning(_rm.c.last_version)
        )
        return int(self._execute(query).scalar_one())

    def insert_version(self, model_id: int, version: int, now: int, **values: Any) -> None:
        """Insert a model version row (tags are set separately)."""
        self._execute(
            sa.insert(_mv).values(
                model_id=model_id,
                version=version,
                creation_time=now,
                last_updated_time=now,
                **values,
            )
        )

    def _version_row(self, model_id: int, version: int) -> sa.Row[Any] | None:
        parameters = {"model_id": model_id, "version": version}
        return self.connection.execute(_VERSION_ROW, parameters).first()

    def _version_id(self, name: str, model_id: int, version: int) -> int:
        query = sa.select(_mv.c.id).where(_mv.c.model_id == model_id, _mv.c.version == version)
        version_id = self._execute(query).scalar()
        if version_id is None:
            raise ModelVersionNotFound(name, version)
        return int(version_id)

    def get_version(self, name: str, model_id: int, version: int) -> ModelVersion:
        """A model version with its tags and aliases; raises if there is no such version."""
        row = self._version_row(model_id, version)
        if row is None:
            raise ModelVersionNotFound(name, version)
        return hydrate.versions(self.connection, [row])[0]

    def get_version_by_name(self, name: str, version: int) -> ModelVersion:
        """Version ``version`` of the model called ``name`` (its row in one query, as reads
        by name are the hot path); raises if there is no such model or version."""
        parameters = {"name": name, "version": version}
        return self._named_version(
            _VERSION_BY_NAME, parameters, ModelVersionNotFound(name, version)
        )

    def get_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version ``alias`` of the model called ``name`` points at; raises if there is no
        such model or alias."""
        missing = AliasNotFound(name, alias)
        return self._named_version(_VERSION_BY_ALIAS, {"name": name, "alias": alias}, missing)

    def _named_version(
        self, query: sa.Select[Any], parameters: dict[str, Any], missing: Exception
    ) -> ModelVersion:
        row = self.connection.execute(query, parameters).first()
        if row is None:
            self.model_id(parameters["name"])  # raises if the model is what is missing
            raise missing
        return hydrate.versions(self.connection, [row])[0]

    def update_version(
        self, name: str, model_id: int, version: int, now: int, **values: Any
    ) -> None:
        """Set columns of a model version and bump its last-updated time."""
        query = sa.update(_mv).where(_mv.c.model_id == model_id, _mv.c.version == version)
        if self._execute(query.values(last_updated_time=now, **values)).rowcount == 0:
            raise ModelVersionNotFound(name, version)

    def update_pending_version(
        self,
        model_id: int,
        version: int,
        now: int,
        *,
        updated_before: int | None = None,
        **values: Any,
    ) -> bool:
        """Set columns of a version still PENDING_REGISTRATION, bumping its last-updated time.

        With ``updated_before``, only if it was last updated before then. The check and the
        change are one statement, so of two concurrent callers only one wins; False when the
        version is not (or no longer) in that state.
        """
        query = sa.update(_mv).where(
            _mv.c.model_id == model_id,
            _mv.c.version == version,
            _mv.c.status == _PENDING,
        )
        if updated_before is not None:
            query = query.where(_mv.c.last_updated_time < updated_before)
        return bool(self._execute(query.values(last_updated_time=now, **values)).rowcount)

    def stale_pending_versions(self, updated_before: int) -> list[ModelVersion]:
        """The versions (of every model) still PENDING_REGISTRATION, last updated before
        ``updated_before``."""
        query = (
            sa.select(*hydrate.VERSION_COLUMNS)
            .join_from(_mv, _rm, _rm.c.id == _mv.c.model_id)
            .where(_mv.c.status == _PENDING, _mv.c.last_updated_time < updated_before)
            .order_by(_mv.c.id)
        )
        return hydrate.versions(self.connection, list(self._execute(query)))

    def set_stage(self, model_id: int, versions: Iterable[int], stage: Stage, now: int) -> None:
        """Move the given versions of a model to ``stage``."""
        query = sa.update(_mv).where(_mv.c.model_id == model_id, _mv.c.version.in_(list(versions)))
        self._execute(query.values(current_stage=stage.value, last_updated_time=now))

    def versions_in_stage(self, model_id: int, stage: Stage) -> list[int]:
        """Numbers of the model's versions currently in ``stage``."""
        query = sa.select(_mv.c.version).where(
            _mv.c.model_id == model_id, _mv.c.current_stage == stage.value
        )
        return [int(v) for v in self._execute(query.order_by(_mv.c.version)).scalars()]

    def delete_version(self, name: str, model_id: int, version: int) -> None:
        """Delete a model version with its tags and the aliases that point at it."""
        query = sa.delete(_mv).where(_mv.c.model_id == model_id, _mv.c.version == version)
        if self._execute(query).rowcount == 0:
            raise ModelVersionNotFound(name, version)

    def version_by_idempotency_key(self, model_id: int, key: str) -> int | None:
        """The version registered with this idempotency key, or None."""
        query = sa.select(_mv.c.version).where(
            _mv.c.model_id == model_id, _mv.c.idempotency_key == key
        )
        version = self._execute(query).scalar()
        return None if version is None else int(version)

    def trash_version(self, name: str, model_id: int, version: int, now: int, actor: str) -> None:
        """Move a version (with its tags) to the trash; its aliases are dropped."""
        row = self._version_row(model_id, version)
        if row is None:
            raise ModelVersionNotFound(name, version)
        kept = {key: value for key, value in row._mapping.items() if key not in ("id", "name")}
        tags = model_version_tags
        tag_rows = self._execute(
            sa.select(tags.c.key, tags.c.value).where(tags.c.version_id == row.id)
        )
        kept["tags"] = {tag.key: tag.value for tag in tag_rows}
        self._execute(
            sa.insert(deleted_model_versions).values(
                model_id=model_id, version=version, deleted_time=now, deleted_by=actor, row=kept
            )
        )
        self.delete_version(name, model_id, version)

    def trashed_version(self, model_id: int, version: int) -> sa.Row[Any] | None:
        """A soft-deleted version's trash row, or None."""
        trash = deleted_model_versions
        query = sa.select(trash).where(trash.c.model_id == model_id, trash.c.version == version)
        return self._execute(query).first()

    def untrash_version(self, model_id: int, version: int, now: int) -> None:
        """Put a soft-deleted version back, with its tags, and empty its trash row."""
        trashed = self.trashed_version(model_id, version)
        assert trashed is not None
        values = dict(trashed.row)
        tags = values.pop("tags", {})
        values.update(model_id=model_id, version=version, last_updated_time=now)
        version_id = self._execute(sa.insert(_mv).values(**values).returning(_mv.c.id)).scalar()
        for key, value in tags.items():
            self._execute(
                sa.insert(model_version_tags).values(version_id=version_id, key=key, value=value)
            )
        trash = deleted_model_versions
        self._execute(
            sa.delete(trash).where(trash.c.model_id == model_id, trash.c.version == version)
        )

    def purge_trash(self, deleted_before: int) -> list[str]:
        """Empty the trash of versions deleted before a time; their storage locations."""
        trash = deleted_model_versions
        old = trash.c.deleted_time < deleted_before
        rows = self._execute(sa.select(trash.c.row).where(old)).scalars().all()
        self._execute(sa.delete(trash).where(old))
        return [row["storage_location"] for row in rows if row.get("storage_location")]

    def version_aliases(self, model_id: int, version: int) -> list[str]:
        """The aliases that point at a version."""
        table = registered_model_aliases
        query = (
            sa.select(table.c.alias)
            .where(table.c.model_id == model_id, table.c.version == version)
            .order_by(table.c.alias)
        )
        return list(self._execute(query).scalars())

    def version_tag(self, name: str, model_id: int, version: int, key: str) -> str | None:
        """The value of one model-version tag, or None."""
        table = model_version_tags
        version_id = self._version_id(name, model_id, version)
        query = sa.select(table.c.value).where(table.c.version_id == version_id, table.c.key == key)
        value: str | None = self._execute(query).scalar()
        return value

    def set_version_tag(self, name: str, model_id: int, version: int, key: str, value: str) -> None:
        """Create or overwrite a model-version tag."""
        version_id = self._version_id(name, model_id, version)
        values = {"version_id": version_id, "key": key, "value": value}
        upsert(self.connection, model_version_tags, values, ("version_id", "key"))

    def delete_version_tag(self, name: str, model_id: int, version: int, key: str) -> None:
        """Remove a model-version tag, if present."""
        table = model_version_tags
        version_id = self._version_id(name, model_id, version)
        self._execute(sa.delete(table).where(table.c.version_id == version_id, table.c.key == key))

    def latest_versions(self, model_id: int, stages: Iterable[Stage] | None) -> list[ModelVersion]:
        """The highest version of the model in each stage (in ``stages`` when given)."""
        return hydrate.latest_versions(self.connection, [model_id], stages).get(model_id, [])

    def search_versions(
        self,
        search: Filter,
        order: Sequence[OrderKey],
        after: list[Any] | None,
        limit: int,
        *,
        reader: Reader | None = None,
    ) -> Page:
        """One page of model versions matching ``search``, after the row ``after``, of the
        models ``reader`` may read (all when None)."""
        sort = filters.order_columns(order, filters.MODEL_VERSION_COLUMNS, _mv.c.id)
        query = (
            sa.select(*hydrate.VERSION_COLUMNS)
            .join_from(_mv, _rm, _rm.c.id == _mv.c.model_id)
            .where(*filters.MODEL_VERSIONS.conditions(search), *filters.visible_models(reader))
        )
        if after is not None:
            query = query.where(filters.after_condition(sort, after))
        query = query.order_by(*filters.order_clauses(sort)).limit(limit + 1)
        rows = self._execute(query).all()
        return hydrate.versions(self.connection, rows[:limit]), _last_sort_values(rows, limit, sort)

    # -- aliases -------------------------------------------------------------------------

    def set_alias(self, model_id: int, alias: str, version: int) -> None:
        """Point ``alias`` at ``version``, moving it from any other version."""
        values = {"model_id": model_id, "alias": alias, "version": version}
        upsert(self.connection, registered_model_aliases, values, ("model_id", "alias"))

    def delete_alias(self, model_id: int, alias: str) -> None:
        """Remove an alias, if present."""
        table = registered_model_aliases
        self._execute(sa.delete(table).where(table.c.model_id == model_id, table.c.alias == alias))

    def alias_version(self, model_id: int, alias: str) -> int | None:
        """The version an alias points at, or None."""
        parameters = {"model_id": model_id, "alias": alias}
        version = self.connection.execute(_ALIAS_VERSION, parameters).scalar()
        return None if version is None else int(version)


def _last_sort_values(
    rows: Sequence[sa.Row[Any]], limit: int, sort: list[tuple[sa.ColumnElement[Any], bool]]
) -> list[Any] | None:
    """The sort values of the page's last row, when another row follows it."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]._mapping
    return [last[column] for column, _ in sort]


__all__ = ["SqlRegistryStore", "SqlRegistryTransaction"]
