"""SqlAccessControl over the services: grants, the default permission, creators, administrators,
searches that list only what the caller may read, and the audit of permission changes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from modelreg.auth.access_control import SqlAccessControl
from modelreg.auth.accounts import AccountService
from modelreg.auth.errors import GrantAlreadyExists, GrantNotFound, UserNotFound
from modelreg.auth.grants import GrantService
from modelreg.entities import Metric
from modelreg.entities.permissions import Permission
from modelreg.errors import PermissionDenied, RegisteredModelNotFound
from modelreg.identity import Principal, acting_as
from modelreg.service import RegistryService, TrackingService
from modelreg.service.logged_models import LoggedModelService
from modelreg.store.sql import SqlRegistryStore, SqlTrackingStore, create_store_engine, events_store
from modelreg.store.sql.audit_tables import registry_events
from modelreg.store.sql.auth_store import SqlAuthStore
from tests.auth.conftest import FAST_HASHER
from tests.conftest import FakeClock

ALICE = Principal("alice")
BOB = Principal("bob")
ROOT = Principal("root", is_admin=True)
SOURCE = "s3://bucket/model"


@dataclasses.dataclass
class Secured:
    """The services of one registry, checking permissions with one SqlAccessControl."""

    access: SqlAccessControl
    registry: RegistryService
    tracking: TrackingService
    logged_models: LoggedModelService
    grants: GrantService

    def events(self, model_name: str) -> list[dict[str, Any]]:
        """The audit events recorded under ``model_name``, oldest first."""
        query = (
            sa.select(registry_events)
            .where(registry_events.c.model_name == model_name)
            .order_by(registry_events.c.id)
        )
        with self.registry.store.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def open_secured(store_uri: str, default: Permission) -> Secured:
    engine = create_store_engine(store_uri)
    store = SqlAuthStore(engine)
    accounts = AccountService(store, hasher=FAST_HASHER)
    accounts.create_user("root", "root-password", is_admin=True)
    for name in ("alice", "bob"):
        accounts.create_user(name, f"{name}-password")
    clock = FakeClock()
    access = SqlAccessControl(store, default, clock=clock)
    registry = RegistryService(SqlRegistryStore(engine), clock=clock, access=access)
    tracking = TrackingService(
        SqlTrackingStore(engine), "/tmp/unused-artifacts", clock=clock, access=access
    )
    return Secured(
        access,
        registry,
        tracking,
        LoggedModelService.beside(tracking),
        GrantService(store, access, clock=clock),
    )


@pytest.fixture
def secured(store_uri: str) -> Iterator[Secured]:
    """The services with the default permission READ, as in MLflow."""
    services = open_secured(store_uri, Permission.READ)
    yield services
    services.registry.store.close()


@pytest.fixture
def private(store_uri: str) -> Iterator[Secured]:
    """The services with the default permission NO_PERMISSIONS: only grants open things."""
    services = open_secured(store_uri, Permission.NO_PERMISSIONS)
    yield services
    services.registry.store.close()


def _names(page: Any) -> list[str]:
    return [item.name for item in page]


def test_a_reader_may_read_but_not_transition_or_change(secured: Secured) -> None:
    with acting_as(ROOT):
        secured.registry.create_registered_model("Unicorn")
        secured.registry.create_model_version("Unicorn", SOURCE)
    with acting_as(ALICE):
        assert secured.registry.get_model_version("Unicorn", 1).version == 1
        with pytest.raises(PermissionDenied, match="needs EDIT on registered model 'Unicorn'"):
            secured.registry.transition_model_version_stage("Unicorn", 1, "Production")
        with pytest.raises(PermissionDenied):
            secured.registry.set_registered_model_alias("Unicorn", "champion", 1)
        with pytest.raises(PermissionDenied):
            secured.registry.update_registered_model("Unicorn", "mine now")
    assert secured.registry.get_model_version("Unicorn", 1).current_stage.value == "None"


def test_grants_open_editing_and_managing(secured: Secured) -> None:
    with acting_as(ROOT):
        secured.registry.create_registered_model("Unicorn")
        secured.registry.create_model_version("Unicorn", SOURCE)
        secured.grants.create("registered_model", "Unicorn", "alice", Permission.EDIT)
    with acting_as(ALICE):
        secured.registry.transition_model_version_stage("Unicorn", 1, "Staging")
        with pytest.raises(PermissionDenied, match="needs MANAGE"):
            secured.registry.delete_model_version("Unicorn", 1)
    with acting_as(ROOT):
        secured.grants.update("registered_model", "Unicorn", "alice", Permission.MANAGE)
    with acting_as(ALICE):
        secured.registry.delete_model_version("Unicorn", 1, force=True)


def test_creators_manage_what_they_create(secured: Secured) -> None:
    with acting_as(ALICE):
        secured.registry.create_registered_model("Alices")
        secured.registry.create_model_version("Alices", SOURCE)
        secured.registry.transition_model_version_stage("Alices", 1, "Production")
    with acting_as(BOB), pytest.raises(PermissionDenied):
        secured.registry.delete_registered_model("Alices")
    with acting_as(ALICE):
        assert secured.grants.get("registered_model", "Alices", "alice").permission == "MANAGE"
        secured.registry.delete_registered_model("Alices")


def test_administrators_and_in_process_code_may_do_everything(secured: Secured) -> None:
    with acting_as(ALICE):
        secured.registry.create_registered_model("Alices")
    with acting_as(ROOT):
        secured.grants.create("registered_model", "Alices", "bob", Permission.NO_PERMISSIONS)
        secured.registry.update_registered_model("Alices", "seen by root")
        assert _names(secured.registry.search_registered_models()) == ["Alices"]
    secured.registry.update_registered_model("Alices", "seen by the CLI")
    assert _names(secured.registry.search_registered_models()) == ["Alices"]


def test_no_permissions_hides_a_model_from_reads_and_searches(secured: Secured) -> None:
    with acting_as(ROOT):
        for name in ("Hidden", "Visible"):
            secured.registry.create_registered_model(name)
            secured.registry.create_model_version(name, SOURCE)
        secured.grants.create("registered_model", "Hidden", "alice", Permission.NO_PERMISSIONS)
    with acting_as(ALICE):
        with pytest.raises(PermissionDenied):
            secured.registry.get_registered_model("Hidden")
        assert _names(secured.registry.search_registered_models()) == ["Visible"]
        versions = secured.registry.search_model_versions("version_number = 1")
        assert _names(versions) == ["Visible"]
    with acting_as(BOB):
        assert _names(secured.registry.search_registered_models()) == ["Hidden", "Visible"]


def test_with_no_default_permission_search_pages_through_the_granted_models(
    private: Secured,
) -> None:
    with acting_as(ROOT):
        for n in range(9):
            private.registry.create_registered_model(f"model-{n}")
            private.registry.create_model_version(f"model-{n}", SOURCE)
        for n in (1, 2, 4, 7, 8):
            private.grants.create("registered_model", f"model-{n}", "alice", Permission.READ)
        private.grants.create("registered_model", "model-0", "alice", Permission.NO_PERMISSIONS)
    with acting_as(ALICE):
        seen, token = [], None
        while True:
            page = private.registry.search_registered_models(
                max_results=2, order_by=["name DESC"], page_token=token
            )
            assert len(page) <= 2
            seen += _names(page)
            token = page.token
            if token is None:
                break
        assert seen == ["model-8", "model-7", "model-4", "model-2", "model-1"]
        versions = private.registry.search_model_versions(None, max_results=3)
        rest = private.registry.search_model_versions(None, 3, page_token=versions.token)
        assert (len(versions), len(rest), rest.token) == (3, 2, None)
        assert sorted(_names(versions) + _names(rest)) == seen[::-1]
        with pytest.raises(PermissionDenied):
            private.registry.get_registered_model("model-3")
    with acting_as(BOB):
        assert _names(private.registry.search_registered_models()) == []


def test_grants_follow_a_renamed_model_and_die_with_a_deleted_one(secured: Secured) -> None:
    with acting_as(ROOT):
        secured.registry.create_registered_model("Old")
        secured.grants.create("registered_model", "Old", "alice", Permission.NO_PERMISSIONS)
        secured.registry.rename_registered_model("Old", "New")
    with acting_as(ALICE), pytest.raises(PermissionDenied):
        secured.registry.get_registered_model("New")
    with acting_as(ROOT):
        secured.registry.delete_registered_model("New")
        secured.registry.create_registered_model("New")
    with acting_as(ALICE):
        assert secured.registry.get_registered_model("New").name == "New"


def test_experiments_and_their_runs_share_one_permission(secured: Secured) -> None:
    with acting_as(ALICE):
        experiment_id = secured.tracking.create_experiment("alices-exp")
        run = secured.tracking.create_run(experiment_id)
        secured.tracking.log_metric(run.info.run_id, "r2", 0.9)
    with acting_as(BOB):
        assert secured.tracking.get_run(run.info.run_id).data.metrics == {"r2": 0.9}
        assert [e.name for e in secured.tracking.search_experiments()] == ["alices-exp"]
        with pytest.raises(PermissionDenied, match="needs EDIT on experiment"):
            secured.tracking.create_run(experiment_id)
        with pytest.raises(PermissionDenied):
            secured.tracking.log_batch(run.info.run_id, [Metric("r2", 1.0, 1, 0)])
        with pytest.raises(PermissionDenied):
            secured.tracking.set_experiment_tag(experiment_id, "owner", "bob")
        with pytest.raises(PermissionDenied):
            secured.logged_models.create_logged_model(experiment_id, "model")
    with acting_as(ALICE):
        secured.grants.create("experiment", experiment_id, "bob", Permission.EDIT)
    with acting_as(BOB):
        secured.tracking.log_metric(run.info.run_id, "r2", 0.95)
        with pytest.raises(PermissionDenied, match="needs MANAGE"):
            secured.tracking.delete_run(run.info.run_id)
        with pytest.raises(PermissionDenied, match="needs MANAGE"):
            secured.tracking.delete_experiment(experiment_id)
    with acting_as(ALICE):
        secured.grants.update("experiment", experiment_id, "bob", Permission.NO_PERMISSIONS)
    with acting_as(BOB):
        assert list(secured.tracking.search_experiments()) == []
        assert secured.tracking.default_experiment_id() == "0"
        with pytest.raises(PermissionDenied):
            secured.tracking.get_run(run.info.run_id)
        with pytest.raises(PermissionDenied):
            secured.tracking.search_runs([experiment_id])
        with pytest.raises(PermissionDenied):
            secured.tracking.get_experiment_by_name("alices-exp")


def test_logged_models_have_their_experiments_permission(secured: Secured) -> None:
    with acting_as(ALICE):
        experiment_id = secured.tracking.create_experiment("alices-exp")
        model = secured.logged_models.create_logged_model(experiment_id, "model")
    with acting_as(BOB):
        assert secured.logged_models.get_logged_model(model.model_id).name == "model"
        with pytest.raises(PermissionDenied):
            secured.logged_models.set_logged_model_tags(model.model_id, {"k": "v"})
        with pytest.raises(PermissionDenied):
            secured.logged_models.finalize_logged_model(model.model_id, "LOGGED_MODEL_READY")
    with acting_as(ALICE):
        secured.grants.create("experiment", experiment_id, "bob", Permission.NO_PERMISSIONS)
    with acting_as(BOB):
        with pytest.raises(PermissionDenied):
            secured.logged_models.get_logged_model(model.model_id)
        with pytest.raises(PermissionDenied):
            secured.logged_models.search_logged_models([experiment_id])


def test_managing_grants_needs_manage_and_checks_what_it_names(secured: Secured) -> None:
    with acting_as(ROOT):
        secured.registry.create_registered_model("Unicorn")
        secured.grants.create("registered_model", "Unicorn", "alice", Permission.EDIT)
    with acting_as(ALICE):
        with pytest.raises(PermissionDenied):
            secured.grants.create("registered_model", "Unicorn", "bob", Permission.MANAGE)
        with pytest.raises(PermissionDenied):
            secured.grants.get("registered_model", "Unicorn", "alice")
    with acting_as(ROOT):
        with pytest.raises(GrantAlreadyExists):
            secured.grants.create("registered_model", "Unicorn", "alice", Permission.READ)
        with pytest.raises(GrantNotFound):
            secured.grants.get("registered_model", "Unicorn", "bob")
        with pytest.raises(GrantNotFound):
            secured.grants.delete("registered_model", "Unicorn", "bob")
        with pytest.raises(UserNotFound):
            secured.grants.create("registered_model", "Unicorn", "nobody", Permission.READ)
        with pytest.raises(RegisteredModelNotFound):
            secured.grants.create("registered_model", "Nope", "bob", Permission.READ)


def test_permission_changes_are_in_the_audit_log(secured: Secured) -> None:
    with acting_as(ALICE):
        secured.registry.create_registered_model("Unicorn")
        experiment_id = secured.tracking.create_experiment("exp")
        secured.grants.create("registered_model", "Unicorn", "bob", Permission.READ)
        secured.grants.update("registered_model", "Unicorn", "bob", Permission.EDIT)
        secured.grants.delete("registered_model", "Unicorn", "bob")
        secured.grants.create("experiment", experiment_id, "bob", Permission.MANAGE)
    changes = [
        (e["actor"], e["action"], e["data"]["user"], e["before"], e["after"])
        for e in secured.events("Unicorn")
        if e["entity"] == "permission"
    ]
    assert changes == [
        ("alice", "created", "alice", None, {"permission": "MANAGE"}),
        ("alice", "created", "bob", None, {"permission": "READ"}),
        ("alice", "updated", "bob", {"permission": "READ"}, {"permission": "EDIT"}),
        ("alice", "deleted", "bob", {"permission": "EDIT"}, None),
    ]
    with secured.registry.store.read() as tx:
        model_id = events_store.last_model_id(tx.connection, "Unicorn")
    assert {e["model_id"] for e in secured.events("Unicorn")} == {model_id}
    experiment_events = secured.events(f"experiment:{experiment_id}")
    assert [(e["action"], e["data"]["user"], e["model_id"]) for e in experiment_events] == [
        ("created", "alice", None),
        ("created", "bob", None),
    ]


def test_a_refused_grant_leaves_no_event(secured: Secured) -> None:
    with acting_as(ROOT):
        secured.registry.create_registered_model("Unicorn")
        secured.grants.create("registered_model", "Unicorn", "bob", Permission.READ)
        with pytest.raises(GrantAlreadyExists):
            secured.grants.create("registered_model", "Unicorn", "bob", Permission.EDIT)
    permission_events = [e for e in secured.events("Unicorn") if e["entity"] == "permission"]
    assert [(e["data"]["user"], e["after"]) for e in permission_events] == [
        ("root", {"permission": "MANAGE"}),  # the creator's
        ("bob", {"permission": "READ"}),
    ]
