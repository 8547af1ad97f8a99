"""Passwords and tokens never appear in the logs, nor in any response but the one that creates
a token (which shows its value once)."""

from __future__ import annotations

import logging

import httpx
import pytest

from modelreg.server.ui import csrf
from tests.auth.conftest import PASSWORDS, SecuredServer, basic, bearer
from tests.server.conftest import API

OWN_API = "/api/2.0/modelreg"
NEW_PASSWORD = "carols-very-secret-password"
CHANGED_PASSWORD = "carols-changed-secret-password"


def test_no_password_or_token_is_logged_or_echoed(
    server: SecuredServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client, admin = server.client, server.as_("admin")
    responses: list[httpx.Response] = []

    def send(method: str, url: str, **kwargs: object) -> httpx.Response:
        response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        responses.append(response)
        return response

    send(
        "POST",
        f"{API}/users/create",
        json={"username": "carol", "password": NEW_PASSWORD},
        headers=admin,
    )
    send(
        "POST", f"{API}/users/create", json={"username": "dave", "password": "short"}, headers=admin
    )
    send("GET", f"{API}/registered-models/search", headers=basic("carol", NEW_PASSWORD))
    send("GET", f"{API}/registered-models/search", headers=basic("carol", CHANGED_PASSWORD))
    change = {"username": "carol", "password": CHANGED_PASSWORD, "current_password": "wrong"}
    send("PATCH", f"{API}/users/update-password", json=change, headers=basic("carol", NEW_PASSWORD))
    created = client.post(
        f"{OWN_API}/tokens/create", json={"name": "ci"}, headers=basic("carol", NEW_PASSWORD)
    )
    token = created.json()["value"]
    send("GET", f"{OWN_API}/tokens/list", headers=bearer(token))
    send("GET", f"{API}/registered-models/search", headers=bearer(token + "-tampered"))
    send("GET", f"{API}/users/get", params={"username": "carol"}, headers=bearer(token))
    client.get("/login")
    login = {csrf.FIELD: client.cookies.get(csrf.COOKIE) or "", "next": "/"}
    send("POST", "/login", data={**login, "username": "carol", "password": CHANGED_PASSWORD})
    send(
        "POST",
        "/login",
        data={**login, "username": "carol", "password": NEW_PASSWORD},
        follow_redirects=False,
    )
    send(
        "DELETE",
        f"{OWN_API}/tokens/revoke",
        json={"id": created.json()["token"]["id"]},
        headers=bearer(token),
    )
    send("GET", f"{OWN_API}/tokens/list", headers=bearer(token))

    secrets = [NEW_PASSWORD, CHANGED_PASSWORD, token, *PASSWORDS.values(), *server.tokens.values()]
    assert [r.status_code for r in responses] == [
        200,
        400,
        200,
        401,
        400,
        200,
        401,
        200,
        401,
        303,
        200,
        401,
    ]
    assert "user carol created" in caplog.text  # the log was captured
    for secret in secrets:
        assert secret not in caplog.text
        for response in responses:
            assert secret not in response.text
            assert secret not in str(response.headers)
    assert created.json()["value"] == token  # shown once, on creation
