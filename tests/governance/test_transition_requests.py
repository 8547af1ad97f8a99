"""Transition requests: an editor asks, distinct managers approve, the last approval moves the
version; each step is in the audit log. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from modelreg.entities import Stage
from modelreg.entities.permissions import Permission
from modelreg.errors import InvalidParameterValue, PermissionDenied, PolicyViolation
from modelreg.governance.errors import AlreadyApproved, RequestNotPending
from modelreg.governance.policies import MetricThreshold, PromotionPolicy, PromotionTarget
from modelreg.governance.service import GovernanceService
from modelreg.governance.transition_requests import RequestState
from modelreg.service import RegistryService, TrackingService
from tests.governance.conftest import as_user, history, logged_run

PRODUCTION = PromotionTarget.of(stage="Production")


@pytest.fixture
def protected(governed: RegistryService, governance: GovernanceService) -> RegistryService:
    """Unicorn with versions 1 and 2; its Production needs MANAGE or one manager's approval."""
    with as_user("root"):
        governed.create_registered_model("Unicorn")
        governed.create_model_version("Unicorn", "s3://bucket/v1")
        governed.create_model_version("Unicorn", "s3://bucket/v2")
        governance.set_promotion_policy(
            PromotionPolicy(PRODUCTION, "Unicorn", required_role=Permission.MANAGE)
        )
    return governed


def stage_of(registry: RegistryService, version: int) -> Stage:
    with as_user("root"):
        return registry.get_model_version("Unicorn", version).current_stage


def test_an_approved_request_performs_the_refused_transition_and_both_are_recorded(
    protected: RegistryService, governance: GovernanceService
) -> None:
    with as_user("ed"):
        with pytest.raises(PolicyViolation):
            protected.transition_model_version_stage("Unicorn", 1, "Production")
        request = governance.create_transition_request(
            "Unicorn", 1, "Production", comment="beats the baseline"
        )
    assert (request.state, request.requester, request.comment) == (
        RequestState.PENDING,
        "ed",
        "beats the baseline",
    )
    assert stage_of(protected, 1) is Stage.NONE
    with as_user("mia"):
        approved = governance.approve_transition_request(request.id, "ship it")
    assert approved.state is RequestState.APPROVED
    assert approved.resolved_by == "mia"
    assert [(a.approver, a.comment) for a in approved.approvals] == [("mia", "ship it")]
    assert stage_of(protected, 1) is Stage.PRODUCTION
    events = [e for e in history(protected, "Unicorn") if e.version == 1 and e.action != "created"]
    assert [(e.name, e.actor) for e in events] == [
        ("transition_request.approved", "mia"),
        ("model_version_stage.transitioned", "mia"),
    ]
    created = next(e for e in history(protected, "Unicorn") if e.entity == "transition_request")
    assert (created.action, created.actor, created.data["request_id"]) == ("created", "ed", 1)
    assert created.data["stage"] == "Production"
    assert events[0].data["approvals"] == 1
    assert events[1].data["request_id"] == request.id


def test_the_requester_cannot_approve_their_own_request(
    protected: RegistryService, governance: GovernanceService
) -> None:
    with as_user("mia"):
        request = governance.create_transition_request("Unicorn", 1, "Production")
        with pytest.raises(PermissionDenied, match="cannot approve it"):
            governance.approve_transition_request(request.id)
    assert governance_state(governance, request.id) is RequestState.PENDING


def governance_state(governance: GovernanceService, request_id: int) -> RequestState:
    with as_user("root"):
        return governance.get_transition_request(request_id).state


def test_approvals_count_distinct_managers(
    protected: RegistryService, governance: GovernanceService
) -> None:
    with as_user("root"):
        governance.set_promotion_policy(
            PromotionPolicy(PRODUCTION, "Unicorn", required_approvals=2)
        )
    with as_user("ed"):
        request = governance.create_transition_request("Unicorn", 2, "Production")
        with pytest.raises(PermissionDenied):  # editors do not approve
            governance.approve_transition_request(request.id)
    with as_user("mia"):
        first = governance.approve_transition_request(request.id)
        with pytest.raises(AlreadyApproved):
            governance.approve_transition_request(request.id)
    assert (first.state, first.approvers) == (RequestState.PENDING, ["mia"])
    assert stage_of(protected, 2) is Stage.NONE
    with as_user("max"):
        second = governance.approve_transition_request(request.id)
    assert (second.state, second.approvers) == (RequestState.APPROVED, ["mia", "max"])
    assert stage_of(protected, 2) is Stage.PRODUCTION


def test_a_move_may_not_borrow_a_request_that_is_not_approved_enough(
    protected: RegistryService, governance: GovernanceService
) -> None:
    with as_user("ed"):
        request = governance.create_transition_request("Unicorn", 1, "Production")
        with pytest.raises(PolicyViolation, match="has 0 of the 1 approvals") as refused:
            protected.transition_model_version_stage(
                "Unicorn", 1, "Production", request_id=request.id
            )
        assert refused.value.rule == "approvals"
        with pytest.raises(PolicyViolation, match="does not ask to move version 2"):
            protected.transition_model_version_stage(
                "Unicorn", 2, "Production", request_id=request.id
            )


