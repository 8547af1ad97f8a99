"""``/registered-models/*``: create, read, rename, update, delete, search, tags, aliases."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from modelreg.entities import RegisteredModel
from modelreg.server.dependencies import Reads, Registry
from modelreg.server.mlflow_compat.search_pages import search_answer
from modelreg.server.responses import JSONResponse, empty, json_body
from modelreg.service import RegistryService
from modelreg.wire import model_version_to_wire, registered_model_to_wire, tags_from_wire

router = APIRouter(tags=["registered models"])


class Tag(BaseModel):
    """A ``{"key", "value"}`` pair."""

    key: str
    value: str = ""


class CreateRegisteredModel(BaseModel):
    name: str
    tags: list[Tag] = Field(default_factory=list)
    description: str | None = None


class Name(BaseModel):
    name: str


class Rename(BaseModel):
    name: str
    new_name: str


class Update(BaseModel):
    name: str
    description: str | None = None


class SetTag(BaseModel):
    name: str
    key: str
    value: str = ""


class DeleteTag(BaseModel):
    name: str
    key: str


class LatestVersions(BaseModel):
    name: str
    stages: list[str] = Field(default_factory=list)


class SetAlias(BaseModel):
    name: str
    alias: str
    version: str
    expected_version: str | None = None
    force: bool = False


class DeleteAlias(BaseModel):
    name: str
    alias: str


def _model(model: RegisteredModel) -> Response:
    return JSONResponse({"registered_model": registered_model_to_wire(model)})


@router.post("/registered-models/create")
def create(body: CreateRegisteredModel, registry: Registry) -> Response:
    """Create a registered model."""
    tags = tags_from_wire([tag.model_dump() for tag in body.tags])
    return _model(registry.create_registered_model(body.name, tags, body.description))


def _model_answer(registry: RegistryService, name: str) -> bytes:
    model = registry.get_registered_model(name)
    return orjson.dumps({"registered_model": registered_model_to_wire(model)})


@router.get("/registered-models/get")
async def get(name: str, registry: Registry, reads: Reads) -> Response:
    """A registered model with its latest versions, tags and aliases."""
    return json_body(await reads.cached(_model_answer, registry, name))


@router.post("/registered-models/rename")
def rename(body: Rename, registry: Registry) -> Response:
    """Rename a registered model."""
    return _model(registry.rename_registered_model(body.name, body.new_name))


@router.patch("/registered-models/update")
def update(body: Update, registry: Registry) -> Response:
    """Replace a registered model's description."""
    return _model(registry.update_registered_model(body.name, body.description))


@router.delete("/registered-models/delete")
def delete(body: Name, registry: Registry) -> Response:
    """Delete a registered model with all its versions."""
    registry.delete_registered_model(body.name)
    return empty()


@router.get("/registered-models/search")
async def search(
    registry: Registry,
    reads: Reads,
    filter: str | None = None,
    max_results: int | None = None,
    order_by: Annotated[list[str] | None, Query()] = None,
    page_token: str | None = None,
) -> Response:
    """Registered models matching a filter, one page at a time."""
    ordering = tuple(order_by) if order_by else None
    answer = await reads.cached(
        search_answer,
        registry.search_registered_models,
        "registered_models",
        registered_model_to_wire,
        filter,
        max_results,
        ordering,
        page_token,
    )
    return json_body(answer)


@router.post("/registered-models/set-tag")
def set_tag(body: SetTag, registry: Registry) -> Response:
    """Set a tag on a registered model."""
    registry.set_registered_model_tag(body.name, body.key, body.value)
    return empty()


@router.delete("/registered-models/delete-tag")
def delete_tag(body: DeleteTag, registry: Registry) -> Response:
    """Remove a tag from a registered model."""
    registry.delete_registered_model_tag(body.name, body.key)
    return empty()


def _latest_answer(registry: RegistryService, name: str, stages: tuple[str, ...]) -> bytes:
    versions = registry.get_latest_versions(name, list(stages) or None)
    return orjson.dumps(
        {"model_versions": [model_version_to_wire(v) for v in versions]} if versions else {}
    )


@router.post("/registered-models/get-latest-versions")
async def latest_versions(body: LatestVersions, registry: Registry, reads: Reads) -> Response:
    """The highest version in each requested stage (all stages when none)."""
    return json_body(await reads.cached(_latest_answer, registry, body.name, tuple(body.stages)))


@router.get("/registered-models/get-latest-versions", include_in_schema=False)
async def latest_versions_get(
    name: str,
    registry: Registry,
    reads: Reads,
    stages: Annotated[list[str] | None, Query()] = None,
) -> Response:
    """The same as the POST form, with query parameters (MLflow's server accepts both)."""
    return json_body(await reads.cached(_latest_answer, registry, name, tuple(stages or ())))


@router.post("/registered-models/alias")
def set_alias(body: SetAlias, registry: Registry) -> Response:
    """Point an alias at a version."""
    registry.set_registered_model_alias(
        body.name,
        body.alias,
        body.version,
        expected_version=body.expected_version,
        force=body.force,
    )
    return empty()


@router.delete("/registered-models/alias")
def delete_alias(body: DeleteAlias, registry: Registry) -> Response:
    """Remove an alias."""
    registry.delete_registered_model_alias(body.name, body.alias)
    return empty()


def _alias_answer(registry: RegistryService, name: str, alias: str) -> bytes:
    version = registry.get_model_version_by_alias(name, alias)
    return orjson.dumps({"model_version": model_version_to_wire(version)})


@router.get("/registered-models/alias")
async def get_by_alias(name: str, alias: str, registry: Registry, reads: Reads) -> Response:
    """The version an alias points at."""
    return json_body(await reads.cached(_alias_answer, registry, name, alias))
