"""Transition requests: asking managers to move a version into a protected stage or alias."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from modelreg.errors import InvalidParameterValue
from modelreg.governance.policies import PromotionTarget

__all__ = ["Approval", "RequestState", "TransitionRequest"]


class RequestState(StrEnum):
    """Where a request is: waiting, carried out, turned down, withdrawn, or refused on the move.

    Only ``pending`` requests change; the others are final.
    """

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    FAILED = "failed"

    @classmethod
    def parse(cls, value: str) -> RequestState:
        """The state named ``value`` (case-insensitive)."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(state.value for state in cls)
            raise InvalidParameterValue(
                f"Invalid request state {value!r}: expected one of {names}."
            ) from None


@dataclass(frozen=True)
class Approval:
    """One manager's approval of a request."""

    approver: str
    timestamp: int
    comment: str | None = None


@dataclass(frozen=True)
class TransitionRequest:
    """A request to move ``version`` of ``model_name`` into ``target``.

    ``resolved_by`` and ``resolution`` say who closed it and why (the rejection or
    cancellation comment, or the refusal that made the move fail).
    """

    id: int
    model_name: str
    version: int
    target: PromotionTarget
    requester: str
    state: RequestState
    creation_timestamp: int
    last_updated_timestamp: int
    archive_existing_versions: bool = False
    comment: str | None = None
    resolved_by: str | None = None
    resolution: str | None = None
    approvals: tuple[Approval, ...] = ()

    @property
    def approvers(self) -> list[str]:
        """Who has approved it so far."""
        return [approval.approver for approval in self.approvals]

    def __str__(self) -> str:
        return f"request {self.id} (version {self.version} of '{self.model_name}' to {self.target})"
