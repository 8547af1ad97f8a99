"""``/logged-models``: MLflow 3's logged models, which ``log_model`` creates and finalizes."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.responses import Response

from modelreg.entities.logged_models import LoggedModel, LoggedModelStatus
from modelreg.server.artifact_uris import ArtifactUris
from modelreg.server.dependencies import ArtifactProxy, LoggedModels
from modelreg.server.mlflow_compat.registered_models import Tag
from modelreg.server.responses import JSONResponse, empty
from modelreg.wire import JSON, logged_model_to_wire, tags_from_wire

router = APIRouter(tags=["logged models"])

#: The proto enum's numbers, which a client may send instead of the names.
_STATUS_NUMBERS = {
    1: LoggedModelStatus.PENDING.value,
    2: LoggedModelStatus.READY.value,
    3: LoggedModelStatus.UPLOAD_FAILED.value,
}


class CreateLoggedModel(BaseModel):
    experiment_id: str
    name: str | None = None
    model_type: str | None = None
    source_run_id: str | None = None
    params: list[Tag] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)


class FinalizeLoggedModel(BaseModel):
    status: str | int


class SetLoggedModelTags(BaseModel):
    tags: list[Tag] = Field(default_factory=list)


class LogLoggedModelParams(BaseModel):
    params: list[Tag] = Field(default_factory=list)


class OrderBy(BaseModel):
    field_name: str
    ascending: bool = True


class SearchLoggedModels(BaseModel):
    experiment_ids: list[str] = Field(default_factory=list)
    filter: str | None = None
    max_results: int | None = None
    order_by: list[OrderBy] = Field(default_factory=list)
    page_token: str | None = None


def _wire(model: LoggedModel, proxy: ArtifactUris) -> JSON:
    public = proxy.public_uri(model.artifact_location)
    return logged_model_to_wire(replace(model, artifact_location=public))


def _model(model: LoggedModel, proxy: ArtifactUris) -> Response:
    return JSONResponse({"model": _wire(model, proxy)})


@router.post("/logged-models")
def create(body: CreateLoggedModel, logged_models: LoggedModels, proxy: ArtifactProxy) -> Response:
    """Create a PENDING logged model; the client then uploads its files and finalizes it."""
    model = logged_models.create_logged_model(
        body.experiment_id,
        body.name,
        body.source_run_id,
        tags_from_wire([tag.model_dump() for tag in body.tags]),
        tags_from_wire([param.model_dump() for param in body.params]),
        body.model_type,
    )
    return _model(model, proxy)


@router.post("/logged-models/search")
def search(body: SearchLoggedModels, logged_models: LoggedModels, proxy: ArtifactProxy) -> Response:
    """Logged models of the given experiments matching a filter, newest first."""
    order_by = [f"{o.field_name} {'ASC' if o.ascending else 'DESC'}" for o in body.order_by]
    page = logged_models.search_logged_models(
        body.experiment_ids, body.filter, body.max_results, order_by, body.page_token
    )
    result: dict[str, object] = {}
    if page:
        result["models"] = [_wire(model, proxy) for model in page]
    if page.token:
        result["next_page_token"] = page.token
    return JSONResponse(result)


@router.get("/logged-models/{model_id}")
def get(model_id: str, logged_models: LoggedModels, proxy: ArtifactProxy) -> Response:
    """One logged model, with its params, tags and metrics."""
    return _model(logged_models.get_logged_model(model_id), proxy)


@router.patch("/logged-models/{model_id}")
def finalize(
    model_id: str, body: FinalizeLoggedModel, logged_models: LoggedModels, proxy: ArtifactProxy
) -> Response:
    """Mark the model's upload finished (LOGGED_MODEL_READY) or failed."""
    status = body.status
    if isinstance(status, int):
        status = _STATUS_NUMBERS.get(status, str(status))
    return _model(logged_models.finalize_logged_model(model_id, status), proxy)


@router.patch("/logged-models/{model_id}/tags")
def set_tags(model_id: str, body: SetLoggedModelTags, logged_models: LoggedModels) -> Response:
    """Create or overwrite tags of a logged model."""
    logged_models.set_logged_model_tags(
        model_id, tags_from_wire([tag.model_dump() for tag in body.tags])
    )
    return empty()


@router.delete("/logged-models/{model_id}/tags/{key}")
def delete_tag(model_id: str, key: str, logged_models: LoggedModels) -> Response:
    """Remove a tag from a logged model."""
    logged_models.delete_logged_model_tag(model_id, key)
    return empty()


@router.post("/logged-models/{model_id}/params")
def log_params(model_id: str, body: LogLoggedModelParams, logged_models: LoggedModels) -> Response:
    """Add params to a logged model (the client sends those beyond the first 100 here)."""
    logged_models.log_logged_model_params(
        model_id, tags_from_wire([param.model_dump() for param in body.params])
    )
    return empty()
