"""Two replicas on one PostgreSQL database, each sweeping for abandoned registrations every
0.5 s (a 2 s lease): a registration copying on one replica for three times the lease is
never failed by the other, and one whose replica is SIGKILLed is failed by the survivor."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from modelreg import Client
from modelreg.entities import ModelVersion, ModelVersionStatus
from modelreg.errors import ModelRegistryError
from tests.databases import fresh_postgres_database
from tests.faults.background import InThread
from tests.faults.held_up import HeldUpModel
from tests.faults.invariants import assert_ready_versions_complete, opened
from tests.faults.registrations import caught_mid_copy, finished, version_of
from tests.faults.servers import Deployment, Server, running
from tests.webhooks.receiver import eventually

pytestmark = pytest.mark.postgres

LEASE_S = 2.0


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[Deployment, Server, Server]]:
    """Two servers on a fresh database and one artifact root, with a short lease."""
    with ExitStack() as stack:
        uri = stack.enter_context(fresh_postgres_database("modelreg_faults"))
        env = {"MODELREG_PENDING_REGISTRATION_TIMEOUT": str(LEASE_S)}
        deployment = Deployment(uri, tmp_path / "artifacts", tmp_path / "servers.log", env)
        first, second = (stack.enter_context(running(deployment)) for _ in range(2))
        yield deployment, first, second


def test_a_copy_longer_than_the_lease_is_not_failed_by_the_other_replica(
    replicas: tuple[Deployment, Server, Server],
) -> None:
    deployment, first, second = replicas
    # The first replica copies from its artifact root, where the model waits on a pipe.
    model = HeldUpModel(deployment.artifacts / "uploads" / "held")
    client = Client(first.url)
    client.create_registered_model("Held")
    registering = InThread(
        lambda: client.create_model_version("Held", "mlflow-artifacts:/uploads/held")
    )
    try:
        eventually(lambda: version_of(second, "Held", 1))  # created: its copy is under way
        time.sleep(3 * LEASE_S)  # twelve sweeps of the second replica
        version = version_of(second, "Held", 1)
        assert version is not None
        assert version["status"] == ModelVersionStatus.PENDING_REGISTRATION.value
    finally:
        model.release()
    ready = registering.outcome()
    client.close()
    assert isinstance(ready, ModelVersion), ready
    assert ready.status == ModelVersionStatus.READY
    assert ready.last_updated_timestamp - ready.creation_timestamp > 3 * LEASE_S * 1000
    with opened(deployment.tracking_uri, deployment.artifacts) as backend:
        assert_ready_versions_complete(backend)


def test_the_surviving_replica_fails_the_registration_of_a_killed_one(
    replicas: tuple[Deployment, Server, Server], big_model: Path
) -> None:
    deployment, first, second = replicas
    client = Client(first.url)
    registering = InThread(lambda: client.register_model(str(big_model), "Big"))
    folder = caught_mid_copy(deployment, first, "Big")
    first.kill()
    assert isinstance(registering.outcome(), ModelRegistryError)
    client.close()
    version = finished(second, "Big", 1, timeout=10)
    assert version["status"] == ModelVersionStatus.FAILED_REGISTRATION.value
    assert "abandoned" in version["status_message"]
    assert not folder.exists()
