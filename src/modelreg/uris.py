"""Parse the model URIs users write: ``models:/``, ``runs:/``, and plain locations.

    models:/<name>/<version>      models:/Unicorn/3
    models:/<name>/<stage>        models:/Unicorn/Production (case-insensitive)
    models:/<name>/latest         the highest version, whatever its stage
    models:/<name>@<alias>        models:/Unicorn@champion
    runs:/<run_id>/<path>         runs:/0123abcd/model

Pure parsing: resolving a URI to files needs a registry and lives above this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from modelreg.entities import Stage
from modelreg.errors import InvalidParameterValue, InvalidStage

MODELS_SCHEME = "models:"
RUNS_SCHEME = "runs:"


@dataclass(frozen=True)
class ModelsUri:
    """A registered model version named by number, stage, alias or ``latest``."""

    name: str
    version: int | None = None
    stage: Stage | None = None
    alias: str | None = None

    @property
    def latest(self) -> bool:
        """Whether the URI asks for the highest version of any stage."""
        return self.version is None and self.stage is None and self.alias is None


@dataclass(frozen=True)
class RunsUri:
    """A path inside a run's artifacts."""

    run_id: str
    path: str


def _body(uri: str, scheme: str) -> str:
    body = uri[len(scheme) :]
    if not body.startswith("/"):
        raise InvalidParameterValue(f"Invalid URI '{uri}': expected {scheme}/...")
    return unquote(body.lstrip("/"))


def parse_models_uri(uri: str) -> ModelsUri:
    """Parse a ``models:/`` URI; raises InvalidParameterValue saying what the forms are."""
    body = _body(uri, MODELS_SCHEME)
    if "/" not in body and "@" in body:
        name, alias = body.rsplit("@", 1)
        if name and alias:
            return ModelsUri(name, alias=alias)
    parts = body.split("/")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise InvalidParameterValue(
            f"Invalid model URI '{uri}': use models:/<name>/<version>, "
            "models:/<name>/<stage>, models:/<name>/latest or models:/<name>@<alias>."
        )
    name, suffix = parts
    if suffix.isdigit():
        return ModelsUri(name, version=int(suffix))
    if suffix.lower() == "latest":
        return ModelsUri(name)
    try:
        return ModelsUri(name, stage=Stage.parse(suffix))
    except InvalidStage:
        raise InvalidParameterValue(
            f"Invalid model URI '{uri}': '{suffix}' is neither a version number, a stage "
            "(None, Staging, Production, Archived) nor 'latest'."
        ) from None


def parse_runs_uri(uri: str) -> RunsUri:
    """Parse a ``runs:/<run_id>/<path>`` URI."""
    body = _body(uri, RUNS_SCHEME)
    run_id, _, path = body.partition("/")
    if not run_id:
        raise InvalidParameterValue(f"Invalid run URI '{uri}': use runs:/<run_id>/<path>.")
    return RunsUri(run_id, path.strip("/"))


def scheme_of(uri: str) -> str:
    """The URI's scheme with its colon (``models:``, ``s3:``), or ``""`` for a plain path."""
    head, colon, _ = uri.partition(":")
    # One letter before the colon is a Windows drive, not a scheme.
    if not colon or len(head) < 2 or not head.replace("+", "").replace("-", "").isalnum():
        return ""
    return head.lower() + ":"
