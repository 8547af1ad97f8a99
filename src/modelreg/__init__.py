"""modelreg: a fast, auditable machine-learning model registry, wire-compatible with MLflow's.

Importing the package is cheap: ``Client`` and the rest load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from modelreg.__about__ import __version__

if TYPE_CHECKING:
    from modelreg.client import Client
    from modelreg.entities import ModelVersion, PagedList, RegisteredModel, Stage

__all__ = ["Client", "ModelVersion", "PagedList", "RegisteredModel", "Stage", "__version__"]

_LAZY = {
    "Client": "modelreg.client",
    "ModelVersion": "modelreg.entities",
    "PagedList": "modelreg.entities",
    "RegisteredModel": "modelreg.entities",
    "Stage": "modelreg.entities",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'modelreg' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
