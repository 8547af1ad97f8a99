"""``/runs/*`` and ``/metrics/get-history``: runs, their params, metrics, tags and outputs.

MLflow's client sends a run's id as both ``run_id`` and the legacy ``run_uuid``; either is
accepted. Metrics logged with a ``model_id`` are also linked to that logged model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.responses import Response

from modelreg import validation
from modelreg.entities import Metric, Run, RunInfo
from modelreg.entities.logged_models import LoggedModelMetric, ModelOutput
from modelreg.server.artifact_uris import ArtifactUris
from modelreg.server.dependencies import ArtifactProxy, LoggedModels, Tracking
from modelreg.server.mlflow_compat.experiments import parse_view_type
from modelreg.server.mlflow_compat.registered_models import Tag
from modelreg.server.responses import JSONResponse, empty
from modelreg.wire import JSON, metric_to_wire, run_info_to_wire, run_to_wire, tags_from_wire

router = APIRouter(tags=["runs"])


def run_id_of(run_id: str | None, run_uuid: str | None) -> str:
    """The run's id from ``run_id``, else the legacy ``run_uuid``."""
    found = run_id or run_uuid
    if not found:
        raise validation.missing("run_id")
    return found


class RunRef(BaseModel):
    run_id: str | None = None
    run_uuid: str | None = None

    @property
    def id(self) -> str:
        return run_id_of(self.run_id, self.run_uuid)


class CreateRun(BaseModel):
    experiment_id: str | None = None
    user_id: str | None = None
    run_name: str | None = None
    start_time: int | None = None
    tags: list[Tag] = Field(default_factory=list)


class UpdateRun(RunRef):
    status: str | None = None
    end_time: int | None = None
    run_name: str | None = None


class LogParam(RunRef):
    key: str
    value: str = ""


class MetricValue(BaseModel):
    key: str
    value: float
    timestamp: int
    step: int = 0
    model_id: str | None = None
    dataset_name: str | None = None
    dataset_digest: str | None = None


class LogMetric(RunRef, MetricValue):
    pass


class LogBatch(RunRef):
    metrics: list[MetricValue] = Field(default_factory=list)
    params: list[Tag] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)


class SetTag(RunRef):
    key: str
    value: str = ""


class DeleteTag(RunRef):
    key: str


class SearchRuns(BaseModel):
    experiment_ids: list[str] = Field(default_factory=list)
    filter: str | None = None
    run_view_type: str | None = None
    max_results: int | None = None
    order_by: list[str] = Field(default_factory=list)
    page_token: str | None = None


class Output(BaseModel):
    model_id: str
    step: int = 0


class LogOutputs(RunRef):
    models: list[Output] = Field(default_factory=list)


def _info(info: RunInfo, proxy: ArtifactUris) -> RunInfo:
    return replace(info, artifact_uri=proxy.public_uri(info.artifact_uri))


def _wire(run: Run, proxy: ArtifactUris, outputs: Sequence[ModelOutput]) -> JSON:
    return run_to_wire(replace(run, info=_info(run.info, proxy)), outputs=outputs)


def _run(run: Run, proxy: ArtifactUris, logged_models: LoggedModels) -> Response:
    outputs = logged_models.outputs_of([run.info.run_id])[run.info.run_id]
    return JSONResponse({"run": _wire(run, proxy, outputs)})


def _split(
    values: Sequence[MetricValue],
) -> tuple[list[Metric], dict[str, list[LoggedModelMetric]]]:
    """Plain run metrics, and the values logged with a model id, by model."""
    plain: list[Metric] = []
    linked: dict[str, list[LoggedModelMetric]] = defaultdict(list)
    for m in values:
        if m.model_id:
            linked[m.model_id].append(
                LoggedModelMetric(
                    m.key, m.value, m.timestamp, m.step, None, m.dataset_name, m.dataset_digest
                )
            )
        else:
            plain.append(Metric(m.key, m.value, m.timestamp, m.step))
    return plain, linked


@router.post("/runs/create")
def create(
    body: CreateRun, tracking: Tracking, logged_models: LoggedModels, proxy: ArtifactProxy
) -> Response:
    """Start a run (in the Default experiment when none is given)."""
    run = tracking.create_run(
        body.experiment_id or tracking.default_experiment_id(),
        body.start_time,
        tags_from_wire([tag.model_dump() for tag in body.tags]),
        body.run_name,
        user_id=body.user_id,
    )
    return _run(run, proxy, logged_models)


