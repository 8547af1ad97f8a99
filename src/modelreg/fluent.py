"""The fluent API: ``modelreg.start_run()``, ``log_param``, ``register_model``... as in MLflow.

These functions act on an implicit current registry (``set_tracking_uri``, else
``$MODELREG_TRACKING_URI``, else the embedded default) and an implicit active run. That
implicit state is the point of a fluent API, so it lives here, in one object per process
(:data:`_state`), with the run stack kept per thread as MLflow does.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from modelreg.clock import system_clock
from modelreg.config import Settings
from modelreg.entities import Experiment, Metric, ModelVersion, Run, RunStatus
from modelreg.errors import InvalidParameterValue
from modelreg.models import MLmodel

if TYPE_CHECKING:
    from modelreg.client import Client

__all__ = [
    "ActiveRun",
    "ModelInfo",
    "active_run",
    "end_run",
    "get_tracking_uri",
    "log_artifact",
    "log_artifacts",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "register_model",
    "set_experiment",
    "set_tag",
    "set_tags",
    "set_tracking_uri",
    "start_run",
]


class _FluentState(threading.local):
    """The current registry, experiment and run stack (the stack is per thread)."""

    def __init__(self) -> None:
        self.runs: list[ActiveRun] = []


_state = _FluentState()
_lock = threading.Lock()
_shared: dict[str, Any] = {"tracking_uri": None, "experiment_id": None, "clients": {}}


def set_tracking_uri(uri: str | None) -> None:
    """Use the registry at ``uri`` for the fluent API (None: back to the default)."""
    with _lock:
        _shared["tracking_uri"] = uri
        _shared["experiment_id"] = None


def get_tracking_uri() -> str:
    """The tracking URI the fluent API uses."""
    return client().tracking_uri


def client() -> Client:
    """The Client of the current tracking URI, opened once per URI and reused."""
    # Imported here so that importing a flavor does not load SQLAlchemy.
    from modelreg.client import Client

    settings = Settings.resolve(_shared["tracking_uri"])
    with _lock:
        clients: dict[Settings, Client] = _shared["clients"]
        if settings not in clients:
            clients[settings] = Client(settings.tracking_uri, artifact_root=settings.artifact_root)
        return clients[settings]


def set_experiment(
    experiment_name: str | None = None, experiment_id: str | None = None
) -> Experiment:
    """Make an experiment current for new runs, creating it by name when missing."""
    if (experiment_name is None) == (experiment_id is None):
        raise InvalidParameterValue("Give exactly one of experiment_name and experiment_id.")
    current = client()
    if experiment_id is not None:
        experiment = current.get_experiment(experiment_id)
    else:
        assert experiment_name is not None
        found = current.get_experiment_by_name(experiment_name)
        if found is None:
            found = current.get_experiment(current.create_experiment(experiment_name))
        experiment = found
    if experiment.lifecycle_stage != "active":
        raise InvalidParameterValue(
            f"Cannot set a deleted experiment {experiment.name!r} as the active experiment; "
            "restore it first."
        )
    with _lock:
        _shared["experiment_id"] = experiment.experiment_id
    return experiment


class ActiveRun:
    """The run ``start_run`` began; as a context manager it ends the run on exit
    (FINISHED, or FAILED when the block raised)."""

    def __init__(self, run: Run) -> None:
        self._run = run

    @property
    def info(self) -> Any:
        """The run's info (``run_id``, ``experiment_id``, ...), as when it started."""
        return self._run.info

    @property
    def data(self) -> Any:
        """The run's data as when it started (use ``Client().get_run`` for fresh data)."""
        return self._run.data

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            status = RunStatus.FINISHED
        elif issubclass(exc_type, KeyboardInterrupt):
            status = RunStatus.KILLED
        else:
            status = RunStatus.FAILED
        if self in _state.runs:
            end_run(status)

    def __repr__(self) -> str:
        return f"<ActiveRun: run_id={self.info.run_id!r}>"


def start_run(
    run_id: str | None = None,
    experiment_id: str | None = None,
    run_name: str | None = None,
    nested: bool = False,
    tags: dict[str, str] | None = None,
) -> ActiveRun:
    """Start a run (or resume ``run_id``) and make it active; use it in a ``with`` block."""
    if _state.runs and not nested:
        raise InvalidParameterValue(
            f"Run with UUID {_state.runs[-1].info.run_id} is already active. To start a "
            "nested run, call start_run with nested=True; or end the active run first."
        )
    current = client()
    if run_id is not None:
        run = current.get_run(run_id)
        current.update_run(run_id, RunStatus.RUNNING)
    else:
        experiment = experiment_id or _shared["experiment_id"]
        experiment = experiment or current._backend.tracking.default_experiment_id()
        if nested and _state.runs:
            tags = {**(tags or {}), "mlflow.parentRunId": _state.runs[-1].info.run_id}
        run = current.create_run(experiment, tags=tags, run_name=run_name)
    active = ActiveRun(run)
    _state.runs.append(active)
    return active


