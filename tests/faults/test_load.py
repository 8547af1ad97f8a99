"""Two server replicas on one fresh PostgreSQL database under concurrent clients mixing reads,
version creation, stage transitions (archiving the previous holders) and alias moves on a
handful of models: no error, every creation gets its own gapless number, every alias points
at a version of its model, and the audit history replays to the final state exactly.

The short run is part of ``make test``; the 60-second run with 64 clients is ``make soak``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.databases import fresh_postgres_database
from tests.faults.invariants import (
    assert_aliases_point_at_versions,
    assert_history_replays_to_state,
    assert_one_holder_per_promoted_stage,
    assert_version_numbers,
    opened,
)
from tests.faults.servers import Deployment, running
from tests.faults.workload import READS, WRITES, Workload

pytestmark = pytest.mark.postgres

MODELS = ("Alpha", "Beta", "Gamma", "Delta", "Epsilon")
VERSIONS = 3

logger = logging.getLogger(__name__)


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[Deployment, list[str]]]:
    """Two servers on a fresh database and one artifact root; their URLs."""
    with ExitStack() as stack:
        uri = stack.enter_context(fresh_postgres_database("modelreg_load"))
        deployment = Deployment(uri, tmp_path / "artifacts", tmp_path / "servers.log")
        servers = [stack.enter_context(running(deployment)) for _ in range(2)]
        yield deployment, [server.url for server in servers]


def check_load(replicas: tuple[Deployment, list[str]], clients: int, seconds: float) -> None:
    """Run the mixed load and check what must hold after it."""
    deployment, urls = replicas
    workload = Workload(urls, MODELS, READS | WRITES, seed=clients)
    workload.setup(VERSIONS)
    outcomes = workload.run_for(clients, seconds)
    answered = sum(outcomes.answers.values())
    logger.warning("%d requests in %.0f s: %s", answered, seconds, dict(outcomes.answers))
    assert outcomes.unexpected == []
    assert answered > 10 * seconds  # it did run
    with opened(deployment.tracking_uri, deployment.artifacts) as backend:
        assert_version_numbers(backend, outcomes.created, VERSIONS, all_answered=True)
        assert_aliases_point_at_versions(backend)
        assert_one_holder_per_promoted_stage(backend)
        assert_history_replays_to_state(backend)


def test_short_mixed_load_on_two_replicas(replicas: tuple[Deployment, list[str]]) -> None:
    check_load(replicas, clients=16, seconds=4)


@pytest.mark.soak
def test_sixty_seconds_of_64_clients_on_two_replicas(
    replicas: tuple[Deployment, list[str]],
) -> None:
    check_load(replicas, clients=64, seconds=60)
