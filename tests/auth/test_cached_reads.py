"""The server's cached read answers follow permissions: each user gets answers made for
them, and a changed grant takes effect on the next read."""

from __future__ import annotations

from tests.auth.conftest import SecuredServer
from tests.server.conftest import API, ok


def _get(server: SecuredServer, role: str) -> int:
    response = server.client.get(
        f"{API}/registered-models/get", params={"name": "Secret"}, headers=server.as_(role)
    )
    return response.status_code


def test_a_revoked_read_is_refused_at_once_and_others_still_read(server: SecuredServer) -> None:
    admin = server.as_("admin")
    ok(
        server.client.post(
            f"{API}/registered-models/create", json={"name": "Secret"}, headers=admin
        )
    )
    assert [_get(server, role) for role in ("admin", "reader", "reader")] == [200, 200, 200]
    grant = {"name": "Secret", "username": "reader", "permission": "NO_PERMISSIONS"}
    ok(server.client.post(f"{API}/registered-models/permissions/create", json=grant, headers=admin))
    assert _get(server, "reader") in (403, 404)
    assert _get(server, "admin") == 200
    ok(
        server.client.request(
            "DELETE",
            f"{API}/registered-models/permissions/delete",
            json={"name": "Secret", "username": "reader"},
            headers=admin,
        )
    )
    assert _get(server, "reader") == 200


def test_an_answer_made_for_one_user_is_not_served_to_another(server: SecuredServer) -> None:
    admin = server.as_("admin")
    ok(
        server.client.post(
            f"{API}/registered-models/create", json={"name": "Secret"}, headers=admin
        )
    )
    grant = {"name": "Secret", "username": "reader", "permission": "NO_PERMISSIONS"}
    ok(server.client.post(f"{API}/registered-models/permissions/create", json=grant, headers=admin))
    assert [_get(server, "admin"), _get(server, "admin")] == [200, 200]  # kept for admin
    assert _get(server, "reader") in (403, 404)
    assert _get(server, "anonymous") == 401
