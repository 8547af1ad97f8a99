"""Fixtures of the scoring-server tests: the startups models, a registry holding them, and
scoring apps run in-process through Starlette's TestClient."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sklearn.pipeline import Pipeline
from starlette.applications import Starlette
from starlette.testclient import TestClient

import modelreg.sklearn
from modelreg import Client
from modelreg.config import Settings
from modelreg.serving import ServingSettings, create_scoring_app
from tests.startups import make_pipeline, make_profit, make_startups

COLUMNS = ["R&D Spend", "Administration", "Marketing Spend", "State"]
#: Version 2 predicts exactly this much more than version 1, so answers tell them apart.
V2_OFFSET = 10_000.0


@pytest.fixture(scope="session")
def startups() -> pd.DataFrame:
    """The startups table; its first two rows are those of the wire capture."""
    return make_startups()


@pytest.fixture(scope="session")
def pipeline(startups: pd.DataFrame) -> Pipeline:
    return make_pipeline(startups)


@pytest.fixture(scope="session")
def model_v1(
    tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline, startups: pd.DataFrame
) -> Path:
    """The startups regression saved with an input example (so it has a signature)."""
    path = tmp_path_factory.mktemp("models") / "v1"
    modelreg.sklearn.save_model(pipeline, path, input_example=startups.head(2))
    return path


@pytest.fixture(scope="session")
def model_v2(tmp_path_factory: pytest.TempPathFactory, startups: pd.DataFrame) -> Path:
    """The same regression fitted on a profit ``V2_OFFSET`` higher."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LinearRegression
    from sklearn.preprocessing import OneHotEncoder

    encode = ColumnTransformer(
        [("state", OneHotEncoder(handle_unknown="ignore"), ["State"])], remainder="passthrough"
    )
    fitted = Pipeline([("encode", encode), ("regress", LinearRegression())]).fit(
        startups, make_profit(startups) + V2_OFFSET
    )
    path = tmp_path_factory.mktemp("models") / "v2"
    modelreg.sklearn.save_model(fitted, path, input_example=startups.head(2))
    return path


@pytest.fixture
def registry_settings(tmp_path: Path) -> Settings:
    """A fresh SQLite registry (its artifacts and model cache under tmp_path)."""
    return settings_in(tmp_path)


@pytest.fixture
def client(registry_settings: Settings) -> Iterator[Client]:
    client = Client(registry_settings.tracking_uri, artifact_root=registry_settings.artifact_root)
    yield client
    client.close()


def register_unicorn(client: Client, model_v1: Path, model_v2: Path) -> Client:
    """Unicorn: version 1 (Production, alias champion) and version 2 (no stage)."""
    client.create_registered_model("Unicorn")
    client.create_model_version("Unicorn", source=str(model_v1))
    client.create_model_version("Unicorn", source=str(model_v2))
    client.transition_model_version_stage("Unicorn", 1, "Production")
    client.set_registered_model_alias("Unicorn", "champion", 1)
    return client


@pytest.fixture
def unicorn(client: Client, model_v1: Path, model_v2: Path) -> Client:
    """Unicorn in the fresh registry (see :func:`register_unicorn`)."""
    return register_unicorn(client, model_v1, model_v2)


def settings_in(folder: Path) -> Settings:
    """The settings of a SQLite registry in ``folder``."""
    return Settings(
        f"sqlite:///{folder / 'registry.db'}", str(folder / "artifacts"), folder / "cache"
    )


def wait_until(condition: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def wait_ready(session: TestClient) -> None:
    """Wait until the app's models are loaded (``/ping`` answers 200)."""
    wait_until(lambda: session.get("/ping").status_code == 200, what="/ping 200")


ServeFactory = Callable[..., TestClient]


@pytest.fixture
def serve(registry_settings: Settings) -> Iterator[ServeFactory]:
    """Start a scoring app in-process: ``serve(uris, **settings)`` -> a ready TestClient."""
    sessions: list[TestClient] = []

    def start(uris: list[str], *, wait: bool = True, **options: Any) -> TestClient:
        settings = ServingSettings(registry_settings, **options)
        app: Starlette = create_scoring_app(uris, settings)
        session = TestClient(app, raise_server_exceptions=True)
        session.__enter__()
        sessions.append(session)
        if wait:
            wait_ready(session)
        return session

    yield start
    for session in sessions:
        session.__exit__(None, None, None)


def split_body(frame: pd.DataFrame) -> dict[str, Any]:
    """The ``dataframe_split`` request of ``frame`` (without its index)."""
    return {"dataframe_split": {"columns": list(frame.columns), "data": frame.values.tolist()}}


@pytest.fixture(scope="session")
def custom_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The custom models of ``tests.serving.models``, saved once."""
    from tests.serving.models import save_all

    return save_all(tmp_path_factory.mktemp("custom"))