def test_the_other_rules_still_apply_to_an_approved_request_and_it_fails(
    protected: RegistryService, governance: GovernanceService, tracking: TrackingService
) -> None:
    with as_user("root"):
        protected.create_model_version("Unicorn", "s3://bucket/v3", logged_run(tracking, r2=0.5))
        governance.set_promotion_policy(
            PromotionPolicy(
                PRODUCTION,
                "Unicorn",
                required_role=Permission.MANAGE,
                metric_thresholds=(MetricThreshold.parse("r2 >= 0.9"),),
            )
        )
    with as_user("ed"):
        request = governance.create_transition_request("Unicorn", 3, "Production")
    with as_user("mia"), pytest.raises(PolicyViolation) as refused:
        governance.approve_transition_request(request.id)
    assert refused.value.rule == "metric:r2"
    with as_user("root"):
        failed = governance.get_transition_request(request.id)
    assert failed.state is RequestState.FAILED
    assert failed.resolution is not None
    assert "metric r2 of run" in failed.resolution
    assert stage_of(protected, 3) is Stage.NONE
    assert history(protected, "Unicorn")[-1].name == "transition_request.failed"


def test_reject_and_cancel_close_a_request(
    protected: RegistryService, governance: GovernanceService
) -> None:
    with as_user("ed"):
        rejected = governance.create_transition_request("Unicorn", 1, "Production")
        cancelled = governance.create_transition_request("Unicorn", 2, "Production")
        withdrawn = governance.create_transition_request("Unicorn", 2, "Staging")
    with as_user("rita"), pytest.raises(PermissionDenied):  # only the requester or a manager
        governance.cancel_transition_request(cancelled.id)
    with as_user("mia"):
        closed = governance.reject_transition_request(rejected.id, "not yet")
        governance.cancel_transition_request(cancelled.id)
        with pytest.raises(RequestNotPending, match="is rejected"):
            governance.approve_transition_request(rejected.id)
    with as_user("ed"):
        with pytest.raises(PermissionDenied):
            governance.reject_transition_request(withdrawn.id)
        governance.cancel_transition_request(withdrawn.id, "changed my mind")
    assert (closed.state, closed.resolved_by, closed.resolution) == (
        RequestState.REJECTED,
        "mia",
        "not yet",
    )
    assert governance_state(governance, cancelled.id) is RequestState.CANCELLED
    assert governance_state(governance, withdrawn.id) is RequestState.CANCELLED
    assert stage_of(protected, 1) is Stage.NONE
    actions = [
        (e.action, e.actor)
        for e in history(protected, "Unicorn")
        if e.entity == "transition_request"
    ]
    assert actions[3:] == [("rejected", "mia"), ("cancelled", "mia"), ("cancelled", "ed")]


def test_an_alias_request_moves_the_alias(
    protected: RegistryService, governance: GovernanceService
) -> None:
    with as_user("root"):
        governance.set_promotion_policy(
            PromotionPolicy(PromotionTarget.of(alias="champion"), "Unicorn", required_approvals=1)
        )
    with as_user("ed"):
        with pytest.raises(PolicyViolation):
            protected.set_registered_model_alias("Unicorn", "champion", 2)
        request = governance.create_transition_request("Unicorn", 2, alias="champion")
    with as_user("mia"):
        assert governance.approve_transition_request(request.id).state is RequestState.APPROVED
        assert protected.get_model_version_by_alias("Unicorn", "champion").version == 2


def test_requests_are_validated(protected: RegistryService, governance: GovernanceService) -> None:
    with as_user("ed"):
        with pytest.raises(InvalidParameterValue, match="exactly one of 'stage' and 'alias'"):
            governance.create_transition_request("Unicorn", 1)
        with pytest.raises(InvalidParameterValue, match="Staging or Production only"):
            governance.create_transition_request(
                "Unicorn", 1, alias="champion", archive_existing_versions=True
            )
        with pytest.raises(InvalidParameterValue, match="Invalid transition request id"):
            governance.approve_transition_request("abc")
    with as_user("rita"), pytest.raises(PermissionDenied):  # readers cannot ask
        governance.create_transition_request("Unicorn", 1, "Production")


def test_pending_requests_are_listed_per_model_and_globally(
    protected: RegistryService, governance: GovernanceService
) -> None:
    with as_user("root"):
        protected.create_registered_model("Pegasus")
        protected.create_model_version("Pegasus", "s3://bucket/p1")
    with as_user("ed"):
        first = governance.create_transition_request("Unicorn", 1, "Production")
        second = governance.create_transition_request("Pegasus", 1, "Staging")
        third = governance.create_transition_request("Unicorn", 2, "Staging")
        governance.cancel_transition_request(third.id)
        fourth = governance.create_transition_request("Unicorn", 2, "Production")
    with as_user("rita"):
        page = governance.search_transition_requests(max_results=2)
        assert [r.id for r in page] == [first.id, second.id]
        rest = governance.search_transition_requests(max_results=2, page_token=page.token)
        assert ([r.id for r in rest], rest.token) == ([fourth.id], None)
        unicorn = governance.search_transition_requests("Unicorn")
        assert [r.id for r in unicorn] == [first.id, fourth.id]
        every = governance.search_transition_requests("Unicorn", state="all")
        assert [r.id for r in every] == [first.id, third.id, fourth.id]
        cancelled = governance.search_transition_requests(state="cancelled")
        assert [r.id for r in cancelled] == [third.id]
        with pytest.raises(InvalidParameterValue, match="Invalid request state"):
            governance.search_transition_requests(state="done")
    with as_user("nobody"):  # no permission on any model: nothing listed
        assert governance.search_transition_requests() == []
