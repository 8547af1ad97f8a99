"""Tracking entities: experiments, runs, and what runs record (params, metrics, tags)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Experiment",
    "LifecycleStage",
    "Metric",
    "Run",
    "RunData",
    "RunInfo",
    "RunStatus",
    "ViewType",
]


class _ReadableEnum(StrEnum):
    def __repr__(self) -> str:
        return repr(self.value)


class LifecycleStage(_ReadableEnum):
    """Whether an experiment or run is live or in the bin (restorable)."""

    ACTIVE = "active"
    DELETED = "deleted"


class ViewType(_ReadableEnum):
    """Which lifecycle stages a search returns."""

    ACTIVE_ONLY = "ACTIVE_ONLY"
    DELETED_ONLY = "DELETED_ONLY"
    ALL = "ALL"

    def stages(self) -> tuple[LifecycleStage, ...]:
        """The lifecycle stages this view shows."""
        if self is ViewType.ACTIVE_ONLY:
            return (LifecycleStage.ACTIVE,)
        if self is ViewType.DELETED_ONLY:
            return (LifecycleStage.DELETED,)
        return (LifecycleStage.ACTIVE, LifecycleStage.DELETED)


class RunStatus(_ReadableEnum):
    """Where a run is in its life."""

    RUNNING = "RUNNING"
    SCHEDULED = "SCHEDULED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"

    @property
    def is_terminated(self) -> bool:
        """Whether the run has ended."""
        return self in (RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED)


@dataclass(frozen=True)
class Experiment:
    """A named group of runs, with the folder their artifacts go under."""

    experiment_id: str
    name: str
    artifact_location: str
    lifecycle_stage: LifecycleStage = LifecycleStage.ACTIVE
    tags: dict[str, str] = field(default_factory=dict)
    creation_time: int | None = None
    last_update_time: int | None = None


@dataclass(frozen=True)
class Metric:
    """One recorded value of a metric, at a step and time."""

    key: str
    value: float
    timestamp: int
    step: int = 0


@dataclass(frozen=True)
class RunInfo:
    """A run's identity and lifecycle."""

    run_id: str
    experiment_id: str
    run_name: str
    status: RunStatus
    start_time: int
    artifact_uri: str
    end_time: int | None = None
    user_id: str | None = None
    lifecycle_stage: LifecycleStage = LifecycleStage.ACTIVE

    @property
    def run_uuid(self) -> str:
        """MLflow's legacy name for ``run_id``."""
        return self.run_id


@dataclass(frozen=True)
class RunData:
    """What a run recorded: latest metric values, params and tags."""

    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """A training run: ``info`` and ``data``, as MLflow's ``Run``."""

    info: RunInfo
    data: RunData = field(default_factory=RunData)
