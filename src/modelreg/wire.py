"""MLflow's REST wire format: entities to proto3-style JSON dicts and back.

Fields with default values are omitted, as MLflow's server does (see
``docs/mlflow-wire.md``): versions are strings, tags are ``[{"key", "value"}]`` lists, and a
model version always carries ``description`` and ``run_link``. The server renders with
these functions and the remote client parses with them, so both ends agree by construction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from modelreg.entities import (
    Experiment,
    LifecycleStage,
    Metric,
    ModelVersion,
    ModelVersionStatus,
    RegisteredModel,
    Run,
    RunData,
    RunInfo,
    RunStatus,
    Stage,
)
from modelreg.entities.events import Event
from modelreg.entities.logged_models import (
    LoggedModel,
    LoggedModelMetric,
    LoggedModelStatus,
    ModelOutput,
)

JSON = dict[str, Any]


def tags_to_wire(tags: dict[str, str]) -> list[JSON]:
    """``{"k": "v"}`` → ``[{"key": "k", "value": "v"}]``."""
    return [{"key": key, "value": value} for key, value in tags.items()]


def tags_from_wire(items: list[JSON] | None) -> dict[str, str]:
    """``[{"key": "k", "value": "v"}]`` → ``{"k": "v"}`` (a missing value is "")."""
    return {item["key"]: item.get("value", "") for item in items or ()}


def _put(body: JSON, key: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        body[key] = value


# -- registry --------------------------------------------------------------------------------


def model_version_to_wire(version: ModelVersion) -> JSON:
    """A ModelVersion as MLflow's server renders it."""
    body: JSON = {
        "name": version.name,
        "version": str(version.version),
        "creation_timestamp": version.creation_timestamp,
        "last_updated_timestamp": version.last_updated_timestamp,
        "current_stage": version.current_stage.value,
        "description": version.description or "",
        "source": version.source,
    }
    _put(body, "run_id", version.run_id)
    body["status"] = version.status.value
    _put(body, "status_message", version.status_message)
    _put(body, "tags", tags_to_wire(version.tags))
    body["run_link"] = version.run_link or ""
    _put(body, "aliases", list(version.aliases))
    return body


def model_version_from_wire(body: JSON) -> ModelVersion:
    """Parse a model version rendered by :func:`model_version_to_wire` (or MLflow)."""
    return ModelVersion(
        name=body["name"],
        version=int(body["version"]),
        creation_timestamp=int(body.get("creation_timestamp", 0)),
        last_updated_timestamp=int(body.get("last_updated_timestamp", 0)),
        current_stage=Stage.parse(body.get("current_stage", "None")),
        description=body.get("description", ""),
        source=body.get("source", ""),
        run_id=body.get("run_id") or None,
        run_link=body.get("run_link") or None,
        user_id=body.get("user_id") or None,
        status=ModelVersionStatus(body.get("status", "READY")),
        status_message=body.get("status_message") or None,
        storage_location=body.get("storage_location") or None,
        tags=tags_from_wire(body.get("tags")),
        aliases=list(body.get("aliases", [])),
    )


def registered_model_to_wire(model: RegisteredModel) -> JSON:
    """A RegisteredModel as MLflow's server renders it."""
    body: JSON = {
        "name": model.name,
        "creation_timestamp": model.creation_timestamp,
        "last_updated_timestamp": model.last_updated_timestamp,
    }
    _put(body, "description", model.description)
    _put(body, "latest_versions", [model_version_to_wire(v) for v in model.latest_versions])
    _put(body, "tags", tags_to_wire(model.tags))
    _put(
        body,
        "aliases",
        [{"alias": alias, "version": str(version)} for alias, version in model.aliases.items()],
    )
    return body


def registered_model_from_wire(body: JSON) -> RegisteredModel:
    """Parse a registered model rendered by :func:`registered_model_to_wire` (or MLflow)."""
    return RegisteredModel(
        name=body["name"],
        creation_timestamp=int(body.get("creation_timestamp", 0)),
        last_updated_timestamp=int(body.get("last_updated_timestamp", 0)),
        description=body.get("description") or None,
        latest_versions=[model_version_from_wire(v) for v in body.get("latest_versions", [])],
        tags=tags_from_wire(body.get("tags")),
        aliases={item["alias"]: int(item["version"]) for item in body.get("aliases", [])},
    )


