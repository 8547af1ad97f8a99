"""Open the registry a tracking URI names, as one set of services sharing one database.

``sqlite:///...`` and ``postgresql://...`` open the SQL store in-process; a plain folder path
(or ``file:``) opens the embedded layout kept in that folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from modelreg.clock import Clock, system_clock
from modelreg.config import Settings
from modelreg.errors import InvalidParameterValue
from modelreg.governance.gate import PolicyGate
from modelreg.governance.service import GovernanceService
from modelreg.operations import Backend
from modelreg.service import RegistrationService, RegistryService, TrackingService
from modelreg.service.access import AccessControl
from modelreg.service.gates import PromotionGate
from modelreg.service.history import HistoryService
from modelreg.service.logged_models import LoggedModelService
from modelreg.service.registration_lease import RegistrationLease
from modelreg.store.sql import SqlRegistryStore, SqlTrackingStore, create_store_engine

_SQL_SCHEMES = ("sqlite", "postgresql", "postgres")


def store_uri(tracking_uri: str) -> str:
    """The SQL store URI behind a tracking URI."""
    scheme = urlparse(tracking_uri).scheme.split("+")[0]
    if scheme in _SQL_SCHEMES:
        return tracking_uri
    if scheme in ("", "file"):
        folder = Path(tracking_uri.removeprefix("file://").removeprefix("file:")).resolve()
        return f"sqlite:///{folder / 'registry.db'}"
    raise InvalidParameterValue(
        f"Unsupported tracking URI {tracking_uri!r}: use http(s)://<server>, "
        "sqlite:///<path>, postgresql://<host>/<db> or a folder path."
    )


@dataclass(frozen=True)
class LocalBackend:
    """The services of one registry, in this process."""

    registry: RegistryService
    tracking: TrackingService
    registration: RegistrationService

    @property
    def history(self) -> HistoryService:
        """The models' audit history, point-in-time queries and rollback."""
        return HistoryService(self.registry)

    @property
    def governance(self) -> GovernanceService:
        """Promotion policies and transition requests."""
        return GovernanceService(self.registry)

    @property
    def logged_models(self) -> LoggedModelService:
        """MLflow 3's logged models (the registration resolves ``models:/m-<id>`` with them)."""
        return self.registration.logged_models

    def close(self) -> None:
        """Release the database connections."""
        self.registry.store.close()


def is_remote(tracking_uri: str) -> bool:
    """Whether the URI names a server (``http://``, ``https://``)."""
    return urlparse(tracking_uri).scheme in ("http", "https")


def open_backend(settings: Settings, *, clock: Clock = system_clock) -> Backend:
    """The backend for ``settings``: a server's client, or the services in this process."""
    if is_remote(settings.tracking_uri):
        from modelreg.remote import open_remote_backend  # httpx: only clients of a server

        return open_remote_backend(settings)
    return open_local_backend(settings, clock=clock)


def open_local_backend(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    local_sources: bool = True,
    access: AccessControl | None = None,
    gate: PromotionGate | None = None,
) -> LocalBackend:
    """The in-process services for ``settings``, with the database schema migrated.

    ``local_sources=False`` (for a server) stops registrations from copying local folders;
    ``access`` checks permissions (everyone may do everything when None) and ``gate``
    approves stage and alias moves (the promotion policies in the database when None).
    """
    engine = create_store_engine(store_uri(settings.tracking_uri))
    registry = RegistryService(SqlRegistryStore(engine), clock=clock, access=access, gate=gate)
    if gate is None:  # the declared promotion policies, enforced at every door
        registry.gate = PolicyGate(registry.access)
    tracking = TrackingService(
        SqlTrackingStore(engine), settings.artifact_root, clock=clock, access=access
    )
    registration = RegistrationService(
        registry,
        tracking,
        settings.artifact_root,
        settings.cache_dir,
        local_sources=local_sources,
        lease=RegistrationLease(settings.pending_registration_timeout),
    )
    return LocalBackend(registry, tracking, registration)
