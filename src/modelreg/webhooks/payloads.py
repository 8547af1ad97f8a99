"""What a webhook event sends: the ``data`` of each event, and MLflow's envelope around it.

The envelope is MLflow's ``{"entity", "action", "timestamp", "data"}``, ``timestamp`` being
the ISO 8601 UTC time of the change. It is rendered once, when the delivery is queued, so
every retry sends (and signs) the same bytes. Version numbers are strings, as in MLflow.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from modelreg.webhooks.events import SUPPORTED_EVENTS

__all__ = ["Change", "envelope", "event_data", "example_data"]

JSON = dict[str, Any]


@dataclass(frozen=True)
class Change:
    """The fields of an audit event a payload is made from."""

    model_name: str
    version: int | None = None
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Change:
        """From the column values of a ``registry_events`` row."""
        return cls(
            model_name=values["model_name"],
            version=values.get("version"),
            before=values.get("before") or {},
            after=values.get("after") or {},
            data=values.get("data") or {},
        )

    @property
    def model(self) -> JSON:
        """``{"name": ...}``."""
        return {"name": self.model_name}

    @property
    def model_version(self) -> JSON:
        """``{"name": ..., "version": "<n>"}``."""
        return {"name": self.model_name, "version": str(self.version)}


def _model_created(change: Change) -> JSON:
    after = change.after
    return {**change.model, "tags": after.get("tags", {}), "description": after.get("description")}


def _model_updated(change: Change) -> JSON:
    return {**change.model, "description": change.after.get("description")}


def _model_renamed(change: Change) -> JSON:
    return {**change.model, "previous_name": change.before.get("name")}


def _model_tag_set(change: Change) -> JSON:
    return {**change.model, "key": change.data.get("key"), "value": change.after.get("value")}


def _model_tag_deleted(change: Change) -> JSON:
    return {**change.model, "key": change.data.get("key")}


def _version_created(change: Change) -> JSON:
    after = change.after
    return {
        **change.model_version,
        "source": after.get("source"),
        "run_id": after.get("run_id") or None,
        "tags": after.get("tags", {}),
        "description": after.get("description") or None,
    }


def _version_updated(change: Change) -> JSON:
    return {**change.model_version, "description": change.after.get("description")}


def _version_tag_set(change: Change) -> JSON:
    return {**_version_tag_deleted(change), "value": change.after.get("value")}


def _version_tag_deleted(change: Change) -> JSON:
    return {**change.model_version, "key": change.data.get("key")}


def _stage_transitioned(change: Change) -> JSON:
    data = {
        **change.model_version,
        "from_stage": change.before.get("stage"),
        "to_stage": change.after.get("stage"),
    }
    if "archived_by" in change.data:  # moved to Archived by archive_existing_versions
        data["archived_by"] = str(change.data["archived_by"])
    if "request_id" in change.data:  # performed by approving a transition request
        data["request_id"] = change.data["request_id"]
    return data


def _alias_created(change: Change) -> JSON:
    return {**change.model, "alias": change.data.get("alias"), "version": str(change.version)}


def _alias_moved(change: Change) -> JSON:
    return {**_alias_created(change), "previous_version": str(change.before.get("version"))}


def _alias_deleted(change: Change) -> JSON:
    return {**change.model, "alias": change.data.get("alias")}


def _transition_request(change: Change) -> JSON:
    # The request's fields as the governance service records them (request_id, stage or
    # alias, comment...), and its state after the change when it has one.
    return {**change.model_version, **change.data, **change.after}


_DATA: dict[str, Callable[[Change], JSON]] = {
    "registered_model.created": _model_created,
    "registered_model.updated": _model_updated,
    "registered_model.renamed": _model_renamed,
    "registered_model.deleted": lambda change: change.model,
    "registered_model_tag.set": _model_tag_set,
    "registered_model_tag.deleted": _model_tag_deleted,
    "model_version.created": _version_created,
    "model_version.updated": _version_updated,
    "model_version.deleted": lambda change: change.model_version,
    "model_version.restored": lambda change: change.model_version,
    "model_version_tag.set": _version_tag_set,
    "model_version_tag.deleted": _version_tag_deleted,
    "model_version_stage.transitioned": _stage_transitioned,
    "model_version_alias.created": _alias_created,
    "model_version_alias.moved": _alias_moved,
    "model_version_alias.deleted": _alias_deleted,
    **{
        name: _transition_request
        for name in SUPPORTED_EVENTS
        if name.startswith("transition_request.")
    },
}


def event_data(event: str, change: Change) -> JSON:
    """The ``data`` that webhook event ``event`` sends for ``change``."""
    return _DATA[event](change)


# Made-up changes holding every field some payload reads: the test events' data.
_EXAMPLE = Change(
    model_name="example_model",
    version=1,
    before={"name": "previous_model", "stage": "Staging", "version": 2},
    after={
        "source": "models:/123",
        "run_id": "abcd1234abcd5678",
        "tags": {"example_key": "example_value"},
        "description": "An example model version",
        "value": "example_value",
        "stage": "Production",
    },
    data={"key": "example_key", "alias": "example_alias"},
)


_EXAMPLE_REQUEST = Change(
    model_name="example_model",
    version=1,
    after={"state": "PENDING"},
    data={"request_id": 1, "stage": "Production", "comment": "An example request"},
)


def example_data(event: str) -> JSON:
    """Made-up ``data`` for a test of ``event``, shaped like the real thing."""
    is_request = event.startswith("transition_request.")
    return event_data(event, _EXAMPLE_REQUEST if is_request else _EXAMPLE)


def envelope(event: str, timestamp: int, data: JSON) -> str:
    """The JSON body MLflow sends: ``{"entity", "action", "timestamp", "data"}``.

    ``timestamp`` (milliseconds since the epoch) is rendered as ISO 8601 in UTC.
    """
    entity, action = event.split(".")
    moment = datetime.fromtimestamp(timestamp / 1000, tz=UTC).isoformat()
    return json.dumps({"entity": entity, "action": action, "timestamp": moment, "data": data})
