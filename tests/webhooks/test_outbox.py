"""The outbox: each change queues its deliveries in its own transaction, filtered per webhook."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from modelreg.entities.events import EventEntity
from modelreg.governance.service import GovernanceService
from modelreg.identity import Principal, acting_as
from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore
from modelreg.store.sql.webhook_tables import webhook_deliveries
from modelreg.webhooks.entities import Delivery, DeliveryStatus
from modelreg.webhooks.service import WebhookService

URL = "http://127.0.0.1:9/hook"  # nothing is sent in these tests: no worker runs


def queued(webhooks: WebhookService, webhook_id: str) -> list[Delivery]:
    """A webhook's deliveries, oldest first."""
    return list(reversed(webhooks.list_webhook_deliveries(webhook_id)))


def events_and_data(deliveries: list[Delivery]) -> list[tuple[str, dict[str, Any]]]:
    return [(delivery.event, delivery.payload["data"]) for delivery in deliveries]


def test_each_change_queues_its_event_with_mlflows_payload(
    registry: RegistryService, webhooks: WebhookService
) -> None:
    hook = webhooks.create_webhook(
        "all",
        URL,
        [
            "registered_model.created",
            "model_version.created",
            "model_version_tag.set",
            "model_version_tag.deleted",
            "model_version_alias.created",
            "model_version_alias.deleted",
        ],
    )
    registry.create_registered_model("Unicorn", tags={"team": "growth"}, description="A horse")
    registry.create_model_version(
        "Unicorn", "runs:/r1/model", run_id="r1", tags={"k": "v"}, description="first"
    )
    registry.set_model_version_tag("Unicorn", 1, "validated", "yes")
    registry.delete_model_version_tag("Unicorn", 1, "validated")
    registry.set_registered_model_alias("Unicorn", "champion", 1)
    registry.delete_registered_model_alias("Unicorn", "champion")

    deliveries = queued(webhooks, hook.webhook_id)
    assert events_and_data(deliveries) == [
        (
            "registered_model.created",
            {"name": "Unicorn", "tags": {"team": "growth"}, "description": "A horse"},
        ),
        (
            "model_version.created",
            {
                "name": "Unicorn",
                "version": "1",
                "source": "runs:/r1/model",
                "run_id": "r1",
                "tags": {"k": "v"},
                "description": "first",
            },
        ),
        (
            "model_version_tag.set",
            {"name": "Unicorn", "version": "1", "key": "validated", "value": "yes"},
        ),
        ("model_version_tag.deleted", {"name": "Unicorn", "version": "1", "key": "validated"}),
        ("model_version_alias.created", {"name": "Unicorn", "alias": "champion", "version": "1"}),
        ("model_version_alias.deleted", {"name": "Unicorn", "alias": "champion"}),
    ]
    assert all(d.status is DeliveryStatus.PENDING and d.attempt_count == 0 for d in deliveries)
    assert len({d.delivery_id for d in deliveries}) == len(deliveries)


def test_events_mlflow_lacks_are_queued_too(
    registry: RegistryService, webhooks: WebhookService
) -> None:
    hook = webhooks.create_webhook(
        "more",
        URL,
        [
            "model_version_stage.transitioned",
            "model_version_alias.moved",
            "model_version.deleted",
            "registered_model.deleted",
            "registered_model_tag.deleted",
            "registered_model.renamed",
        ],
    )
    registry.create_registered_model("Unicorn", tags={"team": "growth"})
    for run in ("r1", "r2"):
        registry.create_model_version("Unicorn", f"runs:/{run}/model")
    registry.transition_model_version_stage("Unicorn", 1, "Production")
    registry.transition_model_version_stage("Unicorn", 2, "Production", True)
    registry.set_registered_model_alias("Unicorn", "champion", 1)
    registry.set_registered_model_alias("Unicorn", "champion", 2)
    registry.delete_registered_model_tag("Unicorn", "team")
    registry.delete_model_version("Unicorn", 1)
    registry.rename_registered_model("Unicorn", "Pegasus")
    registry.delete_registered_model("Pegasus")

    assert events_and_data(queued(webhooks, hook.webhook_id)) == [
        (
            "model_version_stage.transitioned",
            {"name": "Unicorn", "version": "1", "from_stage": "None", "to_stage": "Production"},
        ),
        (
            "model_version_stage.transitioned",
            {
                "name": "Unicorn",
                "version": "1",
                "from_stage": "Production",
                "to_stage": "Archived",
                "archived_by": "2",
            },
        ),
        (
            "model_version_stage.transitioned",
            {"name": "Unicorn", "version": "2", "from_stage": "None", "to_stage": "Production"},
        ),
        (
            "model_version_alias.moved",
            {"name": "Unicorn", "alias": "champion", "version": "2", "previous_version": "1"},
        ),
        ("registered_model_tag.deleted", {"name": "Unicorn", "key": "team"}),
        ("model_version.deleted", {"name": "Unicorn", "version": "1"}),
        ("registered_model.renamed", {"name": "Pegasus", "previous_name": "Unicorn"}),
        ("registered_model.deleted", {"name": "Pegasus"}),
    ]