@router.get("/runs/get")
def get(
    tracking: Tracking,
    logged_models: LoggedModels,
    proxy: ArtifactProxy,
    run_id: str | None = None,
    run_uuid: str | None = None,
) -> Response:
    """A run with its latest metrics, params, tags and the models it produced."""
    return _run(tracking.get_run(run_id_of(run_id, run_uuid)), proxy, logged_models)


@router.post("/runs/update")
def update(body: UpdateRun, tracking: Tracking, proxy: ArtifactProxy) -> Response:
    """Change a run's status, end time or name."""
    info = tracking.update_run(body.id, body.status, body.end_time, body.run_name)
    return JSONResponse({"run_info": run_info_to_wire(_info(info, proxy))})


@router.post("/runs/delete")
def delete(body: RunRef, tracking: Tracking) -> Response:
    """Move a run to the bin (restorable)."""
    tracking.delete_run(body.id)
    return empty()


@router.post("/runs/restore")
def restore(body: RunRef, tracking: Tracking) -> Response:
    """Bring a deleted run back."""
    tracking.restore_run(body.id)
    return empty()


@router.post("/runs/log-parameter")
def log_parameter(body: LogParam, tracking: Tracking) -> Response:
    """Log a param (params cannot change once logged)."""
    tracking.log_param(body.id, body.key, body.value)
    return empty()


@router.post("/runs/log-metric")
def log_metric(body: LogMetric, logged_models: LoggedModels) -> Response:
    """Log one value of a metric (linked to a logged model when ``model_id`` is given)."""
    metrics, linked = _split([body])
    logged_models.log_batch(body.id, metrics, model_metrics=linked)
    return empty()


@router.post("/runs/log-batch")
def log_batch(body: LogBatch, logged_models: LoggedModels) -> Response:
    """Log metrics, params and tags in one transaction."""
    metrics, linked = _split(body.metrics)
    params = [(param.key, param.value) for param in body.params]
    tags = [(tag.key, tag.value) for tag in body.tags]
    logged_models.log_batch(body.id, metrics, params, tags, model_metrics=linked)
    return empty()


@router.post("/runs/set-tag")
def set_tag(body: SetTag, tracking: Tracking) -> Response:
    """Set a tag on a run."""
    tracking.set_tag(body.id, body.key, body.value)
    return empty()


@router.post("/runs/delete-tag")
def delete_tag(body: DeleteTag, tracking: Tracking) -> Response:
    """Remove a tag from a run."""
    tracking.delete_tag(body.id, body.key)
    return empty()


@router.post("/runs/search")
def search(
    body: SearchRuns, tracking: Tracking, logged_models: LoggedModels, proxy: ArtifactProxy
) -> Response:
    """Runs of the given experiments matching a filter, one page at a time."""
    page = tracking.search_runs(
        body.experiment_ids,
        body.filter or "",
        parse_view_type(body.run_view_type),
        body.max_results,
        body.order_by,
        body.page_token,
    )
    outputs = logged_models.outputs_of([run.info.run_id for run in page])
    result: dict[str, object] = {}
    if page:
        result["runs"] = [_wire(run, proxy, outputs[run.info.run_id]) for run in page]
    if page.token:
        result["next_page_token"] = page.token
    return JSONResponse(result)


@router.post("/runs/outputs")
def log_outputs(body: LogOutputs, logged_models: LoggedModels) -> Response:
    """Record the logged models a run produced."""
    outputs = [ModelOutput(model.model_id, model.step) for model in body.models]
    logged_models.log_outputs(body.id, outputs)
    return empty()


@router.get("/metrics/get-history")
def metric_history(
    metric_key: str,
    tracking: Tracking,
    run_id: str | None = None,
    run_uuid: str | None = None,
) -> Response:
    """Every value logged for a metric of a run, in one page (``max_results`` is not needed)."""
    history = tracking.get_metric_history(run_id_of(run_id, run_uuid), metric_key)
    body = {"metrics": [metric_to_wire(metric) for metric in history]} if history else {}
    return JSONResponse(body)
