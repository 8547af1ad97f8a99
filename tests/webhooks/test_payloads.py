"""Payloads: MLflow's events carry exactly MLflow's fields; every event has a payload."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from mlflow.webhooks import types as mlflow_types

from modelreg.errors import InvalidParameterValue
from modelreg.webhooks.events import MLFLOW_EVENTS, SUPPORTED_EVENTS, delivered_as, parse_event
from modelreg.webhooks.payloads import envelope, example_data

MLFLOW_PAYLOADS: dict[str, Any] = {
    "registered_model.created": mlflow_types.RegisteredModelCreatedPayload,
    "model_version.created": mlflow_types.ModelVersionCreatedPayload,
    "model_version_tag.set": mlflow_types.ModelVersionTagSetPayload,
    "model_version_tag.deleted": mlflow_types.ModelVersionTagDeletedPayload,
    "model_version_alias.created": mlflow_types.ModelVersionAliasCreatedPayload,
    "model_version_alias.deleted": mlflow_types.ModelVersionAliasDeletedPayload,
}


def test_mlflow_events_are_the_registry_events_mlflow_knows() -> None:
    known = {
        f"{entity.value}.{action.value}"
        for (entity, action) in mlflow_types.EVENT_TO_PAYLOAD_CLASS
        if not entity.value.startswith(("prompt", "budget"))
    }
    assert set(MLFLOW_EVENTS) == known == set(MLFLOW_PAYLOADS)


@pytest.mark.parametrize("event", MLFLOW_EVENTS)
def test_mlflow_event_payload_has_mlflow_fields(event: str) -> None:
    payload_class = MLFLOW_PAYLOADS[event]
    ours = example_data(event)
    assert list(ours) == list(payload_class.__annotations__)
    assert list(ours) == list(payload_class.example())
    assert all(isinstance(ours[key], str) for key in ("name", "version") if key in ours)


@pytest.mark.parametrize("event", SUPPORTED_EVENTS)
def test_every_event_has_a_payload_naming_the_model(event: str) -> None:
    assert example_data(event)["name"] == "example_model"


def test_envelope_is_mlflows_with_the_change_time_in_utc() -> None:
    body = envelope("model_version.created", 1_700_000_000_123, {"name": "m"})
    parsed = json.loads(body)
    assert list(parsed) == ["entity", "action", "timestamp", "data"]
    assert parsed["entity"] == "model_version"
    assert parsed["action"] == "created"
    assert parsed["data"] == {"name": "m"}
    moment = datetime.fromisoformat(parsed["timestamp"])
    assert moment.utcoffset() is not None
    assert int(moment.timestamp() * 1000) == 1_700_000_000_123


def test_alias_moves_reach_mlflow_subscribers_as_created() -> None:
    moved = delivered_as("model_version_alias", "moved")
    assert moved == ("model_version_alias.moved", "model_version_alias.created")
    assert delivered_as("model_version_alias", "created") == ("model_version_alias.created",)
    assert delivered_as("permission", "granted") == ()


def test_event_names_are_parsed_case_insensitively_and_checked() -> None:
    assert parse_event("MODEL_VERSION.Created") == "model_version.created"
    with pytest.raises(InvalidParameterValue, match=r"prompt\.created"):
        parse_event("prompt.created")
