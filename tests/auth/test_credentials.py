"""Parsing the ``Authorization`` header, and the credentials a client finds in the environment."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict

import pytest

from modelreg.config import Settings
from modelreg.entities.permissions import Permission
from modelreg.errors import InvalidParameterValue
from modelreg.server.auth.credentials import BasicCredentials, BearerToken, parse_authorization


def _basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


def test_basic_and_bearer_headers_are_parsed() -> None:
    assert parse_authorization(_basic("alice:pa:ss word")) == BasicCredentials(
        "alice", "pa:ss word"
    )
    assert parse_authorization("bearer mrg_abc") == BearerToken("mrg_abc")
    assert parse_authorization("Bearer  mrg_abc ") == BearerToken("mrg_abc")


@pytest.mark.parametrize(
    "header",
    ["", "Basic", "Basic !!!", _basic("no-colon"), _basic(":password"), "Digest abc", "Bearer "],
)
def test_malformed_headers_carry_no_credentials(header: str) -> None:
    assert parse_authorization(header) is None


def test_credentials_never_show_in_their_repr() -> None:
    assert "s3cret" not in repr(BasicCredentials("alice", "s3cret"))
    assert "mrg_s3cret" not in repr(BearerToken("mrg_s3cret"))


def test_authentication_is_off_by_default() -> None:
    settings = Settings.resolve("sqlite:///x.db", {})
    assert not settings.auth
    assert settings.default_permission == Permission.READ
    assert settings.credentials.username is None
    assert settings.credentials.token is None


def test_server_settings_come_from_the_environment() -> None:
    environ = {
        "MODELREG_AUTH": "true",
        "MODELREG_DEFAULT_PERMISSION": "no_permissions",
        "MODELREG_SECRET_KEY": "key",
        "MODELREG_ADMIN_USERNAME": "root",
        "MODELREG_ADMIN_PASSWORD": "root-password",
    }
    settings = Settings.resolve("sqlite:///x.db", environ)
    assert settings.auth
    assert settings.default_permission == Permission.NO_PERMISSIONS
    assert (settings.secret_key, settings.admin_username) == ("key", "root")
    assert settings.admin_password == "root-password"


@pytest.mark.parametrize(
    ("name", "value"), [("MODELREG_AUTH", "maybe"), ("MODELREG_DEFAULT_PERMISSION", "ALL")]
)
def test_invalid_auth_settings_are_refused(name: str, value: str) -> None:
    with pytest.raises(InvalidParameterValue):
        Settings.resolve("sqlite:///x.db", {name: value})


def test_client_credentials_prefer_modelregs_names_over_mlflows() -> None:
    environ = {
        "MLFLOW_TRACKING_USERNAME": "mlflow-user",
        "MLFLOW_TRACKING_PASSWORD": "mlflow-password",
        "MLFLOW_TRACKING_TOKEN": "mlflow-token",
        "MODELREG_TRACKING_USERNAME": "our-user",
        "MODELREG_TRACKING_TOKEN": "our-token",
    }
    credentials = Settings.resolve("http://server", environ).credentials
    assert (credentials.username, credentials.password) == ("our-user", "mlflow-password")
    assert credentials.token == "our-token"
    only_mlflow = {key: value for key, value in environ.items() if key.startswith("MLFLOW")}
    credentials = Settings.resolve("http://server", only_mlflow).credentials
    assert (credentials.username, credentials.token) == ("mlflow-user", "mlflow-token")


def test_settings_repr_shows_no_secret() -> None:
    environ = {
        "MODELREG_SECRET_KEY": "the-secret-key",
        "MODELREG_ADMIN_PASSWORD": "the-admin-password",
        "MODELREG_TRACKING_PASSWORD": "the-password",
        "MODELREG_TRACKING_TOKEN": "the-token",
    }
    settings = Settings.resolve("http://server", environ)
    text = repr(settings) + repr(settings.credentials)
    for secret in environ.values():
        assert secret not in text


def test_settings_survive_a_json_round_trip() -> None:
    settings = Settings.resolve(
        "sqlite:///x.db", {"MODELREG_AUTH": "1", "MODELREG_DEFAULT_PERMISSION": "EDIT"}
    )
    data = json.loads(json.dumps(asdict(settings), default=str))
    data["cache_dir"] = settings.cache_dir
    assert Settings(**data) == settings
