"""TrackingService: experiments and runs, with params, metrics, tags and artifacts.

Rules kept here: a ``Default`` experiment always exists, runs are created in active
experiments only, params are immutable once logged, deleted runs and experiments accept no
writes, and every run gets an artifact folder under its experiment's artifact location.

Permissions are per experiment; a run has its experiment's. Reading needs READ, changing an
experiment or logging to its runs EDIT, deleting or restoring them MANAGE; searches list
only the experiments the current principal may read.
"""

from __future__ import annotations

import math
import posixpath
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from modelreg import validation
from modelreg.artifacts import ArtifactStore, artifact_store_for
from modelreg.artifacts.run_artifacts import RunArtifacts
from modelreg.clock import Clock, system_clock
from modelreg.entities import (
    Experiment,
    LifecycleStage,
    Metric,
    PagedList,
    Run,
    RunInfo,
    RunStatus,
    ViewType,
)
from modelreg.entities.permissions import Permission
from modelreg.errors import InvalidParameterValue
from modelreg.search import EXPERIMENTS, RUNS
from modelreg.search.paging import offset_page
from modelreg.service.access import AccessControl, Resource, Unrestricted
from modelreg.store.sql.tracking_store import SqlTrackingStore, SqlTrackingTransaction

DEFAULT_EXPERIMENT_ID = 0
DEFAULT_EXPERIMENT_NAME = "Default"
RUN_NAME_TAG = "mlflow.runName"
MAX_PARAM_VALUE_LENGTH = 6000

_ADJECTIVES = ("amber", "bold", "brisk", "calm", "clever", "eager", "gentle", "keen", "lucky")
_NOUNS = ("badger", "falcon", "heron", "lynx", "otter", "panda", "raven", "tiger", "wren")


def _random_run_name() -> str:
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-{secrets.randbelow(1000)}"


