"""``/model-versions/*``: create, read, update, delete, search, stages, tags, download URI."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from modelreg.entities import ModelVersion
from modelreg.server.dependencies import ArtifactProxy, Reads, Registration, Registry
from modelreg.server.mlflow_compat.registered_models import Tag
from modelreg.server.mlflow_compat.search_pages import search_answer
from modelreg.server.responses import JSONResponse, empty, json_body
from modelreg.service import RegistryService
from modelreg.wire import model_version_to_wire, tags_from_wire

router = APIRouter(tags=["model versions"])


class CreateModelVersion(BaseModel):
    name: str
    source: str = ""
    run_id: str | None = None
    tags: list[Tag] = Field(default_factory=list)
    run_link: str | None = None
    description: str | None = None
    model_id: str | None = None
    idempotency_key: str | None = None


class VersionRef(BaseModel):
    name: str
    version: str


class DeleteModelVersion(VersionRef):
    force: bool = False


class UpdateModelVersion(VersionRef):
    description: str | None = None


class TransitionStage(VersionRef):
    stage: str
    archive_existing_versions: bool = False
    expected_version: str | None = None
    force: bool = False


class SetVersionTag(VersionRef):
    key: str
    value: str = ""


class DeleteVersionTag(VersionRef):
    key: str


def _version(version: ModelVersion) -> Response:
    return JSONResponse({"model_version": model_version_to_wire(version)})


@router.post("/model-versions/create")
def create(body: CreateModelVersion, registration: Registration) -> Response:
    """Add the next version of a registered model; a model folder source is copied."""
    tags = tags_from_wire([tag.model_dump() for tag in body.tags])
    return _version(
        registration.create_model_version(
            body.name,
            body.source,
            body.run_id,
            tags,
            body.run_link,
            body.description,
            idempotency_key=body.idempotency_key,
        )
    )


def _version_answer(registry: RegistryService, name: str, version: str) -> bytes:
    found = registry.get_model_version(name, version)
    return orjson.dumps({"model_version": model_version_to_wire(found)})


@router.get("/model-versions/get")
async def get(name: str, version: str, registry: Registry, reads: Reads) -> Response:
    """One model version."""
    return json_body(await reads.cached(_version_answer, registry, name, version))


@router.patch("/model-versions/update")
def update(body: UpdateModelVersion, registry: Registry) -> Response:
    """Replace a version's description."""
    return _version(registry.update_model_version(body.name, body.version, body.description))


@router.delete("/model-versions/delete")
def delete(body: DeleteModelVersion, registry: Registry) -> Response:
    """Delete a model version (``force`` for one in a stage or holding an alias)."""
    registry.delete_model_version(body.name, body.version, force=body.force)
    return empty()


@router.get("/model-versions/search")
async def search(
    registry: Registry,
    reads: Reads,
    filter: str | None = None,
    max_results: int | None = None,
    order_by: Annotated[list[str] | None, Query()] = None,
    page_token: str | None = None,
) -> Response:
    """Model versions matching a filter, one page at a time."""
    ordering = tuple(order_by) if order_by else None
    answer = await reads.cached(
        search_answer,
        registry.search_model_versions,
        "model_versions",
        model_version_to_wire,
        filter,
        max_results,
        ordering,
        page_token,
    )
    return json_body(answer)


@router.post("/model-versions/transition-stage")
def transition_stage(body: TransitionStage, registry: Registry) -> Response:
    """Move a version to a stage, optionally archiving the versions already there."""
    return _version(
        registry.transition_model_version_stage(
            body.name,
            body.version,
            body.stage,
            body.archive_existing_versions,
            expected_version=body.expected_version,
            force=body.force,
        )
    )


@router.post("/model-versions/set-tag")
def set_tag(body: SetVersionTag, registry: Registry) -> Response:
    """Set a tag on a version."""
    registry.set_model_version_tag(body.name, body.version, body.key, body.value)
    return empty()


@router.delete("/model-versions/delete-tag")
def delete_tag(body: DeleteVersionTag, registry: Registry) -> Response:
    """Remove a tag from a version."""
    registry.delete_model_version_tag(body.name, body.version, body.key)
    return empty()


@router.get("/model-versions/get-download-uri")
async def download_uri(
    name: str, version: str, registry: Registry, proxy: ArtifactProxy, reads: Reads
) -> Response:
    """Where the version's files can be downloaded (through the artifact proxy)."""
    uri = await reads(registry.get_model_version_download_uri, name, version)
    return JSONResponse({"artifact_uri": proxy.public_uri(uri)})
