"""Registry entities: registered models, model versions, their stages and statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from modelreg.errors import InvalidStage

__all__ = [
    "ModelVersion",
    "ModelVersionStatus",
    "RegisteredModel",
    "Stage",
]


class Stage(StrEnum):
    """The stage of a model version; a version is in exactly one at a time."""

    NONE = "None"
    STAGING = "Staging"
    PRODUCTION = "Production"
    ARCHIVED = "Archived"

    def __repr__(self) -> str:
        return repr(self.value)

    @classmethod
    def parse(cls, value: str | Stage) -> Stage:
        """Return the stage named by ``value``, case-insensitively (``"staging"`` → Staging)."""
        if isinstance(value, Stage):
            return value
        if isinstance(value, str):
            for stage in cls:
                if stage.value.lower() == value.strip().lower():
                    return stage
        raise InvalidStage(value)


class ModelVersionStatus(StrEnum):
    """Where a version is in its registration: files being copied, ready, or failed."""

    PENDING_REGISTRATION = "PENDING_REGISTRATION"
    FAILED_REGISTRATION = "FAILED_REGISTRATION"
    READY = "READY"

    def __repr__(self) -> str:
        return repr(self.value)


@dataclass(frozen=True)
class ModelVersion:
    """One numbered version of a registered model.

    ``source`` is where the files came from (as the caller gave it); ``storage_location``
    is where the registry keeps its own copy, when it made one.
    """

    name: str
    version: int
    creation_timestamp: int
    last_updated_timestamp: int
    current_stage: Stage = Stage.NONE
    description: str = ""
    source: str = ""
    run_id: str | None = None
    run_link: str | None = None
    user_id: str | None = None
    status: ModelVersionStatus = ModelVersionStatus.READY
    status_message: str | None = None
    storage_location: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RegisteredModel:
    """A named model that groups its versions, with tags, aliases and a description.

    ``latest_versions`` holds the highest version in each stage that has one, ordered by
    version; ``aliases`` maps each alias to the version number it points at.
    """

    name: str
    creation_timestamp: int
    last_updated_timestamp: int
    description: str | None = None
    latest_versions: list[ModelVersion] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, int] = field(default_factory=dict)
