"""FastAPI dependencies: the services of the app's backend, from ``app.state``.

The providers are coroutines so FastAPI calls them on the event loop: a plain function
would cost every request a round trip through the thread pool just to read ``app.state``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from modelreg.backend import LocalBackend
from modelreg.governance.service import GovernanceService
from modelreg.server.artifact_uris import ArtifactUris
from modelreg.server.reads import RegistryReads
from modelreg.service import RegistrationService, RegistryService, TrackingService
from modelreg.service.history import HistoryService
from modelreg.service.logged_models import LoggedModelService


def backend(request: Request) -> LocalBackend:
    """The backend the app was created with."""
    found: LocalBackend = request.app.state.backend
    return found


async def _registry(request: Request) -> RegistryService:
    return backend(request).registry


async def _tracking(request: Request) -> TrackingService:
    return backend(request).tracking


async def _registration(request: Request) -> RegistrationService:
    return backend(request).registration


async def _history(request: Request) -> HistoryService:
    return backend(request).history


async def _governance(request: Request) -> GovernanceService:
    return backend(request).governance


async def _logged_models(request: Request) -> LoggedModelService:
    return backend(request).logged_models


async def _reads(request: Request) -> RegistryReads:
    found: RegistryReads = request.app.state.reads
    return found


async def _proxy(request: Request) -> ArtifactUris:
    found: ArtifactUris = request.app.state.artifact_uris
    return found


Registry = Annotated[RegistryService, Depends(_registry)]
Tracking = Annotated[TrackingService, Depends(_tracking)]
Registration = Annotated[RegistrationService, Depends(_registration)]
Governance = Annotated[GovernanceService, Depends(_governance)]
History = Annotated[HistoryService, Depends(_history)]
LoggedModels = Annotated[LoggedModelService, Depends(_logged_models)]
Reads = Annotated[RegistryReads, Depends(_reads)]
ArtifactProxy = Annotated[ArtifactUris, Depends(_proxy)]
