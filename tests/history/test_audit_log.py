"""The audit log: every change is one event, written with the change, by whom, before/after."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from modelreg import Client
from modelreg.errors import RegisteredModelAlreadyExists
from modelreg.identity import Principal, acting_as
from modelreg.service import RegistryService
from modelreg.store.sql import SqlRegistryStore


def names(client: Client, model: str) -> list[str]:
    return [event.name for event in client.get_model_history(model)]


def test_every_change_is_recorded_newest_first(client: Client) -> None:
    client.create_registered_model("Unicorn", tags={"team": "a"}, description="first")
    client.create_model_version("Unicorn", "s3://bucket/v1")
    client.set_registered_model_tag("Unicorn", "team", "b")
    client.update_registered_model("Unicorn", "second")
    client.set_model_version_tag("Unicorn", 1, "ok", "yes")
    client.transition_model_version_stage("Unicorn", 1, "Staging")
    client.set_registered_model_alias("Unicorn", "champion", 1)
    client.delete_model_version_tag("Unicorn", 1, "ok")
    client.delete_registered_model_alias("Unicorn", "champion")
    client.delete_registered_model_tag("Unicorn", "team")
    assert names(client, "Unicorn") == [
        "registered_model_tag.deleted",
        "model_version_alias.deleted",
        "model_version_tag.deleted",
        "model_version_alias.created",
        "model_version_stage.transitioned",
        "model_version_tag.set",
        "registered_model.updated",
        "registered_model_tag.set",
        "model_version.created",
        "registered_model.created",
    ]


def test_events_hold_before_and_after(client: Client) -> None:
    client.create_registered_model("Unicorn", description="first")
    client.create_model_version("Unicorn", "s3://bucket/v1")
    client.create_model_version("Unicorn", "s3://bucket/v2")
    client.update_registered_model("Unicorn", "second")
    client.transition_model_version_stage("Unicorn", 1, "Production")
    client.transition_model_version_stage("Unicorn", 2, "Production", True)
    client.set_registered_model_alias("Unicorn", "champion", 1)
    client.set_registered_model_alias("Unicorn", "champion", 2)
    events = client.get_model_history("Unicorn")
    moved, created, promoted, archived = events[0], events[1], events[2], events[3]
    assert (moved.name, moved.version, moved.before, moved.after, moved.data) == (
        "model_version_alias.moved",
        2,
        {"version": 1},
        {"version": 2},
        {"alias": "champion"},
    )
    assert (created.name, created.before, created.after) == (
        "model_version_alias.created",
        None,
        {"version": 1},
    )
    assert (promoted.version, promoted.before, promoted.after) == (
        2,
        {"stage": "None"},
        {"stage": "Production"},
    )
    assert (archived.version, archived.before, archived.after, archived.data) == (
        1,
        {"stage": "Production"},
        {"stage": "Archived"},
        {"archived_by": 2},
    )
    updated = events[-4]
    assert (updated.name, updated.before, updated.after) == (
        "registered_model.updated",
        {"description": "first"},
        {"description": "second"},
    )
    version_created = events[-2]
    assert version_created.after is not None
    assert version_created.after["source"] == "s3://bucket/v1"
    assert events[0].timestamp > events[-1].timestamp


def test_the_actor_is_the_bound_principal(client: Client) -> None:
    with acting_as(Principal("alice")):
        client.create_registered_model("Unicorn")
    if client.tracking_uri.startswith("http"):
        return  # over HTTP the server, not the caller's context, decides who acts
    assert client.get_model_history("Unicorn")[0].actor == "alice"


def test_history_follows_a_rename_and_outlives_a_delete(client: Client) -> None:
    client.create_registered_model("Unicorn")
    client.create_model_version("Unicorn", "s3://bucket/v1")
    client.rename_registered_model("Unicorn", "Pegasus")
    renamed = client.get_model_history("Pegasus")
    assert [event.name for event in renamed][:1] == ["registered_model.renamed"]
    assert renamed[0].before == {"name": "Unicorn"}
    assert len(renamed) == 3
    client.delete_registered_model("Pegasus")
    assert names(client, "Pegasus")[0] == "registered_model.deleted"


def test_history_pages_newest_first(client: Client) -> None:
    client.create_registered_model("Unicorn")
    for index in range(5):
        client.set_registered_model_tag("Unicorn", "k", str(index))
    first = client.get_model_history("Unicorn", max_results=4)
    assert first.token is not None
    second = client.get_model_history("Unicorn", max_results=4, page_token=first.token)
    assert second.token is None
    assert [e.id for e in first] + [e.id for e in second] == sorted(
        [e.id for e in first] + [e.id for e in second], reverse=True
    )
    assert len(first) + len(second) == 6


def test_a_change_that_fails_records_nothing(client: Client) -> None:
    client.create_registered_model("Unicorn")
    with pytest.raises(RegisteredModelAlreadyExists):
        client.create_registered_model("Unicorn")
    assert names(client, "Unicorn") == ["registered_model.created"]


def test_no_op_changes_record_nothing(client: Client) -> None:
    client.create_registered_model("Unicorn")
    client.create_model_version("Unicorn", "s3://bucket/v1")
    client.transition_model_version_stage("Unicorn", 1, "None")
    client.set_registered_model_alias("Unicorn", "champion", 1)
    client.set_registered_model_alias("Unicorn", "champion", 1)
    client.delete_registered_model_alias("Unicorn", "absent")
    client.delete_registered_model_tag("Unicorn", "absent")
    assert names(client, "Unicorn") == [
        "model_version_alias.created",
        "model_version.created",
        "registered_model.created",
    ]


def test_the_event_log_refuses_updates_and_deletes(store: SqlRegistryStore) -> None:
    RegistryService(store).create_registered_model("Unicorn")
    for statement in (
        "UPDATE registry_events SET actor = 'mallory'",
        "DELETE FROM registry_events",
    ):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            store.engine.begin() as connection,
        ):
            connection.exec_driver_sql(statement)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM registry_events").scalar() == 1
