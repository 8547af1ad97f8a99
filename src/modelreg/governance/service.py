"""``GovernanceService``: promotion policies and transition requests, for every door.

Policies are declared per model (MANAGE on it) or globally (an administrator). A request
asks managers to move a version into a target; each approval is recorded, and the approval
that reaches the number the policy requires carries the move out through the registry, where
the promotion gate still applies every rule but the role. Each step writes its audit event
in the step's own transaction.
"""

from __future__ import annotations

from typing import Any

from modelreg import validation
from modelreg.entities import PagedList, Stage
from modelreg.entities.events import EventEntity
from modelreg.entities.permissions import Permission
from modelreg.errors import InvalidParameterValue, ModelRegistryError, PermissionDenied
from modelreg.governance.errors import AlreadyApproved, PolicyNotFound, RequestNotPending
from modelreg.governance.policies import PromotionPolicy, PromotionTarget
from modelreg.governance.transition_requests import RequestState, TransitionRequest
from modelreg.governance.wire import policy_to_wire, target_to_wire
from modelreg.identity import actor_name
from modelreg.search.page_token import decode_page_token, encode_page_token, query_fingerprint
from modelreg.service.access import Resource
from modelreg.service.registry import RegistryService
from modelreg.store.sql import governance_store
from modelreg.store.sql.registry_store import SqlRegistryTransaction

__all__ = ["GovernanceService"]

#: The ``entity`` of the audit events of policy changes (actions ``set`` and ``deleted``).
#: ``model_name`` of the audit events of global policies (no model has an empty name).
GLOBAL_SCOPE = ""

_DEFAULT_PAGE = 100
_MAX_PAGE = 1000
_ARCHIVABLE = (Stage.STAGING, Stage.PRODUCTION)


