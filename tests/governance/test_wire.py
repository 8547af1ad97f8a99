"""The JSON form of policies and transition requests reads back as what was written."""

from __future__ import annotations

from modelreg.entities.permissions import Permission
from modelreg.governance.policies import MetricThreshold, PromotionPolicy, PromotionTarget
from modelreg.governance.transition_requests import Approval, RequestState, TransitionRequest
from modelreg.governance.wire import (
    policy_from_wire,
    policy_to_wire,
    transition_request_from_wire,
    transition_request_to_wire,
)


def test_policies_round_trip() -> None:
    for policy in (
        PromotionPolicy(PromotionTarget.of(alias="champion")),
        PromotionPolicy(
            PromotionTarget.of(stage="Production"),
            "Unicorn",
            required_role=Permission.EDIT,
            required_approvals=3,
            require_signature=True,
            required_tags={"validation_status": "approved", "team": "growth"},
            metric_thresholds=(MetricThreshold.parse("r2 >= 0.9"),),
            contract_check=True,
        ),
    ):
        assert policy_from_wire(policy_to_wire(policy)) == policy


def test_transition_requests_round_trip() -> None:
    request = TransitionRequest(
        id=7,
        model_name="Unicorn",
        version=3,
        target=PromotionTarget.of(stage="Production"),
        requester="ed",
        state=RequestState.APPROVED,
        creation_timestamp=1,
        last_updated_timestamp=5,
        archive_existing_versions=True,
        comment="ready",
        resolved_by="mia",
        approvals=(Approval("max", 3, "ok"), Approval("mia", 4)),
    )
    wire = transition_request_to_wire(request)
    assert (wire["version"], wire["stage"], wire["state"]) == ("3", "Production", "approved")
    assert transition_request_from_wire(wire) == request
