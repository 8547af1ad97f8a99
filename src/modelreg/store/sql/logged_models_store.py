"""The SQL store of MLflow 3's logged models: the models, their params, tags, metrics, outputs.

As with the tracking store, the service opens a transaction (``write()``/``read()``) and
composes the queries of :class:`SqlLoggedModelTransaction`; no rules live here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from modelreg.entities.logged_models import (
    LoggedModel,
    LoggedModelMetric,
    LoggedModelStatus,
    ModelOutput,
)
from modelreg.search import Filter, OrderKey
from modelreg.store.sql import filters
from modelreg.store.sql.tables import (
    logged_model_metrics,
    logged_model_outputs,
    logged_model_params,
    logged_model_tags,
    logged_models,
)
from modelreg.store.sql.transactions import TransactionalStore
from modelreg.store.sql.upsert import upsert

_lm = logged_models

LOGGED_MODEL_COLUMNS: dict[str, sa.ColumnElement[Any]] = {
    "name": _lm.c.name,
    "model_id": _lm.c.model_id,
    "source_run_id": _lm.c.source_run_id,
    "model_type": _lm.c.model_type,
    "creation_timestamp": _lm.c.creation_time,
    "last_updated_timestamp": _lm.c.last_updated_time,
}

LOGGED_MODELS = filters.Searchable(
    key=_lm.c.model_id,
    columns=LOGGED_MODEL_COLUMNS,
    records={
        "tag": (logged_model_tags, logged_model_tags.c.model_id),
        "param": (logged_model_params, logged_model_params.c.model_id),
    },
)


class SqlLoggedModelStore(TransactionalStore["SqlLoggedModelTransaction"]):
    """Logged-model persistence over one SQLAlchemy engine (shared with the other stores)."""

    def __init__(self, engine: sa.Engine) -> None:
        super().__init__(engine, SqlLoggedModelTransaction)


class SqlLoggedModelTransaction:
    """The logged-model queries, all on one connection inside one transaction."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection

    def _execute(self, statement: sa.Executable) -> sa.CursorResult[Any]:
        return self.connection.execute(statement)

    # -- models --------------------------------------------------------------------------

    def insert_model(self, **values: Any) -> None:
        """Insert a logged model row."""
        self._execute(sa.insert(_lm).values(**values))

    def update_model(self, model_id: str, **values: Any) -> int:
        """Set columns of a logged model; returns how many rows changed (0 or 1)."""
        query = sa.update(_lm).where(_lm.c.model_id == model_id).values(**values)
        return self._execute(query).rowcount

    def get_model(self, model_id: str) -> LoggedModel | None:
        """A logged model with its params, tags and metrics, or None."""
        rows = self._execute(sa.select(_lm).where(_lm.c.model_id == model_id)).all()
        found = self._models(rows)
        return found[0] if found else None

    def model_of_run(self, run_id: str, name: str) -> LoggedModel | None:
        """The newest model called ``name`` that the run ``run_id`` logged, or None."""
        query = (
            sa.select(_lm)
            .where(_lm.c.source_run_id == run_id, _lm.c.name == name)
            .order_by(_lm.c.creation_time.desc(), _lm.c.model_id)
            .limit(1)
        )
        found = self._models(self._execute(query).all())
        return found[0] if found else None

    def search_models(
        self,
        experiment_ids: Sequence[int],
        search: Filter,
        order: Sequence[OrderKey],
        offset: int,
        limit: int,
    ) -> tuple[list[LoggedModel], bool]:
        """A page of the models of these experiments, and whether more follow."""
        sort = filters.order_columns(order, LOGGED_MODEL_COLUMNS, _lm.c.model_id)
        query = (
            sa.select(_lm)
            .where(_lm.c.experiment_id.in_(experiment_ids))
            .where(*LOGGED_MODELS.conditions(search))
            .order_by(*filters.order_clauses(sort))
            .offset(offset)
            .limit(limit + 1)
        )
        rows = self._execute(query).all()
        return self._models(rows[:limit]), len(rows) > limit

    def _models(self, rows: Sequence[sa.Row[Any]]) -> list[LoggedModel]:
        """Entities for ``rows``, with their records fetched in three queries for all of them."""
        ids = [row.model_id for row in rows]
        records: dict[str, dict[str, dict[str, str]]] = defaultdict(
            lambda: {"params": {}, "tags": {}}
        )
        metrics: dict[str, list[LoggedModelMetric]] = defaultdict(list)
        if ids:
            for table, kind in ((logged_model_params, "params"), (logged_model_tags, "tags")):
                query = sa.select(table).where(table.c.model_id.in_(ids)).order_by(table.c.key)
                for record in self._execute(query):
                    records[record.model_id][kind][record.key] = record.value
            table = logged_model_metrics
            query = sa.select(table).where(table.c.model_id.in_(ids)).order_by(table.c.id)
            for record in self._execute(query):
                metrics[record.model_id].append(_metric(record))
        return [
            LoggedModel(
                model_id=row.model_id,
                experiment_id=str(row.experiment_id),
                name=row.name,
                artifact_location=row.artifact_location,
                creation_timestamp=row.creation_time,
                last_updated_timestamp=row.last_updated_time,
                status=LoggedModelStatus(row.status),
                source_run_id=row.source_run_id,
                model_type=row.model_type,
                status_message=row.status_message,
                tags=records[row.model_id]["tags"],
                params=records[row.model_id]["params"],
                metrics=metrics[row.model_id],
            )
            for row in rows
        ]

    # -- records -------------------------------------------------------------------------

    def set_params(self, model_id: str, values: Mapping[str, str]) -> None:
        """Create or overwrite params of a model."""
        for key, value in values.items():
            row = {"model_id": model_id, "key": key, "value": value}
            upsert(self.connection, logged_model_params, row, ("model_id", "key"))

    def set_tags(self, model_id: str, values: Mapping[str, str]) -> None:
        """Create or overwrite tags of a model."""
        for key, value in values.items():
            row = {"model_id": model_id, "key": key, "value": value}
            upsert(self.connection, logged_model_tags, row, ("model_id", "key"))

    def delete_tag(self, model_id: str, key: str) -> int:
        """Remove a tag; returns how many were removed (0 or 1)."""
        table = logged_model_tags
        query = sa.delete(table).where(table.c.model_id == model_id, table.c.key == key)
        return self._execute(query).rowcount

    def insert_metrics(self, model_id: str, values: Sequence[LoggedModelMetric]) -> None:
        """Append metric values linked to a model."""
        if values:
            rows = [
                {
                    "model_id": model_id,
                    "key": m.key,
                    "timestamp": m.timestamp,
                    "step": m.step,
                    "run_id": m.run_id,
                    "dataset_name": m.dataset_name,
                    "dataset_digest": m.dataset_digest,
                    **(
                        {"value": None, "is_nan": True}
                        if math.isnan(m.value)
                        else {"value": m.value, "is_nan": False}
                    ),
                }
                for m in values
            ]
            self.connection.execute(sa.insert(logged_model_metrics), rows)

    # -- run outputs ---------------------------------------------------------------------

    def set_outputs(self, run_id: str, outputs: Sequence[ModelOutput]) -> None:
        """Record that the run produced these models (again: the step is updated)."""
        for output in outputs:
            row = {"run_id": run_id, "model_id": output.model_id, "step": output.step}
            upsert(self.connection, logged_model_outputs, row, ("run_id", "model_id"))

    def outputs_of(self, run_ids: Sequence[str]) -> dict[str, list[ModelOutput]]:
        """The models each run produced, in one query for all of them."""
        found: dict[str, list[ModelOutput]] = {run_id: [] for run_id in run_ids}
        if run_ids:
            table = logged_model_outputs
            query = (
                sa.select(table)
                .where(table.c.run_id.in_(run_ids))
                .order_by(table.c.run_id, table.c.step, table.c.model_id)
            )
            for row in self._execute(query):
                found[row.run_id].append(ModelOutput(row.model_id, row.step))
        return found


def _metric(row: sa.Row[Any]) -> LoggedModelMetric:
    return LoggedModelMetric(
        key=row.key,
        value=math.nan if row.is_nan else row.value,
        timestamp=row.timestamp,
        step=row.step,
        run_id=row.run_id,
        dataset_name=row.dataset_name,
        dataset_digest=row.dataset_digest,
    )
