"""modelreg: a fast, auditable machine-learning model registry, wire-compatible with MLflow's.

Importing the package is cheap: ``Client``, the fluent functions and the flavors
(``modelreg.sklearn``, ``modelreg.pyfunc``) load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from modelreg.__about__ import __version__

if TYPE_CHECKING:
    from modelreg import pyfunc, sklearn
    from modelreg.client import Client
    from modelreg.entities import ModelVersion, PagedList, RegisteredModel, Run, Stage
    from modelreg.fluent import (
        ActiveRun,
        active_run,
        end_run,
        get_tracking_uri,
        log_artifact,
        log_artifacts,
        log_metric,
        log_metrics,
        log_param,
        log_params,
        register_model,
        set_experiment,
        set_tag,
        set_tags,
        set_tracking_uri,
        start_run,
    )

__all__ = [
    "ActiveRun",
    "Client",
    "ModelVersion",
    "PagedList",
    "RegisteredModel",
    "Run",
    "Stage",
    "__version__",
    "active_run",
    "end_run",
    "get_tracking_uri",
    "log_artifact",
    "log_artifacts",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "pyfunc",
    "register_model",
    "set_experiment",
    "set_tag",
    "set_tags",
    "set_tracking_uri",
    "sklearn",
    "start_run",
]

_LAZY = {
    "Client": "modelreg.client",
    "ModelVersion": "modelreg.entities",
    "PagedList": "modelreg.entities",
    "RegisteredModel": "modelreg.entities",
    "Run": "modelreg.entities",
    "Stage": "modelreg.entities",
}
_SUBMODULES = ("pyfunc", "sklearn")
_LAZY.update(
    (name, "modelreg.fluent")
    for name in __all__
    if name not in _LAZY and name not in _SUBMODULES and name != "__version__"
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return import_module(f"modelreg.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'modelreg' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return list(__all__)
