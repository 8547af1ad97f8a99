"""Errors of governance, placed in the tree of :mod:`modelreg.errors`.

    ResourceNotFound
     ├── PolicyNotFound                no policy for this target (of this model, or global)
     └── TransitionRequestNotFound
    ResourceConflict
     └── RequestNotPending             the request was approved, rejected, cancelled or failed
    ResourceAlreadyExists
     └── AlreadyApproved               this manager approved the request already

Refusals of moves are :class:`~modelreg.errors.PolicyViolation` (a PermissionDenied).
"""

from __future__ import annotations

from modelreg.errors import ResourceAlreadyExists, ResourceConflict, ResourceNotFound
from modelreg.governance.policies import PromotionTarget
from modelreg.governance.transition_requests import TransitionRequest

__all__ = [
    "AlreadyApproved",
    "PolicyNotFound",
    "RequestNotPending",
    "TransitionRequestNotFound",
]


class PolicyNotFound(ResourceNotFound):
    """No promotion policy is declared for this target (``model_name`` None: globally)."""

    def __init__(self, target: PromotionTarget, model_name: str | None) -> None:
        scope = "globally" if model_name is None else f"for model '{model_name}'"
        super().__init__(f"No promotion policy for {target} is declared {scope}.")
        self.target = target
        self.model_name = model_name


class TransitionRequestNotFound(ResourceNotFound):
    """No transition request has this id."""

    def __init__(self, request_id: int) -> None:
        super().__init__(f"Transition request {request_id} not found.")
        self.request_id = request_id


class RequestNotPending(ResourceConflict):
    """The request was closed already; only pending requests can change."""

    def __init__(self, request: TransitionRequest) -> None:
        super().__init__(f"The {request} is {request.state.value}, no longer pending.")
        self.request_id = request.id
        self.state = request.state


class AlreadyApproved(ResourceAlreadyExists):
    """This manager has approved the request already (approvals count distinct managers)."""

    def __init__(self, request: TransitionRequest, approver: str) -> None:
        super().__init__(f"{approver} has already approved {request}.")
        self.request_id = request.id
        self.approver = approver
