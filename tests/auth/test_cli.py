"""``modelreg users ...`` and ``modelreg tokens ...`` on a local registry database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from modelreg.server import create_app
from tests.auth.conftest import auth_settings, bearer
from tests.cli.conftest import Cli

PASSWORD = "alices-secret-password"


@pytest.fixture
def registry_folder(tmp_path: Path) -> Path:
    """Where the registry database lives."""
    return tmp_path


@pytest.fixture
def cli(registry_folder: Path) -> Cli:
    """The CLI on the registry in ``registry_folder``."""
    return Cli(f"sqlite:///{registry_folder / 'registry.db'}")


def test_users_are_created_listed_changed_and_deleted(cli: Cli) -> None:
    created = cli(
        "users", "create", "alice", "--admin", "--password-stdin", "--json", input=f"{PASSWORD}\n"
    )
    assert created.exit_code == 0, created.output
    assert PASSWORD not in created.output
    user = json.loads(created.stdout)
    assert (user["username"], user["is_admin"]) == ("alice", True)
    prompted = cli("users", "create", "bob", input="bobs-password\nbobs-password\n")
    assert prompted.exit_code == 0, prompted.output
    assert "Created user 'bob'." in prompted.stdout
    listed = cli.json("users", "list")
    assert [(u["username"], u["is_admin"]) for u in listed["users"]] == [
        ("alice", True),
        ("bob", False),
    ]
    assert "password" not in json.dumps(listed)
    assert cli.json("users", "set-admin", "alice", "--no-admin") == {
        "username": "alice",
        "is_admin": False,
    }
    changed = cli("users", "set-password", "bob", "--password-stdin", input="bobs-new-password\n")
    assert changed.exit_code == 0, changed.output
    assert cli.json("users", "delete", "bob", "--yes") == {"username": "bob", "deleted": True}
    table = cli("users", "list")
    assert "alice" in table.stdout
    assert "bob" not in table.stdout


def test_user_errors_end_the_command_with_a_message(cli: Cli) -> None:
    weak = cli("users", "create", "alice", "--password-stdin", input="short\n")
    assert weak.exit_code == 2
    assert "Invalid password" in weak.stderr
    mismatch = cli("users", "create", "alice", input="first-password\nsecond-password\n")
    assert mismatch.exit_code != 0
    assert cli("users", "delete", "nobody", "--yes").exit_code == 2
    remote = Cli("http://127.0.0.1:9")("users", "list")
    assert remote.exit_code == 2
    assert "is a server" in remote.stderr


def test_a_token_made_on_the_command_line_works_against_the_server(
    cli: Cli, registry_folder: Path
) -> None:
    cli("users", "create", "alice", "--password-stdin", input=f"{PASSWORD}\n")
    created = cli("tokens", "create", "alice", "--name", "ci")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("mrg_")
    assert "not shown again" in created.stderr
    listed = cli.json("tokens", "list", "alice")
    assert [(t["name"], t["username"]) for t in listed["tokens"]] == [("ci", "alice")]
    assert token not in json.dumps(listed)
    settings = auth_settings(registry_folder)
    with TestClient(create_app(settings)) as client:
        search = client.get("/api/2.0/mlflow/registered-models/search", headers=bearer(token))
        assert search.status_code == 200
        token_id = str(listed["tokens"][0]["id"])
        assert cli.json("tokens", "revoke", token_id) == {"id": int(token_id), "revoked": True}
        search = client.get("/api/2.0/mlflow/registered-models/search", headers=bearer(token))
        assert search.status_code == 401
