"""Soak: two replicas SIGKILLed in turn and restarted, every few seconds for a minute, under
32 clients and a stream of registrations. Clients of a dying replica lose their connections
(and nothing else): no answer is a server error; afterwards no version is READY with missing
files, every registration cut off is failed with a message by the sweep, no transition is
half-applied, and the audit history replays to the final state."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from modelreg import Client
from modelreg.entities import ModelVersionStatus
from modelreg.errors import ModelRegistryError
from tests.databases import fresh_postgres_database
from tests.faults.background import InThread
from tests.faults.invariants import (
    all_models,
    all_versions,
    assert_aliases_point_at_versions,
    assert_history_replays_to_state,
    assert_one_holder_per_promoted_stage,
    assert_ready_versions_complete,
    assert_version_numbers,
    opened,
)
from tests.faults.servers import QUICK_RECOVERY, Deployment, Server, running
from tests.faults.workload import READS, WRITES, Workload
from tests.processes import free_port
from tests.webhooks.receiver import eventually

pytestmark = [pytest.mark.postgres, pytest.mark.soak]

MODELS = ("Alpha", "Beta", "Gamma")
VERSIONS = 3
ROUNDS, ROUND_S = 12, 5.0


class Replica:
    """One replica: restarted on the same port after each kill."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._stack = ExitStack()
        self.server: Server = self._start()

    def _start(self) -> Server:
        return self._stack.enter_context(running(self.deployment, self.port))

    def kill_and_restart(self) -> None:
        """SIGKILL it, then start a new process on the same port."""
        self.server.kill()
        self._stack.close()
        self._stack = ExitStack()
        self.server = self._start()

    def close(self) -> None:
        self._stack.close()


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[Deployment, list[Replica]]]:
    with ExitStack() as stack:
        uri = stack.enter_context(fresh_postgres_database("modelreg_chaos"))
        deployment = Deployment(
            uri, tmp_path / "artifacts", tmp_path / "servers.log", QUICK_RECOVERY
        )
        replicas = [Replica(deployment) for _ in range(2)]
        for replica in replicas:
            stack.callback(replica.close)
        yield deployment, replicas


def keep_registering(urls: list[str], model: Path, stop: threading.Event) -> list[object]:
    """Register ``model`` through random replicas until ``stop``; the outcomes."""
    chooser = random.Random(3)
    outcomes: list[object] = []
    while not stop.is_set():
        client = Client(chooser.choice(urls))
        try:
            outcomes.append(client.register_model(str(model), "Registered").status)
        except ModelRegistryError as error:
            outcomes.append(error)
        finally:
            client.close()
    return outcomes


def test_replicas_killed_in_turn_under_load_lose_nothing(
    replicas: tuple[Deployment, list[Replica]], tmp_path: Path
) -> None:
    deployment, servers = replicas
    model = tmp_path / "model"
    model.mkdir()
    (model / "MLmodel").write_text("flavors: {}\n")
    for number in range(8):
        (model / f"part-{number}.bin").write_bytes(random.randbytes(4 * 1024 * 1024))
    urls = [replica.url for replica in servers]
    workload = Workload(urls, MODELS, READS | WRITES, seed=5)
    workload.setup(VERSIONS)
    stop = threading.Event()
    working = InThread(lambda: workload.run(32, stop, timeout=10))
    registering = InThread(lambda: keep_registering(urls, model, stop))
    for round_ in range(ROUNDS):
        time.sleep(ROUND_S)
        servers[round_ % 2].kill_and_restart()
    stop.set()
    outcomes = working.outcome(timeout=120)
    registrations = registering.outcome(timeout=120)

    assert outcomes.server_errors() == []
    assert all(line.split()[1] == "0" for line in outcomes.unexpected)  # connections only
    assert outcomes.count(200) > 1000, outcomes.answers
    assert registrations.count(ModelVersionStatus.READY) > 5, registrations
    with opened(deployment.tracking_uri, deployment.artifacts) as backend:

        def settled() -> bool | None:  # the sweep has failed every registration cut off
            pending = [
                version
                for found in all_models(backend)
                for version in all_versions(backend, found.name)
                if version.status == ModelVersionStatus.PENDING_REGISTRATION
            ]
            return not pending or None

        eventually(settled, timeout=30)
        for version in all_versions(backend, "Registered"):
            if version.status == ModelVersionStatus.FAILED_REGISTRATION:
                assert version.status_message, version
        assert_ready_versions_complete(backend)
        assert_version_numbers(backend, outcomes.created, VERSIONS, all_answered=False)
        assert_aliases_point_at_versions(backend)
        assert_one_holder_per_promoted_stage(backend)
        assert_history_replays_to_state(backend)
