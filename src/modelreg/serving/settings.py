"""What a scoring server serves and its limits: :class:`ServingSettings`, built once at the edge.

A served model is named by ``-m [NAME=]URI``; a canary by ``--canary URI:PERCENT%``. The
settings travel to uvicorn's worker processes as JSON in :data:`SERVING_CONFIG_ENV`.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from modelreg.config import Settings
from modelreg.entities.logged_models import is_logged_model_id
from modelreg.errors import InvalidParameterValue
from modelreg.uris import MODELS_SCHEME, RUNS_SCHEME, parse_models_uri, parse_runs_uri, scheme_of

__all__ = ["SERVING_CONFIG_ENV", "CanarySpec", "ModelSpec", "ServingSettings"]

#: How the ``modelreg models serve`` command hands its settings to its worker processes.
SERVING_CONFIG_ENV = "MODELREG_SERVING_CONFIG"

_NAME_PREFIX = re.compile(r"^([A-Za-z0-9_.\-]+)=(.+)$")
_CANARY = re.compile(r"^(.+):(\d+(?:\.\d+)?)%$")


@dataclass(frozen=True)
class ModelSpec:
    """A model to serve: the URI as given and the name it is served under."""

    uri: str
    name: str

    @classmethod
    def parse(cls, value: str) -> ModelSpec:
        """``models:/Unicorn/Production`` (served as Unicorn) or ``fraud=./model``."""
        value = value.strip()
        match = _NAME_PREFIX.match(value)
        if match and scheme_of(value) == "":
            return cls(match.group(2), match.group(1))
        return cls(value, default_name(value))


@dataclass(frozen=True)
class CanarySpec:
    """A challenger that answers ``percent`` % of the requests for the model ``name``."""

    uri: str
    name: str
    percent: float

    @classmethod
    def parse(cls, value: str) -> CanarySpec:
        """``models:/Unicorn@challenger:10%``."""
        match = _CANARY.match(value.strip())
        if not match:
            raise InvalidParameterValue(
                f"Invalid canary {value!r}: use URI:PERCENT%, e.g. models:/Unicorn@challenger:10%."
            )
        uri, percent = match.group(1), float(match.group(2))
        if not 0 < percent < 100:
            raise InvalidParameterValue(
                f"Invalid canary {value!r}: the percentage must be between 0 and 100."
            )
        spec = ModelSpec.parse(uri)
        return cls(spec.uri, spec.name, percent)


def default_name(uri: str) -> str:
    """The name a model is served under: its registered name, else its folder's name."""
    scheme = scheme_of(uri)
    if scheme == MODELS_SCHEME:
        body = uri[len(MODELS_SCHEME) :].lstrip("/")
        if is_logged_model_id(body):
            return body
        return parse_models_uri(uri).name
    if scheme == RUNS_SCHEME:
        return PurePosixPath(parse_runs_uri(uri).path or "model").name
    path = uri.split("://", 1)[-1] if scheme else uri
    return PurePosixPath(path.rstrip("/")).name or Path(path).resolve().name or "model"


@dataclass(frozen=True)
class ServingSettings:
    """How the scoring server runs.

    Args:
        registry: where ``models:/`` and ``runs:/`` URIs are resolved.
        poll_interval: seconds between two looks at the registry for a stage or alias
            that moved (0: never look).
        timeout: seconds a prediction may take before the request gets a 504.
        max_body_bytes: the largest request body accepted (larger: 413).
        max_rows: the most rows one request may carry (more: 413).
        batching: predict concurrent requests of sklearn models together.
        max_batch_rows: the most rows predicted together in one batch.
        load_before_serving: load the models before taking requests (each worker of a
            multi-process server then joins only once ready); else ``/ping`` answers 503
            while they load.
    """

    registry: Settings
    poll_interval: float = 10.0
    timeout: float = 60.0
    max_body_bytes: int = 64 * 1024 * 1024
    max_rows: int = 100_000
    batching: bool = True
    max_batch_rows: int = 10_000
    load_before_serving: bool = False
    canaries: tuple[CanarySpec, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.poll_interval < 0 or self.timeout <= 0:
            raise InvalidParameterValue("poll_interval must be >= 0 and timeout > 0.")
        if self.max_body_bytes <= 0 or self.max_rows <= 0 or self.max_batch_rows <= 0:
            raise InvalidParameterValue("max_body_bytes, max_rows and max_batch_rows must be > 0.")

    def to_json(self, model_uris: list[str]) -> str:
        """The settings and the model URIs, for the worker processes."""
        data: dict[str, Any] = asdict(self)
        data["registry"]["cache_dir"] = str(self.registry.cache_dir)
        return json.dumps({"model_uris": model_uris, "settings": data})

    @classmethod
    def from_json(cls, text: str) -> tuple[list[str], ServingSettings]:
        """Read what :meth:`to_json` wrote."""
        data = json.loads(text)
        settings = dict(data["settings"])
        registry = settings.pop("registry")
        registry["cache_dir"] = Path(registry["cache_dir"])
        canaries = tuple(CanarySpec(**canary) for canary in settings.pop("canaries"))
        return list(data["model_uris"]), cls(
            registry=Settings(**registry), canaries=canaries, **settings
        )
