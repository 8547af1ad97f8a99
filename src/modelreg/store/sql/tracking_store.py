"""The SQL tracking store: experiments, runs, params, metrics and tags.

Like the registry store, the service opens a transaction (``write()``/``read()``) and
composes the queries of :class:`SqlTrackingTransaction`; no rules live here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from modelreg.entities import (
    Experiment,
    LifecycleStage,
    Metric,
    Run,
    RunData,
    RunInfo,
    RunStatus,
)
from modelreg.entities.permissions import Reader
from modelreg.errors import ExperimentAlreadyExists, ExperimentNotFound, RunNotFound
from modelreg.search import Filter, OrderKey
from modelreg.store.sql import filters
from modelreg.store.sql.tables import (
    experiment_tags,
    experiments,
    latest_metrics,
    metrics,
    params,
    run_tags,
    runs,
)
from modelreg.store.sql.transactions import TransactionalStore
from modelreg.store.sql.upsert import upsert


class SqlTrackingStore(TransactionalStore["SqlTrackingTransaction"]):
    """Tracking persistence over one SQLAlchemy engine (shared with the registry store)."""

    def __init__(self, engine: sa.Engine) -> None:
        super().__init__(engine, SqlTrackingTransaction)


def _metric_value(value: float) -> dict[str, Any]:
    return {"value": None, "is_nan": True} if math.isnan(value) else {"value": value}


class SqlTrackingTransaction:
    """The tracking queries, all on one connection inside one transaction."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection

    def _execute(self, statement: sa.Executable) -> sa.CursorResult[Any]:
        return self.connection.execute(statement)

    # -- experiments ---------------------------------------------------------------------

    def insert_experiment(self, name: str, now: int, *, experiment_id: int | None = None) -> int:
        """Insert an experiment (its artifact location is set once its id is known)."""
        values: dict[str, Any] = {
            "name": name,
            "artifact_location": "",
            "lifecycle_stage": LifecycleStage.ACTIVE.value,
            "creation_time": now,
            "last_update_time": now,
        }
        if experiment_id is not None:
            values["experiment_id"] = experiment_id
        query = sa.insert(experiments).values(**values).returning(experiments.c.experiment_id)
        try:
            with self.connection.begin_nested():
                return int(self._execute(query).scalar_one())
        except sa.exc.IntegrityError:
            raise ExperimentAlreadyExists(name) from None

    def update_experiment(self, experiment_id: int, now: int, **values: Any) -> None:
        """Set columns of an experiment and bump its last-update time."""
        query = sa.update(experiments).where(experiments.c.experiment_id == experiment_id)
        try:
            with self.connection.begin_nested():
                self._execute(query.values(last_update_time=now, **values))
        except sa.exc.IntegrityError:
            raise ExperimentAlreadyExists(str(values.get("name"))) from None

    def experiment_id_by_name(self, name: str) -> int | None:
        """The id of the experiment called ``name`` (deleted ones included), or None."""
        query = sa.select(experiments.c.experiment_id).where(experiments.c.name == name)
        found = self._execute(query).scalar()
        return None if found is None else int(found)

    def get_experiment(self, experiment_id: int) -> Experiment:
        """An experiment with its tags; raises if there is none with this id."""
        query = sa.select(experiments).where(experiments.c.experiment_id == experiment_id)
        found = self._experiments(self._execute(query).all())
        if not found:
            raise ExperimentNotFound(experiment_id=str(experiment_id))
        return found[0]

    def _experiments(self, rows: Sequence[sa.Row[Any]]) -> list[Experiment]:
        tags: dict[int, dict[str, str]] = defaultdict(dict)
        ids = [row.experiment_id for row in rows]
        if ids:
            query = sa.select(experiment_tags).where(experiment_tags.c.experiment_id.in_(ids))
            for tag in self._execute(query):
                tags[tag.experiment_id][tag.key] = tag.value
        return [
            Experiment(
                experiment_id=str(row.experiment_id),
                name=row.name,
                artifact_location=row.artifact_location,
                lifecycle_stage=LifecycleStage(row.lifecycle_stage),
                tags=tags[row.experiment_id],
                creation_time=row.creation_time,
                last_update_time=row.last_update_time,
            )
            for row in rows
        ]

    def set_experiment_tag(self, experiment_id: int, key: str, value: str) -> None:
        """Create or overwrite an experiment tag."""
        values = {"experiment_id": experiment_id, "key": key, "value": value}
        upsert(self.connection, experiment_tags, values, ("experiment_id", "key"))

    def search_experiments(
        self,
        search: Filter,
        order: Sequence[OrderKey],
        stages: Sequence[LifecycleStage],
        offset: int,
        limit: int,
        *,
        reader: Reader | None = None,
    ) -> tuple[list[Experiment], bool]:
        """A page of experiments ``reader`` may read (all when None), and whether more follow."""
        sort = filters.order_columns(order, filters.EXPERIMENT_COLUMNS, experiments.c.experiment_id)
        query = (
            sa.select(experiments)
            .where(experiments.c.lifecycle_stage.in_([stage.value for stage in stages]))
            .where(*filters.EXPERIMENTS.conditions(search), *filters.visible_experiments(reader))
            .order_by(*filters.order_clauses(sort))
            .offset(offset)
            .limit(limit + 1)
        )
        rows = self._execute(query).all()
        return self._experiments(rows[:limit]), len(rows) > limit

    # -- runs ----------------------------------------------------------------------------

    def insert_run(self, **values: Any) -> None:
        """Insert a run row."""
        self._execute(sa.insert(runs).values(**values))

    def update_run(self, run_id: str, **values: Any) -> None:
        """Set columns of a run."""
        self._execute(sa.update(runs).where(runs.c.run_id == run_id).values(**values))

    def run_info(self, run_id: str) -> RunInfo:
        """A run's info; raises if there is no such run."""
        row = self._execute(sa.select(runs).where(runs.c.run_id == run_id)).first()
        if row is None:
            raise RunNotFound(run_id)
        return _run_info(row)

    def get_run(self, run_id: str) -> Run:
        """A run with its latest metrics, params and tags."""
        row = self._execute(sa.select(runs).where(runs.c.run_id == run_id)).first()
        if row is None:
            raise RunNotFound(run_id)
        return self._runs([row])[0]

    def _runs(self, rows: Sequence[sa.Row[Any]]) -> list[Run]:
        ids = [row.run_id for row in rows]
        data: dict[str, dict[str, dict[str, Any]]] = defaultdict(
            lambda: {"metrics": {}, "params": {}, "tags": {}}
        )
        if ids:
            for table, kind in ((params, "params"), (run_tags, "tags")):
                query = sa.select(table).where(table.c.run_id.in_(ids))
                for record in self._execute(query):
                    data[record.run_id][kind][record.key] = record.value
            query = sa.select(latest_metrics).where(latest_metrics.c.run_id.in_(ids))
            for record in self._execute(query):
                value = math.nan if record.is_nan else record.value
                data[record.run_id]["metrics"][record.key] = value
        return [Run(info=_run_info(row), data=RunData(**data[row.run_id])) for row in rows]

    def existing_params(self, run_id: str, keys: Sequence[str]) -> dict[str, str]:
        """The values already logged for these param keys."""
        query = sa.select(params.c.key, params.c.value).where(
            params.c.run_id == run_id, params.c.key.in_(keys)
        )
        return {row.key: row.value for row in self._execute(query)}

    def insert_params(self, run_id: str, values: dict[str, str]) -> None:
        """Record new params (the caller has checked none is logged already)."""
        if values:
            rows = [{"run_id": run_id, "key": k, "value": v} for k, v in values.items()]
            self.connection.execute(sa.insert(params), rows)

    def set_run_tag(self, run_id: str, key: str, value: str) -> None:
        """Create or overwrite a run tag."""
        upsert(
            self.connection,
            run_tags,
            {"run_id": run_id, "key": key, "value": value},
            ("run_id", "key"),
        )

    def delete_run_tag(self, run_id: str, key: str) -> int:
        """Remove a run tag; returns how many were removed (0 or 1)."""
        query = sa.delete(run_tags).where(run_tags.c.run_id == run_id, run_tags.c.key == key)
        return self._execute(query).rowcount

    def insert_metrics(self, run_id: str, values: Sequence[Metric]) -> None:
        """Append metric values to the history and keep the latest value per key current."""
        if not values:
            return
        rows = [
            {
                "run_id": run_id,
                "key": m.key,
                "timestamp": m.timestamp,
                "step": m.step,
                "is_nan": False,
                **_metric_value(m.value),
            }
            for m in values
        ]
        self.connection.execute(sa.insert(metrics), rows)
        latest: dict[str, dict[str, Any]] = {}
        for row in rows:
            current = latest.get(row["key"])
            if current is None or (row["step"], row["timestamp"]) >= (
                current["step"],
                current["timestamp"],
            ):
                latest[row["key"]] = row
        for row in latest.values():
            table = latest_metrics
            newer = sa.tuple_(table.c.step, table.c.timestamp) <= sa.tuple_(
                row["step"], row["timestamp"]
            )
            upsert(self.connection, table, row, ("run_id", "key"), where=newer)

    def metric_history(self, run_id: str, key: str) -> list[Metric]:
        """Every value logged for a metric, by step then time."""
        query = (
            sa.select(metrics)
            .where(metrics.c.run_id == run_id, metrics.c.key == key)
            .order_by(metrics.c.step, metrics.c.timestamp, metrics.c.id)
        )
        return [
            Metric(row.key, math.nan if row.is_nan else row.value, row.timestamp, row.step)
            for row in self._execute(query)
        ]

    def search_runs(
        self,
        experiment_ids: Sequence[int],
        search: Filter,
        order: Sequence[OrderKey],
        stages: Sequence[LifecycleStage],
        offset: int,
        limit: int,
    ) -> tuple[list[Run], bool]:
        """A page of runs of the given experiments, and whether more follow."""
        query = (
            sa.select(runs)
            .where(runs.c.experiment_id.in_(experiment_ids))
            .where(runs.c.lifecycle_stage.in_([stage.value for stage in stages]))
            .where(*filters.RUNS.conditions(search))
        )
        clauses = []
        for i, key in enumerate(order):
            if key.kind == "attribute":
                column: sa.ColumnElement[Any] = filters.RUN_COLUMNS[key.key]
            else:
                table, _ = filters.RUNS.records[key.kind]
                joined = table.alias(f"order_{i}")
                query = query.outerjoin(
                    joined, sa.and_(joined.c.run_id == runs.c.run_id, joined.c.key == key.key)
                )
                column = joined.c.value
            clauses.append((column.asc() if key.ascending else column.desc()).nulls_last())
        query = query.order_by(*clauses, runs.c.run_id).offset(offset).limit(limit + 1)
        rows = self._execute(query).all()
        return self._runs(rows[:limit]), len(rows) > limit


def _run_info(row: sa.Row[Any]) -> RunInfo:
    return RunInfo(
        run_id=row.run_id,
        experiment_id=str(row.experiment_id),
        run_name=row.name,
        status=RunStatus(row.status),
        start_time=row.start_time,
        end_time=row.end_time,
        artifact_uri=row.artifact_uri,
        user_id=row.user_id,
        lifecycle_stage=LifecycleStage(row.lifecycle_stage),
    )
