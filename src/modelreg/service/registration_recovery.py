"""The recovery of registrations whose process died mid-copy: the sweep that fails them.

A server sweeps when it starts and then every lease renewal interval (a quarter of
``MODELREG_PENDING_REGISTRATION_TIMEOUT``): each PENDING_REGISTRATION version whose lease
(:mod:`modelreg.service.registration_lease`) ran out becomes FAILED_REGISTRATION with a
message saying why, and the partial copy at its storage location is deleted. Replicas may
sweep at the same time: marking a version failed is a compare-and-set on its lease, so a
version is failed once, and never while its registration still renews the lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from modelreg.entities import ModelVersion, ModelVersionStatus
from modelreg.errors import ModelVersionNotFound, RegisteredModelNotFound, ResourceConflict
from modelreg.identity import Principal, acting_as
from modelreg.service.registration import RegistrationService

__all__ = ["RECOVERY_ACTOR", "fail_abandoned_registrations", "running_recovery"]

logger = logging.getLogger(__name__)

#: Who the audit log names as failing an abandoned registration.
RECOVERY_ACTOR = Principal("modelreg:registration-recovery", is_admin=True)


def fail_abandoned_registrations(registration: RegistrationService) -> list[ModelVersion]:
    """Mark every registration whose lease ran out FAILED_REGISTRATION and delete its files.

    Returns the versions failed by this call (not those another replica got to first).
    """
    registry, lease = registration.registry, registration.lease
    expired_before = lease.expired_before(registry.clock())
    with registry.store.read() as tx:
        abandoned = tx.stale_pending_versions(expired_before)
    message = (
        f"The registration was abandoned: the process copying the files stopped renewing "
        f"its lease for over {lease.timeout:g} s (it was probably stopped or killed). "
        "Register the model again."
    )
    failed = []
    with acting_as(RECOVERY_ACTOR):
        for version in abandoned:
            try:
                done = registry.finish_model_version(
                    version.name,
                    version.version,
                    ModelVersionStatus.FAILED_REGISTRATION,
                    status_message=message,
                    renewed_before=expired_before,
                )
            except (ResourceConflict, ModelVersionNotFound, RegisteredModelNotFound):
                continue  # renewed, finished, renamed or deleted since it was listed
            logger.warning("failed the abandoned registration of %s/%s", done.name, done.version)
            failed.append(done)
            try:
                registration.discard_copy(version.storage_location)
            except Exception:  # the storage is away: say what is left, and carry on
                logger.exception("could not delete the partial copy %s", version.storage_location)
    return failed


def _sweep(registration: RegistrationService) -> None:
    try:
        fail_abandoned_registrations(registration)
    except Exception:  # the database may be away for a while: the next sweep will do
        logger.exception("could not sweep abandoned registrations")


@contextmanager
def running_recovery(registration: RegistrationService) -> Iterator[None]:
    """Sweep now, then every lease renewal interval in a background thread, until the block
    ends."""
    _sweep(registration)
    stop = threading.Event()

    def repeat() -> None:
        while not stop.wait(registration.lease.renewal_interval):
            _sweep(registration)

    thread = threading.Thread(target=repeat, name="registration-recovery", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
