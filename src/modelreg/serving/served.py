"""The served models by name, which of a model's endpoints answers a request, and the state
the routes share.

A served model has its primary endpoint and, optionally, a canary that answers a share of
its requests. An endpoint is a holder (the version answering now) and the predictor thread
that runs its predictions.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from modelreg.errors import InvalidParameterValue
from modelreg.serving.batching import Predictor
from modelreg.serving.errors import ModelNotReady, ModelNotServed
from modelreg.serving.holder import HolderStatus, ModelHolder
from modelreg.serving.loading import LoadedModel, ModelSource, RegistryAccess
from modelreg.serving.metrics import Metrics
from modelreg.serving.settings import ModelSpec, ServingSettings

__all__ = ["Endpoint", "ScoringState", "ServedModel", "ServedModels", "served_models"]


@dataclass(frozen=True)
class Endpoint:
    """A holder and its predictor."""

    holder: ModelHolder
    predictor: Predictor

    def loaded(self) -> LoadedModel:
        """The version answering now; raises ModelNotReady while there is none."""
        current = self.holder.current
        if current is None:
            holder = self.holder
            if holder.status == HolderStatus.FAILED:
                raise ModelNotReady(
                    f"Model '{holder.name}' ({holder.uri}) could not be loaded: {holder.error}",
                    model=holder.name,
                )
            raise ModelNotReady(
                f"Model '{holder.name}' ({holder.uri}) is loading; retry shortly.",
                model=holder.name,
            )
        return current

    def matches(self, version: str) -> bool:
        """Whether ``version`` (a number, an alias or a stage) names this endpoint's model."""
        source = self.holder.source
        current = self.holder.current
        if version.isdigit():
            return current is not None and current.version == int(version)
        wanted = version.lower()
        return wanted in {
            (source.alias or "").lower(),
            (source.stage or "").lower(),
        } or (wanted == "latest" and source.models_uri is not None and source.models_uri.latest)


@dataclass(frozen=True)
class ServedModel:
    """One name's endpoints: the primary and an optional canary."""

    name: str
    primary: Endpoint
    canary: Endpoint | None = None

    def endpoints(self) -> list[Endpoint]:
        """The primary, then the canary."""
        return [self.primary] if self.canary is None else [self.primary, self.canary]

    def pick(self) -> Endpoint:
        """The endpoint answering the next request: the canary for its share of them."""
        canary = self.canary
        if (
            canary is not None
            and canary.holder.current is not None
            and random.random() * 100 < canary.holder.percent
        ):
            return canary
        return self.primary

    def at_version(self, version: str | None) -> Endpoint:
        """The endpoint serving ``version`` (a number or an alias); the split when None."""
        if version is None:
            return self.pick()
        for endpoint in self.endpoints():
            if endpoint.matches(version):
                return endpoint
        served = [
            f"{endpoint.holder.uri} (version {_version_text(endpoint)})"
            for endpoint in self.endpoints()
        ]
        raise ModelNotServed(
            f"Model '{self.name}' is not served at version '{version}'; served: "
            f"{', '.join(served)}.",
            model=self.name,
            version=version,
        )


def _version_text(endpoint: Endpoint) -> str:
    current = endpoint.holder.current
    if current is None:
        return "loading"
    return current.version_label or "unregistered"


class ServedModels:
    """All served models, by name."""

    def __init__(self, models: list[ServedModel]) -> None:
        self._models = {model.name: model for model in models}

    def __iter__(self) -> Iterator[ServedModel]:
        return iter(self._models.values())

    def __len__(self) -> int:
        return len(self._models)

    def names(self) -> list[str]:
        """The served names."""
        return list(self._models)

    def holders(self) -> list[ModelHolder]:
        """Every holder, primaries and canaries."""
        return [endpoint.holder for model in self for endpoint in model.endpoints()]

    def endpoints(self) -> list[Endpoint]:
        """Every endpoint."""
        return [endpoint for model in self for endpoint in model.endpoints()]

    def get(self, name: str | None) -> ServedModel:
        """The model served as ``name``; None names the only one when there is one."""
        if name is None:
            if len(self._models) == 1:
                return next(iter(self._models.values()))
            raise ModelNotServed(
                f"This server serves {len(self._models)} models: POST to /invocations/<name> "
                f"with one of {self.names()}.",
                served=self.names(),
            )
        model = self._models.get(name)
        if model is None:
            raise ModelNotServed(
                f"No model named '{name}' is served here; served: {self.names()}.",
                served=self.names(),
            )
        return model

    def ready(self) -> bool:
        """Whether every holder has a version loaded."""
        return all(holder.current is not None for holder in self.holders())


def served_models(
    model_uris: Sequence[str], settings: ServingSettings, registry: RegistryAccess, metrics: Metrics
) -> ServedModels:
    """The endpoints of ``model_uris`` and of the settings' canaries (nothing loaded yet)."""
    specs = [ModelSpec.parse(uri) for uri in model_uris]
    if not specs:
        raise InvalidParameterValue("Give at least one model URI to serve.")
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidParameterValue(
            f"Several served models are named {duplicates}: name them, e.g. -m fraud_v1=./model."
        )

    def endpoint(spec: ModelSpec, variant: str = "primary", percent: float = 0.0) -> Endpoint:
        source = ModelSource(spec, registry, batching=settings.batching)
        holder = ModelHolder(source, variant=variant, percent=percent)
        return Endpoint(holder, Predictor(holder, metrics, max_batch_rows=settings.max_batch_rows))

    models = {spec.name: ServedModel(spec.name, endpoint(spec)) for spec in specs}
    for canary in settings.canaries:
        if canary.name not in models:
            raise InvalidParameterValue(
                f"The canary {canary.uri} is for model '{canary.name}', which is not served "
                f"(served: {names})."
            )
        spec = ModelSpec(canary.uri, canary.name)
        primary = models[canary.name].primary
        models[canary.name] = ServedModel(
            canary.name, primary, endpoint(spec, "canary", canary.percent)
        )
    return ServedModels(list(models.values()))


@dataclass(frozen=True)
class ScoringState:
    """What the routes share: the served models, the settings and the metrics."""

    models: ServedModels
    settings: ServingSettings
    metrics: Metrics
