"""The web UI with authentication on: the login page, the session cookie, logout, and pages
and forms that respect the logged-in user's permissions."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from modelreg.backend import open_local_backend
from modelreg.config import Settings
from modelreg.identity import Principal, acting_as
from modelreg.server import create_app
from modelreg.server.ui import csrf
from tests.auth.conftest import PASSWORDS, SecuredServer

SESSION = "modelreg_session"


def _token(client: TestClient, page: str = "/login") -> str:
    """The CSRF token a page gives the browser (signed for whoever is logged in)."""
    client.get(page)
    token = client.cookies.get(csrf.COOKIE)
    assert token is not None
    return token


def log_in(client: TestClient, username: str, password: str, next: str = "/") -> httpx.Response:
    """Submit the login form as the browser would."""
    fields = {csrf.FIELD: _token(client), "username": username, "password": password, "next": next}
    return client.post("/login", data=fields, follow_redirects=False)


def test_pages_send_an_anonymous_visitor_to_the_login_page(server: SecuredServer) -> None:
    response = server.client.get("/models/Unicorn?tab=versions", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmodels%2FUnicorn%3Ftab%3Dversions"
    page = server.client.get("/login?next=/experiments")
    assert page.status_code == 200
    assert 'name="password"' in page.text
    assert 'value="/experiments"' in page.text


def test_logging_in_opens_a_session_and_logging_out_ends_it(server: SecuredServer) -> None:
    response = log_in(server.client, "editor", PASSWORDS["editor"], next="/experiments")
    assert response.status_code == 303
    assert response.headers["location"] == "/experiments"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    page = server.client.get("/experiments")
    assert page.status_code == 200
    assert "editor" in page.text
    assert "Log out" in page.text
    logout = server.client.post(
        "/logout", data={csrf.FIELD: _token(server.client)}, follow_redirects=False
    )
    assert logout.headers["location"] == "/login"
    assert server.client.cookies.get(SESSION) is None
    assert server.client.get("/experiments", follow_redirects=False).status_code == 303


def test_a_wrong_password_shows_the_form_again(server: SecuredServer) -> None:
    response = log_in(server.client, "editor", "not-the-password")
    assert response.status_code == 401
    assert "Wrong user name or password." in response.text
    assert 'value="editor"' in response.text
    assert SESSION not in response.headers.get("set-cookie", "")


def test_logging_in_needs_the_forms_csrf_token(server: SecuredServer) -> None:
    fields = {"username": "editor", "password": PASSWORDS["editor"]}
    response = server.client.post("/login", data=fields, follow_redirects=False)
    assert response.status_code == 403
    assert server.client.cookies.get(SESSION) is None


def test_after_login_the_browser_only_goes_to_this_site(server: SecuredServer) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = log_in(server.client, "editor", PASSWORDS["editor"], next=target)
        assert response.headers["location"] == "/"


def test_a_changed_password_ends_open_sessions(server: SecuredServer) -> None:
    log_in(server.client, "editor", PASSWORDS["editor"])
    assert server.client.get("/", follow_redirects=False).status_code == 200
    server.auth.accounts.set_password("editor", "a-brand-new-password")
    assert server.client.get("/", follow_redirects=False).status_code == 303


def test_a_forged_session_cookie_is_ignored(server: SecuredServer) -> None:
    log_in(server.client, "reader", PASSWORDS["reader"])
    value = server.client.cookies.get(SESSION)
    assert value is not None
    payload, _, signature = value.partition(".")
    server.client.cookies.clear()
    server.client.cookies.set(SESSION, value)
    assert server.client.get("/", follow_redirects=False).status_code == 200
    server.client.cookies.clear()
    server.client.cookies.set(SESSION, f"{payload}x.{signature}")
    assert server.client.get("/", follow_redirects=False).status_code == 303


def test_a_readers_transition_form_is_refused(server: SecuredServer) -> None:
    with acting_as(Principal("admin", is_admin=True)):
        server.backend.registry.create_registered_model("Unicorn")
        server.backend.registry.create_model_version("Unicorn", "s3://bucket/model")
    log_in(server.client, "reader", PASSWORDS["reader"])
    token = _token(server.client, "/models/Unicorn/versions/1")
    fields = {csrf.FIELD: token, "stage": "Production", "confirmed": "yes"}
    page = server.client.post("/models/Unicorn/versions/1/stage", data=fields)
    assert page.status_code == 200
    assert "needs EDIT on registered model" in page.text
    assert server.backend.registry.get_model_version("Unicorn", 1).current_stage.value == "None"


def test_without_authentication_the_ui_needs_no_login(tmp_path: Path) -> None:
    settings = Settings.resolve(
        f"sqlite:///{tmp_path / 'registry.db'}", {}, artifact_root=str(tmp_path / "art")
    )
    backend = open_local_backend(settings, local_sources=False)
    with TestClient(create_app(settings, backend=backend)) as client:
        assert client.get("/", follow_redirects=False).status_code == 200
        assert client.get("/login", follow_redirects=False).headers["location"] == "/"
        assert "Log out" not in client.get("/").text
        assert client.get("/api/2.0/mlflow/users/get?username=x").status_code == 404
    backend.close()
