"""Policies and transition requests through the REST API, and the policy gate behind MLflow's
transition endpoint. The server is built with ``create_app`` on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from modelreg.backend import LocalBackend, open_local_backend
from modelreg.config import Settings
from modelreg.models import ColSpec, ModelSignature, Schema
from modelreg.server import create_app
from tests.governance.conftest import ROLES, RoleAccess, as_user, model_folder

POLICIES = "/api/2.0/modelreg/policies"
REQUESTS = "/api/2.0/modelreg/transition-requests"
MLFLOW = "/api/2.0/mlflow"
USER = "x-test-user"


def bind_user(app: ASGIApp) -> ASGIApp:
    """Act, for each request, as the user its ``x-test-user`` header names (stands in for the
    authentication middleware, which binds the principal the same way)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        user = headers.get(USER.encode())
        if user is None:
            await app(scope, receive, send)
            return
        with as_user(user.decode()):
            await app(scope, receive, send)

    return wrapped


@pytest.fixture
def backend(store_uri: str, tmp_path: Path) -> Iterator[LocalBackend]:
    """The server's services with the users' permissions, and the default (policy) gate."""
    settings = Settings.resolve(store_uri, artifact_root=str(tmp_path / "artifacts"))
    backend = open_local_backend(settings, local_sources=False, access=RoleAccess(ROLES))
    yield backend
    backend.close()


@pytest.fixture
def http(backend: LocalBackend, tmp_path: Path) -> Iterator[TestClient]:
    """A client of the server; pass ``headers={USER: name}`` to act as a user."""
    settings = Settings.resolve(
        str(backend.registry.store.engine.url), artifact_root=str(tmp_path / "artifacts")
    )
    with TestClient(bind_user(create_app(settings, backend=backend))) as client:
        yield client


def as_(user: str) -> dict[str, str]:
    return {USER: user}


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error_code"] == code
    return str(body["message"])


@pytest.fixture
def unicorn(backend: LocalBackend, tmp_path: Path) -> None:
    """Unicorn with version 1 (inputs x, y) and version 2 (input x only)."""
    registry = backend.registry
    with as_user("root"):
        registry.create_registered_model("Unicorn")
        for number, inputs in ((1, ["x", "y"]), (2, ["x"])):
            signature = ModelSignature(Schema([ColSpec("double", name) for name in inputs]))
            location = model_folder(tmp_path, f"v{number}", signature)
            registry.create_model_version("Unicorn", location, storage_location=location)


def test_policies_are_set_read_and_deleted(http: TestClient, unicorn: None) -> None:
    policy = {
        "name": "Unicorn",
        "stage": "production",
        "required_role": "manage",
        "required_approvals": 1,
        "require_signature": True,
        "required_tags": [{"key": "validation_status", "value": "approved"}],
        "metric_thresholds": ["metrics.r2 >= 0.9"],
        "contract_check": True,
    }
    message = refused(
        http.post(f"{POLICIES}/set", json=policy, headers=as_("ed")), 403, "PERMISSION_DENIED"
    )
    assert "MANAGE" in message
    stored = ok(http.post(f"{POLICIES}/set", json=policy, headers=as_("mia")))["policy"]
    assert stored == {
        **policy,
        "stage": "Production",
        "required_role": "MANAGE",
        "metric_thresholds": ["r2 >= 0.9"],
    }
    query = {"name": "Unicorn", "stage": "Production"}
    assert ok(http.get(f"{POLICIES}/get", params=query, headers=as_("rita")))["policy"] == stored
    assert ok(http.get(f"{POLICIES}/list", params={"name": "Unicorn"}, headers=as_("rita"))) == {
        "policies": [stored]
    }
    effective = http.get(f"{POLICIES}/effective", params=query, headers=as_("rita"))
    assert ok(effective) == {"policy": stored}
    ok(http.request("DELETE", f"{POLICIES}/delete", json=query, headers=as_("mia")))
    missing = http.get(f"{POLICIES}/get", params=query, headers=as_("rita"))
    assert "No promotion policy for stage Production" in refused(
        missing, 404, "RESOURCE_DOES_NOT_EXIST"
    )
    assert ok(http.get(f"{POLICIES}/effective", params=query, headers=as_("rita"))) == {}


def test_invalid_policies_are_refused_with_the_reason(http: TestClient, unicorn: None) -> None:
    for body, reason in [
        ({"name": "Unicorn"}, "exactly one of 'stage' and 'alias'"),
        ({"name": "Unicorn", "stage": "Prod"}, "Invalid Model Version stage"),
        ({"name": "Unicorn", "alias": "champion", "required_role": "OWNER"}, "Invalid permission"),
        ({"stage": "Production", "metric_thresholds": ["r2 ~ 1"]}, "Invalid metric threshold"),
        ({"stage": "Production", "required_approvals": "many"}, "required_approvals"),
    ]:
        response = http.post(f"{POLICIES}/set", json=body, headers=as_("root"))
        assert reason in refused(response, 400, "INVALID_PARAMETER_VALUE")


def test_global_policies_need_an_administrator(http: TestClient, unicorn: None) -> None:
    policy = {"alias": "champion", "required_role": "MANAGE"}
    denied = http.post(f"{POLICIES}/set", json=policy, headers=as_("mia"))
    assert "Only an administrator" in refused(denied, 403, "PERMISSION_DENIED")
    ok(http.post(f"{POLICIES}/set", json=policy, headers=as_("root")))
    assert ok(http.get(f"{POLICIES}/list", headers=as_("rita")))["policies"][0]["name"] is None
    move = {"name": "Unicorn", "alias": "champion", "version": "1"}
    response = http.post(f"{MLFLOW}/registered-models/alias", json=move, headers=as_("ed"))
    assert "Refused by rule 'role'" in refused(response, 403, "PERMISSION_DENIED")


