"""The database drops the server's connections while 16 clients are working (each is ended
with ``pg_terminate_backend``, as a PostgreSQL restart or failover would): requests caught in
the middle fail cleanly with a JSON 503 the clients may retry, none hangs, nothing is left
half-done, and the server reconnects by itself. While the database refuses connections
altogether (it is down), every request is a quick 503, until it is back.

The PostgreSQL server is shared, so it is never restarted here: only the test's own
database loses its connections.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from modelreg import Client
from modelreg.errors import StoreUnavailable
from tests.databases import POSTGRES_SERVER, fresh_postgres_database
from tests.faults.background import InThread
from tests.faults.invariants import (
    assert_aliases_point_at_versions,
    assert_history_replays_to_state,
    assert_one_holder_per_promoted_stage,
    assert_version_numbers,
    opened,
)
from tests.faults.servers import Deployment, running
from tests.faults.workload import MLFLOW, READS, WRITES, Workload

pytestmark = pytest.mark.postgres

MODELS = ("Alpha", "Beta")
VERSIONS = 4


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh database of its own, whose connections the test may end."""
    with fresh_postgres_database("modelreg_faults") as uri:
        yield uri


@contextmanager
def administered(uri: str) -> Iterator[tuple[sa.Connection, str]]:
    """A connection to the server's ``postgres`` database, and the name of ``uri``'s."""
    admin = sa.create_engine(
        f"{POSTGRES_SERVER}/postgres".replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as connection:
            yield connection, str(sa.make_url(uri).database)
    finally:
        admin.dispose()


def terminate_connections(uri: str) -> int:
    """End every connection to the database of ``uri``; how many there were."""
    activity = sa.table("pg_stat_activity", sa.column("pid"), sa.column("datname"))
    with administered(uri) as (connection, database):
        ended = sa.select(sa.func.pg_terminate_backend(activity.c.pid)).where(
            activity.c.datname == database
        )
        return len(connection.execute(ended).all())


@contextmanager
def database_down(uri: str) -> Iterator[None]:
    """The database refuses new connections and has none, until the block ends."""
    with administered(uri) as (connection, database):
        connection.exec_driver_sql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    try:
        terminate_connections(uri)
        yield
    finally:
        with administered(uri) as (connection, database):
            connection.exec_driver_sql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')


def get_model(url: str, name: str) -> httpx.Response:
    """GET a registered model."""
    return httpx.get(f"{url}{MLFLOW}/registered-models/get", params={"name": name}, timeout=10)


def test_lost_connections_fail_requests_with_503_and_the_server_reconnects(
    database: str, tmp_path: Path
) -> None:
    deployment = Deployment(database, tmp_path / "artifacts", tmp_path / "server.log")
    with running(deployment) as server:
        workload = Workload([server.url], MODELS, READS | WRITES, seed=2)
        workload.setup(VERSIONS)
        stop = threading.Event()
        working = InThread(lambda: workload.run(16, stop, timeout=10))
        ended = 0
        for _ in range(15):
            time.sleep(0.2)
            ended += terminate_connections(database)
        stop.set()
        outcomes = working.outcome()

        for _ in range(20):  # reconnected: every request succeeds again
            response = get_model(server.url, "Alpha")
            assert response.status_code == 200, response.text

    assert ended > 15, ended
    assert outcomes.count(200) > 100, outcomes.answers
    assert outcomes.count(0) == 0, outcomes.unexpected  # every request was answered
    failures = outcomes.unexpected
    assert failures, "no request was caught by the lost connections"
    for failure in failures:
        assert failure.split()[1] == "503", failure
        assert '"error_code":"TEMPORARILY_UNAVAILABLE"' in failure, failure
    with opened(deployment.tracking_uri, deployment.artifacts) as backend:
        assert_one_holder_per_promoted_stage(backend)
        assert_aliases_point_at_versions(backend)
        assert_history_replays_to_state(backend)
        assert_version_numbers(backend, outcomes.created, VERSIONS, all_answered=False)


def test_a_database_that_refuses_connections_is_a_quick_503_until_it_is_back(
    database: str, tmp_path: Path
) -> None:
    deployment = Deployment(database, tmp_path / "artifacts", tmp_path / "server.log")
    with running(deployment) as server:
        Workload([server.url], MODELS, {}).setup(1)
        with database_down(database):
            for _ in range(5):
                started = time.monotonic()
                response = get_model(server.url, "Alpha")
                assert time.monotonic() - started < 5
                assert response.status_code == 503, response.text
                assert response.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
                assert "retry" in response.json()["message"]
                assert database not in response.text  # nothing about the infrastructure
            client = Client(server.url)  # which retries, then raises the error's class
            with pytest.raises(StoreUnavailable, match="retry"):
                client.get_registered_model("Alpha")
            client.close()
        response = get_model(server.url, "Alpha")
        assert response.status_code == 200, response.text
