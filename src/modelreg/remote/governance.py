"""RemoteGovernance: promotion policies and transition requests over a server's REST API."""

from __future__ import annotations

from typing import Any

from modelreg.entities import PagedList
from modelreg.governance.policies import PromotionPolicy
from modelreg.governance.transition_requests import RequestState, TransitionRequest
from modelreg.governance.wire import (
    policy_from_wire,
    policy_to_wire,
    transition_request_from_wire,
)
from modelreg.remote.http import OWN_API, RestClient

_POLICIES = f"{OWN_API}/policies"
_REQUESTS = f"{OWN_API}/transition-requests"


def _request(body: dict[str, Any]) -> TransitionRequest:
    return transition_request_from_wire(body["transition_request"])


class RemoteGovernance:
    """The ``/api/2.0/modelreg/policies`` and ``/transition-requests`` endpoints."""

    def __init__(self, rest: RestClient) -> None:
        self.rest = rest

    def set_promotion_policy(self, policy: PromotionPolicy) -> PromotionPolicy:
        """Declare (or replace) a policy."""
        return policy_from_wire(
            self.rest.post(f"{_POLICIES}/set", **policy_to_wire(policy))["policy"]
        )

    def get_promotion_policy(
        self, name: str | None = None, *, stage: str | None = None, alias: str | None = None
    ) -> PromotionPolicy:
        """The policy declared for a stage or alias of ``name`` (None: globally)."""
        body = self.rest.get(f"{_POLICIES}/get", name=name, stage=stage, alias=alias)
        return policy_from_wire(body["policy"])

    def list_promotion_policies(self, name: str | None = None) -> list[PromotionPolicy]:
        """Every policy of ``name`` (None: the global ones)."""
        body = self.rest.get(f"{_POLICIES}/list", name=name)
        return [policy_from_wire(policy) for policy in body.get("policies", [])]

    def get_effective_promotion_policy(
        self, name: str, *, stage: str | None = None, alias: str | None = None
    ) -> PromotionPolicy | None:
        """The policy that governs a stage or alias of ``name``, if any."""
        body = self.rest.get(f"{_POLICIES}/effective", name=name, stage=stage, alias=alias)
        return policy_from_wire(body["policy"]) if "policy" in body else None

    def delete_promotion_policy(
        self, name: str | None = None, *, stage: str | None = None, alias: str | None = None
    ) -> None:
        """Remove a policy."""
        self.rest.delete(f"{_POLICIES}/delete", name=name, stage=stage, alias=alias)

    def create_transition_request(
        self,
        name: str,
        version: int | str,
        stage: str | None = None,
        *,
        alias: str | None = None,
        archive_existing_versions: bool = False,
        comment: str | None = None,
    ) -> TransitionRequest:
        """Ask managers to move a version into a stage or alias."""
        return _request(
            self.rest.post(
                f"{_REQUESTS}/create",
                name=name,
                version=str(version),
                stage=stage,
                alias=alias,
                archive_existing_versions=archive_existing_versions,
                comment=comment,
            )
        )

    def get_transition_request(self, request_id: int | str) -> TransitionRequest:
        """One request with its approvals."""
        return _request(self.rest.get(f"{_REQUESTS}/get", id=str(request_id)))

    def search_transition_requests(
        self,
        name: str | None = None,
        *,
        state: RequestState | str | None = RequestState.PENDING,
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> PagedList[TransitionRequest]:
        """Requests of ``name`` (None: every model), oldest first."""
        body = self.rest.get(
            f"{_REQUESTS}/list",
            name=name,
            state="all" if state is None else str(state),
            max_results=max_results,
            page_token=page_token,
        )
        requests = [transition_request_from_wire(r) for r in body.get("transition_requests", [])]
        return PagedList(requests, body.get("next_page_token") or None)

    def approve_transition_request(
        self, request_id: int | str, comment: str | None = None
    ) -> TransitionRequest:
        """Approve a request (the approval that completes it makes the move)."""
        return _request(self.rest.post(f"{_REQUESTS}/approve", id=str(request_id), comment=comment))

    def reject_transition_request(
        self, request_id: int | str, comment: str | None = None
    ) -> TransitionRequest:
        """Turn a request down."""
        return _request(self.rest.post(f"{_REQUESTS}/reject", id=str(request_id), comment=comment))

    def cancel_transition_request(
        self, request_id: int | str, comment: str | None = None
    ) -> TransitionRequest:
        """Withdraw a request."""
        return _request(self.rest.post(f"{_REQUESTS}/cancel", id=str(request_id), comment=comment))
