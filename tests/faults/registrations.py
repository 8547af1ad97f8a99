"""A registration on a server process, watched from outside: its version over the REST API,
and its copy on the artifact root (how far it got)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from modelreg.artifacts.atomic import PARTIAL_SUFFIX
from modelreg.entities import ModelVersionStatus
from tests.faults.servers import Deployment, Server
from tests.webhooks.receiver import eventually

MLFLOW = "/api/2.0/mlflow"
PROXIED = "mlflow-artifacts:/"


def version_of(server: Server, name: str, number: int) -> dict[str, str] | None:
    """The version as the server shows it (None if it does not exist yet)."""
    found = _get(server, "model-versions/get", name, number)
    return None if found is None else found["model_version"]


def download_uri(server: Server, name: str, number: int) -> str:
    """Where the server says the version's files are: its registry copy (complete or not)
    while it has one, else its source."""
    found = _get(server, "model-versions/get-download-uri", name, number)
    assert found is not None
    return str(found["artifact_uri"])


def _get(server: Server, endpoint: str, name: str, number: int) -> dict[str, Any] | None:
    params = {"name": name, "version": str(number)}
    response = httpx.get(f"{server.url}{MLFLOW}/{endpoint}", params=params, timeout=10)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def proxied_folder(deployment: Deployment, uri: str) -> Path:
    """The folder of the artifact root a ``mlflow-artifacts:/`` URI names."""
    assert uri.startswith(PROXIED), uri
    return deployment.artifacts / uri[len(PROXIED) :]


def copied_files(folder: Path) -> list[Path]:
    """The complete files in a folder (not those being written)."""
    if not folder.is_dir():
        return []
    return [path for path in folder.iterdir() if not path.name.endswith(PARTIAL_SUFFIX)]


def caught_mid_copy(deployment: Deployment, server: Server, name: str) -> Path:
    """Wait until version 1 of ``name`` is PENDING_REGISTRATION with some of its files
    copied; the folder of its copy."""

    def partly_copied() -> Path | None:
        version = version_of(server, name, 1)
        if version is None:
            return None
        assert version["status"] == ModelVersionStatus.PENDING_REGISTRATION.value, version
        folder = proxied_folder(deployment, download_uri(server, name, 1))
        return folder if copied_files(folder) else None

    return eventually(partly_copied, timeout=60)


def finished(server: Server, name: str, number: int, timeout: float) -> dict[str, str]:
    """The version once it is no longer PENDING_REGISTRATION."""

    def done() -> dict[str, str] | None:
        version = version_of(server, name, number)
        assert version is not None
        return version if version["status"] != "PENDING_REGISTRATION" else None

    return eventually(done, timeout=timeout)
