"""Promotion gates: the hook through which policies approve or refuse stage and alias moves.

The registry service calls :meth:`PromotionGate.check` inside the move's write transaction,
after locking the model and before changing anything, so a refusal leaves nothing behind.
:class:`OpenGate` lets every move through (no policies declared).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from modelreg.entities import Stage

if TYPE_CHECKING:
    from modelreg.store.sql.registry_store import SqlRegistryTransaction

__all__ = ["Move", "OpenGate", "PromotionGate"]


@dataclass(frozen=True)
class Move:
    """A version about to enter a stage or take an alias (exactly one of them is set).

    ``current`` is the version that holds the target now (the latest version in the stage, or
    the alias's version), ``force`` asks to override refusals a manager may override, and
    ``request_id`` names the approved transition request being carried out, if any.
    """

    model_name: str
    model_id: int
    version: int
    stage: Stage | None = None
    alias: str | None = None
    current: int | None = None
    force: bool = False
    request_id: int | None = None


class PromotionGate(Protocol):
    """Refuses a move by raising PolicyViolation (or PermissionDenied)."""

    def check(self, tx: SqlRegistryTransaction, move: Move) -> None:
        """Raise if ``move`` may not happen; return to let it through."""
        ...


class OpenGate:
    """Lets every move through."""

    def check(self, tx: SqlRegistryTransaction, move: Move) -> None:
        """Always allowed."""
