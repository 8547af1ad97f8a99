"""Fixtures of the UI's in-process tests: the app on a fresh SQLite registry, a form poster,
and a run that logged a small model folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from modelreg.backend import LocalBackend, open_local_backend
from modelreg.config import Settings
from modelreg.models import ColSpec, ModelSignature, Schema
from modelreg.models.mlmodel import MLmodel
from modelreg.server import create_app
from modelreg.server.ui import csrf
from tests.conftest import FakeClock

COLUMNS = ["R&D Spend", "State"]


class Ui:
    """The app through Starlette's TestClient, with the CSRF token a browser would send."""

    def __init__(self, client: TestClient, backend: LocalBackend) -> None:
        self.client = client
        self.backend = backend

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(url, **kwargs)

    def token(self) -> str:
        """The CSRF token of this browser session (a page is loaded first if need be)."""
        token = self.client.cookies.get(csrf.COOKIE)
        if token is None:
            self.client.get("/")
            token = self.client.cookies.get(csrf.COOKIE)
        assert token is not None
        return token

    def post(self, url: str, follow: bool = True, **fields: str) -> httpx.Response:
        """Submit a form as the page would, CSRF token included."""
        data = {csrf.FIELD: self.token(), **fields}
        return self.client.post(url, data=data, follow_redirects=follow)


def page(response: httpx.Response, status: int = 200) -> str:
    """The HTML of a response with this status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def write_model_folder(folder: Path, *, example: bool = True) -> Path:
    """A small model folder: an ``MLmodel`` with a signature, and the input examples."""
    folder.mkdir(parents=True)
    info = None
    if example:
        info = {
            "artifact_path": "input_example.json",
            "serving_input_path": "serving_input_example.json",
            "type": "dataframe",
            "pandas_orient": "split",
        }
        split = {"columns": COLUMNS, "data": [[165349.2, "New York"]]}
        (folder / "input_example.json").write_text(json.dumps(split))
        (folder / "serving_input_example.json").write_text(
            json.dumps({"dataframe_split": split}, indent=2)
        )
    MLmodel(
        flavors={"python_function": {"loader_module": "tests.ui.none"}},
        signature=ModelSignature(
            Schema([ColSpec("double", COLUMNS[0]), ColSpec("string", COLUMNS[1])]),
            Schema([ColSpec("double")]),
        ),
        saved_input_example_info=info,
    ).save(folder)
    return folder


def log_model_run(backend: LocalBackend, tmp_path: Path, *, name: str = "baseline") -> str:
    """A finished run with params, a metric history and a model folder under ``model/``."""
    tracking = backend.tracking
    run_id = tracking.create_run(tracking.default_experiment_id(), run_name=name).info.run_id
    tracking.log_param(run_id, "alpha", "0.1")
    for step, value in enumerate([0.61, 0.74, 0.82, 0.88]):
        tracking.log_metric(run_id, "r2", value, step=step)
    tracking.log_metric(run_id, "rmse", 812.5)
    folder = write_model_folder(tmp_path / f"model-{run_id}")
    tracking.log_artifacts(run_id, str(folder), "model")
    (tmp_path / "notes.txt").write_text("hello <b>world</b>")
    tracking.log_artifact(run_id, str(tmp_path / "notes.txt"), "extra")
    tracking.set_terminated(run_id)
    return run_id


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """An empty SQLite registry with its artifacts beside it."""
    return Settings.resolve(
        f"sqlite:///{tmp_path / 'registry.db'}", artifact_root=str(tmp_path / "artifacts")
    )


@pytest.fixture
def backend(settings: Settings) -> Iterator[LocalBackend]:
    """The services on the empty registry, with a 1 ms/tick clock."""
    services = open_local_backend(settings, clock=FakeClock(), local_sources=False)
    yield services
    services.close()


@pytest.fixture
def ui(settings: Settings, backend: LocalBackend) -> Iterator[Ui]:
    """The app on ``backend``, its lifespan running."""
    with TestClient(create_app(settings, backend=backend)) as client:
        yield Ui(client, backend)


@pytest.fixture
def run_id(backend: LocalBackend, tmp_path: Path) -> str:
    """A run that logged a model folder at ``model/``."""
    return log_model_run(backend, tmp_path)


@pytest.fixture
def unicorn(backend: LocalBackend, run_id: str) -> LocalBackend:
    """Unicorn: version 1 (Production) and version 2 (Staging, alias champion), from the run."""
    backend.registry.create_registered_model(
        "Unicorn", tags={"team": "growth"}, description="Predicts **profit**."
    )
    for _ in range(2):
        backend.registration.register_model(f"runs:/{run_id}/model", "Unicorn")
    backend.registry.transition_model_version_stage("Unicorn", 1, "Production")
    backend.registry.transition_model_version_stage("Unicorn", 2, "Staging")
    backend.registry.set_registered_model_alias("Unicorn", "champion", 2)
    return backend