def active_run() -> ActiveRun | None:
    """The innermost active run of this thread, or None."""
    return _state.runs[-1] if _state.runs else None


def end_run(status: RunStatus | str = RunStatus.FINISHED) -> None:
    """End the active run (no-op when none is active)."""
    if _state.runs:
        run = _state.runs.pop()
        client().set_terminated(run.info.run_id, status)


def _run_id() -> str:
    """The active run's id, starting a run first when none is active (as MLflow does)."""
    run = active_run() or start_run()
    return str(run.info.run_id)


def log_param(key: str, value: Any) -> Any:
    """Log a param of the active run; returns ``value``."""
    return client().log_param(_run_id(), key, value)


def log_params(params: dict[str, Any]) -> None:
    """Log several params of the active run at once."""
    client().log_batch(_run_id(), params=list(params.items()))


def log_metric(key: str, value: float, step: int | None = None) -> None:
    """Log a metric value of the active run."""
    client().log_metric(_run_id(), key, value, step=step)


def log_metrics(metrics: dict[str, float], step: int | None = None) -> None:
    """Log several metric values of the active run at once."""
    now = system_clock()
    batch = [Metric(key, value, now, step or 0) for key, value in metrics.items()]
    client().log_batch(_run_id(), metrics=batch)


def set_tag(key: str, value: str) -> None:
    """Set a tag on the active run."""
    client().set_tag(_run_id(), key, value)


def set_tags(tags: dict[str, str]) -> None:
    """Set several tags on the active run."""
    client().log_batch(_run_id(), tags=list(tags.items()))


def log_artifact(local_path: str, artifact_path: str | None = None) -> None:
    """Upload a file into the active run's artifacts."""
    client().log_artifact(_run_id(), local_path, artifact_path)


def log_artifacts(local_dir: str, artifact_path: str | None = None) -> None:
    """Upload a folder into the active run's artifacts."""
    client().log_artifacts(_run_id(), local_dir, artifact_path)


def register_model(
    model_uri: str,
    name: str,
    tags: dict[str, str] | None = None,
    *,
    idempotency_key: str | None = None,
) -> ModelVersion:
    """Register the model at ``model_uri`` (folder, ``runs:/``, ``s3://``, ``models:/``) as
    the next version of ``name``, creating the registered model when missing.

    A retry with the same ``idempotency_key`` (a CI job id, say) returns the version the
    first attempt registered. Example: ``modelreg.register_model("runs:/<id>/model",
    "Unicorn")``.
    """
    return client()._backend.registration.register_model(
        model_uri, name, tags, idempotency_key=idempotency_key
    )


def download_model(model_uri: str, dst_path: str | None = None) -> Path:
    """A local folder holding the files of any model URI the loaders accept."""
    return client()._backend.registration.download_model(model_uri, dst_path)


@dataclass(frozen=True)
class ModelInfo:
    """What ``log_model`` logged: where, from which run, and the version it registered."""

    model_uri: str
    run_id: str
    artifact_path: str
    registered_model_version: int | None = None


def log_model_folder(
    write: Callable[[Path, MLmodel], object],
    artifact_path: str,
    registered_model_name: str | None = None,
) -> ModelInfo:
    """Write a model with ``write(empty_folder, mlmodel)``, log it into the active run under
    ``artifact_path``, and register it when ``registered_model_name`` is given.

    Each flavor's ``log_model`` is this with its own ``write_model_folder``.
    """
    run_id = _run_id()
    mlmodel = MLmodel(run_id=run_id, artifact_path=artifact_path)
    with tempfile.TemporaryDirectory(prefix="modelreg-log-model-") as staging:
        folder = Path(staging)
        write(folder, mlmodel)
        client().log_artifacts(run_id, str(folder), artifact_path)
    model_uri = f"runs:/{run_id}/{artifact_path}"
    version = None
    if registered_model_name is not None:
        version = register_model(model_uri, registered_model_name).version
    return ModelInfo(model_uri, run_id, artifact_path, version)
