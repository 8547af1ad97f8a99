"""FastAPI dependencies: the services of the app's backend, from ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from modelreg.backend import LocalBackend
from modelreg.governance.service import GovernanceService
from modelreg.server.artifact_uris import ArtifactUris
from modelreg.service import RegistrationService, RegistryService, TrackingService
from modelreg.service.history import HistoryService
from modelreg.service.logged_models import LoggedModelService


def backend(request: Request) -> LocalBackend:
    """The backend the app was created with."""
    found: LocalBackend = request.app.state.backend
    return found


def _registry(request: Request) -> RegistryService:
    return backend(request).registry


def _tracking(request: Request) -> TrackingService:
    return backend(request).tracking


def _registration(request: Request) -> RegistrationService:
    return backend(request).registration


def _history(request: Request) -> HistoryService:
    return backend(request).history


def _governance(request: Request) -> GovernanceService:
    return backend(request).governance


def _logged_models(request: Request) -> LoggedModelService:
    return backend(request).logged_models


def _proxy(request: Request) -> ArtifactUris:
    found: ArtifactUris = request.app.state.artifact_uris
    return found


Registry = Annotated[RegistryService, Depends(_registry)]
Tracking = Annotated[TrackingService, Depends(_tracking)]
Registration = Annotated[RegistrationService, Depends(_registration)]
Governance = Annotated[GovernanceService, Depends(_governance)]
History = Annotated[HistoryService, Depends(_history)]
LoggedModels = Annotated[LoggedModelService, Depends(_logged_models)]
ArtifactProxy = Annotated[ArtifactUris, Depends(_proxy)]
