"""A registration's lease, in process: renewed while its copy runs however long it takes, and
the recovery sweep fails only registrations whose lease ran out, deleting their partial copy.

A copy is held up for as long as a test needs by a named pipe among the model's files (see
``tests.faults.held_up``).
"""

from __future__ import annotations

import dataclasses
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelreg.artifacts import artifact_store_for
from modelreg.backend import LocalBackend, open_local_backend
from modelreg.config import PENDING_REGISTRATION_TIMEOUT_ENV, Settings
from modelreg.entities import ModelVersion, ModelVersionStatus
from modelreg.errors import InvalidParameterValue
from modelreg.service.registration import RegistrationFailed, RegistrationService
from modelreg.service.registration_lease import RegistrationLease
from modelreg.service.registration_recovery import RECOVERY_ACTOR, fail_abandoned_registrations
from tests.faults.background import InThread
from tests.faults.held_up import WEIGHTS, HeldUpModel
from tests.faults.invariants import assert_ready_versions_complete, history, local_folder

#: Long enough that a loaded 2-core machine still renews in time (renewals every TIMEOUT/4).
TIMEOUT = 2.0


@pytest.fixture
def backend(store_uri: str, tmp_path: Path) -> Iterator[LocalBackend]:
    """The services on an empty store, with a registration lease of TIMEOUT seconds."""
    settings = Settings.resolve(store_uri, {}, artifact_root=str(tmp_path / "artifacts"))
    settings = dataclasses.replace(settings, pending_registration_timeout=TIMEOUT)
    backend = open_local_backend(settings)
    yield backend
    backend.close()


def pending(backend: LocalBackend, name: str) -> ModelVersion:
    """Version 1 of ``name`` once a registration has created it (PENDING_REGISTRATION)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = backend.registry.search_model_versions(f"name = '{name}'")
        if found:
            assert found[0].status == ModelVersionStatus.PENDING_REGISTRATION
            return found[0]
        time.sleep(0.01)
    raise AssertionError(f"no version of {name} was created")


def test_the_timeout_is_read_from_the_environment_and_must_be_a_positive_duration() -> None:
    assert Settings.resolve("sqlite:///r.db", {}).pending_registration_timeout == 3600
    environ = {PENDING_REGISTRATION_TIMEOUT_ENV: "0.5"}
    assert Settings.resolve("sqlite:///r.db", environ).pending_registration_timeout == 0.5
    for wrong in ("0", "-3", "soon", "nan", "inf"):
        with pytest.raises(InvalidParameterValue, match=PENDING_REGISTRATION_TIMEOUT_ENV):
            Settings.resolve("sqlite:///r.db", {PENDING_REGISTRATION_TIMEOUT_ENV: wrong})


def test_a_copy_longer_than_the_timeout_keeps_its_lease_and_ends_ready(
    backend: LocalBackend, tmp_path: Path
) -> None:
    model = HeldUpModel(tmp_path / "model")
    registering = InThread(lambda: backend.registration.register_model(str(model.folder), "M"))
    try:
        version = pending(backend, "M")
        held_until = time.monotonic() + 4 * TIMEOUT
        while time.monotonic() < held_until:  # the copy waits; sweeps come and go
            assert fail_abandoned_registrations(backend.registration) == []
            time.sleep(TIMEOUT / 8)
    finally:
        model.release()
    ready = registering.outcome()
    assert isinstance(ready, ModelVersion), ready
    assert ready.status == ModelVersionStatus.READY
    assert ready.storage_location == version.storage_location  # recorded when created
    assert (local_folder(ready.storage_location or "") / "weights.bin").read_bytes() == WEIGHTS
    assert_ready_versions_complete(backend)


def test_the_sweep_fails_a_registration_whose_process_stopped_renewing_and_deletes_its_files(
    backend: LocalBackend,
) -> None:
    registry, registration = backend.registry, backend.registration
    registry.create_registered_model("M")
    storage = artifact_store_for(registration.storage_root)
    storage.put_stream("dead/weights.bin", io.BytesIO(b"half of the"))
    # What a registration whose process was killed mid-copy leaves: no one renews its lease.
    dead = registry.create_model_version(
        "M",
        "s3://bucket/m",
        status=ModelVersionStatus.PENDING_REGISTRATION,
        storage_location=storage.uri("dead"),
    )
    registry.create_model_version("M", "s3://bucket/ready")
    time.sleep(TIMEOUT * 1.2)
    alive = registry.create_model_version(
        "M", "s3://bucket/m2", status=ModelVersionStatus.PENDING_REGISTRATION
    )

    failed = fail_abandoned_registrations(registration)

    assert [(v.name, v.version) for v in failed] == [("M", dead.version)]
    after = registry.get_model_version("M", dead.version)
    assert after.status == ModelVersionStatus.FAILED_REGISTRATION
    assert "abandoned" in (after.status_message or "")
    assert f"{TIMEOUT:g} s" in (after.status_message or "")
    assert after.storage_location is None
    assert not storage.exists("dead")
    assert registry.get_model_version("M", 2).status == ModelVersionStatus.READY
    assert registry.get_model_version("M", alive.version).status == alive.status
    assert fail_abandoned_registrations(registration) == []  # failed once
    (event,) = [e for e in history(backend, "M") if e.action == "status_changed"]
    assert event.actor == RECOVERY_ACTOR.username
    assert event.after == {
        "status": "FAILED_REGISTRATION",
        "status_message": after.status_message,
        "storage_location": None,
    }


def test_a_copy_that_outlived_its_lease_is_discarded_not_made_ready(
    backend: LocalBackend, tmp_path: Path
) -> None:
    # A copier that stalls past its lease (it renews every 15 minutes here), and a replica
    # that finds the lease run out meanwhile: the version must not end READY.
    stalled = RegistrationService(
        backend.registry,
        backend.tracking,
        backend.tracking.artifact_root,
        tmp_path / "cache",
        lease=RegistrationLease(3600),
    )
    model = HeldUpModel(tmp_path / "model")
    registering = InThread(lambda: stalled.register_model(str(model.folder), "M"))
    try:
        version = pending(backend, "M")
        time.sleep(TIMEOUT * 1.2)
        assert [v.version for v in fail_abandoned_registrations(backend.registration)] == [1]
    finally:
        model.release()
    error = registering.outcome()
    assert isinstance(error, RegistrationFailed)
    assert "lease ran out" in error.message
    after = backend.registry.get_model_version("M", 1)
    assert after.status == ModelVersionStatus.FAILED_REGISTRATION
    assert not local_folder(version.storage_location or "").exists()