def _experiment_id(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise InvalidParameterValue(
            f"Invalid experiment id {value!r}: experiment ids are whole numbers."
        ) from None


def _key_value(item: Any) -> tuple[str, Any]:
    """A (key, value) pair from a tuple or an object with ``key`` and ``value``."""
    if isinstance(item, tuple):
        return item[0], item[1]
    return item.key, item.value


class TrackingService(RunArtifacts):
    """Experiments and runs, with MlflowClient's names and semantics.

    ``access`` checks the current principal's permission on the experiment before each
    operation (everyone may do everything when None).
    """

    def __init__(
        self,
        store: SqlTrackingStore,
        artifact_root: str,
        *,
        clock: Clock = system_clock,
        access: AccessControl | None = None,
    ) -> None:
        self.store = store
        self.artifact_root = artifact_root.rstrip("/")
        self.clock = clock
        self.access: AccessControl = access or Unrestricted()

    def require_experiment(self, experiment_id: object, needed: Permission) -> int:
        """The experiment's id as a number, once the current principal is seen to hold
        ``needed`` on it."""
        number = _experiment_id(experiment_id)
        self.access.require(Resource.experiment(str(number)), needed)
        return number

    def require_run(self, run_id: str, needed: Permission) -> None:
        """Raise unless the current principal holds ``needed`` on the run's experiment."""
        with self.store.read() as tx:
            experiment_id = tx.run_info(run_id).experiment_id
        self.require_experiment(experiment_id, needed)

    # -- experiments ---------------------------------------------------------------------

    def _create_experiment(
        self,
        tx: SqlTrackingTransaction,
        name: str,
        artifact_location: str | None,
        tags: dict[str, str],
        experiment_id: int | None = None,
    ) -> int:
        now = self.clock()
        new_id = tx.insert_experiment(name, now, experiment_id=experiment_id)
        location = artifact_location or posixpath.join(self.artifact_root, str(new_id))
        tx.update_experiment(new_id, now, artifact_location=location)
        for key, value in tags.items():
            tx.set_experiment_tag(new_id, key, value)
        return new_id

    def create_experiment(
        self,
        name: str,
        artifact_location: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> str:
        """Create an experiment and return its id."""
        if not isinstance(name, str) or not name.strip():
            raise validation.missing("name")
        tags = validation.tags(tags)
        self.access.require_create("experiment")
        with self.store.write() as tx:
            experiment_id = str(self._create_experiment(tx, name, artifact_location, tags))
        self.access.created(Resource.experiment(experiment_id))
        return experiment_id

    def default_experiment_id(self) -> str:
        """The id of the ``Default`` experiment, creating it on first use."""
        with self.store.write() as tx:
            found = tx.experiment_id_by_name(DEFAULT_EXPERIMENT_NAME)
            if found is None:
                found = self._create_experiment(
                    tx, DEFAULT_EXPERIMENT_NAME, None, {}, DEFAULT_EXPERIMENT_ID
                )
            return str(found)

    def get_experiment(self, experiment_id: str) -> Experiment:
        """The experiment with this id."""
        number = self.require_experiment(experiment_id, Permission.READ)
        with self.store.read() as tx:
            return tx.get_experiment(number)

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """The experiment called ``name``, or None."""
        with self.store.read() as tx:
            found = tx.experiment_id_by_name(name)
        return None if found is None else self.get_experiment(str(found))

    def search_experiments(
        self,
        view_type: ViewType | str = ViewType.ACTIVE_ONLY,
        max_results: int | None = None,
        filter_string: str | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """Experiments matching a filter such as ``name LIKE 'unicorn%'``."""
        stages = ViewType(view_type).stages()
        reader = self.access.reader()
        with self.store.read() as tx:
            return offset_page(
                EXPERIMENTS,
                lambda search, order, offset, limit: tx.search_experiments(
                    search, order, stages, offset, limit, reader=reader
                ),
                filter_string,
                max_results,
                order_by,
                page_token,
                stages,
            )

    def _set_experiment_stage(
        self, experiment_id: str, stage: LifecycleStage, expected: LifecycleStage
    ) -> None:
        number = self.require_experiment(experiment_id, Permission.MANAGE)
        with self.store.write() as tx:
            experiment = tx.get_experiment(number)
            if experiment.lifecycle_stage != expected:
                raise InvalidParameterValue(
                    f"Cannot {'delete' if stage == LifecycleStage.DELETED else 'restore'} "
                    f"experiment {experiment_id}: it is {experiment.lifecycle_stage.value}."
                )
            tx.update_experiment(number, self.clock(), lifecycle_stage=stage.value)

    def delete_experiment(self, experiment_id: str) -> None:
        """Move an experiment to the bin (restorable)."""
        self._set_experiment_stage(experiment_id, LifecycleStage.DELETED, LifecycleStage.ACTIVE)

    def restore_experiment(self, experiment_id: str) -> None:
        """Bring a deleted experiment back."""
        self._set_experiment_stage(experiment_id, LifecycleStage.ACTIVE, LifecycleStage.DELETED)

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        """Rename an experiment."""
        if not isinstance(new_name, str) or not new_name.strip():
            raise validation.missing("new_name")
        number = self.require_experiment(experiment_id, Permission.EDIT)
        with self.store.write() as tx:
            tx.get_experiment(number)
            tx.update_experiment(number, self.clock(), name=new_name)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        """Set a tag on an experiment."""
        key, value = validation.tag(key, value)
        number = self.require_experiment(experiment_id, Permission.EDIT)
        with self.store.write() as tx:
            tx.get_experiment(number)
            tx.set_experiment_tag(number, key, value)

    # -- runs ----------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str,
        start_time: int | None = None,
        tags: dict[str, str] | None = None,
        run_name: str | None = None,
        *,
        user_id: str | None = None,
    ) -> Run:
        """Start a run (status RUNNING) in an active experiment."""
        tags = validation.tags(tags)
        run_name = run_name or tags.get(RUN_NAME_TAG) or _random_run_name()
        tags[RUN_NAME_TAG] = run_name
        run_id = uuid.uuid4().hex
        number = self.require_experiment(experiment_id, Permission.EDIT)
        with self.store.write() as tx:
            experiment = tx.get_experiment(number)
            if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
                raise InvalidParameterValue(
                    f"Cannot create a run in experiment {experiment_id}: it is deleted."
                )
            tx.insert_run(
                run_id=run_id,
                experiment_id=int(experiment.experiment_id),
                name=run_name,
                user_id=user_id,
                status=RunStatus.RUNNING.value,
                start_time=start_time if start_time is not None else self.clock(),
                artifact_uri=posixpath.join(experiment.artifact_location, run_id, "artifacts"),
                lifecycle_stage=LifecycleStage.ACTIVE.value,
            )
            for key, value in tags.items():
                tx.set_run_tag(run_id, key, value)
            return tx.get_run(run_id)

    def get_run(self, run_id: str) -> Run:
        """A run with its latest metrics, params and tags."""
        with self.store.read() as tx:
            run = tx.get_run(run_id)
        self.require_experiment(run.info.experiment_id, Permission.READ)
        return run

    def _active_run(self, tx: SqlTrackingTransaction, run_id: str) -> RunInfo:
        info = tx.run_info(run_id)
        if info.lifecycle_stage != LifecycleStage.ACTIVE:
            raise InvalidParameterValue(
                f"The run {run_id} must be in the 'active' state. "
                f"Current state is {info.lifecycle_stage.value}."
            )
        return info

    def update_run(
        self,
        run_id: str,
        status: RunStatus | str | None = None,
        end_time: int | None = None,
        name: str | None = None,
    ) -> RunInfo:
        """Change a run's status, end time or name."""
        values: dict[str, Any] = {}
        if status is not None:
            try:
                values["status"] = RunStatus(status).value
            except ValueError:
                valid = ", ".join(s.value for s in RunStatus)
                raise InvalidParameterValue(
                    f"Invalid run status {status!r}: use one of {valid}."
                ) from None
        if end_time is not None:
            values["end_time"] = end_time
        self.require_run(run_id, Permission.EDIT)
        with self.store.write() as tx:
            self._active_run(tx, run_id)
            if name:
                values["name"] = name
                tx.set_run_tag(run_id, RUN_NAME_TAG, name)
            if values:
                tx.update_run(run_id, **values)
            return tx.run_info(run_id)

    def set_terminated(
        self, run_id: str, status: RunStatus | str = RunStatus.FINISHED, end_time: int | None = None
    ) -> RunInfo:
        """End a run with ``status`` (FINISHED by default)."""
        if not RunStatus(status).is_terminated:
            raise InvalidParameterValue(f"Run status {status} does not end a run.")
        return self.update_run(run_id, status, end_time or self.clock())

    def _set_run_stage(self, run_id: str, stage: LifecycleStage) -> None:
        self.require_run(run_id, Permission.MANAGE)
        with self.store.write() as tx:
            tx.run_info(run_id)
            tx.update_run(run_id, lifecycle_stage=stage.value)

    def delete_run(self, run_id: str) -> None:
        """Move a run to the bin (restorable)."""
        self._set_run_stage(run_id, LifecycleStage.DELETED)

    def restore_run(self, run_id: str) -> None:
        """Bring a deleted run back."""
        self._set_run_stage(run_id, LifecycleStage.ACTIVE)

    def log_batch(
        self,
        run_id: str,
        metrics: Iterable[Metric] = (),
        params: Iterable[Any] = (),
        tags: Iterable[Any] = (),
    ) -> None:
        """Log metrics, params and tags of a run in one transaction.

        ``params`` and ``tags`` are ``(key, value)`` pairs or objects with ``key``/``value``.
        Logging a param again with a different value is refused.
        """
        now = self.clock()
        checked_metrics = [self._metric(metric, now) for metric in metrics]
        checked_params = dict(self._param(*_key_value(param)) for param in params)
        checked_tags = dict(validation.tag(*_key_value(tag)) for tag in tags)
        self.require_run(run_id, Permission.EDIT)
        with self.store.write() as tx:
            self._active_run(tx, run_id)
            existing = tx.existing_params(run_id, list(checked_params))
            for key, old in existing.items():
                if old != checked_params[key]:
                    raise InvalidParameterValue(
                        f"Changing param values is not allowed. Param with key='{key}' was "
                        f"already logged with value='{old}' for run ID='{run_id}'. "
                        f"Attempted logging new value '{checked_params[key]}'."
                    )
            new_params = {k: v for k, v in checked_params.items() if k not in existing}
            tx.insert_params(run_id, new_params)
            tx.insert_metrics(run_id, checked_metrics)
            for key, value in checked_tags.items():
                tx.set_run_tag(run_id, key, value)
            if RUN_NAME_TAG in checked_tags:
                tx.update_run(run_id, name=checked_tags[RUN_NAME_TAG])

    @staticmethod
    def _param(key: str, value: object) -> tuple[str, str]:
        key, text = validation.tag(key, "")
        text = str(value)
        if len(text) > MAX_PARAM_VALUE_LENGTH:
            raise InvalidParameterValue(
                f"Param value for '{key}' is {len(text)} characters long; "
                f"the limit is {MAX_PARAM_VALUE_LENGTH}."
            )
        return key, text

    @staticmethod
    def _metric(metric: Any, now: int) -> Metric:
        key, _ = validation.tag(metric.key, "")
        try:
            value = float(metric.value)
        except (TypeError, ValueError):
            raise InvalidParameterValue(
                f"Got invalid value {metric.value!r} for metric '{key}': metrics are numbers."
            ) from None
        timestamp = now if metric.timestamp is None else int(metric.timestamp)
        step = 0 if metric.step is None else int(metric.step)
        if math.isinf(value):
            value = math.copysign(1.7976931348623157e308, value)
        return Metric(key, value, timestamp, step)

    def log_param(self, run_id: str, key: str, value: object) -> None:
        """Log a param (params cannot change once logged)."""
        self.log_batch(run_id, params=[(key, value)])

    def log_metric(
        self,
        run_id: str,
        key: str,
        value: float,
        timestamp: int | None = None,
        step: int | None = None,
    ) -> None:
        """Log one value of a metric; the full history is kept."""
        when = self.clock() if timestamp is None else timestamp
        self.log_batch(run_id, metrics=[Metric(key, value, when, step or 0)])

    def set_tag(self, run_id: str, key: str, value: str) -> None:
        """Set a tag on a run."""
        self.log_batch(run_id, tags=[(key, value)])

    def delete_tag(self, run_id: str, key: str) -> None:
        """Remove a tag from a run."""
        self.require_run(run_id, Permission.EDIT)
        with self.store.write() as tx:
            self._active_run(tx, run_id)
            if tx.delete_run_tag(run_id, key) == 0:
                raise InvalidParameterValue(f"No tag with name: {key} in run with id {run_id}")

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        """Every value logged for a metric, by step."""
        self.require_run(run_id, Permission.READ)
        with self.store.read() as tx:
            return tx.metric_history(run_id, key)

    def search_runs(
        self,
        experiment_ids: Sequence[str] | str,
        filter_string: str = "",
        run_view_type: ViewType | str = ViewType.ACTIVE_ONLY,
        max_results: int | None = None,
        order_by: Sequence[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """Runs of the given experiments matching e.g. ``metrics.r2 >= 0.9``."""
        if isinstance(experiment_ids, str):
            experiment_ids = [experiment_ids]
        ids = [self.require_experiment(value, Permission.READ) for value in experiment_ids]
        stages = ViewType(run_view_type).stages()
        with self.store.read() as tx:
            return offset_page(
                RUNS,
                lambda search, order, offset, limit: tx.search_runs(
                    ids, search, order, stages, offset, limit
                ),
                filter_string,
                max_results,
                order_by,
                page_token,
                (ids, stages),
            )

    # -- artifacts -----------------------------------------------------------------------

    def _artifacts(self, run_id: str) -> ArtifactStore:
        return artifact_store_for(self.get_run(run_id).info.artifact_uri)


__all__ = ["DEFAULT_EXPERIMENT_NAME", "TrackingService"]
