"""A server SIGKILLed while 16 clients move versions between stages (archiving the previous
holders) and move aliases: after a restart no transition is half-applied. At most one version
of a model is in Staging and one in Production, each archive sits in the transaction of its
move, and the audit history replays to the state exactly."""

from __future__ import annotations

import threading
import time

import httpx

from tests.faults.background import InThread
from tests.faults.invariants import (
    assert_aliases_point_at_versions,
    assert_history_replays_to_state,
    assert_one_holder_per_promoted_stage,
    assert_version_numbers,
    opened,
)
from tests.faults.servers import Deployment, running
from tests.faults.workload import MLFLOW, WRITES, Workload

MODELS = ("Alpha", "Beta", "Gamma")
VERSIONS = 6


def test_sigkill_under_concurrent_transitions_leaves_no_half_applied_one(
    deployment: Deployment,
) -> None:
    with running(deployment) as server:
        workload = Workload([server.url], MODELS, WRITES, seed=1)
        workload.setup(VERSIONS)
        stop = threading.Event()
        working = InThread(lambda: workload.run(16, stop, timeout=10))
        time.sleep(2)
        server.kill()
        stop.set()
        outcomes = working.outcome()
    assert outcomes.count(200) > 50, outcomes.answers  # the kill came under load
    assert outcomes.count(0) > 0, outcomes.answers  # ...and the clients saw it go
    assert outcomes.server_errors() == []

    with running(deployment) as server:
        body = {"name": "Alpha", "version": "1", "stage": "Production"}
        moved = httpx.post(
            f"{server.url}{MLFLOW}/model-versions/transition-stage",
            json={**body, "archive_existing_versions": True},
            timeout=10,
        )
        assert moved.status_code == 200, moved.text
    with opened(deployment.tracking_uri, deployment.artifacts) as backend:
        assert_one_holder_per_promoted_stage(backend)
        assert_aliases_point_at_versions(backend)
        assert_history_replays_to_state(backend)
        assert_version_numbers(backend, outcomes.created, VERSIONS, all_answered=False)
