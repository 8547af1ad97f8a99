"""The REST API with authentication on: credentials, 401 and 403, tokens, users, permissions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from modelreg.auth import passwords
from tests.auth.conftest import PASSWORDS, SecuredServer, basic, bearer
from tests.server.conftest import API, ARTIFACTS, assert_error, ok

OWN_API = "/api/2.0/modelreg"


def _challenged(response: httpx.Response) -> None:
    assert_error(response, 401, "UNAUTHENTICATED")
    assert response.headers["www-authenticate"] == 'Basic realm="modelreg"'


def _create_model(server: SecuredServer, name: str, role: str = "admin") -> None:
    body = {"name": name}
    ok(server.client.post(f"{API}/registered-models/create", json=body, headers=server.as_(role)))


def _grant(server: SecuredServer, name: str, username: str, permission: str) -> None:
    body = {"name": name, "username": username, "permission": permission}
    response = server.client.post(
        f"{API}/registered-models/permissions/create", json=body, headers=server.as_("admin")
    )
    ok(response)


@pytest.mark.parametrize("prefix", ["/api", "/ajax-api"])
def test_requests_without_credentials_are_challenged(server: SecuredServer, prefix: str) -> None:
    response = server.client.get(f"{prefix}/2.0/mlflow/registered-models/search")
    _challenged(response)
    assert "Authentication is required" in response.json()["message"]


@pytest.mark.parametrize(
    "headers",
    [
        basic("reader", "wrong-password"),
        basic("nobody", PASSWORDS["reader"]),
        bearer("mrg_not-a-token"),
        {"Authorization": "Basic %%%"},
        {"Authorization": "Negotiate abc"},
    ],
    ids=["wrong password", "unknown user", "unknown token", "malformed", "other scheme"],
)
def test_wrong_credentials_are_refused_with_401(
    server: SecuredServer, headers: dict[str, str]
) -> None:
    response = server.client.get(f"{API}/registered-models/search", headers=headers)
    _challenged(response)
    assert response.json()["message"] == "Invalid credentials."


def test_basic_auth_works_and_upgrades_a_weak_password_hash(server: SecuredServer) -> None:
    with server.auth.store.read() as tx:
        before = tx.password_hash("reader")
    assert before is not None
    assert passwords.needs_rehash(before)  # made with the tests' fast parameters
    headers = basic("reader", PASSWORDS["reader"])
    ok(server.client.get(f"{API}/registered-models/search", headers=headers))
    with server.auth.store.read() as tx:
        after = tx.password_hash("reader")
    assert after is not None
    assert not passwords.needs_rehash(after)
    assert passwords.verify_password(after, PASSWORDS["reader"])


@pytest.mark.parametrize(
    "path",
    ["/health", "/version", "/api/3.0/mlflow/server-info", "/ajax-api/3.0/mlflow/server-info"],
)
def test_health_version_and_server_info_stay_public(server: SecuredServer, path: str) -> None:
    assert server.client.get(path).status_code == 200


def test_a_reader_cannot_transition_a_version(server: SecuredServer) -> None:
    _create_model(server, "Unicorn")
    version = {"name": "Unicorn", "source": "mlflow-artifacts:/nowhere/model"}
    ok(
        server.client.post(
            f"{API}/model-versions/create", json=version, headers=server.as_("admin")
        )
    )
    move = {"name": "Unicorn", "version": "1", "stage": "Production"}
    response = server.client.post(
        f"{API}/model-versions/transition-stage", json=move, headers=server.as_("reader")
    )
    assert_error(response, 403, "PERMISSION_DENIED", "needs EDIT on registered model 'Unicorn'")
    found = ok(
        server.client.get(
            f"{API}/model-versions/get",
            params={"name": "Unicorn", "version": "1"},
            headers=server.as_("reader"),
        )
    )
    assert found["model_version"]["current_stage"] == "None"


def test_search_lists_only_the_models_the_caller_may_read(server: SecuredServer) -> None:
    for name in ("Open", "Secret", "Shared"):
        _create_model(server, name)
    _grant(server, "Secret", "reader", "NO_PERMISSIONS")

    def names(role: str) -> list[str]:
        found = ok(server.client.get(f"{API}/registered-models/search", headers=server.as_(role)))
        return [model["name"] for model in found.get("registered_models", [])]

    assert names("reader") == ["Open", "Shared"]
    assert names("editor") == ["Open", "Secret", "Shared"]
    assert names("admin") == ["Open", "Secret", "Shared"]
    response = server.client.get(
        f"{API}/registered-models/get", params={"name": "Secret"}, headers=server.as_("reader")
    )
    assert_error(response, 403, "PERMISSION_DENIED")


def test_changes_are_recorded_as_made_by_the_authenticated_user(server: SecuredServer) -> None:
    _create_model(server, "Unicorn", role="editor")
    events = ok(
        server.client.get(
            f"{OWN_API}/registered-models/history",
            params={"name": "Unicorn"},
            headers=server.as_("editor"),
        )
    )["events"]
    assert {(event["actor"], event["entity"]) for event in events} == {
        ("editor", "registered_model"),
        ("editor", "permission"),
    }


def test_a_token_is_shown_once_and_works_until_revoked(server: SecuredServer) -> None:
    created = ok(
        server.client.post(
            f"{OWN_API}/tokens/create", json={"name": "ci"}, headers=server.as_("editor")
        )
    )
    value = created["value"]
    assert value.startswith("mrg_")
    assert created["token"]["username"] == "editor"
    listing = server.client.get(f"{OWN_API}/tokens/list", headers=bearer(value))
    assert [token["name"] for token in ok(listing)["tokens"]] == ["tests", "ci"]
    assert value not in listing.text
    revoke = {"id": created["token"]["id"]}
    ok(
        server.client.request(
            "DELETE", f"{OWN_API}/tokens/revoke", json=revoke, headers=bearer(value)
        )
    )
    _challenged(server.client.get(f"{OWN_API}/tokens/list", headers=bearer(value)))


@pytest.mark.parametrize("token_id", [0, -1, 999, 2**31, 2**90])
def test_revoking_a_token_that_cannot_exist_is_a_404(server: SecuredServer, token_id: int) -> None:
    # Found by schemathesis with authentication on: ids past the column's range were a 500.
    response = server.client.request(
        "DELETE", f"{OWN_API}/tokens/revoke", json={"id": token_id}, headers=server.as_("admin")
    )
    assert_error(response, 404, "RESOURCE_DOES_NOT_EXIST", "API token")


def test_an_administrator_manages_anyones_tokens(server: SecuredServer) -> None:
    admin = server.as_("admin")
    created = ok(
        server.client.post(
            f"{OWN_API}/tokens/create", json={"name": "bot", "username": "reader"}, headers=admin
        )
    )
    listed = ok(
        server.client.get(f"{OWN_API}/tokens/list", params={"username": "reader"}, headers=admin)
    )
    assert [token["name"] for token in listed["tokens"]] == ["tests", "bot"]
    refused = server.client.get(
        f"{OWN_API}/tokens/list", params={"username": "admin"}, headers=server.as_("reader")
    )
    assert_error(refused, 403, "PERMISSION_DENIED")
    revoke = {"id": created["token"]["id"]}
    refused = server.client.request(
        "DELETE", f"{OWN_API}/tokens/revoke", json=revoke, headers=server.as_("editor")
    )
    assert_error(refused, 403, "PERMISSION_DENIED")


def test_users_read_themselves_with_their_permissions(server: SecuredServer) -> None:
    _create_model(server, "Unicorn")
    _grant(server, "Unicorn", "reader", "EDIT")
    user = ok(
        server.client.get(
            f"{API}/users/get", params={"username": "reader"}, headers=server.as_("reader")
        )
    )["user"]
    assert (user["username"], user["is_admin"]) == ("reader", False)
    assert user["registered_model_permissions"] == [
        {"name": "Unicorn", "user_id": user["id"], "username": "reader", "permission": "EDIT"}
    ]
    assert user["experiment_permissions"] == []
    assert "password" not in str(user)
    refused = server.client.get(
        f"{API}/users/get", params={"username": "editor"}, headers=server.as_("reader")
    )
    assert_error(refused, 403, "PERMISSION_DENIED")


def test_users_change_their_own_password_giving_the_current_one(server: SecuredServer) -> None:
    def change(body: dict[str, Any]) -> httpx.Response:
        return server.client.patch(
            f"{API}/users/update-password", json=body, headers=server.as_("reader")
        )

    new = {"username": "reader", "password": "brand-new-password"}
    assert_error(change(new), 400, "INVALID_PARAMETER_VALUE", "current password is required")
    ok(change({**new, "current_password": PASSWORDS["reader"]}))
    _challenged(
        server.client.get(
            f"{API}/users/get",
            params={"username": "reader"},
            headers=basic("reader", PASSWORDS["reader"]),
        )
    )
    ok(
        server.client.get(
            f"{API}/users/get",
            params={"username": "reader"},
            headers=basic("reader", "brand-new-password"),
        )
    )
    other = {"username": "editor", "password": "brand-new-password"}
    assert_error(change(other), 403, "PERMISSION_DENIED")


def test_administrators_manage_users(server: SecuredServer) -> None:
    admin = server.as_("admin")
    created = ok(
        server.client.post(
            f"{API}/users/create",
            json={"username": "carol", "password": "carol-password"},
            headers=admin,
        )
    )["user"]
    assert (created["username"], created["is_admin"]) == ("carol", False)
    duplicate = server.client.post(
        f"{API}/users/create",
        json={"username": "carol", "password": "carol-password"},
        headers=admin,
    )
    assert_error(duplicate, 400, "RESOURCE_ALREADY_EXISTS")
    weak = server.client.post(
        f"{API}/users/create", json={"username": "dave", "password": "short"}, headers=admin
    )
    assert_error(weak, 400, "INVALID_PARAMETER_VALUE", "Invalid password")
    ok(
        server.client.patch(
            f"{API}/users/update-admin",
            json={"username": "carol", "is_admin": "true"},
            headers=admin,
        )
    )
    carol = basic("carol", "carol-password")
    assert ok(server.client.get(f"{API}/users/get", params={"username": "carol"}, headers=carol))[
        "user"
    ]["is_admin"]
    self_delete = server.client.request(
        "DELETE", f"{API}/users/delete", json={"username": "admin"}, headers=admin
    )
    assert_error(self_delete, 400, "INVALID_PARAMETER_VALUE", "own account")
    ok(
        server.client.request(
            "DELETE", f"{API}/users/delete", json={"username": "carol"}, headers=admin
        )
    )
    _challenged(server.client.get(f"{API}/users/get", params={"username": "carol"}, headers=carol))
    missing = server.client.get(f"{API}/users/get", params={"username": "carol"}, headers=admin)
    assert_error(missing, 404, "RESOURCE_DOES_NOT_EXIST")


def test_permission_endpoints_speak_mlflows_wire_format(server: SecuredServer) -> None:
    admin = server.as_("admin")
    experiment_id = ok(
        server.client.post(f"{API}/experiments/create", json={"name": "exp"}, headers=admin)
    )["experiment_id"]
    grant = {"experiment_id": experiment_id, "username": "reader", "permission": "EDIT"}
    created = ok(
        server.client.post(f"{API}/experiments/permissions/create", json=grant, headers=admin)
    )
    assert created["experiment_permission"]["permission"] == "EDIT"
    query = {"experiment_id": experiment_id, "username": "reader"}
    got = ok(server.client.get(f"{API}/experiments/permissions/get", params=query, headers=admin))
    assert got == created
    changed = {**grant, "permission": "manage"}
    ok(server.client.patch(f"{API}/experiments/permissions/update", json=changed, headers=admin))
    got = ok(server.client.get(f"{API}/experiments/permissions/get", params=query, headers=admin))
    assert got["experiment_permission"]["permission"] == "MANAGE"
    bad = {**grant, "permission": "OWNER"}
    assert_error(
        server.client.patch(f"{API}/experiments/permissions/update", json=bad, headers=admin),
        400,
        "INVALID_PARAMETER_VALUE",
    )
    ok(
        server.client.request(
            "DELETE", f"{API}/experiments/permissions/delete", json=query, headers=admin
        )
    )
    assert_error(
        server.client.get(f"{API}/experiments/permissions/get", params=query, headers=admin),
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )
    missing = {**grant, "experiment_id": "4242"}
    assert_error(
        server.client.post(f"{API}/experiments/permissions/create", json=missing, headers=admin),
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )


def test_artifact_paths_are_checked_against_the_experiment(server: SecuredServer) -> None:
    admin = server.as_("admin")
    experiment_id = ok(
        server.client.post(f"{API}/experiments/create", json={"name": "exp"}, headers=admin)
    )["experiment_id"]
    path = f"{ARTIFACTS}/{experiment_id}/run/artifacts/notes.txt"
    assert server.client.put(path, content=b"hello", headers=admin).status_code == 200
    assert server.client.get(path, headers=server.as_("reader")).content == b"hello"
    refused = server.client.put(path, content=b"changed", headers=server.as_("reader"))
    assert_error(refused, 403, "PERMISSION_DENIED", "needs EDIT on experiment")
    listing = server.client.get(
        ARTIFACTS, params={"path": experiment_id}, headers=server.as_("reader")
    )
    assert ok(listing) == {"files": [{"path": "run", "is_dir": True}]}
    for refused_path in ("", "registry"):
        response = server.client.get(
            ARTIFACTS, params={"path": refused_path}, headers=server.as_("reader")
        )
        assert_error(response, 403, "PERMISSION_DENIED", "only administrators")
    assert_error(server.client.get(path), 401, "UNAUTHENTICATED")


def test_the_session_cookie_does_not_authenticate_the_rest_api(server: SecuredServer) -> None:
    session = server.auth.open_session("reader", PASSWORDS["reader"])
    assert session is not None
    server.client.cookies.set("modelreg_session", session)
    _challenged(server.client.get(f"{API}/registered-models/search"))
    assert server.client.get("/", follow_redirects=False).status_code == 200