class GovernanceService:
    """Promotion policies and transition requests over the registry's store and rules.

    Example::

        governance = GovernanceService(registry)
        governance.set_promotion_policy(
            PromotionPolicy(PromotionTarget.of(stage="Production"), "Unicorn",
                            required_role=Permission.MANAGE, required_approvals=1)
        )
        request = governance.create_transition_request("Unicorn", 3, "Production")
        governance.approve_transition_request(request.id)   # as another manager
    """

    def __init__(self, registry: RegistryService) -> None:
        self.registry = registry
        self.store = registry.store
        self.clock = registry.clock
        self.access = registry.access

    # -- policies --------------------------------------------------------------------------

    def set_promotion_policy(self, policy: PromotionPolicy) -> PromotionPolicy:
        """Declare ``policy`` for its target, replacing the one declared there before."""
        self._require_policy_admin(policy.model_name)
        with self.store.write() as tx:
            model_id = self._scope_id(tx, policy.model_name)
            old = governance_store.policy(tx.connection, model_id, policy.target)
            now = self.clock()
            governance_store.replace_policy(tx.connection, model_id, policy, now)
            new = governance_store.policy(tx.connection, model_id, policy.target)
            assert new is not None
            self._record_policy(tx, now, "set", model_id, policy.model_name, old, new)
            return new

    def get_promotion_policy(
        self, name: str | None = None, *, stage: str | None = None, alias: str | None = None
    ) -> PromotionPolicy:
        """The policy declared for a stage or alias of model ``name`` (None: globally)."""
        target = PromotionTarget.of(stage, alias)
        self._require_policy_reader(name)
        with self.store.read() as tx:
            found = governance_store.policy(tx.connection, self._scope_id(tx, name), target)
        if found is None:
            raise PolicyNotFound(target, name)
        return found

    def list_promotion_policies(self, name: str | None = None) -> list[PromotionPolicy]:
        """Every policy declared on model ``name`` (None: the global policies)."""
        self._require_policy_reader(name)
        with self.store.read() as tx:
            return governance_store.policies(tx.connection, self._scope_id(tx, name))

    def get_effective_promotion_policy(
        self, name: str, *, stage: str | None = None, alias: str | None = None
    ) -> PromotionPolicy | None:
        """The policy that governs a stage or alias of ``name``: its own, else the global one."""
        target = PromotionTarget.of(stage, alias)
        self._require_policy_reader(name)
        with self.store.read() as tx:
            model_id = tx.model_id(validation.model_name(name))
            return governance_store.effective_policy(tx.connection, model_id, target)

    def delete_promotion_policy(
        self, name: str | None = None, *, stage: str | None = None, alias: str | None = None
    ) -> None:
        """Remove the policy declared for a stage or alias of ``name`` (None: globally)."""
        target = PromotionTarget.of(stage, alias)
        self._require_policy_admin(name)
        with self.store.write() as tx:
            model_id = self._scope_id(tx, name)
            old = governance_store.policy(tx.connection, model_id, target)
            if old is None:
                raise PolicyNotFound(target, name)
            governance_store.delete_policy(tx.connection, model_id, target)
            self._record_policy(tx, self.clock(), "deleted", model_id, name, old, None)

    def _scope_id(self, tx: SqlRegistryTransaction, name: str | None) -> int | None:
        return None if name is None else tx.model_id(validation.model_name(name))

    def _require_policy_reader(self, name: str | None) -> None:
        if name is not None:
            self.access.require(Resource.model(validation.model_name(name)), Permission.READ)

    def _require_policy_admin(self, name: str | None) -> None:
        """MANAGE on the model; an administrator for global policies.

        Without access control (the single-user default), everyone is the administrator.
        """
        if name is not None:
            self.access.require(Resource.model(validation.model_name(name)), Permission.MANAGE)
            return
        self.access.require_admin()

    def _record_policy(
        self,
        tx: SqlRegistryTransaction,
        now: int,
        action: str,
        model_id: int | None,
        name: str | None,
        old: PromotionPolicy | None,
        new: PromotionPolicy | None,
    ) -> None:
        changed = new if new is not None else old
        assert changed is not None
        tx.record_event(
            timestamp=now,
            actor=actor_name(),
            entity=EventEntity.POLICY,
            action=action,
            model_id=model_id,
            model_name=GLOBAL_SCOPE if name is None else name,
            version=None,
            before=None if old is None else policy_to_wire(old),
            after=None if new is None else policy_to_wire(new),
            data=target_to_wire(changed.target),
        )

    # -- transition requests ---------------------------------------------------------------

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
        """Ask managers to move a version into ``stage`` (or to point ``alias`` at it).

        Needs EDIT on the model; the request waits, pending, for approvals.
        """
        name, number = validation.model_name(name), validation.version(version)
        target = PromotionTarget.of(stage, alias)
        comment = validation.description(comment)
        if archive_existing_versions and target.stage not in _ARCHIVABLE:
            raise InvalidParameterValue(
                "archive_existing_versions applies to requests into Staging or Production only."
            )
        self.access.require(Resource.model(name), Permission.EDIT)
        with self.store.write() as tx:
            model_id = tx.model_id(name)
            tx.get_version(name, model_id, number)
            now = self.clock()
            request_id = governance_store.insert_request(
                tx.connection,
                model_id=model_id,
                version=number,
                target=target,
                archive_existing_versions=archive_existing_versions,
                requester=actor_name(),
                comment=comment,
                now=now,
            )
            request = governance_store.request(tx.connection, request_id)
            self._record_request(
                tx,
                now,
                "created",
                request,
                model_id,
                after={"state": RequestState.PENDING.value},
                archive_existing_versions=archive_existing_versions,
                comment=comment,
            )
            return request

    def get_transition_request(self, request_id: int | str) -> TransitionRequest:
        """One transition request, with its approvals."""
        request = self._load(_request_id(request_id))
        self.access.require(Resource.model(request.model_name), Permission.READ)
        return request

    def search_transition_requests(
        self,
        name: str | None = None,
        *,
        state: RequestState | str | None = RequestState.PENDING,
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> PagedList[TransitionRequest]:
        """Requests of model ``name`` (None: of every model the caller may read), oldest first.

        ``state`` keeps those in one state (pending by default; None or ``"all"``: every
        state). Pages of all models leave out the requests of models the caller may not read.
        """
        wanted = None if state in (None, "all") else RequestState.parse(str(state))
        limit = validation.max_results(max_results, default=_DEFAULT_PAGE, limit=_MAX_PAGE)
        fingerprint = query_fingerprint("transition_requests", name, wanted)
        after = decode_page_token(page_token, fingerprint)
        if name is not None:
            name = validation.model_name(name)
            self.access.require(Resource.model(name), Permission.READ)
        with self.store.read() as tx:
            found = governance_store.requests(
                tx.connection,
                model_id=None if name is None else tx.model_id(name),
                state=wanted,
                after_id=int(after[0]) if after else None,
                limit=limit + 1,
            )
        token = (
            encode_page_token([found[limit - 1].id], fingerprint) if len(found) > limit else None
        )
        readable = [request for request in found[:limit] if self._may_read(request)]
        return PagedList(readable, token)

    def approve_transition_request(
        self, request_id: int | str, comment: str | None = None
    ) -> TransitionRequest:
        """Approve a pending request as a manager other than its requester.

        The approval that reaches the number the policy requires (at least one) carries the
        move out; if the registry refuses it (a rule other than the role, a conflict), the
        request is marked failed with the reason and the error is raised.
        """
        number = _request_id(request_id)
        comment = validation.description(comment)
        request = self._load(number)
        self.access.require(Resource.model(request.model_name), Permission.MANAGE)
        approver = actor_name()
        if approver == request.requester:
            raise PermissionDenied(
                f"{approver} made {request} and cannot approve it; another manager must."
            )
        with self.store.write() as tx:
            request = governance_store.request(tx.connection, number, lock=True)
            _require_pending(request)
            if approver in request.approvers:
                raise AlreadyApproved(request, approver)
            now = self.clock()
            governance_store.add_approval(tx.connection, number, approver, comment, now)
            model_id = tx.model_id(request.model_name)
            policy = governance_store.effective_policy(tx.connection, model_id, request.target)
            needed = 1 if policy is None else policy.approvals_needed
            approvals = len(request.approvals) + 1
            self._record_request(
                tx,
                now,
                "approved",
                request,
                model_id,
                approvals=approvals,
                required=needed,
                comment=comment,
            )
        if approvals >= needed:
            self._carry_out(request)
        return self._load(number)

    def reject_transition_request(
        self, request_id: int | str, comment: str | None = None
    ) -> TransitionRequest:
        """Turn down a pending request (managers only); ``comment`` says why."""
        number = _request_id(request_id)
        comment = validation.description(comment)
        request = self._load(number)
        self.access.require(Resource.model(request.model_name), Permission.MANAGE)
        return self._close(number, RequestState.REJECTED, comment, action="rejected")

    def cancel_transition_request(
        self, request_id: int | str, comment: str | None = None
    ) -> TransitionRequest:
        """Withdraw a pending request: its requester may, and so may a manager."""
        number = _request_id(request_id)
        comment = validation.description(comment)
        request = self._load(number)
        if actor_name() != request.requester:
            self.access.require(Resource.model(request.model_name), Permission.MANAGE)
        return self._close(number, RequestState.CANCELLED, comment, action="cancelled")

    def _carry_out(self, request: TransitionRequest) -> None:
        """Make the requested move; record the request approved, or failed with the reason."""
        try:
            if request.target.stage is not None:
                self.registry.transition_model_version_stage(
                    request.model_name,
                    request.version,
                    request.target.stage.value,
                    request.archive_existing_versions,
                    request_id=request.id,
                )
            else:
                assert request.target.alias is not None
                self.registry.set_registered_model_alias(
                    request.model_name,
                    request.target.alias,
                    request.version,
                    request_id=request.id,
                )
        except ModelRegistryError as error:
            self._close(request.id, RequestState.FAILED, error.message, action="failed")
            raise
        self._close(request.id, RequestState.APPROVED, None, action=None)

    def _close(
        self, number: int, state: RequestState, resolution: str | None, *, action: str | None
    ) -> TransitionRequest:
        """Put a request in a final state, with its audit event when ``action`` is given."""
        with self.store.write() as tx:
            request = governance_store.request(tx.connection, number, lock=True)
            # A request carried out is approved even if it was withdrawn while it moved.
            if state is not RequestState.APPROVED:
                _require_pending(request)
            now = self.clock()
            governance_store.close_request(
                tx.connection,
                number,
                state,
                resolved_by=actor_name(),
                resolution=resolution,
                now=now,
            )
            if action is not None:
                self._record_request(
                    tx,
                    now,
                    action,
                    request,
                    tx.model_id(request.model_name),
                    before={"state": request.state.value},
                    after={"state": state.value},
                    comment=resolution,
                )
            return governance_store.request(tx.connection, number)

    def _load(self, number: int) -> TransitionRequest:
        with self.store.read() as tx:
            return governance_store.request(tx.connection, number)

    def _may_read(self, request: TransitionRequest) -> bool:
        return self.access.permission(Resource.model(request.model_name)).allows(Permission.READ)

    def _record_request(
        self,
        tx: SqlRegistryTransaction,
        now: int,
        action: str,
        request: TransitionRequest,
        model_id: int,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        **data: Any,
    ) -> None:
        tx.record_event(
            timestamp=now,
            actor=actor_name(),
            entity=EventEntity.TRANSITION_REQUEST,
            action=action,
            model_id=model_id,
            model_name=request.model_name,
            version=request.version,
            before=before,
            after=after,
            data={"request_id": request.id, **target_to_wire(request.target), **data},
        )


def _request_id(value: int | str) -> int:
    """A request id given as an int or a decimal string."""
    text = str(value)
    if isinstance(value, bool) or not text.isdecimal() or int(text) < 1:
        raise InvalidParameterValue(f"Invalid transition request id {value!r}.")
    return int(text)


def _require_pending(request: TransitionRequest) -> None:
    if request.state is not RequestState.PENDING:
        raise RequestNotPending(request)
