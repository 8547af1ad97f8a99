"""LoggedModelService: MLflow 3's logged models, the models runs produce before registration.

Rules kept here: a model is created in an active experiment and gets its artifact folder at
``<experiment artifact location>/models/<model_id>/artifacts``; names follow MLflow's
rules; run outputs and model-linked metrics refer to existing models and active runs.
A model has its experiment's permissions: READ to read it, EDIT to create or change it.
"""

from __future__ import annotations

import math
import posixpath
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from modelreg import validation
from modelreg.clock import Clock, system_clock
from modelreg.entities import LifecycleStage, Metric, PagedList
from modelreg.entities.logged_models import (
    LoggedModel,
    LoggedModelMetric,
    LoggedModelStatus,
    ModelOutput,
)
from modelreg.entities.permissions import Permission
from modelreg.errors import InvalidParameterValue, ResourceNotFound
from modelreg.search import OrderKey, SearchSpec
from modelreg.search.paging import offset_page
from modelreg.service.tracking import TrackingService
from modelreg.store.sql.logged_models_store import SqlLoggedModelStore, SqlLoggedModelTransaction

MODELS_FOLDER = "models"
ARTIFACTS_FOLDER = "artifacts"
_BAD_NAME_CHARACTERS = ("/", ":", ".", "%", '"', "'")

LOGGED_MODELS = SearchSpec(
    entity="logged_models",
    string_attributes=frozenset({"name", "model_id", "source_run_id", "model_type"}),
    numeric_attributes=frozenset({"creation_timestamp", "last_updated_timestamp"}),
    list_attributes=frozenset({"name", "model_id", "source_run_id"}),
    order_keys={
        "name": "name",
        "model_id": "model_id",
        "creation_timestamp": "creation_timestamp",
        "creation_time": "creation_timestamp",
        "last_updated_timestamp": "last_updated_timestamp",
    },
    default_order=(OrderKey("creation_timestamp", ascending=False),),
    default_max_results=100,
    max_results_limit=50_000,
    prefixed_kinds=frozenset({"tag", "param"}),
)


class LoggedModelNotFound(ResourceNotFound):
    """No logged model has this id."""

    def __init__(self, model_id: str) -> None:
        super().__init__(f"Logged model with ID '{model_id}' not found.")
        self.model_id = model_id


def _name(name: str | None) -> str:
    if name is None:
        return f"model-{secrets.token_hex(4)}"
    if not name or any(c in name for c in _BAD_NAME_CHARACTERS):
        raise InvalidParameterValue(
            f"Invalid model name ({name!r}) provided. Model name must be a non-empty string "
            f"and cannot contain the following characters: {_BAD_NAME_CHARACTERS}"
        )
    return name


def _identity(metric: Metric) -> tuple[object, ...]:
    """What makes two logged values the same (NaN equal to NaN)."""
    value = "NaN" if math.isnan(metric.value) else metric.value
    return (metric.key, value, metric.timestamp, metric.step)


def _status(status: LoggedModelStatus | str) -> LoggedModelStatus:
    try:
        return LoggedModelStatus(status)
    except ValueError:
        valid = ", ".join(s.value for s in LoggedModelStatus)
        raise InvalidParameterValue(
            f"Invalid logged model status {status!r}: use one of {valid}."
        ) from None


