"""CSRF refusal, HTML escaping of everything users write, security headers, and the UI's
place beside the REST API."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from modelreg.backend import LocalBackend
from modelreg.config import Settings
from modelreg.server import create_app
from modelreg.server.ui import csrf
from tests.ui.conftest import Ui, page

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_form_without_a_token_is_refused(ui: Ui, unicorn: LocalBackend) -> None:
    ui.get("/")  # the browser holds a cookie, but the form has no field
    response = ui.client.post("/models/Unicorn/tags", data={"key": "a", "value": "b"})
    assert "no security token" in page(response, 403)
    assert "a" not in unicorn.registry.get_registered_model("Unicorn").tags


def test_a_form_without_the_cookie_is_refused(ui: Ui, unicorn: LocalBackend) -> None:
    token = ui.token()
    ui.client.cookies.clear()
    response = ui.client.post(
        "/models/Unicorn/delete", data={csrf.FIELD: token, "confirmed": "yes"}
    )
    page(response, 403)
    unicorn.registry.get_registered_model("Unicorn")


def test_a_token_that_does_not_match_the_cookie_is_refused(ui: Ui, unicorn: LocalBackend) -> None:
    ui.token()
    forged = "A" * 43
    response = ui.client.post("/models/Unicorn/tags", data={csrf.FIELD: forged, "key": "a"})
    assert "expired" in page(response, 403)


def test_a_cross_site_post_is_refused_even_with_the_token(ui: Ui, unicorn: LocalBackend) -> None:
    token = ui.token()
    for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}):
        response = ui.client.post(
            "/models/Unicorn/tags", data={csrf.FIELD: token, "key": "a"}, headers=headers
        )
        assert "another site" in page(response, 403)


def test_a_same_origin_post_is_accepted(ui: Ui, unicorn: LocalBackend) -> None:
    token = ui.token()
    response = ui.client.post(
        "/models/Unicorn/tags",
        data={csrf.FIELD: token, "key": "a", "value": "b"},
        headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
    )
    assert "Tag &#39;a&#39; set." in page(response)


def test_every_form_carries_the_token(ui: Ui, unicorn: LocalBackend, run_id: str) -> None:
    token = ui.token()
    for url in ["/", "/models/Unicorn", "/models/Unicorn/versions/1", f"/runs/{run_id}?path=model"]:
        html = page(ui.get(url))
        forms = html.count('<form method="post"')
        assert forms > 0
        assert html.count(f'name="{csrf.FIELD}" value="{token}"') == forms, url


def test_the_cookie_is_http_only_and_same_site(ui: Ui) -> None:
    cookie = ui.get("/").headers["set-cookie"]
    assert cookie.startswith(f"{csrf.COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


def test_a_form_must_be_url_encoded(ui: Ui, unicorn: LocalBackend) -> None:
    response = ui.client.post(
        "/models/Unicorn/tags", files={"key": (None, "a")}, data={csrf.FIELD: ui.token()}
    )
    page(response, 415)


@pytest.fixture
def hostile(backend: LocalBackend, run_id: str) -> str:
    """A model whose name, description, tags and alias-free version carry markup."""
    name = "<svg onload=alert(1)>&\"'"
    registry = backend.registry
    registry.create_registered_model(name, tags={"team": XSS}, description=f"# T {XSS}")
    backend.registration.register_model(f"runs:/{run_id}/model", name, tags={"note": XSS})
    registry.update_model_version(name, 1, XSS + "[x](javascript:alert(1))")
    backend.tracking.set_tag(run_id, "owner", XSS)
    return name


def test_nothing_users_write_becomes_markup(ui: Ui, hostile: str, run_id: str) -> None:
    model = f"/models/{quote(hostile, safe='')}"
    for url in [
        "/",
        "/?q=svg",
        model,
        f"{model}/versions/1",
        f"{model}/history",
        f"/runs/{run_id}",
    ]:
        html = page(ui.get(url))
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "<svg onload" not in html, url
        assert 'href="javascript:' not in html, url
    html = page(ui.get(model))
    assert "<h1>&lt;svg onload=alert(1)&gt;&amp;&#34;&#39;</h1>" in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # the tag value
    assert "<h1>T &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # the markdown


def test_error_pages_escape_what_they_repeat(ui: Ui) -> None:
    html = page(ui.get("/models/%3Cscript%3Ealert(1)"), 404)
    assert "<script>alert" not in html
    assert "name=&lt;script&gt;alert(1) not found" in html


def test_flash_messages_escape_what_they_repeat(ui: Ui, unicorn: LocalBackend) -> None:
    html = page(ui.post("/models/Unicorn/tags", key="<i>k</i>", value="x"))
    assert "<i>k</i>" not in html
    assert "&lt;i&gt;k&lt;/i&gt;" in html


def test_pages_send_security_headers(ui: Ui) -> None:
    headers = ui.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


def test_assets_are_served_from_the_package(ui: Ui) -> None:
    html = page(ui.get("/"))
    assert "http://" not in html.split("<body>")[0]  # nothing from another host
    for asset, media in [
        ("style.css", "text/css"),
        ("app.js", "text/javascript"),
        ("favicon.svg", "image/svg+xml"),
    ]:
        response = ui.get(f"/static/{asset}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
    assert "prefers-color-scheme: dark" in ui.get("/static/style.css").text
    page(ui.get("/static/nope.css"), 404)
    page(ui.get("/static/..%2Fcsrf.py"), 404)


def test_the_ui_does_not_shadow_the_api(ui: Ui, unicorn: LocalBackend) -> None:
    client = ui.client
    assert client.get("/health").text == "OK"
    assert client.get("/version").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "modelreg"
    assert client.get("/docs").status_code == 200
    for prefix in ("/api", "/ajax-api"):
        body = client.get(f"{prefix}/2.0/mlflow/registered-models/get", params={"name": "Unicorn"})
        assert body.json()["registered_model"]["name"] == "Unicorn"
    missing = client.get("/api/2.0/mlflow/no-such-endpoint")
    assert (missing.status_code, missing.json()["error_code"]) == (404, "ENDPOINT_NOT_FOUND")
    error = client.get("/api/2.0/mlflow/registered-models/get", params={"name": "nope"})
    assert error.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert "/models/{name}" not in client.get("/openapi.json").json()["paths"]


def test_unknown_ui_paths_are_404_pages(ui: Ui) -> None:
    for url in ["/models/a/b/c", "/experiments/1/2/3", "/runs/x/y/z"]:
        assert "There is no such page." in page(ui.get(url), 404)


def test_an_unexpected_failure_is_a_500_page_without_internals(
    ui: Ui, unicorn: LocalBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(name: str) -> None:
        raise RuntimeError("secret internals at /srv/db")

    monkeypatch.setattr(unicorn.registry, "get_registered_model", broken)
    html = page(ui.get("/models/Unicorn"), 500)
    assert "Internal error: RuntimeError." in html
    assert "secret internals" not in html
    assert "Traceback" not in html


@pytest.fixture
def signed_ui(settings: Settings, backend: LocalBackend) -> Iterator[Ui]:
    """The app with a secret key: its CSRF tokens are signed."""
    keyed = dataclasses.replace(settings, secret_key="a secret of the deployment")
    with TestClient(create_app(keyed, backend=backend)) as client:
        yield Ui(client, backend)


def test_with_a_secret_key_tokens_are_signed_and_planted_ones_refused(
    signed_ui: Ui, unicorn: LocalBackend
) -> None:
    token = signed_ui.token()
    nonce, _, signature = token.partition(".")
    assert len(nonce) >= 40
    assert len(signature) == 43
    accepted = signed_ui.client.post(
        "/models/Unicorn/tags", data={csrf.FIELD: token, "key": "a", "value": "b"}
    )
    assert "Tag &#39;a&#39; set." in page(accepted)
    # A cookie planted by a neighbouring site, repeated in the form: equal, but not ours.
    planted = "B" * 43
    signed_ui.client.cookies.clear()
    signed_ui.client.cookies.set(csrf.COOKIE, planted)
    refused = signed_ui.client.post(
        "/models/Unicorn/tags", data={csrf.FIELD: planted, "key": "c", "value": "d"}
    )
    assert "expired" in page(refused, 403)
    assert "c" not in unicorn.registry.get_registered_model("Unicorn").tags
    # The answer replaces the planted cookie with a genuine token.
    replaced = refused.headers["set-cookie"]
    assert replaced.startswith(f"{csrf.COOKIE}=")
    assert planted not in replaced