def test_an_editor_request_approved_by_a_manager_moves_the_version(
    http: TestClient, unicorn: None
) -> None:
    policy = {"name": "Unicorn", "stage": "Production", "required_role": "MANAGE"}
    ok(http.post(f"{POLICIES}/set", json=policy, headers=as_("mia")))
    move = {"name": "Unicorn", "version": "1", "stage": "Production"}
    transition = http.post(
        f"{MLFLOW}/model-versions/transition-stage", json=move, headers=as_("ed")
    )
    message = refused(transition, 403, "PERMISSION_DENIED")
    assert message.startswith("Refused by rule 'role'")
    created = ok(
        http.post(f"{REQUESTS}/create", json={**move, "comment": "ready"}, headers=as_("ed"))
    )["transition_request"]
    assert (created["state"], created["requester"], created["version"]) == ("pending", "ed", "1")
    pending = ok(http.get(f"{REQUESTS}/list", params={"name": "Unicorn"}, headers=as_("rita")))
    assert [r["id"] for r in pending["transition_requests"]] == [created["id"]]
    own = http.post(f"{REQUESTS}/approve", json={"id": str(created["id"])}, headers=as_("ed"))
    refused(own, 403, "PERMISSION_DENIED")
    approval = {"id": str(created["id"]), "comment": "go"}
    approved = ok(http.post(f"{REQUESTS}/approve", json=approval, headers=as_("mia")))
    assert approved["transition_request"]["state"] == "approved"
    assert approved["transition_request"]["approvals"][0]["approver"] == "mia"
    version = ok(
        http.get(
            f"{MLFLOW}/model-versions/get",
            params={"name": "Unicorn", "version": "1"},
            headers=as_("rita"),
        )
    )["model_version"]
    assert version["current_stage"] == "Production"
    history = ok(
        http.get(
            "/api/2.0/modelreg/registered-models/history",
            params={"name": "Unicorn"},
            headers=as_("rita"),
        )
    )["events"]
    steps = [(e["event"], e["actor"]) for e in reversed(history) if e["version"] == "1"][1:]
    assert steps == [
        ("transition_request.created", "ed"),
        ("transition_request.approved", "mia"),
        ("model_version_stage.transitioned", "mia"),
    ]
    again = http.post(f"{REQUESTS}/cancel", json={"id": str(created["id"])}, headers=as_("ed"))
    assert "no longer pending" in refused(again, 409, "RESOURCE_CONFLICT")


def test_a_breaking_signature_is_refused_with_the_rule_and_forced_by_a_manager(
    http: TestClient, unicorn: None
) -> None:
    policy = {"name": "Unicorn", "stage": "Production", "contract_check": True}
    ok(http.post(f"{POLICIES}/set", json=policy, headers=as_("mia")))
    transition = f"{MLFLOW}/model-versions/transition-stage"
    first = {"name": "Unicorn", "version": "1", "stage": "Production"}
    ok(http.post(transition, json=first, headers=as_("mia")))
    move = {**first, "version": "2", "archive_existing_versions": True}
    message = refused(
        http.post(transition, json=move, headers=as_("mia")), 403, "PERMISSION_DENIED"
    )
    assert "Refused by rule 'contract'" in message
    assert "input 'y' was dropped or renamed" in message
    forced = {**move, "force": True}
    refused(http.post(transition, json=forced, headers=as_("ed")), 403, "PERMISSION_DENIED")
    moved = ok(http.post(transition, json=forced, headers=as_("mia")))["model_version"]
    assert (moved["version"], moved["current_stage"]) == ("2", "Production")


def test_requests_are_rejected_cancelled_and_listed_over_rest(
    http: TestClient, unicorn: None
) -> None:
    ids = [
        ok(
            http.post(
                f"{REQUESTS}/create",
                json={"name": "Unicorn", "version": "1", "alias": alias},
                headers=as_("ed"),
            )
        )["transition_request"]["id"]
        for alias in ("champion", "challenger", "baseline")
    ]
    rejected = ok(
        http.post(
            f"{REQUESTS}/reject", json={"id": str(ids[0]), "comment": "no"}, headers=as_("max")
        )
    )["transition_request"]
    assert (rejected["state"], rejected["resolution"], rejected["alias"]) == (
        "rejected",
        "no",
        "champion",
    )
    ok(http.post(f"{REQUESTS}/cancel", json={"id": str(ids[1])}, headers=as_("ed")))
    page = ok(http.get(f"{REQUESTS}/list", params={"max_results": 1}, headers=as_("rita")))
    assert [r["id"] for r in page["transition_requests"]] == [ids[2]]
    every = ok(
        http.get(f"{REQUESTS}/list", params={"state": "all", "max_results": 2}, headers=as_("rita"))
    )
    assert [r["id"] for r in every["transition_requests"]] == ids[:2]
    rest = ok(
        http.get(
            f"{REQUESTS}/list",
            params={"state": "all", "max_results": 2, "page_token": every["next_page_token"]},
            headers=as_("rita"),
        )
    )
    assert ([r["id"] for r in rest["transition_requests"]], "next_page_token" in rest) == (
        ids[2:],
        False,
    )
    fetched = ok(http.get(f"{REQUESTS}/get", params={"id": str(ids[1])}, headers=as_("rita")))
    assert fetched["transition_request"]["state"] == "cancelled"
    missing = http.get(f"{REQUESTS}/get", params={"id": "999"}, headers=as_("rita"))
    assert "Transition request 999 not found" in refused(missing, 404, "RESOURCE_DOES_NOT_EXIST")
