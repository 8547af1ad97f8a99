"""The registry's business rules, applied once for every door (Python API, REST, UI, CLI)."""

from modelreg.service.registration import RegistrationService
from modelreg.service.registry import RegistryService
from modelreg.service.tracking import TrackingService

__all__ = ["RegistrationService", "RegistryService", "TrackingService"]
