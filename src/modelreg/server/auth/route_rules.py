"""Requests that need more than an authenticated user before they reach their route, because
the route calls no service that would check them: the artifact proxy and the webhooks.

Run and logged-model artifacts live under ``<experiment id>/...``: reading them needs READ
on the experiment, uploading EDIT and deleting MANAGE (as MLflow's proxy asks). A registered
version's files live under ``registry/<random folder>/``, a name only ``get-download-uri``
reveals to a reader of the model: any user may read inside such a folder (the proxy refuses
every write there). Anything else under the proxy (the root, ``registry/`` itself, odd
paths) is for administrators, and so are the webhooks, which see every model's events (as
in MLflow, where only administrators manage webhooks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelreg.artifacts import InvalidArtifactPath, normalize
from modelreg.entities.permissions import Permission
from modelreg.server.artifacts_proxy import PREFIXES as ARTIFACT_PREFIXES
from modelreg.service.access import Resource
from modelreg.service.registration import REGISTRY_FOLDER

__all__ = ["ADMINS_ONLY", "ANY_USER", "RouteRule", "route_rule"]


@dataclass(frozen=True)
class RouteRule:
    """What a request must hold: ``needed`` on ``resource``, or be an administrator."""

    resource: Resource | None = None
    needed: Permission | None = None
    admins_only: bool = False


ANY_USER = RouteRule()
ADMINS_ONLY = RouteRule(admins_only=True)

_WEBHOOKS = re.compile(r"/(ajax-)?api/2\.0/(mlflow|modelreg)/webhooks(/|$)")
_NEEDED_BY_METHOD = {
    "GET": Permission.READ,
    "HEAD": Permission.READ,
    "PUT": Permission.EDIT,
    "DELETE": Permission.MANAGE,
}


def _artifact_path(path: str, query_path: str | None) -> str | None:
    """The artifact path a proxy URL names (its ``?path=`` for a listing), or None."""
    for prefix in ARTIFACT_PREFIXES:
        base = f"{prefix}/artifacts"
        if path == base:
            return query_path or ""
        if path.startswith(base + "/"):
            return path[len(base) + 1 :]
    return None


def _artifact_rule(method: str, artifact: str) -> RouteRule:
    try:
        parts = normalize(artifact, allow_root=True).split("/")
    except InvalidArtifactPath:
        return ADMINS_ONLY
    needed = _NEEDED_BY_METHOD.get(method.upper())
    if needed is None:
        return ADMINS_ONLY
    if parts[0].isascii() and parts[0].isdigit():
        return RouteRule(Resource.experiment(parts[0]), needed)
    if parts[0] == REGISTRY_FOLDER and len(parts) > 1 and needed == Permission.READ:
        return ANY_USER
    return ADMINS_ONLY


def route_rule(method: str, path: str, query_path: str | None) -> RouteRule | None:
    """The rule for a request (``query_path``: its ``?path=``); None when the route's own
    service checks it."""
    if _WEBHOOKS.match(path):
        return ADMINS_ONLY
    artifact = _artifact_path(path, query_path)
    return None if artifact is None else _artifact_rule(method, artifact)
