"""The remote client sends the credentials it is given: HTTP basic, or a bearer token."""

from __future__ import annotations

import pytest

from modelreg.config import Credentials
from modelreg.errors import ModelRegistryError
from modelreg.remote import RestClient
from tests.auth.conftest import PASSWORDS, SecuredServer
from tests.server.conftest import ARTIFACTS


def _rest(server: SecuredServer, credentials: Credentials | None) -> RestClient:
    return RestClient("http://testserver", session=server.client, credentials=credentials)


def _whoami(rest: RestClient) -> str:
    created = rest.post("registered-models/create", name="Mine")
    assert created["registered_model"]["name"] == "Mine"
    found = rest.get("users/get", username="editor")
    return str(found["user"]["username"])


def test_a_password_is_sent_as_http_basic(server: SecuredServer) -> None:
    assert _whoami(_rest(server, Credentials("editor", PASSWORDS["editor"]))) == "editor"


def test_a_token_is_sent_as_bearer(server: SecuredServer) -> None:
    assert _whoami(_rest(server, Credentials(token=server.tokens["editor"]))) == "editor"


def test_a_password_wins_over_a_token_as_in_mlflow(server: SecuredServer) -> None:
    credentials = Credentials("editor", PASSWORDS["editor"], token="mrg_not-a-token")
    assert _whoami(_rest(server, credentials)) == "editor"


def test_without_credentials_the_server_refuses(server: SecuredServer) -> None:
    with pytest.raises(ModelRegistryError, match="Authentication is required"):
        _rest(server, None).get("registered-models/search")
    with pytest.raises(ModelRegistryError, match="Invalid credentials"):
        _rest(server, Credentials("editor", "wrong-password")).get("registered-models/search")


def test_downloads_are_authenticated_too(server: SecuredServer) -> None:
    admin = _rest(server, Credentials(token=server.tokens["admin"]))
    experiment_id = admin.post("experiments/create", name="exp")["experiment_id"]
    path = f"{ARTIFACTS}/{experiment_id}/run/artifacts/notes.txt"
    admin.request("PUT", path, content=b"hello")
    reader = _rest(server, Credentials(token=server.tokens["reader"]))
    assert b"".join(reader.stream(path)) == b"hello"
    with pytest.raises(ModelRegistryError, match="Authentication is required"):
        b"".join(_rest(server, None).stream(path))
