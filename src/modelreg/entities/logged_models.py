"""MLflow 3's logged models: a model's files and metadata, produced by a run, before registration.

A logged model has an id ``m-<32 hex>``, lives in an experiment, and keeps its files under
``<experiment artifact location>/models/<model_id>/artifacts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "LoggedModel",
    "LoggedModelMetric",
    "LoggedModelStatus",
    "ModelOutput",
    "is_logged_model_id",
]

_MODEL_ID = re.compile(r"m-[0-9a-f]{32}")


def is_logged_model_id(value: str) -> bool:
    """Whether ``value`` has the form of a logged model id, ``m-<32 lowercase hex>``."""
    return _MODEL_ID.fullmatch(value) is not None


class LoggedModelStatus(StrEnum):
    """Whether the model's files are being uploaded, complete, or failed to upload."""

    PENDING = "LOGGED_MODEL_PENDING"
    READY = "LOGGED_MODEL_READY"
    UPLOAD_FAILED = "LOGGED_MODEL_UPLOAD_FAILED"

    def __repr__(self) -> str:
        return repr(self.value)


@dataclass(frozen=True)
class LoggedModelMetric:
    """A metric value linked to a logged model (and to the run that logged it)."""

    key: str
    value: float
    timestamp: int
    step: int = 0
    run_id: str | None = None
    dataset_name: str | None = None
    dataset_digest: str | None = None


@dataclass(frozen=True)
class LoggedModel:
    """A model logged by a run: where its files are, its status, params, tags and metrics."""

    model_id: str
    experiment_id: str
    name: str
    artifact_location: str
    creation_timestamp: int
    last_updated_timestamp: int
    status: LoggedModelStatus = LoggedModelStatus.PENDING
    source_run_id: str | None = None
    model_type: str | None = None
    status_message: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    metrics: list[LoggedModelMetric] = field(default_factory=list)


@dataclass(frozen=True)
class ModelOutput:
    """A run's output: the logged model it produced, at a step."""

    model_id: str
    step: int = 0