# -- tracking --------------------------------------------------------------------------------


def experiment_to_wire(experiment: Experiment) -> JSON:
    """An Experiment as MLflow's server renders it."""
    body: JSON = {
        "experiment_id": experiment.experiment_id,
        "name": experiment.name,
        "artifact_location": experiment.artifact_location,
        "lifecycle_stage": experiment.lifecycle_stage.value,
    }
    _put(body, "last_update_time", experiment.last_update_time)
    _put(body, "creation_time", experiment.creation_time)
    _put(body, "tags", tags_to_wire(experiment.tags))
    return body


def experiment_from_wire(body: JSON) -> Experiment:
    """Parse an experiment rendered by :func:`experiment_to_wire` (or MLflow)."""
    return Experiment(
        experiment_id=str(body["experiment_id"]),
        name=body["name"],
        artifact_location=body.get("artifact_location", ""),
        lifecycle_stage=LifecycleStage(body.get("lifecycle_stage", "active")),
        tags=tags_from_wire(body.get("tags")),
        creation_time=body.get("creation_time"),
        last_update_time=body.get("last_update_time"),
    )


def _metric_value(value: float) -> float | str:
    # JSON has no NaN or infinities; MLflow's server sends them as strings.
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def metric_to_wire(metric: Metric) -> JSON:
    """A metric value as MLflow renders it."""
    return {
        "key": metric.key,
        "value": _metric_value(metric.value),
        "timestamp": metric.timestamp,
        "step": metric.step,
    }


def metric_from_wire(body: JSON) -> Metric:
    """Parse a metric value (``"NaN"`` and ``"Infinity"`` strings included)."""
    return Metric(
        key=body["key"],
        value=float(body.get("value", 0.0)),
        timestamp=int(body.get("timestamp", 0)),
        step=int(body.get("step", 0)),
    )


def run_info_to_wire(info: RunInfo) -> JSON:
    """A RunInfo with both ``run_id`` and the legacy ``run_uuid``."""
    body: JSON = {
        "run_uuid": info.run_id,
        "run_id": info.run_id,
        "run_name": info.run_name,
        "experiment_id": info.experiment_id,
        "status": info.status.value,
        "start_time": info.start_time,
        "artifact_uri": info.artifact_uri,
        "lifecycle_stage": info.lifecycle_stage.value,
    }
    _put(body, "end_time", info.end_time)
    _put(body, "user_id", info.user_id)
    return body


def run_info_from_wire(body: JSON) -> RunInfo:
    """Parse a RunInfo."""
    return RunInfo(
        run_id=body.get("run_id") or body["run_uuid"],
        experiment_id=str(body.get("experiment_id", "")),
        run_name=body.get("run_name", ""),
        status=RunStatus(body.get("status", "RUNNING")),
        start_time=int(body.get("start_time", 0)),
        artifact_uri=body.get("artifact_uri", ""),
        end_time=body.get("end_time"),
        user_id=body.get("user_id") or None,
        lifecycle_stage=LifecycleStage(body.get("lifecycle_stage", "active")),
    )


def run_to_wire(run: Run, *, outputs: Sequence[ModelOutput] = ()) -> JSON:
    """A Run: ``info`` plus ``data`` with metrics, params and tags as lists.

    ``outputs`` are the logged models the run produced (``outputs.model_outputs``).
    """
    data: JSON = {}
    metrics = [Metric(key, value, 0, 0) for key, value in run.data.metrics.items()]
    _put(data, "metrics", [metric_to_wire(metric) for metric in metrics])
    _put(data, "params", tags_to_wire(run.data.params))
    _put(data, "tags", tags_to_wire(run.data.tags))
    body: JSON = {"info": run_info_to_wire(run.info), "data": data, "inputs": {}}
    if outputs:
        body["outputs"] = {
            "model_outputs": [{"model_id": o.model_id, "step": o.step} for o in outputs]
        }
    return body


