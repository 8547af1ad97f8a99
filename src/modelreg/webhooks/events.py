"""The events a webhook can subscribe to, and the audit events each one reports.

A webhook event is named ``entity.action`` as in MLflow (``model_version.created``). MLflow's
six registry events keep MLflow's names and payloads; the others report what MLflow's
registry does not announce (stage transitions, alias moves, deletions, transition requests).
Each comes from the audit event of the same name, written with the change.
"""

from __future__ import annotations

from collections.abc import Iterable

from modelreg.errors import InvalidParameterValue

__all__ = [
    "MLFLOW_EVENTS",
    "MODELREG_EVENTS",
    "SUPPORTED_EVENTS",
    "delivered_as",
    "in_catalogue_order",
    "parse_event",
]

#: MLflow's registry webhook events (MLflow 3.3+), with MLflow's payloads.
MLFLOW_EVENTS = (
    "registered_model.created",
    "model_version.created",
    "model_version_tag.set",
    "model_version_tag.deleted",
    "model_version_alias.created",
    "model_version_alias.deleted",
)

#: Events MLflow lacks.
MODELREG_EVENTS = (
    "registered_model.updated",
    "registered_model.renamed",
    "registered_model.deleted",
    "registered_model_tag.set",
    "registered_model_tag.deleted",
    "model_version.updated",
    "model_version.deleted",
    "model_version.restored",
    "model_version_stage.transitioned",
    "model_version_alias.moved",
    "transition_request.created",
    "transition_request.approved",
    "transition_request.rejected",
    "transition_request.cancelled",
    "transition_request.failed",
)

SUPPORTED_EVENTS = MLFLOW_EVENTS + MODELREG_EVENTS

# MLflow announces every alias assignment as "created"; a subscriber of MLflow's event only
# is told of moves under that name.
_FALLBACKS = {"model_version_alias.moved": "model_version_alias.created"}


def delivered_as(entity: str, action: str) -> tuple[str, ...]:
    """The webhook events that report an audit event, preferred first (none: not reported).

    A webhook subscribed to several of them gets the event once, under the first.
    """
    name = f"{entity}.{action}"
    if name not in SUPPORTED_EVENTS:
        return ()
    fallback = _FALLBACKS.get(name)
    return (name,) if fallback is None else (name, fallback)


def in_catalogue_order(names: Iterable[str]) -> tuple[str, ...]:
    """Known event names, each once, in the order of SUPPORTED_EVENTS."""
    return tuple(sorted(set(names), key=SUPPORTED_EVENTS.index))


def parse_event(name: object) -> str:
    """The event called ``name`` (case-insensitive), else InvalidParameterValue."""
    if isinstance(name, str) and name.strip().lower() in SUPPORTED_EVENTS:
        return name.strip().lower()
    raise InvalidParameterValue(
        f"Invalid webhook event {name!r}: expected one of {', '.join(SUPPORTED_EVENTS)}."
    )
