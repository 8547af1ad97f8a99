"""The domain's entities: frozen dataclasses with no I/O; stores build them, doors render them."""

from modelreg.entities.paging import PagedList
from modelreg.entities.registry import ModelVersion, ModelVersionStatus, RegisteredModel, Stage
from modelreg.entities.tracking import (
    Experiment,
    LifecycleStage,
    Metric,
    Run,
    RunData,
    RunInfo,
    RunStatus,
    ViewType,
)

__all__ = [
    "Experiment",
    "LifecycleStage",
    "Metric",
    "ModelVersion",
    "ModelVersionStatus",
    "PagedList",
    "RegisteredModel",
    "Run",
    "RunData",
    "RunInfo",
    "RunStatus",
    "Stage",
    "ViewType",
]
