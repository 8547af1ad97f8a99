"""The server's cache of read answers: repeated reads run no query, and no answer outlives
a change, whichever replica made it (two apps on one database, SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from modelreg.backend import LocalBackend, open_local_backend
from modelreg.config import Settings
from modelreg.errors import InvalidParameterValue
from modelreg.server import create_app
from tests.server.conftest import API, backend_of, ok

READS = {
    "model": ("GET", "/registered-models/get", {"name": "Unicorn"}),
    "latest": ("GET", "/registered-models/get-latest-versions", {"name": "Unicorn"}),
    "latest (POST)": ("POST", "/registered-models/get-latest-versions", {"name": "Unicorn"}),
    "alias": ("GET", "/registered-models/alias", {"name": "Unicorn", "alias": "champion"}),
    "version": ("GET", "/model-versions/get", {"name": "Unicorn", "version": "1"}),
    "models search": ("GET", "/registered-models/search", {"filter": "name LIKE 'Uni%'"}),
    "versions search": ("GET", "/model-versions/search", {"filter": "name = 'Unicorn'"}),
}


@dataclasses.dataclass
class Replica:
    """One app (its own services, connections and cache) on the shared database."""

    client: TestClient
    backend: LocalBackend

    def read(self, case: str) -> Any:
        method, path, parameters = READS[case]
        if method == "POST":
            return ok(self.client.post(f"{API}{path}", json=parameters))
        return ok(self.client.get(f"{API}{path}", params=parameters))

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return ok(self.client.post(f"{API}{path}", json=body))


def _replica(settings: Settings) -> Iterator[Replica]:
    backend = open_local_backend(settings, local_sources=False)
    with TestClient(create_app(settings, backend=backend)) as client:
        yield Replica(client, backend)
    backend.close()


@pytest.fixture
def settings(store_uri: str, tmp_path: Path) -> Settings:
    return Settings.resolve(store_uri, {}, artifact_root=str(tmp_path / "artifacts"))


@pytest.fixture
def first(settings: Settings) -> Iterator[Replica]:
    yield from _replica(settings)


@pytest.fixture
def second(settings: Settings) -> Iterator[Replica]:
    yield from _replica(settings)


def _seed(replica: Replica) -> None:
    replica.post("/registered-models/create", {"name": "Unicorn"})
    replica.post("/model-versions/create", {"name": "Unicorn", "source": "s3://b/model"})
    replica.post(
        "/registered-models/alias", {"name": "Unicorn", "alias": "champion", "version": "1"}
    )


class Statements:
    """Counts the SQL statements an engine runs for requests (the webhook delivery worker
    polls its outbox on the same engine meanwhile: its statements are left out)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, _connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "webhook" not in statement:
            self.count += 1


@pytest.mark.parametrize("case", READS)
def test_a_repeated_read_runs_no_query_until_something_changes(first: Replica, case: str) -> None:
    _seed(first)
    statements = Statements(first.backend.registry.store.engine)
    answer = first.read(case)
    ran = statements.count
    assert ran > 0
    assert first.read(case) == answer
    assert statements.count == ran  # from the cache
    first.post(
        "/model-versions/set-tag", {"name": "Unicorn", "version": "1", "key": "k", "value": "v"}
    )
    after = statements.count
    changed = first.read(case)
    assert statements.count > after
    if case != "models search":  # a model's answer carries its latest versions' tags only
        assert changed != answer


CHANGES = [
    ("/registered-models/set-tag", {"name": "Unicorn", "key": "team", "value": "b"}),
    ("/model-versions/create", {"name": "Unicorn", "source": "s3://b/model2"}),
    ("/registered-models/alias", {"name": "Unicorn", "alias": "champion", "version": "2"}),
    (
        "/model-versions/transition-stage",
        {
            "name": "Unicorn",
            "version": "2",
            "stage": "Production",
            "archive_existing_versions": True,
        },
    ),
    ("/model-versions/update", {"name": "Unicorn", "version": "1", "description": "old"}),
]


def test_a_change_made_through_one_replica_is_read_at_once_through_the_other(
    first: Replica, second: Replica
) -> None:
    _seed(first)
    for path, body in CHANGES:
        before = {case: second.read(case) for case in READS}
        assert {case: second.read(case) for case in READS} == before  # now cached
        if path == "/model-versions/update":
            ok(first.client.patch(f"{API}{path}", json=body))
        else:
            first.post(path, body)
        after = {case: second.read(case) for case in READS}
        assert after == {case: first.read(case) for case in READS}, path
        assert after != before, path
    assert second.read("alias")["model_version"]["version"] == "2"
    assert second.read("model")["registered_model"]["latest_versions"][-1]["current_stage"] == (
        "Production"
    )


def test_deleting_the_model_ends_its_cached_answers(first: Replica, second: Replica) -> None:
    _seed(first)
    second.read("model")
    ok(first.client.request("DELETE", f"{API}/registered-models/delete", json={"name": "Unicorn"}))
    response = second.client.get(f"{API}/registered-models/get", params={"name": "Unicorn"})
    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_errors_are_not_kept(first: Replica) -> None:
    missing = first.client.get(f"{API}/registered-models/get", params={"name": "Unicorn"})
    assert missing.status_code == 404
    first.post("/registered-models/create", {"name": "Unicorn"})
    assert first.read("model")["registered_model"]["name"] == "Unicorn"


def test_a_zero_budget_turns_the_cache_off(tmp_path: Path) -> None:
    settings = Settings.resolve(
        f"sqlite:///{tmp_path / 'registry.db'}",
        {"MODELREG_READ_CACHE_MIB": "0"},
        artifact_root=str(tmp_path / "artifacts"),
    )
    for replica in _replica(settings):
        _seed(replica)
        statements = Statements(backend_of(replica.client).registry.store.engine)
        replica.read("model")
        ran = statements.count
        replica.read("model")
        assert statements.count == 2 * ran


@pytest.mark.parametrize("value", ["-1", "lots", "nan"])
def test_a_wrong_budget_is_refused_with_what_to_write(value: str) -> None:
    with pytest.raises(InvalidParameterValue, match=r"MODELREG_READ_CACHE_MIB.*size in MiB"):
        Settings.resolve("sqlite:///x.db", {"MODELREG_READ_CACHE_MIB": value})
