"""The audit log's entries: one immutable event per change, written with the change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Event", "EventEntity"]


class EventEntity:
    """The ``entity`` names of events (MLflow's webhook names where MLflow has the event)."""

    REGISTERED_MODEL = "registered_model"
    REGISTERED_MODEL_TAG = "registered_model_tag"
    MODEL_VERSION = "model_version"
    MODEL_VERSION_TAG = "model_version_tag"
    MODEL_VERSION_STAGE = "model_version_stage"
    MODEL_VERSION_ALIAS = "model_version_alias"
    PERMISSION = "permission"
    POLICY = "policy"
    TRANSITION_REQUEST = "transition_request"


@dataclass(frozen=True)
class Event:
    """One change: who made it, when, to what, and the state before and after.

    ``entity`` and ``action`` name the change (``model_version_stage`` / ``transitioned``,
    ``model_version_alias`` / ``moved``...); ``model_name`` is the model's name when the change
    was made, so history outlives renames and deletes. ``before``/``after`` hold the changed
    fields (None for a creation's before and a deletion's after).
    """

    id: int
    timestamp: int
    actor: str
    entity: str
    action: str
    model_name: str
    version: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """``entity.action``, as webhooks name events (``model_version.created``)."""
        return f"{self.entity}.{self.action}"
