"""``/experiments/*``: create, read, search, delete, restore, rename, tag."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from modelreg.entities import Experiment, ViewType
from modelreg.errors import ExperimentNotFound, InvalidParameterValue
from modelreg.server.artifact_uris import ArtifactUris
from modelreg.server.dependencies import ArtifactProxy, Tracking
from modelreg.server.mlflow_compat.registered_models import Tag
from modelreg.server.responses import JSONResponse, empty
from modelreg.wire import JSON, experiment_to_wire, tags_from_wire

router = APIRouter(tags=["experiments"])

#: The proto enum's numbers, which a query string may use instead of the names.
_VIEW_TYPE_NUMBERS = {"1": ViewType.ACTIVE_ONLY, "2": ViewType.DELETED_ONLY, "3": ViewType.ALL}


class CreateExperiment(BaseModel):
    name: str
    artifact_location: str | None = None
    tags: list[Tag] = Field(default_factory=list)


class SearchExperiments(BaseModel):
    max_results: int | None = None
    page_token: str | None = None
    filter: str | None = None
    order_by: list[str] = Field(default_factory=list)
    view_type: str | None = None


class ExperimentRef(BaseModel):
    experiment_id: str


class UpdateExperiment(ExperimentRef):
    new_name: str


class SetExperimentTag(ExperimentRef):
    key: str
    value: str = ""


def parse_view_type(value: str | None) -> ViewType:
    """A ViewType from its name or proto number (ACTIVE_ONLY when not given)."""
    if value is None or value == "":
        return ViewType.ACTIVE_ONLY
    try:
        return _VIEW_TYPE_NUMBERS.get(value) or ViewType(value.upper())
    except ValueError:
        valid = ", ".join(v.value for v in ViewType)
        raise InvalidParameterValue(f"Invalid view type {value!r}: use one of {valid}.") from None


def _wire(experiment: Experiment, proxy: ArtifactUris) -> JSON:
    public = proxy.public_uri(experiment.artifact_location)
    return experiment_to_wire(replace(experiment, artifact_location=public))


def _experiment(experiment: Experiment, proxy: ArtifactUris) -> Response:
    return JSONResponse({"experiment": _wire(experiment, proxy)})


@router.post("/experiments/create")
def create(body: CreateExperiment, tracking: Tracking, proxy: ArtifactProxy) -> Response:
    """Create an experiment; its artifacts go under the server's root unless a location is given."""
    location = proxy.location(body.artifact_location) if body.artifact_location else None
    tags = tags_from_wire([tag.model_dump() for tag in body.tags])
    return JSONResponse({"experiment_id": tracking.create_experiment(body.name, location, tags)})


@router.get("/experiments/get")
def get(experiment_id: str, tracking: Tracking, proxy: ArtifactProxy) -> Response:
    """One experiment, by id."""
    return _experiment(tracking.get_experiment(experiment_id), proxy)


@router.get("/experiments/get-by-name")
def get_by_name(experiment_name: str, tracking: Tracking, proxy: ArtifactProxy) -> Response:
    """One experiment, by name."""
    experiment = tracking.get_experiment_by_name(experiment_name)
    if experiment is None:
        raise ExperimentNotFound(name=experiment_name)
    return _experiment(experiment, proxy)


def _search(tracking: Tracking, proxy: ArtifactUris, query: SearchExperiments) -> Response:
    page = tracking.search_experiments(
        parse_view_type(query.view_type),
        query.max_results,
        query.filter,
        query.order_by,
        query.page_token,
    )
    body: dict[str, object] = {}
    if page:
        body["experiments"] = [_wire(experiment, proxy) for experiment in page]
    if page.token:
        body["next_page_token"] = page.token
    return JSONResponse(body)


@router.post("/experiments/search")
def search(body: SearchExperiments, tracking: Tracking, proxy: ArtifactProxy) -> Response:
    """Experiments matching a filter, one page at a time."""
    return _search(tracking, proxy, body)


@router.get("/experiments/search")
def search_get(
    tracking: Tracking,
    proxy: ArtifactProxy,
    max_results: int | None = None,
    page_token: str | None = None,
    filter: str | None = None,
    order_by: Annotated[list[str] | None, Query()] = None,
    view_type: str | None = None,
) -> Response:
    """The same as the POST form, with query parameters."""
    query = SearchExperiments(
        max_results=max_results,
        page_token=page_token,
        filter=filter,
        order_by=order_by or [],
        view_type=view_type,
    )
    return _search(tracking, proxy, query)


@router.post("/experiments/delete")
def delete(body: ExperimentRef, tracking: Tracking) -> Response:
    """Move an experiment to the bin (restorable)."""
    tracking.delete_experiment(body.experiment_id)
    return empty()


@router.post("/experiments/restore")
def restore(body: ExperimentRef, tracking: Tracking) -> Response:
    """Bring a deleted experiment back."""
    tracking.restore_experiment(body.experiment_id)
    return empty()


@router.post("/experiments/update")
def update(body: UpdateExperiment, tracking: Tracking) -> Response:
    """Rename an experiment."""
    tracking.rename_experiment(body.experiment_id, body.new_name)
    return empty()


@router.post("/experiments/set-experiment-tag")
def set_tag(body: SetExperimentTag, tracking: Tracking) -> Response:
    """Set a tag on an experiment."""
    tracking.set_experiment_tag(body.experiment_id, body.key, body.value)
    return empty()