class LoggedModelService:
    """Logged models with MlflowClient's names and semantics."""

    def __init__(
        self, store: SqlLoggedModelStore, tracking: TrackingService, *, clock: Clock = system_clock
    ) -> None:
        self.store = store
        self.tracking = tracking
        self.clock = clock

    @classmethod
    def beside(cls, tracking: TrackingService) -> LoggedModelService:
        """The service on the tracking service's database, with its clock."""
        return cls(SqlLoggedModelStore(tracking.store.engine), tracking, clock=tracking.clock)

    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None = None,
        source_run_id: str | None = None,
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        model_type: str | None = None,
    ) -> LoggedModel:
        """Create a PENDING model in an active experiment; its files are uploaded after."""
        name = _name(name)
        tags = validation.tags(tags)
        params = dict(validation.tag(key, value) for key, value in (params or {}).items())
        self.tracking.require_experiment(experiment_id, Permission.EDIT)
        experiment = self.tracking.get_experiment(experiment_id)
        if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
            raise InvalidParameterValue(
                f"Cannot create a logged model in experiment {experiment_id}: it is deleted."
            )
        if source_run_id:
            self.tracking.get_run(source_run_id)
        model_id = f"m-{uuid.uuid4().hex}"
        now = self.clock()
        with self.store.write() as tx:
            tx.insert_model(
                model_id=model_id,
                experiment_id=int(experiment.experiment_id),
                name=name,
                source_run_id=source_run_id or None,
                model_type=model_type,
                status=LoggedModelStatus.PENDING.value,
                artifact_location=posixpath.join(
                    experiment.artifact_location, MODELS_FOLDER, model_id, ARTIFACTS_FOLDER
                ),
                creation_time=now,
                last_updated_time=now,
            )
            tx.set_params(model_id, params)
            tx.set_tags(model_id, tags)
            return self._get(tx, model_id)

    @staticmethod
    def _get(tx: SqlLoggedModelTransaction, model_id: str) -> LoggedModel:
        found = tx.get_model(model_id)
        if found is None:
            raise LoggedModelNotFound(model_id)
        return found

    def _require(self, model: LoggedModel, needed: Permission) -> LoggedModel:
        self.tracking.require_experiment(model.experiment_id, needed)
        return model

    def _require_model(self, model_id: str, needed: Permission) -> None:
        with self.store.read() as tx:
            model = self._get(tx, model_id)
        self._require(model, needed)

    def get_logged_model(self, model_id: str) -> LoggedModel:
        """The logged model with this id."""
        with self.store.read() as tx:
            model = self._get(tx, model_id)
        return self._require(model, Permission.READ)

    def finalize_logged_model(self, model_id: str, status: LoggedModelStatus | str) -> LoggedModel:
        """Mark the model's upload finished (READY) or failed (UPLOAD_FAILED)."""
        checked = _status(status)
        self._require_model(model_id, Permission.EDIT)
        with self.store.write() as tx:
            if not tx.update_model(model_id, status=checked.value, last_updated_time=self.clock()):
                raise LoggedModelNotFound(model_id)
            return self._get(tx, model_id)

    def set_logged_model_tags(self, model_id: str, tags: dict[str, str]) -> None:
        """Create or overwrite tags of a model."""
        tags = validation.tags(tags)
        self._require_model(model_id, Permission.EDIT)
        with self.store.write() as tx:
            self._get(tx, model_id)
            tx.set_tags(model_id, tags)

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        """Remove a tag from a model."""
        self._require_model(model_id, Permission.EDIT)
        with self.store.write() as tx:
            self._get(tx, model_id)
            if tx.delete_tag(model_id, key) == 0:
                raise ResourceNotFound(
                    f"No tag with key {key!r} found for model with ID {model_id!r}."
                )

    def log_logged_model_params(self, model_id: str, params: dict[str, str]) -> None:
        """Add params to a model (MLflow's client sends those beyond the first 100 here)."""
        checked = dict(validation.tag(key, value) for key, value in params.items())
        self._require_model(model_id, Permission.EDIT)
        with self.store.write() as tx:
            self._get(tx, model_id)
            tx.set_params(model_id, checked)

    def search_logged_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[LoggedModel]:
        """Models of the given experiments matching e.g. ``name = 'model'``, newest first."""
        if not experiment_ids:
            raise validation.missing("experiment_ids")
        ids = [self.tracking.require_experiment(value, Permission.READ) for value in experiment_ids]
        with self.store.read() as tx:
            return offset_page(
                LOGGED_MODELS,
                lambda search, order, offset, limit: tx.search_models(
                    ids, search, order, offset, limit
                ),
                filter_string,
                max_results,
                order_by,
                page_token,
                ids,
            )

    def model_of_run(self, run_id: str, name: str) -> LoggedModel | None:
        """The newest model called ``name`` logged by the run ``run_id``, if any."""
        with self.store.read() as tx:
            model = tx.model_of_run(run_id, name)
        return None if model is None else self._require(model, Permission.READ)

    # -- runs ----------------------------------------------------------------------------

    def log_outputs(self, run_id: str, outputs: Iterable[ModelOutput]) -> None:
        """Record that an active run produced these (existing) models."""
        outputs = list(outputs)
        self.tracking.require_run(run_id, Permission.EDIT)
        if self.tracking.get_run(run_id).info.lifecycle_stage != LifecycleStage.ACTIVE:
            raise InvalidParameterValue(f"The run {run_id} must be in the 'active' state.")
        with self.store.write() as tx:
            for output in outputs:
                self._get(tx, output.model_id)
            tx.set_outputs(run_id, outputs)

    def outputs_of(self, run_ids: Sequence[str]) -> dict[str, list[ModelOutput]]:
        """The models each run produced."""
        with self.store.read() as tx:
            return tx.outputs_of(run_ids)

    def log_batch(
        self,
        run_id: str,
        metrics: Iterable[Metric] = (),
        params: Iterable[Any] = (),
        tags: Iterable[Any] = (),
        *,
        model_metrics: Mapping[str, Sequence[LoggedModelMetric]] | None = None,
    ) -> None:
        """The run's :meth:`TrackingService.log_batch`, plus metrics linked to logged models.

        ``model_metrics`` maps a model id to metric values logged with that ``model_id``:
        they are recorded on the run and on the model. MLflow's client re-logs a run's
        metrics with the new model's id after ``log_model``; a value already in the run's
        history is linked to the model without being appended to the run a second time.
        """
        run_metrics = list(metrics)
        linked = {model_id: list(values) for model_id, values in (model_metrics or {}).items()}
        if linked:
            with self.store.read() as tx:
                models = [self._get(tx, model_id) for model_id in linked]
            for model in models:
                self._require(model, Permission.EDIT)
            logged: dict[str, set[tuple[object, ...]]] = {}
            for value in (value for values in linked.values() for value in values):
                if value.key not in logged:
                    history = self.tracking.get_metric_history(run_id, value.key)
                    logged[value.key] = {_identity(m) for m in history}
                as_run = Metric(value.key, value.value, value.timestamp, value.step)
                if _identity(as_run) not in logged[value.key]:
                    logged[value.key].add(_identity(as_run))
                    run_metrics.append(as_run)
        self.tracking.log_batch(run_id, run_metrics, params, tags)
        if linked:
            with self.store.write() as tx:
                for model_id, values in linked.items():
                    tx.insert_metrics(model_id, [replace(v, run_id=run_id) for v in values])


__all__ = ["LOGGED_MODELS", "LoggedModelNotFound", "LoggedModelService"]
