"""The JSON form of policies and transition requests, for the REST API and its clients.

Targets are a ``stage`` or an ``alias`` key, tags MLflow's ``[{"key", "value"}]`` list,
thresholds their text (``"r2 >= 0.9"``), versions strings as in MLflow's wire format. The
server renders with these functions and clients parse with them, so both ends agree.
"""

from __future__ import annotations

from typing import Any

from modelreg.entities.permissions import Permission
from modelreg.governance.policies import MetricThreshold, PromotionPolicy, PromotionTarget
from modelreg.governance.transition_requests import Approval, RequestState, TransitionRequest
from modelreg.wire import tags_from_wire, tags_to_wire

__all__ = [
    "policy_from_wire",
    "policy_to_wire",
    "target_to_wire",
    "transition_request_from_wire",
    "transition_request_to_wire",
]

JSON = dict[str, Any]


def target_to_wire(target: PromotionTarget) -> JSON:
    """``{"stage": "Production"}`` or ``{"alias": "champion"}``."""
    if target.stage is not None:
        return {"stage": target.stage.value}
    return {"alias": target.alias}


def policy_to_wire(policy: PromotionPolicy) -> JSON:
    """A policy as JSON (``name`` null for a global policy)."""
    return {
        "name": policy.model_name,
        **target_to_wire(policy.target),
        "required_role": None if policy.required_role is None else policy.required_role.value,
        "required_approvals": policy.required_approvals,
        "require_signature": policy.require_signature,
        "required_tags": tags_to_wire(dict(policy.required_tags)),
        "metric_thresholds": [str(threshold) for threshold in policy.metric_thresholds],
        "contract_check": policy.contract_check,
    }


def policy_from_wire(body: JSON) -> PromotionPolicy:
    """The inverse of :func:`policy_to_wire`; absent rules are off."""
    role = body.get("required_role")
    return PromotionPolicy(
        target=PromotionTarget.of(body.get("stage"), body.get("alias")),
        model_name=body.get("name"),
        required_role=Permission.parse(role) if role else None,
        required_approvals=body.get("required_approvals") or 0,
        require_signature=bool(body.get("require_signature")),
        required_tags=tags_from_wire(body.get("required_tags")),
        metric_thresholds=tuple(
            MetricThreshold.parse(text) for text in body.get("metric_thresholds") or ()
        ),
        contract_check=bool(body.get("contract_check")),
    )


def transition_request_to_wire(request: TransitionRequest) -> JSON:
    """A transition request as JSON, with its approvals."""
    return {
        "id": request.id,
        "name": request.model_name,
        "version": str(request.version),
        **target_to_wire(request.target),
        "archive_existing_versions": request.archive_existing_versions,
        "requester": request.requester,
        "comment": request.comment,
        "state": request.state.value,
        "creation_timestamp": request.creation_timestamp,
        "last_updated_timestamp": request.last_updated_timestamp,
        "resolved_by": request.resolved_by,
        "resolution": request.resolution,
        "approvals": [
            {"approver": a.approver, "timestamp": a.timestamp, "comment": a.comment}
            for a in request.approvals
        ],
    }


def transition_request_from_wire(body: JSON) -> TransitionRequest:
    """The inverse of :func:`transition_request_to_wire`."""
    return TransitionRequest(
        id=int(body["id"]),
        model_name=body["name"],
        version=int(body["version"]),
        target=PromotionTarget.of(body.get("stage"), body.get("alias")),
        requester=body["requester"],
        state=RequestState(body["state"]),
        creation_timestamp=int(body["creation_timestamp"]),
        last_updated_timestamp=int(body["last_updated_timestamp"]),
        archive_existing_versions=bool(body.get("archive_existing_versions")),
        comment=body.get("comment"),
        resolved_by=body.get("resolved_by"),
        resolution=body.get("resolution"),
        approvals=tuple(
            Approval(a["approver"], int(a["timestamp"]), a.get("comment"))
            for a in body.get("approvals") or ()
        ),
    )