def test_a_rolled_back_change_queues_nothing(
    store: SqlRegistryStore, registry: RegistryService, webhooks: WebhookService
) -> None:
    hook = webhooks.create_webhook("all", URL, ["registered_model.created"])

    def failing_change() -> None:
        with store.write() as tx:
            model_id = tx.insert_model("Ghost", None, {}, 1)
            tx.record_event(
                timestamp=1,
                actor="me",
                entity=EventEntity.REGISTERED_MODEL,
                action="created",
                model_id=model_id,
                model_name="Ghost",
            )
            assert queued(webhooks, hook.webhook_id) == []  # not visible outside yet
            raise RuntimeError("the change fails after its event was written")

    with pytest.raises(RuntimeError):
        failing_change()
    assert queued(webhooks, hook.webhook_id) == []
    registry.create_registered_model("Real")
    assert [d.payload["data"]["name"] for d in queued(webhooks, hook.webhook_id)] == ["Real"]


def test_filters_select_events_and_models(
    registry: RegistryService, webhooks: WebhookService
) -> None:
    unicorn_only = webhooks.create_webhook(
        "unicorn", URL, ["model_version.created"], model_name="Unicorn"
    )
    every_model = webhooks.create_webhook("every", URL, ["model_version.created"])
    tags_only = webhooks.create_webhook("tags", URL, ["model_version_tag.set"])
    disabled = webhooks.create_webhook("off", URL, ["model_version.created"], status="DISABLED")
    for name in ("Unicorn", "Pegasus"):
        registry.create_registered_model(name)
        registry.create_model_version(name, "runs:/r/model")

    def models(webhook_id: str) -> list[str]:
        return [d.payload["data"]["name"] for d in queued(webhooks, webhook_id)]

    assert models(unicorn_only.webhook_id) == ["Unicorn"]
    assert models(every_model.webhook_id) == ["Unicorn", "Pegasus"]
    assert models(tags_only.webhook_id) == []
    assert models(disabled.webhook_id) == []

    webhooks.update_webhook(unicorn_only.webhook_id, model_name="")  # every model now
    webhooks.update_webhook(tags_only.webhook_id, events=["model_version.created"])
    registry.create_model_version("Pegasus", "runs:/r/model")
    assert models(unicorn_only.webhook_id) == ["Unicorn", "Pegasus"]
    assert models(tags_only.webhook_id) == ["Pegasus"]


def test_an_alias_move_reaches_each_webhook_once_under_its_preferred_name(
    registry: RegistryService, webhooks: WebhookService
) -> None:
    mlflow_only = webhooks.create_webhook("mlflow", URL, ["model_version_alias.created"])
    both = webhooks.create_webhook(
        "both", URL, ["model_version_alias.created", "model_version_alias.moved"]
    )
    registry.create_registered_model("Unicorn")
    for _ in range(2):
        registry.create_model_version("Unicorn", "runs:/r/model")
    registry.set_registered_model_alias("Unicorn", "champion", 1)
    registry.set_registered_model_alias("Unicorn", "champion", 2)

    assert [d.event for d in queued(webhooks, mlflow_only.webhook_id)] == [
        "model_version_alias.created",
        "model_version_alias.created",
    ]
    assert queued(webhooks, mlflow_only.webhook_id)[1].payload["data"] == {
        "name": "Unicorn",
        "alias": "champion",
        "version": "2",
    }
    assert [d.event for d in queued(webhooks, both.webhook_id)] == [
        "model_version_alias.created",
        "model_version_alias.moved",
    ]


def test_deleting_a_webhook_drops_its_queue(
    registry: RegistryService, webhooks: WebhookService
) -> None:
    doomed = webhooks.create_webhook("doomed", URL, ["registered_model.created"])
    kept = webhooks.create_webhook("kept", URL, ["registered_model.created"])
    registry.create_registered_model("Unicorn")
    webhooks.delete_webhook(doomed.webhook_id)
    assert len(queued(webhooks, kept.webhook_id)) == 1
    with registry.store.read() as tx:
        rows = tx.connection.execute(sa.select(webhook_deliveries.c.webhook_id)).scalars().all()
    assert rows == [kept.webhook_id]


def test_transition_requests_are_announced(
    registry: RegistryService, webhooks: WebhookService
) -> None:
    hook = webhooks.create_webhook(
        "requests",
        URL,
        [
            "transition_request.created",
            "transition_request.approved",
            "transition_request.cancelled",
            "model_version_stage.transitioned",
        ],
    )
    governance = GovernanceService(registry)
    registry.create_registered_model("Unicorn")
    registry.create_model_version("Unicorn", "runs:/r/model")
    with acting_as(Principal("alice")):
        approved = governance.create_transition_request("Unicorn", 1, "Production", comment="ship")
        withdrawn = governance.create_transition_request("Unicorn", 1, "Staging")
        governance.cancel_transition_request(withdrawn.id)
    with acting_as(Principal("bob")):
        governance.approve_transition_request(approved.id)

    deliveries = events_and_data(queued(webhooks, hook.webhook_id))
    assert [event for event, _ in deliveries] == [
        "transition_request.created",
        "transition_request.created",
        "transition_request.cancelled",
        "transition_request.approved",
        "model_version_stage.transitioned",
    ]
    created = deliveries[0][1]
    assert created["name"] == "Unicorn"
    assert created["version"] == "1"
    assert created["request_id"] == approved.id
    assert created["stage"] == "Production"
    assert created["comment"] == "ship"
    assert deliveries[2][1]["request_id"] == withdrawn.id
    assert deliveries[4][1]["request_id"] == approved.id
