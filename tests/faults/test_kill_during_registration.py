"""A server SIGKILLed while it copies a registration's files, then restarted on the same
registry: the version never becomes READY with missing files; the restarted server (its
recovery sweep) marks it FAILED_REGISTRATION with a message and deletes the partial copy."""

from __future__ import annotations

import time
from pathlib import Path

from modelreg import Client
from modelreg.entities import ModelVersionStatus
from modelreg.errors import ModelRegistryError
from tests.faults.background import InThread
from tests.faults.conftest import BIG_FILES
from tests.faults.invariants import assert_ready_versions_complete, opened
from tests.faults.registrations import (
    caught_mid_copy,
    copied_files,
    download_uri,
    finished,
    proxied_folder,
)
from tests.faults.servers import Deployment, running


def test_sigkill_mid_copy_fails_the_version_and_deletes_the_partial_copy(
    deployment: Deployment, big_model: Path
) -> None:
    with running(deployment) as server:
        client = Client(server.url)
        registering = InThread(lambda: client.register_model(str(big_model), "Big"))
        folder = caught_mid_copy(deployment, server, "Big")
        server.kill()
        assert isinstance(registering.outcome(), ModelRegistryError)  # the server went away
        client.close()
    assert 0 < len(copied_files(folder)) < BIG_FILES + 2  # killed with a partial copy

    started = time.monotonic()
    with running(deployment) as server:
        version = finished(server, "Big", 1, timeout=20)
        assert version["status"] == ModelVersionStatus.FAILED_REGISTRATION.value
        assert "abandoned" in version["status_message"]
        assert download_uri(server, "Big", 1) == version["source"]  # no copy any more
        assert not folder.exists()
        assert time.monotonic() - started < 15  # one lease (1 s) and a sweep, plus start-up

        client = Client(server.url)
        again = client.register_model(str(big_model), "Big")
        client.close()
        assert (again.version, again.status) == (2, ModelVersionStatus.READY)
        copy = proxied_folder(deployment, download_uri(server, "Big", 2))
    assert len(copied_files(copy)) == BIG_FILES + 2  # its files, MLmodel and the manifest
    with opened(deployment.tracking_uri, deployment.artifacts) as backend:
        assert_ready_versions_complete(backend)
