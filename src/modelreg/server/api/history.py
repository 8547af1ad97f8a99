"""``/api/2.0/modelreg/...``: a model's history, point-in-time queries, rollback, restore."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import Response

from modelreg.server.dependencies import History, Registry
from modelreg.server.responses import JSONResponse
from modelreg.wire import event_to_wire, model_version_to_wire

router = APIRouter(tags=["history"])


class Rollback(BaseModel):
    name: str
    stage: str | None = None
    alias: str | None = None


class VersionRef(BaseModel):
    name: str
    version: str


@router.get("/registered-models/history")
def history(
    name: str,
    history: History,
    max_results: int | None = None,
    page_token: str | None = None,
) -> Response:
    """Every recorded change of a model (who, when, before, after), newest first."""
    page = history.get_model_history(name, max_results=max_results, page_token=page_token)
    body: dict[str, object] = {"events": [event_to_wire(event) for event in page]}
    if page.token:
        body["next_page_token"] = page.token
    return JSONResponse(body)


@router.get("/registered-models/version-at")
def version_at(
    name: str,
    timestamp: int,
    history: History,
    stage: str | None = None,
    alias: str | None = None,
) -> Response:
    """The version that held a stage or alias at ``timestamp`` (ms); ``{}`` when none did."""
    version = history.get_version_at(name, timestamp, stage=stage, alias=alias)
    return JSONResponse({} if version is None else {"version": str(version)})


@router.post("/registered-models/rollback")
def rollback(body: Rollback, history: History) -> Response:
    """Give a stage or alias back to the version that held it before the current one."""
    version = history.rollback(body.name, stage=body.stage, alias=body.alias)
    return JSONResponse({"model_version": model_version_to_wire(version)})


@router.post("/model-versions/restore")
def restore(body: VersionRef, registry: Registry) -> Response:
    """Bring back a deleted version while it is still in the trash."""
    version = registry.restore_model_version(body.name, body.version)
    return JSONResponse({"model_version": model_version_to_wire(version)})
