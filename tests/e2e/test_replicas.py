"""Two server processes sharing one PostgreSQL database and one artifact root behave as one
registry: 32 concurrent writers spread over both get gapless, unique version numbers."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from modelreg import Client
from modelreg.entities import Stage
from tests.databases import fresh_postgres_database
from tests.processes import running_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("replicas")
    with ExitStack() as stack:
        uri = stack.enter_context(fresh_postgres_database("modelreg_replicas"))
        urls = tuple(
            stack.enter_context(
                running_server(uri, folder / "artifacts", folder / f"server-{i}.log")
            )
            for i in range(2)
        )
        yield urls[0], urls[1]


@pytest.fixture
def clients(replicas: tuple[str, str]) -> Iterator[tuple[Client, Client]]:
    """A Client on each replica."""
    first, second = Client(replicas[0]), Client(replicas[1])
    yield first, second
    first.close()
    second.close()


def test_concurrent_writers_on_two_replicas_get_gapless_numbers(
    clients: tuple[Client, Client],
) -> None:
    clients[0].create_registered_model("Shared")

    def create(i: int) -> int:
        client = clients[i % 2]
        return client.create_model_version("Shared", f"runs:/run{i}/model").version

    with ThreadPoolExecutor(max_workers=32) as pool:
        numbers = sorted(pool.map(create, range(32)))
    assert numbers == list(range(1, 33))
    seen = {v.version for v in clients[1].search_model_versions("name = 'Shared'")}
    assert seen == set(range(1, 33))


def test_replicas_see_each_others_writes(clients: tuple[Client, Client], tmp_path: Path) -> None:
    first, second = clients
    first.create_registered_model("Seen")
    first.create_model_version("Seen", "runs:/r/model")
    second.transition_model_version_stage("Seen", 1, "Production")
    second.set_registered_model_alias("Seen", "champion", 1)
    version = first.get_model_version_by_alias("Seen", "champion")
    assert version.current_stage == Stage.PRODUCTION
    (tmp_path / "notes.txt").write_text("shared artifact root")
    run = first.create_run(first.create_experiment("exp"))
    first.log_artifact(run.info.run_id, str(tmp_path / "notes.txt"))
    local = second.download_artifacts(run.info.run_id, "notes.txt", str(tmp_path / "dl"))
    assert Path(local).read_text() == "shared artifact root"
