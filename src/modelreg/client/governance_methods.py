"""The governance half of ``modelreg.Client``: promotion policies and transition requests."""

from __future__ import annotations

from modelreg.entities import PagedList
from modelreg.governance.policies import PromotionPolicy
from modelreg.governance.transition_requests import RequestState, TransitionRequest
from modelreg.operations import Backend


class GovernanceMethods:
    """Who may move versions into protected stages and aliases, and on which conditions."""

    _backend: Backend

    def set_promotion_policy(self, policy: PromotionPolicy) -> PromotionPolicy:
        """Declare the policy of a stage or alias (of one model, or globally), e.g.::

        from modelreg.governance.policies import MetricThreshold, PromotionPolicy, PromotionTarget

        client.set_promotion_policy(PromotionPolicy(
            PromotionTarget.of("Production"), model_name="Unicorn",
            required_role=Permission.MANAGE, required_approvals=1,
            metric_thresholds=(MetricThreshold.parse("r2 >= 0.9"),), contract_check=True))
        """
        return self._backend.governance.set_promotion_policy(policy)

    def get_promotion_policy(
        self, name: str | None = None, *, stage: str | None = None, alias: str | None = None
    ) -> PromotionPolicy:
        """The policy declared for a stage or alias of model ``name`` (None: globally)."""
        return self._backend.governance.get_promotion_policy(name, stage=stage, alias=alias)

    def list_promotion_policies(self, name: str | None = None) -> list[PromotionPolicy]:
        """Every policy declared on model ``name`` (None: the global policies)."""
        return self._backend.governance.list_promotion_policies(name)

    def get_effective_promotion_policy(
        self, name: str, *, stage: str | None = None, alias: str | None = None
    ) -> PromotionPolicy | None:
        """The policy that governs a stage or alias of a model: its own, else the global one."""
        return self._backend.governance.get_effective_promotion_policy(
            name, stage=stage, alias=alias
        )

    def delete_promotion_policy(
        self, name: str | None = None, *, stage: str | None = None, alias: str | None = None
    ) -> None:
        """Remove the policy declared for a stage or alias of ``name`` (None: globally)."""
        self._backend.governance.delete_promotion_policy(name, stage=stage, alias=alias)

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
        """Ask managers to move a version into a protected stage (or to an alias), e.g.
        ``create_transition_request("Unicorn", 7, "Production", comment="beats v6")``."""
        return self._backend.governance.create_transition_request(
            name,
            version,
            stage,
            alias=alias,
            archive_existing_versions=archive_existing_versions,
            comment=comment,
        )

    def get_transition_request(self, request_id: int | str) -> TransitionRequest:
        """One request with its approvals."""
        return self._backend.governance.get_transition_request(request_id)

    def search_transition_requests(
        self,
        name: str | None = None,
        *,
        state: RequestState | str | None = RequestState.PENDING,
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> PagedList[TransitionRequest]:
        """Requests of model ``name`` (None: every model you may read), oldest first; pending
        ones by default (``state=None``: all)."""
        return self._backend.governance.search_transition_requests(
            name, state=state, max_results=max_results, page_token=page_token
        )

    def approve_transition_request(
        self, request_id: int | str, comment: str | None = None
    ) -> TransitionRequest:
        """Approve a request (managers); the approval that completes it makes the move."""
        return self._backend.governance.approve_transition_request(request_id, comment)

    def reject_transition_request(
        self, request_id: int | str, comment: str | None = None
    ) -> TransitionRequest:
        """Turn a request down (managers)."""
        return self._backend.governance.reject_transition_request(request_id, comment)

    def cancel_transition_request(
        self, request_id: int | str, comment: str | None = None
    ) -> TransitionRequest:
        """Withdraw a request (its requester, or a manager)."""
        return self._backend.governance.cancel_transition_request(request_id, comment)
