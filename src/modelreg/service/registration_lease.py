"""The lease a registration holds on its PENDING_REGISTRATION version while it copies files.

The copying process renews the lease (the version's last-updated time) every quarter of
``timeout`` until the version is READY or FAILED_REGISTRATION. A version whose lease has not
been renewed for ``timeout`` belongs to a process that died mid-copy (SIGKILL, a lost
machine), and the recovery sweep (:mod:`modelreg.service.registration_recovery`) fails it.

A renewed lease, rather than a timeout longer than any copy, is what makes the sweep safe
with several replicas: a registration in flight on a live replica keeps its version however
long its copy takes, so ``timeout`` need only exceed the renewal interval plus the clock
skew between replicas (each stamps its own clock). Should a process stall past its lease
anyway, it finds the version failed when it tries to finish it, and discards its copy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from modelreg.clock import Clock
from modelreg.config import DEFAULT_PENDING_REGISTRATION_TIMEOUT
from modelreg.entities import ModelVersion
from modelreg.store.sql import SqlRegistryStore

__all__ = ["RegistrationLease", "renewed_lease"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistrationLease:
    """How long a pending registration's lease lasts unrenewed (seconds)."""

    timeout: float = DEFAULT_PENDING_REGISTRATION_TIMEOUT

    @property
    def renewal_interval(self) -> float:
        """Seconds between renewals (and between recovery sweeps)."""
        return self.timeout / 4

    def expired_before(self, now: int) -> int:
        """The time (ms) before which a lease last renewed has run out at ``now`` (ms)."""
        return now - round(self.timeout * 1000)


@contextmanager
def renewed_lease(
    store: SqlRegistryStore, clock: Clock, version: ModelVersion, lease: RegistrationLease
) -> Iterator[None]:
    """Keep renewing ``version``'s lease in a background thread while the block runs."""
    with store.read() as tx:
        model_id = tx.model_id(version.name)  # by id: renaming the model keeps the lease
    stop = threading.Event()
    what = f"version {version.version} of model '{version.name}'"

    def renew() -> None:
        while not stop.wait(lease.renewal_interval):
            try:
                with store.write() as tx:
                    held = tx.update_pending_version(model_id, version.version, clock())
            except Exception:  # the database may be away for a moment: try again later
                logger.exception("could not renew the registration lease of %s", what)
                continue
            if not held:
                logger.warning("%s is no longer pending registration", what)
                return

    thread = threading.Thread(target=renew, name="registration-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