def run_from_wire(body: JSON) -> Run:
    """Parse a Run."""
    data = body.get("data", {})
    return Run(
        info=run_info_from_wire(body["info"]),
        data=RunData(
            metrics={m["key"]: metric_from_wire(m).value for m in data.get("metrics", [])},
            params=tags_from_wire(data.get("params")),
            tags=tags_from_wire(data.get("tags")),
        ),
    )


# -- logged models (MLflow 3) ----------------------------------------------------------------


def logged_model_metric_to_wire(metric: LoggedModelMetric, model_id: str) -> JSON:
    """A metric value of a logged model, with the model's and the run's ids."""
    body: JSON = {
        "key": metric.key,
        "value": _metric_value(metric.value),
        "timestamp": metric.timestamp,
        "step": metric.step,
    }
    _put(body, "dataset_name", metric.dataset_name)
    _put(body, "dataset_digest", metric.dataset_digest)
    body["model_id"] = model_id
    _put(body, "run_id", metric.run_id)
    return body


def logged_model_to_wire(model: LoggedModel) -> JSON:
    """A LoggedModel as MLflow's server renders it: ``info`` and ``data``.

    ``model_type`` is always present (``""`` when unset), as MLflow's server sends it.
    """
    info: JSON = {
        "model_id": model.model_id,
        "experiment_id": model.experiment_id,
        "name": model.name,
        "creation_timestamp_ms": model.creation_timestamp,
        "last_updated_timestamp_ms": model.last_updated_timestamp,
        "artifact_uri": model.artifact_location,
        "status": model.status.value,
        "model_type": model.model_type or "",
    }
    _put(info, "source_run_id", model.source_run_id)
    _put(info, "status_message", model.status_message)
    _put(info, "tags", tags_to_wire(model.tags))
    data: JSON = {}
    _put(data, "params", tags_to_wire(model.params))
    _put(data, "metrics", [logged_model_metric_to_wire(m, model.model_id) for m in model.metrics])
    return {"info": info, "data": data}


def logged_model_from_wire(body: JSON) -> LoggedModel:
    """Parse a logged model rendered by :func:`logged_model_to_wire` (or MLflow)."""
    info, data = body["info"], body.get("data", {})
    return LoggedModel(
        model_id=info["model_id"],
        experiment_id=str(info.get("experiment_id", "")),
        name=info.get("name", ""),
        artifact_location=info.get("artifact_uri", ""),
        creation_timestamp=int(info.get("creation_timestamp_ms", 0)),
        last_updated_timestamp=int(info.get("last_updated_timestamp_ms", 0)),
        status=LoggedModelStatus(info.get("status", LoggedModelStatus.PENDING.value)),
        source_run_id=info.get("source_run_id") or None,
        model_type=info.get("model_type") or None,
        status_message=info.get("status_message") or None,
        tags=tags_from_wire(info.get("tags")),
        params=tags_from_wire(data.get("params")),
        metrics=[
            LoggedModelMetric(
                key=m["key"],
                value=float(m.get("value", 0.0)),
                timestamp=int(m.get("timestamp", 0)),
                step=int(m.get("step", 0)),
                run_id=m.get("run_id") or None,
                dataset_name=m.get("dataset_name") or None,
                dataset_digest=m.get("dataset_digest") or None,
            )
            for m in data.get("metrics", [])
        ],
    )


def event_to_wire(event: Event) -> JSON:
    """An audit event as JSON (every field present; ``event`` is ``entity.action``)."""
    return {
        "id": event.id,
        "timestamp": event.timestamp,
        "actor": event.actor,
        "event": event.name,
        "entity": event.entity,
        "action": event.action,
        "name": event.model_name,
        "version": None if event.version is None else str(event.version),
        "before": event.before,
        "after": event.after,
        "data": event.data,
    }


def event_from_wire(body: JSON) -> Event:
    """The inverse of :func:`event_to_wire`."""
    version = body.get("version")
    return Event(
        id=int(body["id"]),
        timestamp=int(body["timestamp"]),
        actor=body["actor"],
        entity=body["entity"],
        action=body["action"],
        model_name=body["name"],
        version=None if version is None else int(version),
        before=body.get("before"),
        after=body.get("after"),
        data=body.get("data") or {},
    )
