"""``/api/2.0/modelreg/transition-requests/*``: ask for, list, approve, reject and cancel
moves into protected stages and aliases."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import Response

from modelreg.governance.transition_requests import TransitionRequest
from modelreg.governance.wire import transition_request_to_wire
from modelreg.server.dependencies import Governance
from modelreg.server.responses import JSONResponse

router = APIRouter(tags=["transition requests"])


class CreateRequest(BaseModel):
    name: str
    version: str
    stage: str | None = None
    alias: str | None = None
    archive_existing_versions: bool = False
    comment: str | None = None


class RequestDecision(BaseModel):
    id: str
    comment: str | None = None


def _request(request: TransitionRequest) -> Response:
    return JSONResponse({"transition_request": transition_request_to_wire(request)})


@router.post("/transition-requests/create")
def create(body: CreateRequest, governance: Governance) -> Response:
    """Ask managers to move a version into a stage, or to point an alias at it."""
    return _request(
        governance.create_transition_request(
            body.name,
            body.version,
            body.stage,
            alias=body.alias,
            archive_existing_versions=body.archive_existing_versions,
            comment=body.comment,
        )
    )


@router.get("/transition-requests/get")
def get(id: str, governance: Governance) -> Response:
    """One request with its approvals."""
    return _request(governance.get_transition_request(id))


@router.get("/transition-requests/list")
def list_requests(
    governance: Governance,
    name: str | None = None,
    state: str = "pending",
    max_results: int | None = None,
    page_token: str | None = None,
) -> Response:
    """Requests of model ``name`` (else of every model), oldest first; ``state`` ``all``
    lists every state."""
    page = governance.search_transition_requests(
        name, state=state, max_results=max_results, page_token=page_token
    )
    body: dict[str, object] = {
        "transition_requests": [transition_request_to_wire(request) for request in page]
    }
    if page.token:
        body["next_page_token"] = page.token
    return JSONResponse(body)


@router.post("/transition-requests/approve")
def approve(body: RequestDecision, governance: Governance) -> Response:
    """Approve a request; the approval that completes it carries the move out."""
    return _request(governance.approve_transition_request(body.id, body.comment))


@router.post("/transition-requests/reject")
def reject(body: RequestDecision, governance: Governance) -> Response:
    """Turn a request down (managers)."""
    return _request(governance.reject_transition_request(body.id, body.comment))


@router.post("/transition-requests/cancel")
def cancel(body: RequestDecision, governance: Governance) -> Response:
    """Withdraw a request (its requester, or a manager)."""
    return _request(governance.cancel_transition_request(body.id, body.comment))
