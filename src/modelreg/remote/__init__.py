"""The client of a modelreg server (or MLflow's): the same operations, over HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from modelreg.config import Settings
from modelreg.remote.governance import RemoteGovernance
from modelreg.remote.history import RemoteHistory
from modelreg.remote.http import RestClient, Session
from modelreg.remote.registration import RemoteRegistration
from modelreg.remote.registry import RemoteRegistry
from modelreg.remote.tracking import RemoteTracking

__all__ = ["RemoteBackend", "RestClient", "open_remote_backend"]


@dataclass(frozen=True)
class RemoteBackend:
    """The operations of a registry reached over HTTP."""

    registry: RemoteRegistry
    tracking: RemoteTracking
    registration: RemoteRegistration
    history: RemoteHistory
    governance: RemoteGovernance

    def close(self) -> None:
        """Close the pooled connections."""
        self.registry.rest.close()


def open_remote_backend(settings: Settings, *, session: Session | None = None) -> RemoteBackend:
    """The backend of the server at ``settings.tracking_uri``; ``session`` for in-process tests."""
    rest = RestClient(settings.tracking_uri, session=session, credentials=settings.credentials)
    registry = RemoteRegistry(rest)
    tracking = RemoteTracking(rest)
    return RemoteBackend(
        registry,
        tracking,
        RemoteRegistration(registry, tracking, settings.cache_dir),
        RemoteHistory(rest),
        RemoteGovernance(rest),
    )
