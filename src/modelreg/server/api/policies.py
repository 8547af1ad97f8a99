"""``/api/2.0/modelreg/policies/*``: declare, read and remove promotion policies.

A request without ``name`` addresses the global policies.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.responses import Response

from modelreg.governance.wire import policy_from_wire, policy_to_wire
from modelreg.server.dependencies import Governance
from modelreg.server.responses import JSONResponse, empty

router = APIRouter(tags=["promotion policies"])


class RequiredTag(BaseModel):
    key: str
    value: str = ""


class SetPolicy(BaseModel):
    name: str | None = None
    stage: str | None = None
    alias: str | None = None
    required_role: str | None = None
    required_approvals: int = 0
    require_signature: bool = False
    required_tags: list[RequiredTag] = Field(default_factory=list)
    metric_thresholds: list[str] = Field(default_factory=list)
    contract_check: bool = False


class PolicyRef(BaseModel):
    name: str | None = None
    stage: str | None = None
    alias: str | None = None


@router.post("/policies/set")
def set_policy(body: SetPolicy, governance: Governance) -> Response:
    """Declare the policy of a stage or alias (of model ``name``, else global), replacing it."""
    policy = governance.set_promotion_policy(policy_from_wire(body.model_dump()))
    return JSONResponse({"policy": policy_to_wire(policy)})


@router.get("/policies/get")
def get_policy(
    governance: Governance,
    name: str | None = None,
    stage: str | None = None,
    alias: str | None = None,
) -> Response:
    """The policy declared for a stage or alias of model ``name`` (else globally)."""
    policy = governance.get_promotion_policy(name, stage=stage, alias=alias)
    return JSONResponse({"policy": policy_to_wire(policy)})


@router.get("/policies/list")
def list_policies(governance: Governance, name: str | None = None) -> Response:
    """Every policy declared on model ``name`` (else the global ones)."""
    policies = governance.list_promotion_policies(name)
    return JSONResponse({"policies": [policy_to_wire(policy) for policy in policies]})


@router.get("/policies/effective")
def effective_policy(
    name: str, governance: Governance, stage: str | None = None, alias: str | None = None
) -> Response:
    """The policy that governs a stage or alias of a model: its own, else the global one."""
    policy = governance.get_effective_promotion_policy(name, stage=stage, alias=alias)
    return JSONResponse({} if policy is None else {"policy": policy_to_wire(policy)})


@router.delete("/policies/delete")
def delete_policy(body: PolicyRef, governance: Governance) -> Response:
    """Remove the policy declared for a stage or alias (of model ``name``, else global)."""
    governance.delete_promotion_policy(body.name, stage=body.stage, alias=body.alias)
    return empty()
