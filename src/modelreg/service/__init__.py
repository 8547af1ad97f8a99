"""The registry's business rules, applied once for every door (Python API, REST, UI, CLI)."""

from modelreg.service.registry import RegistryService

__all__ = ["RegistryService"]
